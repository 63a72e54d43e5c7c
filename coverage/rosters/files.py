"""Roster files: the one module that reads spreadsheets (calamine, the csv module); the
template workbook is written by `coverage.rosters.template`.

A roster is an .xlsx workbook or a CSV file whose first row holds the column headers, in
Chinese (the template's 姓名 / 身份证号 / 手机号 / 岗位类别 / 部门) or English. Every cell
is read as text, exactly as the user typed it: judging the values is the import's job
(`coverage.rosters.checks`); this module only refuses files that cannot be read at all.
Each file is read once, straight into lists of text (no DataFrame: a 100,000-row roster
read through pandas cost seconds in a per-cell loop and the peak memory of the import).
"""

import csv
import datetime
import io
import itertools
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, SheetTypeEnum


@dataclass(slots=True)  # not frozen: a frozen dataclass takes 3x as long to make, per row
class RosterRow:
    """One person's row, every cell as the text in the file; `row` as the spreadsheet shows it."""

    row: int
    name: str
    id_number: str
    phone: str
    role: str
    department: str


class RosterFileError(Exception):
    """The file as a whole cannot be used; the message says what is wrong and how to fix it."""


FIELDS = ("name", "id_number", "phone", "role", "department")
REQUIRED_FIELDS = ("name", "id_number", "role")
# The template's headers. They are part of the file format, so they stay Chinese in every
# interface language, and rejected rows name their column by them.
COLUMN_LABELS = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "手机号",
    "role": "岗位类别",
    "department": "部门",
}
# Role labels as the template's drop-down offers them (the import also takes the codes).
ROLE_LABELS = {
    "manager": "分管负责人",
    "safety_head": "安全管理部门主要负责人",
    "team_leader": "一线班组长",
    "other": "其他",
}

# Headers people actually write, compared after `_header_key` (case, spaces, "*" and notes
# in brackets such as "（必填）" removed).
HEADER_ALIASES = {
    "name": {"姓名", "名字", "职工姓名", "员工姓名", "人员姓名", "name", "fullname"},
    "id_number": {
        "身份证号",
        "身份证号码",
        "身份证",
        "公民身份号码",
        "证件号码",
        "居民身份证号码",
        "idnumber",
        "id",
        "idno",
        "idcard",
        "idcardnumber",
        "residentid",
        "residentidnumber",
    },
    "phone": {
        "手机号",
        "手机号码",
        "手机",
        "联系电话",
        "联系方式",
        "电话",
        "phone",
        "mobile",
        "mobilenumber",
        "phonenumber",
        "mobilephone",
    },
    "role": {
        "岗位类别",
        "岗位类型",
        "人员类别",
        "人员类型",
        "岗位",
        "类别",
        "role",
        "rolecode",
        "position",
        "category",
    },
    "department": {"部门", "所在部门", "部门名称", "科室", "department", "dept"},
}
_HEADER_FIELD = {alias: field for field, aliases in HEADER_ALIASES.items() for alias in aliases}
_HEADER_NOISE = re.compile(r"[(（\[【].*?[)）\]】]|[\s_\-*＊:：.]")

XLSX = ".xlsx"
CSV = ".csv"
# Zip bomb limits, checked with zipfile before any parser sees the file. A 50,000-row roster
# expands to about 25 MB at a ratio near 10; these leave ample room for real files.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 500
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx


def read_roster(file, *, filename: str) -> list[RosterRow]:
    """Read an .xlsx or .csv roster into rows of text; raise RosterFileError if unusable."""
    extension = Path(filename).suffix.lower()
    if extension not in (XLSX, CSV):
        raise RosterFileError(
            _(
                "“%(name)s” is not an .xlsx or .csv file. Save the roster from Excel or WPS "
                "as “Excel workbook (*.xlsx)” or “CSV UTF-8 (*.csv)” and upload that file."
            )
            % {"name": filename}
        )
    data = _read_bytes(file)
    table = _xlsx_table(data, filename) if extension == XLSX else _csv_table(data, filename)
    return _rows(table)


def table_read(
    file, *, filename: str, header_fits: Callable[[list[str]], bool]
) -> Iterable[list[str]]:
    """Another import's .xlsx or .csv file as rows of text cells, read as rosters are (size,
    zip-bomb and encoding checks; RosterFileError when unusable): the first worksheet whose
    header row `header_fits`, else the first. The caller checks the file's extension."""
    data = _read_bytes(file)
    if Path(filename).suffix.lower() == CSV:
        return _csv_table(data, filename)
    return _xlsx_table(data, filename, pick=lambda workbook: _fitting_sheet(workbook, header_fits))


