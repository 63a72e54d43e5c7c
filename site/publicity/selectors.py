"""Reads of the publicity part: site search and the regulators' plan tracking (the index pages'
listings are in publicity.listings). Figures come from SQL aggregation, never from loops over
pages."""

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from wagtail.models import Page

from coverage.designations.selectors import industries_key
from coverage.models import Industry, Region
from publicity.listings import paginate
from publicity.models import (
    ArticlePage,
    CampaignPage,
    CasePage,
    FilingStatus,
    WarningBasePage,
)
from publicity.search import search_query_terms

SEARCH_PAGE_SIZE = 10
SEARCH_QUERY_MAX_LENGTH = 100


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
    page = paginate(results, params, SEARCH_PAGE_SIZE)
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
    industries = industries_key().annotate(
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
