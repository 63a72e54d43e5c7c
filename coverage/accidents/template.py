"""The accident-figures template workbook regulators download and fill in (openpyxl)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from coverage.accidents.rows import COLUMN_LABELS
from coverage.models import Industry


def accident_template_bytes() -> bytes:
    """The figures sheet (headers, one example row) and the instructions with the industries."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Accident figures")
    sheet.append(list(COLUMN_LABELS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    for letter in "ABCDEFGH":
        sheet.column_dimensions[letter].width = 16
    # Region codes keep their digits as text, as the roster template keeps ID numbers.
    sheet.column_dimensions["A"].number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("Instructions"))
    notes.column_dimensions["A"].width = 100
    lines = [
        _("How to fill in the accident figures"),
        _("One row per region, industry and year, starting in row 2. Keep the header row."),
        _("地区代码 (region): the code of your region or a region below it, such as 220102."),
        _("行业 (industry): one of the industries listed below, by name or code."),
        _("年份 (year): the year the figures are for, such as 2023."),
        _(
            "工伤认定人数, 工亡人数, 职业病人数, 其中尘肺病人数, 参保人数: whole numbers; deaths "
            "are counted among the work-injury determinations and pneumoconiosis among the "
            "occupational-disease cases."
        ),
        _(
            "A row for a region, industry and year already imported replaces its figures. If "
            "any row has a problem, nothing is imported: correct the rows named and upload "
            "the file again."
        ),
        _("Industries:"),
        *(f"{industry.name} ({industry.code})" for industry in Industry.objects.all()),
    ]
    for line in lines:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=14)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