def _fitting_sheet(
    workbook: CalamineWorkbook, header_fits: Callable[[list[str]], bool]
) -> list[list[str]]:
    first: list[list[str]] = []
    for sheet in workbook.sheets_metadata:
        if sheet.typ != SheetTypeEnum.WorkSheet:
            continue
        cells = workbook.get_sheet_by_name(sheet.name).to_python(
            skip_empty_area=False, nrows=settings.ROSTER_IMPORT_MAX_ROWS + 2
        )
        table = [[_cell_text(cell) for cell in row] for row in cells]
        if table and header_fits(table[0]):
            return table
        first = first or table
    return first


def _read_bytes(file) -> bytes:
    limit = settings.ROSTER_IMPORT_MAX_BYTES
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    elif isinstance(file, str | os.PathLike):
        with open(file, "rb") as handle:
            data = handle.read(limit + 1)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise RosterFileError(
            _(
                "The file is larger than %(limit)s. Delete empty rows, pictures and other "
                "sheets, or split the roster into several files and import them one after "
                "another in “Add and update” mode."
            )
            % {"limit": filesizeformat(limit)}
        )
    return data


def _max_rows_error() -> RosterFileError:
    limit = settings.ROSTER_IMPORT_MAX_ROWS
    return RosterFileError(
        _(
            "The file has more than %(limit)s rows. Split it into files of at most %(limit)s "
            "rows and import them one after another in “Add and update” mode."
        )
        % {"limit": f"{limit:,}"}
    )


def _damaged(filename: str) -> RosterFileError:
    return RosterFileError(
        _(
            "“%(name)s” cannot be read as an .xlsx workbook: it is damaged or in another "
            "format. Open it in Excel or WPS, save it again as “Excel workbook (*.xlsx)” and "
            "upload the new file."
        )
        % {"name": filename}
    )


def _xlsx_table(
    data: bytes, filename: str, pick: Callable[[CalamineWorkbook], list[list[str]]] | None = None
) -> list[list[str]]:
    if data.startswith(_OLE_MAGIC):
        raise RosterFileError(
            _(
                "“%(name)s” is an old Excel 97–2003 workbook or has a password. Remove the "
                "password if there is one, save it as “Excel workbook (*.xlsx)” and upload "
                "the new file."
            )
            % {"name": filename}
        )
    _check_zip(data, filename)
    try:
        return (pick or _roster_sheet)(CalamineWorkbook.from_filelike(io.BytesIO(data)))
    except RosterFileError:
        raise
    except Exception as error:  # calamine raises many kinds for bad files
        raise _damaged(filename) from error


def _roster_sheet(workbook: CalamineWorkbook) -> list[list[str]]:
    """The first sheet whose first row holds the required headers (the template's first), as
    text, each sheet read once."""
    first_header: list[str] | None = None
    for sheet in workbook.sheets_metadata:
        if sheet.typ != SheetTypeEnum.WorkSheet:
            continue
        cells = workbook.get_sheet_by_name(sheet.name).to_python(
            skip_empty_area=False, nrows=settings.ROSTER_IMPORT_MAX_ROWS + 2
        )
        header = [_cell_text(cell) for cell in cells[0]] if cells else []
        if first_header is None:
            first_header = header
        fields = [_header_field(cell) for cell in header]
        if not all(field in fields for field in REQUIRED_FIELDS):
            continue
        id_column = fields.index("id_number")
        table = []
        for row in cells:
            texts = [_cell_text(cell) for cell in row]
            texts[id_column] = _id_cell_text(row[id_column])
            table.append(texts)
        return table
    _columns(first_header or [])  # raises, naming what is missing
    raise AssertionError("unreachable")  # pragma: no cover


def _cell_text(value) -> str:
    """A cell as text, as Excel shows it for numbers that are whole (13800138000, not 1.38E10)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return f"{value} 00:00:00"  # as the date and time Excel stores it
    return str(value).strip()


def _check_zip(data: bytes, filename: str) -> None:
    """Refuse a decompression bomb by the sizes the zip declares and by what it really holds."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise _damaged(filename) from error
    if "xl/workbook.xml" not in archive.namelist():
        raise _damaged(filename)
    bomb = RosterFileError(
        _(
            "“%(name)s” would expand to far more data than a roster holds when opened, so it "
            "was not opened. Copy the roster into the template (or a new workbook), save it as "
            ".xlsx and upload that file."
        )
        % {"name": filename}
    )
    declared = sum(member.file_size for member in members)
    if len(members) > MAX_ZIP_MEMBERS or declared > MAX_UNCOMPRESSED_BYTES:
        raise bomb
    for member in members:
        if member.file_size > 1024 * 1024 and (
            member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise bomb
    # A zip can lie about its sizes; the parsers trust them, so count what really comes out.
    total = 0
    try:
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(1024 * 1024):
                    total += len(chunk)
                    if total > MAX_UNCOMPRESSED_BYTES:
                        raise bomb
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        raise _damaged(filename) from error


def _id_cell_text(value) -> str:
    """An ID number cell as text; a number becomes what Excel shows for it (2.20102E+17).

    An 18-digit ID number stored as a number has already lost its last digits (Excel keeps
    15), so it must never pass as an ID number: the scientific form makes the import reject
    it with the fix, instead of guessing the digits.
    """
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float):
        if value != value:  # NaN: an empty cell
            return ""
        if abs(value) >= 1e15:
            return f"{float(value):.6G}"
        return str(int(value)) if float(value).is_integer() else str(value)
    return _cell_text(value)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's “Unicode text”
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        # Excel and WPS in China save CSV as GBK unless told UTF-8; GB18030 is its superset.
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return text
    raise RosterFileError(
        _(
            "The CSV file is not text in UTF-8 or GBK (is it a renamed workbook?). In Excel or "
            "WPS choose Save as → “CSV UTF-8 (*.csv)”, or upload the .xlsx workbook itself."
        )
    )


