"""The certificate as a PDF: the one module that draws with reportlab.

The Chinese font is embedded (a subset of the glyphs used): a PDF naming Adobe's STSong-Light
without embedding it showed blanks on phones lacking Adobe's CJK fonts. reportlab embeds
TrueType outlines only, so Noto CJK (CFF outlines, on PyPI and in fonts-noto-cjk) cannot serve;
WenQuanYi Micro Hei from Debian's fonts-wqy-microhei can, and scripts/system-deps (for `make
run`, `make test`) and the Docker image install it (docs/courses.md).
"""

import functools
import io
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from courses.models import Certificate

CHINESE_FONT = "WenQuanYiMicroHei"
CHINESE_FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@functools.cache
def chinese_font_register() -> str:
    """Register the embedded Chinese font once per process; its name for setFont."""
    if not CHINESE_FONT_FILE.is_file():
        raise ImproperlyConfigured(
            f"Certificates need {CHINESE_FONT_FILE}: install Debian's fonts-wqy-microhei "
            "(scripts/system-deps run does)."
        )
    # Reading the 5 MB collection takes a third of a second: not at import, only for a PDF.
    pdfmetrics.registerFont(TTFont(CHINESE_FONT, str(CHINESE_FONT_FILE), subfontIndex=0))
    return CHINESE_FONT


def qr_drawing(data: str, size: float) -> Drawing:
    """A QR code as a reportlab drawing `size` points square (certificates, 学时证明)."""
    widget = QrCodeWidget(data, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(
        size,
        size,
        transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0],
        initialFontName=CHINESE_FONT,  # else it adds Helvetica, unembedded, to the page
    )
    drawing.add(widget)
    return drawing


def _centred_fitting(
    pdf: canvas.Canvas, text: str, *, x: float, y: float, size: float, room: float
):
    """Centred text, shrunk to fit its room: course titles can be long."""
    width = pdfmetrics.stringWidth(text, CHINESE_FONT, size)
    if width > room:
        size = max(8, size * room / width)
    pdf.setFont(CHINESE_FONT, size)
    pdf.drawCentredString(x, y, text)


def certificate_pdf(*, certificate: Certificate, verify_url: str, compress: bool = True) -> bytes:
    """An A4 landscape certificate in Chinese, with a QR code of the verification page."""
    chinese_font_register()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(
        buffer,
        pagesize=(width, height),
        pageCompression=int(compress),
        # Not Helvetica: a reader without it would substitute, and it is not embedded.
        initialFontName=CHINESE_FONT,
    )
    title = _("Certificate of Work-Injury Prevention Training")
    pdf.setTitle(f"{title} {certificate.serial}")
    pdf.setSubject(certificate.serial)
    pdf.setAuthor(_("Jilin Work-Injury Prevention"))

    # A double frame, the way printed certificates are.
    pdf.setStrokeColor(colors.HexColor("#8a6d1d"))
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(1)
    pdf.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    pdf.setFillColor(colors.HexColor("#9b1c1c"))
    pdf.setFont(CHINESE_FONT, 34)
    pdf.drawCentredString(width / 2, height - 50 * mm, title)

    pdf.setFillColor(colors.black)
    room = width - 60 * mm
    _centred_fitting(
        pdf, certificate.holder_name, x=width / 2, y=height - 78 * mm, size=26, room=room
    )
    lines = [
        _("has completed the online course “%(course)s”, %(hours)s credit hours,")
        % {"course": certificate.course_title, "hours": certificate.hours},
        _("and passed its examination. This certificate is awarded accordingly."),
    ]
    y = height - 96 * mm
    for line in lines:
        _centred_fitting(pdf, line, x=width / 2, y=y, size=15, room=room)
        y -= 10 * mm

    pdf.setFont(CHINESE_FONT, 12)
    left = 30 * mm
    facts = [
        _("Issued on: %(date)s") % {"date": certificate.issued_on.strftime("%Y-%m-%d")},
        _("Serial number: %(serial)s") % {"serial": certificate.serial},
        _("Verify: %(url)s") % {"url": verify_url},
    ]
    y = 40 * mm
    for fact in facts:
        pdf.drawString(left, y, fact)
        y -= 7 * mm

    qr_size = 40 * mm
    renderPDF.draw(qr_drawing(verify_url, qr_size), pdf, width - 30 * mm - qr_size, 24 * mm)
    pdf.setFont(CHINESE_FONT, 9)
    pdf.drawCentredString(width - 30 * mm - qr_size / 2, 20 * mm, _("Scan to verify"))

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
