"""Accident-figure files: the columns, and every problem of every row said so that the
regulator can fix it (the file itself is read by coverage.rosters.files, as rosters are)."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from coverage.models import Industry, Region
from coverage.rosters.files import RosterFileError, table_read

# The template's headers: part of the file format, Chinese in every interface language.
COLUMN_LABELS = {
    "region": "地区代码",
    "industry": "行业",
    "year": "年份",
    "injuries": "工伤认定人数",
    "deaths": "工亡人数",
    "occupational_diseases": "职业病人数",
    "pneumoconiosis": "其中尘肺病人数",
    "insured": "参保人数",
}
COUNT_FIELDS = ("injuries", "deaths", "occupational_diseases", "pneumoconiosis", "insured")
HEADER_ALIASES = {
    "region": {"地区代码", "地区", "行政区划代码", "区划代码", "地区名称", "region"},
    "industry": {"行业", "行业代码", "行业名称", "industry"},
    "year": {"年份", "年度", "统计年度", "year"},
    "injuries": {"工伤认定人数", "工伤认定", "认定工伤人数", "injuries"},
    "deaths": {"工亡人数", "工亡", "死亡人数", "deaths"},
    "occupational_diseases": {"职业病人数", "职业病", "职业病病例", "occupationaldiseases"},
    "pneumoconiosis": {"其中尘肺病人数", "尘肺病人数", "其中尘肺病", "尘肺病", "pneumoconiosis"},
    "insured": {"参保人数", "工伤保险参保人数", "参保职工人数", "insured"},
}
_HEADER_FIELD = {alias: field for field, aliases in HEADER_ALIASES.items() for alias in aliases}
_HEADER_NOISE = re.compile(r"[(（\[【].*?[)）\]】]|[\s_\-*＊:：.]")
_NUMBER_NOISE = re.compile(r"[\s,，]")
EARLIEST_YEAR = 2000


@dataclass(slots=True)
class AccidentRow:
    row: int
    region: Region
    industry: Industry
    year: int
    injuries: int
    deaths: int
    occupational_diseases: int
    pneumoconiosis: int
    insured: int


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    message: str


def _header_field(cell: str) -> str | None:
    return _HEADER_FIELD.get(_HEADER_NOISE.sub("", cell).lower())


def _header_fits(header: list[str]) -> bool:
    return {_header_field(cell) for cell in header} >= set(COLUMN_LABELS)


def accident_rows_read(
    file, *, filename: str, regions: dict[str, Region]
) -> tuple[list[AccidentRow], list[Problem]]:
    """The file's rows and every problem found in them; `regions` are those the importer
    may write, by code. Raise RosterFileError when the file as a whole is unusable."""
    records = iter(table_read(file, filename=filename, header_fits=_header_fits))
    header = next(records, None) or []
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        field = _header_field(cell)
        if field is not None:
            columns.setdefault(field, index)
    missing = [label for field, label in COLUMN_LABELS.items() if field not in columns]
    if missing:
        raise RosterFileError(
            _(
                "The first row must hold the column headers, but it has no %(missing)s column. "
                "Download the template and copy the figures into it."
            )
            % {"missing": "、".join(missing)}
        )
    checker = _RowChecker(regions)
    for number, cells in enumerate(records, start=2):
        if not any(cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        checker.check(number, {field: cells[index] for field, index in columns.items()})
    if not checker.rows and not checker.problems:
        raise RosterFileError(
            _("The file has no figures in it: fill in one row per region, industry and year.")
        )
    return checker.rows, checker.problems


class _RowChecker:
    def __init__(self, regions: dict[str, Region]):
        self.regions = regions
        self.names = {}
        for region in regions.values():
            self.names.setdefault(region.name, []).append(region)
        self.all_codes = set(Region.objects.values_list("code", flat=True))
        self.industries = {}
        for industry in Industry.objects.all():
            self.industries[industry.code.lower()] = industry
            self.industries[industry.name] = industry
        self.this_year = timezone.localdate().year
        self.seen: dict[tuple[int, int, int], int] = {}
        self.rows: list[AccidentRow] = []
        self.problems: list[Problem] = []

    def problem(self, row: int, field: str, message: str) -> None:
        self.problems.append(Problem(row, COLUMN_LABELS[field], message))

    def check(self, row: int, cells: dict[str, str]) -> None:
        before = len(self.problems)
        region = self._region(row, cells["region"])
        industry = self._industry(row, cells["industry"])
        year = self._year(row, cells["year"])
        counts = {field: self._count(row, field, cells[field]) for field in COUNT_FIELDS}
        if counts["insured"] == 0:
            self.problem(row, "insured", _("The number of insured workers must be at least 1."))
        if None not in (counts["deaths"], counts["injuries"]) and (
            counts["deaths"] > counts["injuries"]
        ):
            self.problem(
                row,
                "deaths",
                _(
                    "%(deaths)s deaths is more than the %(injuries)s work-injury "
                    "determinations, which include them."
                )
                % {"deaths": counts["deaths"], "injuries": counts["injuries"]},
            )
        if None not in (counts["pneumoconiosis"], counts["occupational_diseases"]) and (
            counts["pneumoconiosis"] > counts["occupational_diseases"]
        ):
            self.problem(
                row,
                "pneumoconiosis",
                _(
                    "%(cases)s pneumoconiosis cases is more than the %(diseases)s "
                    "occupational-disease cases, which include them."
                )
                % {"cases": counts["pneumoconiosis"], "diseases": counts["occupational_diseases"]},
            )
        if region and industry and year:
            key = (region.pk, industry.pk, year)
            if key in self.seen:
                self.problem(
                    row,
                    "region",
                    _("Row %(row)s already has the figures of %(region)s, %(industry)s, %(year)s.")
                    % {
                        "row": self.seen[key],
                        "region": region.name,
                        "industry": industry.name,
                        "year": year,
                    },
                )
            else:
                self.seen[key] = row
        if len(self.problems) == before:
            self.rows.append(AccidentRow(row, region, industry, year, **counts))

    def _region(self, row: int, text: str) -> Region | None:
        text = unicodedata.normalize("NFKC", text).strip()
        if not text:
            self.problem(row, "region", _("Fill in the region's code, such as 220102."))
            return None
        region = self.regions.get(text)
        if region is None and len(self.names.get(text, [])) == 1:
            region = self.names[text][0]
        if region is not None:
            return region
        if text in self.all_codes:
            message = _(
                "%(value)s is outside the regions you regulate: you can import figures only "
                "for your own region and the regions below it."
            )
        elif len(self.names.get(text, [])) > 1:
            message = _("Several regions are called %(value)s: write its code instead.")
        else:
            message = _("“%(value)s” is not a region code of Jilin province (such as 220102).")
        self.problem(row, "region", message % {"value": text})
        return None

    def _industry(self, row: int, text: str) -> Industry | None:
        industry = self.industries.get(text.strip()) or self.industries.get(text.strip().lower())
        if industry is None:
            choices = "、".join(sorted({i.name for i in self.industries.values()}))
            self.problem(
                row,
                "industry",
                _("“%(value)s” is not an industry; write one of: %(choices)s.")
                % {"value": text, "choices": choices},
            )
        return industry

    def _year(self, row: int, text: str) -> int | None:
        value = _whole_number(text.removesuffix("年"))
        if value is None or not EARLIEST_YEAR <= value <= self.this_year:
            self.problem(
                row,
                "year",
                _("“%(value)s” is not a year from %(first)s to %(last)s, such as 2023.")
                % {"value": text, "first": EARLIEST_YEAR, "last": self.this_year},
            )
            return None
        return value

    def _count(self, row: int, field: str, text: str) -> int | None:
        if not text.strip():
            self.problem(row, field, _("Fill in a number (0 if there were none)."))
            return None
        value = _whole_number(text)
        if value is None:
            self.problem(
                row,
                field,
                _("“%(value)s” is not a whole number of people (0 or more).") % {"value": text},
            )
        return value


def _whole_number(text: str) -> int | None:
    text = _NUMBER_NOISE.sub("", unicodedata.normalize("NFKC", text))
    if not text.isascii() or not text.isdigit():
        return None
    return int(text)