def _csv_table(data: bytes, filename: str) -> Iterator[list[str]]:
    if data.startswith((b"PK\x03\x04", _OLE_MAGIC)):
        raise RosterFileError(
            _(
                "“%(name)s” is an Excel workbook with a .csv name. Rename it to .xlsx, or "
                "save it from Excel or WPS as “CSV UTF-8 (*.csv)”, and upload it again."
            )
            % {"name": filename}
        )
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    separator = max((",", "\t", ";"), key=first_line.count)
    if first_line.count(separator) == 0:
        separator = ","
    # newline="": the csv module finds \n, \r\n and \r line ends itself, also inside quotes.
    records = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    return (
        [cell.strip() for cell in record]
        for record in itertools.islice(records, settings.ROSTER_IMPORT_MAX_ROWS + 2)
    )


def _header_key(header: str) -> str:
    return _HEADER_NOISE.sub("", header).lower()


def _header_field(header: str) -> str | None:
    return _HEADER_FIELD.get(_header_key(header))


def _columns(header: list[str]) -> dict[str, int]:
    """Field → column index, from the header row; raise when a required column is missing."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        field = _header_field(cell)
        if field is None:
            continue
        if field in columns:
            raise RosterFileError(
                _(
                    "The header row has two %(label)s columns (“%(first)s” and “%(second)s”). "
                    "Delete one of them and upload the file again."
                )
                % {
                    "label": COLUMN_LABELS[field],
                    "first": header[columns[field]],
                    "second": cell,
                }
            )
        columns[field] = index
    missing = [COLUMN_LABELS[f] for f in REQUIRED_FIELDS if f not in columns]
    if missing:
        found = "、".join(cell for cell in header if cell) or _("nothing")
        raise RosterFileError(
            _(
                "The first row must hold the column headers, but it has no %(missing)s column "
                "(found: %(found)s). Use the template's headers 姓名, 身份证号, 手机号, 岗位类别 "
                "and 部门, or download the template and copy the roster into it."
            )
            % {"missing": "、".join(missing), "found": found}
        )
    return columns


def _rows(table: Iterable[list[str]]) -> list[RosterRow]:
    """Rows from the header and the records after it, read as they come (a 100,000-row file
    is never held twice)."""
    records = iter(table)
    header = next(records, None)
    if not header:
        if header is None or not any(records):  # nothing but empty lines
            raise _no_rows_error()
        _columns(header)  # raises: the first row holds no headers
    columns = _columns(header)
    indexes = [columns.get(field) for field in FIELDS]
    width = max(index for index in indexes if index is not None) + 1
    full = None not in indexes  # every column there (the template's): index them directly
    a, b, c, d, e = (index or 0 for index in indexes)
    limit = settings.ROSTER_IMPORT_MAX_ROWS
    rows = []
    repeated: dict[str, str] = {}
    last = 1  # the last row with something in it: empty rows after it are not counted
    for offset, cells in enumerate(records, start=2):
        if not any(cells):
            continue  # an empty row holds nobody
        last = offset
        if offset - 1 > limit:
            raise _max_rows_error()
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        if full:
            # A role or department is one of a few texts: one string each, not one per row.
            role, department = cells[d], cells[e]
            role = repeated.setdefault(role, role)
            department = repeated.setdefault(department, department)
            rows.append(RosterRow(offset, cells[a], cells[b], cells[c], role, department))
        else:
            rows.append(RosterRow(offset, *[cells[i] if i is not None else "" for i in indexes]))
    if last - 1 > limit:
        raise _max_rows_error()
    if not rows:
        raise _no_rows_error()
    return rows


def _no_rows_error() -> RosterFileError:
    return RosterFileError(
        _(
            "The file has no people in it: fill in one row per person below the header row "
            "and upload it again."
        )
    )
