"""Publicity campaigns per key industry and warning-education bases (site/publicity)."""

from coverage.models import Region
from publicity.selectors import base_tracking, campaign_tracking


def campaigns_section(*, region: Region, year: int) -> dict:
    """Live publicity campaigns in the year per key industry, and the industries lacking one."""
    tracking = campaign_tracking(region=region, year=year)
    return {
        "industries": [
            {"code": i.code, "name": i.name, "campaigns": i.campaign_count}
            for i in sorted(tracking.covered + tracking.lacking, key=lambda i: i.code)
        ],
        "lacking": [industry.name for industry in tracking.lacking],
    }


def bases_section(*, region: Region) -> dict:
    """Warning-education bases filed by the region's cities and counties, and those lacking."""
    tracking = base_tracking(region=region)

    def names(regions: list[Region]) -> list[str]:
        return [place.name for place in regions]

    return {
        "cities_with": names(tracking.cities_with),
        "cities_without": names(tracking.cities_without),
        "counties_with": names(tracking.counties_with),
        "counties_without": names(tracking.counties_without),
    }
