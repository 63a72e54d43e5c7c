"""The 学时证明 as a PDF (A4 portrait), drawn with the certificates' embedded Chinese font and
QR drawing: one way to make a paper of the platform's."""

import io

from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from courses.certificates.pdf import chinese_font_register, qr_drawing
from ledger.models import HoursProof

MARGIN = 18 * mm
ROW = 7 * mm
QR_SIZE = 32 * mm


def _fit(text: str, font: str, size: float, room: float) -> str:
    """Cut `text` to its column's room, with an ellipsis: titles can be long."""
    if pdfmetrics.stringWidth(text, font, size) <= room:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text + "…"


def hours_proof_pdf(*, proof: HoursProof, verify_url: str, compress: bool = True) -> bytes:
    """The proof: holder, masked ID number, period, every line, the total, serial and QR."""
    font = chinese_font_register()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=int(compress), initialFontName=font)
    title = _("Proof of Study Hours")
    pdf.setTitle(f"{title} {proof.serial}")
    pdf.setSubject(proof.serial)
    pdf.setAuthor(_("Jilin Work-Injury Prevention"))

    pdf.setFillColor(colors.HexColor("#9b1c1c"))
    pdf.setFont(font, 24)
    pdf.drawCentredString(width / 2, height - 30 * mm, title)
    pdf.setFillColor(colors.black)
    pdf.setFont(font, 11)
    facts = [
        _("Name: %(name)s") % {"name": proof.holder_name},
        _("ID number: %(id)s") % {"id": proof.id_number_masked},
        _("Period: %(start)s to %(end)s")
        % {"start": proof.period_start.isoformat(), "end": proof.period_end.isoformat()},
        _("Total study hours: %(hours)s") % {"hours": proof.hours},
        _("Proof number: %(serial)s") % {"serial": proof.serial},
        _("Issued on: %(date)s") % {"date": proof.issued_on.isoformat()},
    ]
    y = height - 45 * mm
    for fact in facts:
        pdf.drawString(MARGIN, y, fact)
        y -= 6.5 * mm
    qr_x, qr_y = width - MARGIN - QR_SIZE, height - 45 * mm - QR_SIZE + 4 * mm
    renderPDF.draw(qr_drawing(verify_url, QR_SIZE), pdf, qr_x, qr_y)
    pdf.setFont(font, 8)
    pdf.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 3 * mm, _("Scan to verify"))

    # Date, kind, training, hours, source: x positions and room of each column.
    columns = [
        (MARGIN, 22 * mm),
        (MARGIN + 24 * mm, 28 * mm),
        (MARGIN + 54 * mm, 62 * mm),
        (MARGIN + 118 * mm, 14 * mm),
        (MARGIN + 134 * mm, 40 * mm),
    ]
    headers = [_("Date"), _("Kind"), _("Training"), _("Hours"), _("Source")]

    def header_row(top: float) -> float:
        pdf.setFont(font, 10)
        for (x, _room), text in zip(columns, headers, strict=True):
            pdf.drawString(x, top, text)
        pdf.line(MARGIN, top - 2 * mm, width - MARGIN, top - 2 * mm)
        return top - ROW

    y = header_row(y - 6 * mm)
    pdf.setFont(font, 9)
    for line in proof.lines:
        if y < MARGIN + 30 * mm:
            pdf.showPage()
            y = header_row(height - MARGIN)
            pdf.setFont(font, 9)
        cells = [line["date"], line["kind"], line["title"], line["hours"], line["source"]]
        for (x, room), text in zip(columns, cells, strict=True):
            pdf.drawString(x, y, _fit(str(text), font, 9, room))
        y -= ROW
    if not proof.lines:
        pdf.drawString(MARGIN, y, _("No training in this period."))
        y -= ROW
    pdf.line(MARGIN, y + ROW - 2 * mm, width - MARGIN, y + ROW - 2 * mm)
    pdf.setFont(font, 10)
    pdf.drawString(columns[2][0], y - 1 * mm, _("Total"))
    pdf.drawString(columns[3][0], y - 1 * mm, str(proof.hours))

    pdf.setFont(font, 9)
    pdf.drawString(MARGIN, MARGIN + 6 * mm, _("Verify: %(url)s") % {"url": verify_url})
    pdf.drawString(
        MARGIN,
        MARGIN,
        _("The ID number is masked. The verification page shows whether this proof is valid."),
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
