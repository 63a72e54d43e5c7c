"""The report as an A4 PDF in Chinese (reportlab's platypus), drawn from reports.layout with
the certificates' embedded font (courses.certificates.pdf.chinese_font_register)."""

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from courses.certificates.pdf import chinese_font_register
from reports.layout import report_header, report_sections, report_title, shown

WIDTH = A4[0] - 30 * mm


def _styles(font: str) -> dict[str, ParagraphStyle]:
    # wordWrap CJK: Chinese has no spaces, so lines break between any two characters.
    base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22, spaceAfter=6),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=12.5,
            leading=18,
            spaceBefore=10,
            spaceAfter=4,
            textColor=colors.HexColor("#9b1c1c"),
        ),
        "h3": ParagraphStyle("h3", parent=base, fontSize=10.5, leading=15, spaceBefore=6),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
    }


def _para(text, style) -> Paragraph:
    return Paragraph(escape(shown(text)).replace("\n", "<br/>"), style)


def _grid(rows: list[list], styles, *, header: bool, widths=None) -> Table:
    if widths is None:
        # Paragraph cells have no natural width: the columns share the page equally.
        widths = [WIDTH / len(rows[0])] * len(rows[0])
    elif None in widths:
        widths = [w if w is not None else WIDTH - sum(x for x in widths if x) for w in widths]
    table = Table(
        [[_para(cell, styles["cell"]) for cell in row] for row in rows],
        colWidths=widths,
        repeatRows=1 if header else 0,
        hAlign="LEFT",
    )
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(commands))
    return table


def report_pdf(*, figures: dict, generated_by: str, generated_on: str) -> bytes:
    """The whole report: header facts, then each section's facts, tables and text."""
    font = chinese_font_register()
    styles = _styles(font)
    buffer = io.BytesIO()
    title = report_title(figures)
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=_("Jilin Work-Injury Prevention"),
        initialFontName=font,
    )
    story = [_para(title, styles["title"])]
    facts = report_header(figures, generated_by=generated_by, generated_on=generated_on)
    story.append(_grid([list(f) for f in facts], styles, header=False, widths=[40 * mm, None]))
    for section in report_sections(figures):
        story.append(_para(section.title, styles["h2"]))
        if section.facts:
            story.append(
                _grid(
                    [list(f) for f in section.facts], styles, header=False, widths=[70 * mm, None]
                )
            )
        for table in section.tables:
            if table.caption:
                story.append(_para(table.caption, styles["h3"]))
            if table.rows:
                story.append(_grid([table.headers, *table.rows], styles, header=True))
            else:
                story.append(_para(table.empty, styles["body"]))
            story.append(Spacer(1, 2 * mm))
        for label, text in section.paragraphs:
            story.append(_para(label, styles["h3"]))
            story.append(_para(text or _("(not written)"), styles["body"]))
    document.build(story)
    return buffer.getvalue()
