"""Writes the roster files in tests/data/ that the roster import tests read.

Run `.venv/bin/python tests/data/make_roster_files.py` after changing it; the files are
committed so that a test reads exactly what a user would upload. Each file is written the
way the program that makes such files in real life writes it: xlsx by openpyxl (as Excel
stores cells: numbers as numbers, text as shared strings), CSV as Excel and WPS save it in
China (GBK) or as "CSV UTF-8" (with a byte-order mark).
"""

from pathlib import Path

from openpyxl import Workbook

from tests.helpers.identities import id_number, id_number_ending_in_x

HERE = Path(__file__).resolve().parent
HEADERS_ZH = ["姓名", "身份证号", "手机号", "岗位类别", "部门"]
HEADERS_EN = ["name", "id_number", "phone", "role", "department"]


# The people the tests expect, by file.
NUMERIC = [id_number(101), id_number(102), id_number(103)]
GBK = [id_number(201), id_number_ending_in_x("19850505"), id_number(203)]
BOM = [id_number(301), id_number_ending_in_x("19900909")]
DUPLICATE = [id_number(401), id_number_ending_in_x("19700707")]
FORMULA = [id_number(501), id_number(502), id_number(503), id_number(504), id_number(505)]


def write_xlsx(path: Path, headers: list[str], rows: list[list]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet.append(headers)
    for values in rows:
        sheet.append([None] * len(values))
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = value
            if isinstance(value, str):
                # As Excel stores typed text: a name starting with "=" stays text.
                cell.data_type = "s"
    workbook.save(path)


def write_csv(path: Path, headers: list[str], rows: list[list[str]], encoding: str) -> None:
    lines = [",".join(headers)] + [",".join(row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


def main() -> None:
    # The ID column typed into General cells: Excel keeps the numbers, not the digits.
    write_xlsx(
        HERE / "roster_numeric_ids.xlsx",
        HEADERS_ZH,
        [
            ["张三", int(NUMERIC[0]), 13800138001, "分管负责人", "安全部"],
            ["李四", NUMERIC[1], "13800138002", "一线班组长", "一车间"],
            ["王五", float(NUMERIC[2]), None, "其他", None],
        ],
    )
    # Saved by Excel/WPS as "CSV (comma delimited)" on a Chinese Windows: GBK.
    write_csv(
        HERE / "roster_gbk.csv",
        HEADERS_ZH,
        [
            ["张三", GBK[0], "138 0013 8001", "分管负责人", "安全生产部"],
            ["欧阳娜娜", GBK[1].lower(), "+86 13800138002", "安全管理部门主要负责人", "安全生产部"],
            ["阿依古丽·买买提", GBK[2], "", "一线班组长", "一车间"],
        ],
        "gbk",
    )
    # Saved as "CSV UTF-8": a byte-order mark, English headers, role codes, a name GBK lacks.
    write_csv(
        HERE / "roster_utf8_bom.csv",
        HEADERS_EN,
        [
            ["Zoë 李", BOM[0], "13800138003", "team_leader", "Workshop 2"],
            ["赵𠮷", BOM[1].lower(), "", "manager", ""],
        ],
        "utf-8-sig",
    )
    # The same person twice (once with a small x), and a third row that is fine.
    write_csv(
        HERE / "roster_duplicates.csv",
        HEADERS_ZH,
        [
            ["钱一", DUPLICATE[1], "", "一线班组长", "一车间"],
            ["孙二", DUPLICATE[0], "", "其他", ""],
            ["钱一", DUPLICATE[1].lower(), "", "分管负责人", "一车间"],
        ],
        "utf-8-sig",
    )
    # Names that Excel or WPS would run as formulas if written back unneutralised.
    write_xlsx(
        HERE / "roster_formula_names.xlsx",
        HEADERS_ZH,
        [
            ['=HYPERLINK("http://example.invalid","张三")', FORMULA[0], "", "其他", ""],
            ["+1+1", FORMULA[1], "", "其他", ""],
            ["-2+3", FORMULA[2], "", "其他", ""],
            ["@SUM(A1)", FORMULA[3], "", "其他", ""],
            ["周五", FORMULA[4], "", "其他", "=1+1"],
        ],
    )


if __name__ == "__main__":
    main()
