"""QR codes as inline SVG (qrcode's path image): sharp on a projector, a few KB, no files."""

import re

import qrcode
import qrcode.image.svg


def qr_svg(data: str) -> str:
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    # Let CSS size it: the fixed millimetre size would be tiny on a projector.
    return re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
