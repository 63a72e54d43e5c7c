"""Reads of the publicity part: index listings, the home page's highlights, site search and
the regulators' plan tracking. Figures come from SQL aggregation, never from loops over pages."""

from dataclasses import dataclass, field

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from wagtail.images import get_image_model
from wagtail.models import Page

from coverage.models import Industry, Region
from publicity.forms import ArticleFilterForm, BaseFilterForm, CampaignFilterForm, CaseFilterForm
from publicity.models import (
    ArticleIndexPage,
    ArticlePage,
    CampaignIndexPage,
    CampaignPage,
    CaseIndexPage,
    CasePage,
    FilingStatus,
    HomePage,
    WarningBaseIndexPage,
    WarningBasePage,
)
from publicity.search import search_query_terms

# The rendition the listing templates show (publicity/includes/card.html); prefetched with
# the pages, so a list of twelve costs no query per picture.
LISTING_RENDITION = "fill-480x270"
LISTING_PAGE_SIZE = 12
SEARCH_PAGE_SIZE = 10
SEARCH_QUERY_MAX_LENGTH = 100


def _with_listing_images(pages: QuerySet) -> QuerySet:
    images = get_image_model().objects.prefetch_renditions(LISTING_RENDITION)
    return pages.prefetch_related(Prefetch("listing_image", queryset=images))


def _paginate(pages, params: QueryDict, per_page: int | None = None) -> PaginatorPage:
    return Paginator(pages, per_page or LISTING_PAGE_SIZE).get_page(params.get("page"))


def _years(pages: QuerySet, field_name: str) -> list[int]:
    return [day.year for day in pages.dates(field_name, "year", order="DESC")]


def _in_region(pages: QuerySet, region: Region | None) -> QuerySet:
    return pages.filter(region__path__startswith=region.path) if region else pages


def article_listing(*, index: ArticleIndexPage, params: QueryDict) -> dict:
    """Articles under the index, filtered by topic, tag and year, newest first, a page of them."""
    articles = ArticlePage.objects.live().public().descendant_of(index)
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
    articles = _with_listing_images(articles).order_by("-date", "-pk")
    page = _paginate(articles, params)
    return {
        "filter_form": form,
        "filters": chosen,
        "topic_counts": topic_counts,
        "items": page,
        "result_count": page.paginator.count,
    }


def case_listing(*, index: CaseIndexPage, params: QueryDict) -> dict:
    """Typical cases by industry, city, accident type and year, the latest accident first."""
    cases = CasePage.objects.live().public().descendant_of(index)
    form = CaseFilterForm(params, years=_years(cases, "occurred_on"))
    chosen = form.filters()
    cases = _in_region(cases, chosen.get("region"))
    if "industry" in chosen:
        cases = cases.filter(industry=chosen["industry"])
    if "accident_type" in chosen:
        cases = cases.filter(accident_type=chosen["accident_type"])
    if "year" in chosen:
        cases = cases.filter(occurred_on__year=chosen["year"])
    cases = _with_listing_images(cases.select_related("industry", "region")).order_by(
        "-occurred_on", "-pk"
    )
    page = _paginate(cases, params)
    return {
        "filter_form": form,
        "filters": chosen,
        "items": page,
        "result_count": page.paginator.count,
    }


def campaign_listing(*, index: CampaignIndexPage, params: QueryDict) -> dict:
    """Campaigns by key industry, region (with everything in it) and year, the latest first."""
    campaigns = CampaignPage.objects.live().public().descendant_of(index)
    form = CampaignFilterForm(params, years=_years(campaigns, "start_date"))
    chosen = form.filters()
    campaigns = _in_region(campaigns, chosen.get("region"))
    if "industry" in chosen:
        campaigns = campaigns.filter(industry=chosen["industry"])
    if "year" in chosen:
        campaigns = campaigns.filter(year=chosen["year"])
    campaigns = _with_listing_images(campaigns.select_related("industry", "region")).order_by(
        "-start_date", "-pk"
    )
    page = _paginate(campaigns, params)
    return {
        "filter_form": form,
        "filters": chosen,
        "items": page,
        "result_count": page.paginator.count,
    }


def base_listing(*, index: WarningBaseIndexPage, params: QueryDict) -> dict:
    """The base directory: by city (with its counties) and filing status, in region order."""
    bases = WarningBasePage.objects.live().public().descendant_of(index)
    form = BaseFilterForm(params)
    chosen = form.filters()
    bases = _in_region(bases, chosen.get("region"))
    if "filing_status" in chosen:
        bases = bases.filter(filing_status=chosen["filing_status"])
    bases = _with_listing_images(bases.select_related("region", "region__parent")).order_by(
        "region__path", "title"
    )
    page = _paginate(bases, params)
    return {
        "filter_form": form,
        "filters": chosen,
        "items": page,
        "result_count": page.paginator.count,
    }


