"""Reading roster files: real xlsx and CSV files in, rows of text out, unusable files refused."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from coverage.identifiers import id_number_mangled_by_excel
from coverage.rosters.files import RosterFileError, RosterRow, read_roster
from coverage.rosters.template import roster_template_bytes
from tests.data.make_roster_files import BOM, GBK, NUMERIC
from tests.helpers.identities import id_number

DATA = Path(__file__).resolve().parents[1] / "data"
HEADER = "姓名,身份证号,手机号,岗位类别,部门\r\n"


@pytest.fixture(autouse=True)
def _english():
    # The messages' wording is asserted in English, whatever the catalogue translates.
    with translation.override("en"):
        yield


def test_template_has_the_chinese_headers_a_text_id_column_and_instructions():
    workbook = load_workbook(io.BytesIO(roster_template_bytes()))
    roster, instructions = workbook.worksheets
    assert [cell.value for cell in roster[1]] == ["姓名", "身份证号", "手机号", "岗位类别", "部门"]
    assert roster.column_dimensions["B"].number_format == "@"
    assert roster.column_dimensions["C"].number_format == "@"
    assert roster.data_validations.dataValidation[0].formula1 == (
        '"分管负责人,安全管理部门主要负责人,一线班组长,其他"'
    )
    text = "\n".join(str(row[0].value) for row in instructions.iter_rows())
    assert "身份证号" in text and "岗位类别" in text


def test_template_filled_in_by_a_user_reads_back_row_by_row(tmp_path):
    workbook = load_workbook(io.BytesIO(roster_template_bytes()))
    workbook.worksheets[0].append(["张三", id_number(1), "13800138000", "其他", "一车间"])
    path = tmp_path / "filled.xlsx"
    workbook.save(path)

    assert read_roster(path, filename=path.name) == [
        RosterRow(2, "张三", id_number(1), "13800138000", "其他", "一车间")
    ]


def test_numeric_id_cells_read_as_excel_shows_them_and_text_cells_exactly():
    rows = read_roster(DATA / "roster_numeric_ids.xlsx", filename="roster_numeric_ids.xlsx")

    assert [(r.row, r.id_number) for r in rows] == [
        (2, "2.20102E+17"),
        (3, NUMERIC[1]),
        (4, "2.20102E+17"),
    ]
    assert rows[0].phone == "13800138001"  # a phone number survives being a number


def test_gbk_csv_keeps_every_chinese_character():
    rows = read_roster(DATA / "roster_gbk.csv", filename="roster_gbk.csv")

    assert [r.name for r in rows] == ["张三", "欧阳娜娜", "阿依古丽·买买提"]
    assert [r.id_number for r in rows] == [GBK[0], GBK[1].lower(), GBK[2]]
    assert rows[1].role == "安全管理部门主要负责人"


def test_utf8_bom_csv_with_english_headers_and_a_character_outside_gbk():
    with open(DATA / "roster_utf8_bom.csv", "rb") as handle:
        rows = read_roster(handle, filename="roster_utf8_bom.csv")

    assert rows == [
        RosterRow(2, "Zoë 李", BOM[0], "13800138003", "team_leader", "Workshop 2"),
        RosterRow(3, "赵𠮷", BOM[1].lower(), "", "manager", ""),
    ]


def test_excel_unicode_text_export_is_read_as_tab_separated_utf16():
    text = "姓名\t身份证号\t岗位类别\r\n张三\t" + id_number(1) + "\t其他\r\n"

    rows = read_roster(text.encode("utf-16"), filename="roster.csv")

    assert rows == [RosterRow(2, "张三", id_number(1), "", "其他", "")]


def test_rows_keep_the_numbers_the_spreadsheet_shows_and_empty_rows_are_skipped():
    text = HEADER + "张三,1,,其他,\r\n,,,,\r\n\r\n李四,2,,其他,\r\n,,,,\r\n"

    rows = read_roster(text.encode(), filename="roster.csv")

    assert [(r.row, r.name) for r in rows] == [(2, "张三"), (5, "李四")]


def test_headers_with_notes_in_brackets_and_extra_columns_are_understood():
    text = "序号,姓名*,身份证号（必填）,岗位类别 (Role),备注\r\n1,张三,X1,其他,新员工,多余\r\n"

    rows = read_roster(text.encode("gbk"), filename="roster.csv")

    assert rows == [RosterRow(2, "张三", "X1", "", "其他", "")]


def test_an_oversized_file_is_refused_before_it_is_parsed(tmp_path, settings):
    path = tmp_path / "huge.csv"
    line = f"张三,{id_number(1)},13800138000,其他,一车间\r\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        while handle.tell() <= settings.ROSTER_IMPORT_MAX_BYTES:
            handle.write(line * 10_000)

    with pytest.raises(RosterFileError, match=r"larger than 10\.0"):
        read_roster(path, filename=path.name)


def test_a_file_with_too_many_rows_says_how_to_split_it(settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 20
    text = HEADER + "".join(f"人{n},{id_number(n)},,其他,\r\n" for n in range(21))

    with pytest.raises(RosterFileError, match="more than 20 rows"):
        read_roster(text.encode(), filename="roster.csv")
    assert (
        len(read_roster(text.encode()[: text.encode().rindex("人".encode())], filename="a.csv"))
        == 20
    )


def test_too_many_rows_in_a_workbook(settings, tmp_path):
    settings.ROSTER_IMPORT_MAX_ROWS = 5
    workbook = Workbook()
    workbook.active.append(["姓名", "身份证号", "岗位类别"])
    for n in range(6):
        workbook.active.append([f"人{n}", id_number(n), "其他"])
    workbook.save(tmp_path / "big.xlsx")

    with pytest.raises(RosterFileError, match="more than 5 rows"):
        read_roster(tmp_path / "big.xlsx", filename="big.xlsx")


def test_a_decompression_bomb_is_refused_before_any_parser_opens_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * (64 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024

    with pytest.raises(RosterFileError, match="expand to far more data"):
        read_roster(buffer.getvalue(), filename="bomb.xlsx")


@pytest.mark.parametrize(
    ("content", "filename", "reason"),
    [
        (b"name,id\n", "roster.xls", r"not an \.xlsx or \.csv file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "roster.xlsx", "Excel 97"),
        (b"PK\x03\x04 damaged", "roster.xlsx", r"cannot be read as an \.xlsx"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "roster.csv", "not text in UTF-8 or GBK"),
        (b"", "roster.csv", "no people in it"),
        (HEADER.encode(), "roster.csv", "no people in it"),
        ("姓名,手机号\r\n张三,13800138000\r\n".encode(), "roster.csv", "no 身份证号、岗位类别"),
        ("姓名,身份证号,证件号码,岗位类别\r\n".encode(), "roster.csv", "two 身份证号 columns"),
    ],
)
def test_unusable_files_say_what_is_wrong_and_how_to_fix_it(content, filename, reason):
    with pytest.raises(RosterFileError, match=reason):
        read_roster(content, filename=filename)


def test_a_workbook_renamed_to_csv_is_recognised():
    content = (DATA / "roster_numeric_ids.xlsx").read_bytes()
    with pytest.raises(RosterFileError, match=r"Excel workbook with a \.csv name"):
        read_roster(content, filename="roster.csv")


def test_the_roster_is_read_from_the_first_sheet_with_roster_headers(tmp_path):
    workbook = Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["本表为2025年花名册"])
    roster = workbook.create_sheet("花名册")
    roster.append(["姓名", "身份证号", "岗位类别"])
    roster.append(["张三", id_number(1), "其他"])
    workbook.save(tmp_path / "two-sheets.xlsx")

    rows = read_roster(tmp_path / "two-sheets.xlsx", filename="two-sheets.xlsx")

    assert rows == [RosterRow(2, "张三", id_number(1), "", "其他", "")]


@pytest.mark.parametrize(
    ("text", "mangled"),
    [
        ("2.20102E+17", True),
        ("2.20102198001011e+17", True),
        ("220102198001011000.0", True),
        ("220102198001011000", True),  # the last three digits lost, check fails
        (id_number(1), False),
        ("22010219800101001X", False),
        ("220102198001010010", False),  # a typo, not Excel: it does not end in 000
        ("", False),
    ],
)
def test_id_numbers_that_excel_stored_as_numbers_are_recognised(text, mangled):
    assert id_number_mangled_by_excel(text) is mangled


def test_cells_that_are_not_text_read_as_the_spreadsheet_shows_them(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号", "手机号", "岗位类别", "部门"])
    sheet.append(["张三", id_number(1), 13800138000, "其他", 1.5])
    sheet.append([])
    sheet.append(["李四", id_number(2), 13900139000.0, True, datetime.date(2024, 3, 1)])
    sheet.append(["王五", 12345, None, "其他", datetime.datetime(2024, 3, 1, 8, 30)])  # noqa: DTZ001 - Excel keeps no zone
    path = tmp_path / "types.xlsx"
    workbook.save(path)

    assert read_roster(path, filename=path.name) == [
        RosterRow(2, "张三", id_number(1), "13800138000", "其他", "1.5"),
        RosterRow(4, "李四", id_number(2), "13900139000", "True", "2024-03-01 00:00:00"),
        RosterRow(5, "王五", "12345", "", "其他", "2024-03-01 08:30:00"),
    ]


def test_csv_quotes_line_ends_and_short_rows_are_read_as_excel_writes_them():
    text = (
        "姓名,身份证号,手机号,岗位类别,部门\r"
        f'"张\n三",{id_number(1)},,其他,"一""车间"\r'
        f"李四,{id_number(2)}\r\n"
        "\n"
        f" 王五 ,{id_number(3)},13800138000,其他,二车间,备注\n"
    )

    assert read_roster(text.encode(), filename="quirks.csv") == [
        RosterRow(2, "张\n三", id_number(1), "", "其他", '一"车间'),
        RosterRow(3, "李四", id_number(2), "", "", ""),
        RosterRow(5, "王五", id_number(3), "13800138000", "其他", "二车间"),
    ]
