"""The index pages' listings: filtered, ordered and paginated, a page of cards.

Each index page's `get_context` hands its own pages (a queryset) to a function here, so this
module imports no publicity model: the models use it, never the other way round."""

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.http import QueryDict
from wagtail.images import get_image_model

from coverage.models import Region
from publicity.forms import ArticleFilterForm, BaseFilterForm, CampaignFilterForm, CaseFilterForm

# The rendition the listing templates show (publicity/includes/card.html); prefetched with
# the pages, so a list of twelve costs no query per picture.
LISTING_RENDITION = "fill-480x270"
LISTING_PAGE_SIZE = 12


def with_listing_images(pages: QuerySet) -> QuerySet:
    images = get_image_model().objects.prefetch_renditions(LISTING_RENDITION)
    return pages.prefetch_related(Prefetch("listing_image", queryset=images))


def paginate(pages, params: QueryDict, per_page: int | None = None) -> PaginatorPage:
    return Paginator(pages, per_page or LISTING_PAGE_SIZE).get_page(params.get("page"))


def _years(pages: QuerySet, field_name: str) -> list[int]:
    return [day.year for day in pages.dates(field_name, "year", order="DESC")]


def _in_region(pages: QuerySet, region: Region | None) -> QuerySet:
    return pages.filter(region__path__startswith=region.path) if region else pages


def article_listing(*, articles: QuerySet, params: QueryDict) -> dict:
    """The index's articles, filtered by topic, tag and year, newest first, a page of them."""
    form = ArticleFilterForm(params, years=_years(articles, "date"))
    chosen = form.filters()
    if "tag" in chosen:
        articles = articles.filter(tags__slug=chosen["tag"])
    if "year" in chosen:
        articles = articles.filter(date__year=chosen["year"])
    topic_counts = dict(
        articles.order_by()
        .values_list("topic")
        .annotate(count=Count("pk"))
        .values_list("topic", "count")
    )
    if "topic" in chosen:
        articles = articles.filter(topic=chosen["topic"])
    articles = with_listing_images(articles).order_by("-date", "-pk")
    page = paginate(articles, params)
    return {
        "filter_form": form,
        "filters": chosen,
        "topic_counts": topic_counts,
        "items": page,
        "result_count": page.paginator.count,
    }


def case_listing(*, cases: QuerySet, params: QueryDict) -> dict:
    """Typical cases by industry, city, accident type and year, the latest accident first."""
    form = CaseFilterForm(params, years=_years(cases, "occurred_on"))
    chosen = form.filters()
    cases = _in_region(cases, chosen.get("region"))
    if "industry" in chosen:
        cases = cases.filter(industry=chosen["industry"])
    if "accident_type" in chosen:
        cases = cases.filter(accident_type=chosen["accident_type"])
    if "year" in chosen:
        cases = cases.filter(occurred_on__year=chosen["year"])
    cases = with_listing_images(cases.select_related("industry", "region")).order_by(
        "-occurred_on", "-pk"
    )
    page = paginate(cases, params)
    return {
        "filter_form": form,
        "filters": chosen,
        "items": page,
        "result_count": page.paginator.count,
    }


def campaign_listing(*, campaigns: QuerySet, params: QueryDict) -> dict:
    """Campaigns by key industry, region (with everything in it) and year, the latest first."""
    form = CampaignFilterForm(params, years=_years(campaigns, "start_date"))
    chosen = form.filters()
    campaigns = _in_region(campaigns, chosen.get("region"))
    if "industry" in chosen:
        campaigns = campaigns.filter(industry=chosen["industry"])
    if "year" in chosen:
        campaigns = campaigns.filter(year=chosen["year"])
    campaigns = with_listing_images(campaigns.select_related("industry", "region")).order_by(
        "-start_date", "-pk"
    )
    page = paginate(campaigns, params)
    return {
        "filter_form": form,
        "filters": chosen,
        "items": page,
        "result_count": page.paginator.count,
    }


def base_listing(*, bases: QuerySet, params: QueryDict) -> dict:
    """The base directory: by city (with its counties) and filing status, in region order."""
    form = BaseFilterForm(params)
    chosen = form.filters()
    bases = _in_region(bases, chosen.get("region"))
    if "filing_status" in chosen:
        bases = bases.filter(filing_status=chosen["filing_status"])
    bases = with_listing_images(bases.select_related("region", "region__parent")).order_by(
        "region__path", "title"
    )
    page = paginate(bases, params)
    return {
        "filter_form": form,
        "filters": chosen,
        "items": page,
        "result_count": page.paginator.count,
    }