def home_highlights(*, home: HomePage, articles: int = 4, cases: int = 3) -> dict:
    """The featured campaign (or the latest), the latest articles and cases, the indexes."""
    campaigns = CampaignPage.objects.live().public().select_related("industry", "region")
    featured = None
    if home.featured_campaign_id:
        featured = campaigns.filter(pk=home.featured_campaign_id).first()
    if featured is None:
        featured = campaigns.order_by("-start_date", "-pk").first()
    indexes = {
        page.specific_class: page
        for page in Page.objects.live()
        .child_of(home)
        .type(ArticleIndexPage, CaseIndexPage, CampaignIndexPage, WarningBaseIndexPage)
    }
    return {
        "featured_campaign": featured,
        "latest_articles": _with_listing_images(ArticlePage.objects.live().public()).order_by(
            "-date", "-pk"
        )[:articles],
        "latest_cases": _with_listing_images(
            CasePage.objects.live().public().select_related("industry", "region")
        ).order_by("-occurred_on", "-pk")[:cases],
        "article_index": indexes.get(ArticleIndexPage),
        "case_index": indexes.get(CaseIndexPage),
        "campaign_index": indexes.get(CampaignIndexPage),
        "base_index": indexes.get(WarningBaseIndexPage),
    }


def page_search(*, query: str, params: QueryDict) -> dict:
    """Live public pages matching every term of the query (publicity.search), a page of them."""
    query = query.strip()[:SEARCH_QUERY_MAX_LENGTH]
    terms = search_query_terms(query)
    if not terms:
        return {"query": query, "items": None, "result_count": 0}
    # Publicity content only: never lessons (open to enrolled learners only); the course
    # catalogue has its own page.
    results = (
        Page.objects.live()
        .public()
        .type(ArticlePage, CasePage, CampaignPage, WarningBasePage)
        .specific()
        .search(terms, operator="and")
    )
    page = _paginate(results, params, SEARCH_PAGE_SIZE)
    return {"query": query, "items": page, "result_count": page.paginator.count}


def _path_and_ancestors(region: Region) -> list[str]:
    codes = region.path.strip("/").split("/")
    return ["/" + "/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]


@dataclass
class CampaignTracking:
    region: Region
    year: int
    covered: list[Industry] = field(default_factory=list)
    lacking: list[Industry] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.lacking)


def campaign_tracking(*, region: Region, year: int) -> CampaignTracking:
    """Key industries with and without a live campaign in the year that covers the region.

    A campaign covers the region when it was held for the region itself, for a region above it
    (a province-wide campaign counts for every city and county) or inside it (a county's
    campaign counts for its city and the province)."""
    campaigns = (
        CampaignPage.objects.live()
        .filter(year=year, industry=OuterRef("pk"))
        .filter(
            Q(region__path__in=_path_and_ancestors(region))
            | Q(region__path__startswith=region.path)
        )
        .order_by()
        .values("industry")
        .annotate(count=Count("pk"))
        .values("count")
    )
    industries = Industry.objects.filter(is_key=True).annotate(
        campaign_count=Coalesce(Subquery(campaigns, output_field=IntegerField()), 0)
    )
    tracking = CampaignTracking(region=region, year=year)
    for industry in industries.order_by("code"):
        (tracking.covered if industry.campaign_count else tracking.lacking).append(industry)
    return tracking


@dataclass
class BaseTracking:
    region: Region
    cities: list[Region] = field(default_factory=list)
    counties: list[Region] = field(default_factory=list)

    @staticmethod
    def _split(regions: list[Region]) -> tuple[list[Region], list[Region]]:
        return [r for r in regions if r.filed_bases], [r for r in regions if not r.filed_bases]

    @property
    def cities_with(self) -> list[Region]:
        return self._split(self.cities)[0]

    @property
    def cities_without(self) -> list[Region]:
        return self._split(self.cities)[1]

    @property
    def counties_with(self) -> list[Region]:
        return self._split(self.counties)[0]

    @property
    def counties_without(self) -> list[Region]:
        return self._split(self.counties)[1]


def _base_count(**conditions) -> Coalesce:
    bases = (
        WarningBasePage.objects.live()
        .filter(region=OuterRef("pk"), **conditions)
        .order_by()
        .values("region")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(bases, output_field=IntegerField()), 0)


def base_tracking(*, region: Region) -> BaseTracking:
    """Cities and counties in the region with and without a live, filed base of their own.

    A base counts for the region it is filed for only: a city's base does not cover its
    counties, nor a county's base its city (the plan asks for one at each level)."""
    regions = (
        Region.objects.filter(
            path__startswith=region.path, level__in=[Region.Level.CITY, Region.Level.COUNTY]
        )
        .select_related("parent")
        .annotate(
            filed_bases=_base_count(filing_status=FilingStatus.FILED),
            unfiled_bases=_base_count(
                filing_status__in=[FilingStatus.NOT_FILED, FilingStatus.PENDING]
            ),
        )
        .order_by("path")
    )
    tracking = BaseTracking(region=region)
    for place in regions:
        (tracking.cities if place.level == Region.Level.CITY else tracking.counties).append(place)
    return tracking
