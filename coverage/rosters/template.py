"""The roster template workbook users download and fill in (openpyxl)."""

import io

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from coverage.rosters.files import COLUMN_LABELS, FIELDS, ROLE_LABELS


def roster_template_bytes() -> bytes:
    """The template workbook: the roster sheet with text-formatted ID and phone columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Roster")
    sheet.append([COLUMN_LABELS[field] for field in FIELDS])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
    for letter, width in zip("ABCDE", (14, 24, 16, 26, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    # Text format ("@") keeps all 18 digits of an ID number and the leading digits of a
    # phone number when they are typed or pasted in.
    sheet.column_dimensions["B"].number_format = "@"
    sheet.column_dimensions["C"].number_format = "@"
    rows = settings.ROSTER_IMPORT_MAX_ROWS + 1
    roles = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(ROLE_LABELS.values())),
        allow_blank=False,
        showErrorMessage=True,
        errorTitle=_("Role"),
        error=_("Choose one of the four roles from the list."),
    )
    roles.add(f"D2:D{rows}")
    sheet.add_data_validation(roles)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("Instructions"))
    notes.column_dimensions["A"].width = 100
    lines = [
        _("How to fill in the roster"),
        _("One row per person, starting in row 2. Do not change or move the header row."),
        _("姓名 (name): required, as on the ID card."),
        _(
            "身份证号 (ID number): required, the 18-character resident ID number; a final x "
            "may be small or capital. The column is formatted as Text: keep it so, or Excel "
            "turns the number into 2.20102E+17 and loses its last digits."
        ),
        _("手机号 (mobile number): optional, 11 digits; used to sign in for online courses."),
        _(
            "岗位类别 (role): required, one of 分管负责人, 安全管理部门主要负责人, 一线班组长 "
            "or 其他 (the codes manager, safety_head, team_leader, other are also accepted)."
        ),
        _("部门 (department): optional."),
        _(
            "“Add and update” adds new people and updates those already on the roster. "
            "“Replace the roster” also takes people who are not in the file off the roster "
            "(their history is kept)."
        ),
        _(
            "At most %(rows)s people and %(size)s per file. Save as .xlsx, or as CSV in UTF-8 "
            "or GBK."
        )
        % {
            "rows": f"{settings.ROSTER_IMPORT_MAX_ROWS:,}",
            "size": filesizeformat(settings.ROSTER_IMPORT_MAX_BYTES),
        },
        _("The roster is read from the first sheet whose first row has these headers."),
    ]
    for line in lines:
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=14)
    for row in notes.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
