"""Accident-figure files as a regulator fills them in (the template's headers)."""

import io

from openpyxl import Workbook

HEADERS = [
    "地区代码",
    "行业",
    "年份",
    "工伤认定人数",
    "工亡人数",
    "职业病人数",
    "其中尘肺病人数",
    "参保人数",
]


def accident_workbook(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    """An .xlsx with the headers in row 1 and the rows below, cells as given (text or numbers)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def accident_csv(rows: list[list], headers: list[str] = HEADERS, encoding: str = "utf-8") -> bytes:
    lines = [",".join(str(cell) for cell in row) for row in [headers, *rows]]
    return ("\n".join(lines) + "\n").encode(encoding)
