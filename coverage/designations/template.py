"""The designations template workbook regulators download and fill in (openpyxl)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from coverage.designations.checks import COLUMN_LABELS, KIND_LABELS
from coverage.models import Industry


def designation_template_bytes() -> bytes:
    """The designations sheet (headers, one example row per kind) and the instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Key designations")
    sheet.append(list(COLUMN_LABELS.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    for letter, width in zip("ABCDEFG", (12, 8, 12, 14, 24, 24, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    # Codes keep their digits (and a credit code its letters) as text.
    for letter in "AE":
        sheet.column_dimensions[letter].number_format = "@"
    kinds = DataValidation(type="list", formula1=f'"{",".join(KIND_LABELS.values())}"')
    sheet.add_data_validation(kinds)
    kinds.add("C2:C2000")
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("Instructions"))
    notes.column_dimensions["A"].width = 100
    lines = [
        _("How to fill in the key designations"),
        _("One row per designation, starting in row 2. Keep the header row."),
        _("地区代码 (region): the designating region, yours or one below it, such as 220100."),
        _("年份 (year): the year the designation is for, such as 2026."),
        _("类别 (kind): 重点行业, 重点企业 or 重点项目."),
        _(
            "行业 (industry): for 重点行业 only, one of the industries listed below; it makes "
            "the region's enterprises of the industry key."
        ),
        _(
            "统一社会信用代码 (credit code): for 重点企业 the enterprise's code; for 重点项目 the "
            "codes of the enterprises running the project, separated by 、 or spaces."
        ),
        _("项目名称 (project): for 重点项目 only, the project's name."),
        _("研判理由 (reason): what the analysis found, in a few sentences."),
        _(
            "A row for a region, year and subject already designated replaces its reason. If "
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
