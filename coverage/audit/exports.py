"""Tables as xlsx or CSV downloads: formula injection neutralised, every export audited."""

import csv
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook

from coverage.audit.client_ip import client_ip
from coverage.models import AuditLog
from coverage.services import audit_log

# A cell starting with one of these is run as a formula by Excel and WPS ("=HYPERLINK(...)"
# in a name column); a leading apostrophe makes it text (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

XLSX = "xlsx"
CSV = "csv"
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}


def neutralise(value):
    if isinstance(value, Promise):  # lazy translations (role labels) are written as text
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# Excel refuses these in a sheet's name, and names longer than 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
SHEET_MAX = 31


def sheet_title(name: str) -> str:
    """A name Excel and WPS accept for the sheet tab: forbidden characters dropped, cut to 31."""
    title = _SHEET_FORBIDDEN.sub(" ", str(name)).strip(" '")[:SHEET_MAX].strip(" '")
    return title or _("Data")


def table_bytes(
    *, headers: Sequence[str], rows: Iterable[Sequence], fmt: str, sheet: str | None = None
) -> bytes:
    """The table as file content, its xlsx sheet named `sheet` (not openpyxl's "Sheet"). CSV
    carries a BOM so that Excel opens the Chinese as UTF-8."""
    if fmt == CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([str(h) for h in headers])
        writer.writerows([neutralise(cell) for cell in row] for row in rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet_title(sheet or _("Data")))
    worksheet.append([str(h) for h in headers])
    for row in rows:
        worksheet.append([neutralise(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_export(
    *,
    request: HttpRequest,
    subject: str,
    headers: Sequence[str],
    rows: Sequence[Sequence],
    fmt: str,
    filename: str,
    contains_personal_data: bool,
    sheet: str | None = None,
) -> HttpResponse:
    """Audit the export, then answer with the file as an attachment; its xlsx sheet is named
    `sheet`, or after the file when not given."""
    fmt = fmt if fmt in CONTENT_TYPES else XLSX
    rows = list(rows)
    audit_log(
        user=request.user,
        action=AuditLog.Action.EXPORT,
        subject=f"{subject} ({fmt})",
        rows=len(rows),
        contains_personal_data=contains_personal_data,
        ip_address=client_ip(request),
    )
    response = HttpResponse(
        table_bytes(headers=headers, rows=rows, fmt=fmt, sheet=sheet or filename),
        content_type=CONTENT_TYPES[fmt],
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.{fmt}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
