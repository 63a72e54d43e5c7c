"""Designation files: the header, and each row checked (coverage.designations.checks); the
file itself is read by coverage.rosters.files, as rosters and accident figures are."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from coverage.designations.checks import (
    COLUMN_LABELS,
    DesignationChecker,
    DesignationSpec,
    credit_codes_split,
)
from coverage.models import Region
from coverage.rosters.files import RosterFileError, table_read

HEADER_ALIASES = {
    "region": {"地区代码", "地区", "行政区划代码", "区划代码", "认定地区", "region"},
    "year": {"年份", "年度", "year"},
    "kind": {"类别", "类型", "认定类别", "kind"},
    "industry": {"行业", "行业名称", "行业代码", "industry"},
    "credit_codes": {"统一社会信用代码", "信用代码", "企业信用代码", "creditcode", "creditcodes"},
    "project_name": {"项目名称", "项目", "project", "projectname"},
    "reason": {"研判理由", "理由", "研判情况", "认定理由", "reason"},
}
_HEADER_FIELD = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
_HEADER_NOISE = re.compile(r"[(（\[【].*?[)）\]】]|[\s_\-*＊:：.]")
REQUIRED = ("region", "year", "kind", "reason")


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass(slots=True)
class DesignationRow:
    row: int
    spec: DesignationSpec


def _header_field(cell: str) -> str | None:
    return _HEADER_FIELD.get(_HEADER_NOISE.sub("", cell).lower())


def _header_fits(header: list[str]) -> bool:
    return {_header_field(cell) for cell in header} >= set(REQUIRED)


def designation_rows_read(
    file, *, filename: str, regions: dict[str, Region]
) -> tuple[list[DesignationRow], list[Problem]]:
    """The file's designations and every problem of every row; `regions` are those the
    importer may designate for, by code. Raise RosterFileError when the file is unusable."""
    records = iter(table_read(file, filename=filename, header_fits=_header_fits))
    header = next(records, None) or []
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _header_field(cell)
        if name is not None:
            columns.setdefault(name, index)
    missing = [COLUMN_LABELS[name] for name in REQUIRED if name not in columns]
    if missing:
        raise RosterFileError(
            _(
                "The first row must hold the column headers, but it has no %(missing)s column. "
                "Download the template and copy the designations into it."
            )
            % {"missing": "、".join(missing)}
        )
    table = []
    for number, cells in enumerate(records, start=2):
        if any(cell.strip() for cell in cells):
            cells = cells + [""] * (len(header) - len(cells))
            table.append((number, {name: cells[index] for name, index in columns.items()}))
    if not table:
        raise RosterFileError(
            _("The file has no designations in it: fill in one row per designation.")
        )
    checker = DesignationChecker(regions)
    checker.enterprises_load(
        {code for _n, cells in table for code in credit_codes_split(cells.get("credit_codes", ""))}
    )
    rows, problems, seen = [], [], {}
    for number, cells in table:
        spec, found = checker.check(cells)
        problems += [Problem(number, COLUMN_LABELS[name], message) for name, message in found]
        if spec is None:
            continue
        if spec.key in seen:
            problems.append(
                Problem(
                    number,
                    COLUMN_LABELS["kind"],
                    _("Row %(row)s already designates the same for this region and year.")
                    % {"row": seen[spec.key]},
                )
            )
            continue
        seen[spec.key] = number
        rows.append(DesignationRow(number, spec))
    return rows, problems
