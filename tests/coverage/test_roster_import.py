"""The roster import service: what each row does to the roster, and that nothing is lost."""

import datetime
from pathlib import Path

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone, translation

from coverage.models import Person, Role, RosterEntry, RosterImport
from coverage.pii import pii_lookup_hash
from coverage.rosters.files import RosterRow, read_roster
from coverage.rosters.services import roster_import
from coverage.services import person_find, person_save
from tests.data.make_roster_files import DUPLICATE, FORMULA, GBK, NUMERIC
from tests.factories import EnterpriseFactory
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"


def row(n, name=None, role="其他", phone="", department="", number=None):
    return RosterRow(
        row=n + 1,
        name=name or f"职工{n}",
        id_number=number or id_number(n),
        phone=phone,
        role=role,
        department=department,
    )


def from_file(name):
    return read_roster(DATA / name, filename=name)


def active(enterprise):
    return {
        entry.person.id_number: (entry.person.name, entry.role, entry.department)
        for entry in RosterEntry.objects.filter(
            enterprise=enterprise, end_date__isnull=True
        ).select_related("person")
    }


def counts(result):
    return (result.created, result.updated, result.unchanged, result.ended, len(result.rejected))


@pytest.fixture(autouse=True)
def _english():
    # The messages' wording is asserted in English, whatever the catalogue translates.
    with translation.override("en"):
        yield


@pytest.fixture
def enterprise():
    return EnterpriseFactory(name="长春一汽配件有限公司")


def test_new_people_join_the_roster_with_encrypted_id_numbers(enterprise):
    rows = [row(1, "张三", "分管负责人", "138 0013 8000", "安全部"), row(2, "李四", "team_leader")]

    result = roster_import(enterprise=enterprise, rows=rows, mode="add")

    assert counts(result) == (2, 0, 0, 0, 0)
    assert active(enterprise) == {
        id_number(1): ("张三", Role.MANAGER, "安全部"),
        id_number(2): ("李四", Role.TEAM_LEADER, ""),
    }
    person = person_find(id_number=id_number(1))
    assert person.phone == "13800138000"
    assert person.id_number_masked == id_number(1)[:6] + "********" + id_number(1)[-4:]
    assert id_number(1) not in person.id_number_encrypted
    assert RosterEntry.objects.get(person=person).start_date == timezone.localdate()


def test_importing_the_same_rows_again_changes_nothing(enterprise):
    rows = [row(1, "张三", "分管负责人", "13800138000", "安全部"), row(2), row(3, role="班组长")]
    roster_import(enterprise=enterprise, rows=rows, mode="replace")
    before = list(RosterEntry.objects.order_by("pk").values())
    people = list(Person.objects.order_by("pk").values())

    result = roster_import(enterprise=enterprise, rows=rows, mode="replace")

    assert counts(result) == (0, 0, 3, 0, 0)
    assert list(RosterEntry.objects.order_by("pk").values()) == before
    assert list(Person.objects.order_by("pk").values()) == people


def test_a_role_change_ends_the_old_entry_and_starts_a_new_one(enterprise):
    roster_import(
        enterprise=enterprise, rows=[row(1, role="其他", department="一车间")], mode="add"
    )

    result = roster_import(enterprise=enterprise, rows=[row(1, role="一线班组长")], mode="add")

    assert counts(result) == (0, 1, 0, 0, 0)
    history = list(
        RosterEntry.objects.filter(person=person_find(id_number=id_number(1))).order_by("pk")
    )
    assert [(e.role, e.department, e.end_date) for e in history] == [
        (Role.OTHER, "一车间", timezone.localdate()),
        (Role.TEAM_LEADER, "一车间", None),  # an empty department cell keeps the department
    ]


def test_name_phone_and_department_changes_update_in_place(enterprise):
    roster_import(enterprise=enterprise, rows=[row(1, "张三", phone="13800138000")], mode="add")
    roster_import(enterprise=enterprise, rows=[row(2, "李四", department="一车间")], mode="add")
    entries = set(RosterEntry.objects.values_list("pk", flat=True))

    result = roster_import(
        enterprise=enterprise,
        rows=[
            row(1, "张叁", phone="13900139000"),
            row(2, "李四", department="二车间"),
        ],
        mode="add",
    )

    assert counts(result) == (0, 2, 0, 0, 0)
    assert set(RosterEntry.objects.values_list("pk", flat=True)) == entries
    assert person_find(id_number=id_number(1)).name == "张叁"
    assert person_find(id_number=id_number(1)).phone == "13900139000"
    assert active(enterprise)[id_number(2)] == ("李四", Role.OTHER, "二车间")


def test_empty_phone_and_department_cells_keep_what_is_known(enterprise):
    full = row(1, "张三", phone="13800138000", department="安全部")
    roster_import(enterprise=enterprise, rows=[full], mode="add")

    result = roster_import(enterprise=enterprise, rows=[row(1, "张三")], mode="add")

    assert counts(result) == (0, 0, 1, 0, 0)
    assert person_find(id_number=id_number(1)).phone == "13800138000"
    assert active(enterprise)[id_number(1)][2] == "安全部"


def test_a_new_name_with_an_empty_phone_cell_keeps_the_stored_phone(enterprise):
    roster_import(enterprise=enterprise, rows=[row(1, "张三", phone="13800138000")], mode="add")

    result = roster_import(enterprise=enterprise, rows=[row(1, "张叁")], mode="add")

    assert counts(result) == (0, 1, 0, 0, 0)
    person = person_find(id_number=id_number(1))
    assert (person.name, person.phone, person.phone_masked) == (
        "张叁",
        "13800138000",
        "138****8000",
    )


def test_add_mode_keeps_people_missing_from_the_file(enterprise):
    roster_import(enterprise=enterprise, rows=[row(1), row(2)], mode="add")

    result = roster_import(enterprise=enterprise, rows=[row(3)], mode="add")

    assert counts(result) == (1, 0, 0, 0, 0)
    assert set(active(enterprise)) == {id_number(1), id_number(2), id_number(3)}


def test_replace_ends_the_entries_of_people_missing_from_the_file_and_keeps_history(enterprise):
    other = EnterpriseFactory()
    roster_import(enterprise=other, rows=[row(1)], mode="add")
    roster_import(enterprise=enterprise, rows=[row(1), row(2), row(3)], mode="add")

    result = roster_import(enterprise=enterprise, rows=[row(2), row(4)], mode="replace")

    assert counts(result) == (1, 0, 1, 2, 0)
    assert set(active(enterprise)) == {id_number(2), id_number(4)}
    ended = RosterEntry.objects.filter(enterprise=enterprise, end_date__isnull=False)
    assert {e.person.id_number for e in ended} == {id_number(1), id_number(3)}
    assert set(active(other)) == {id_number(1)}  # another roster is never touched


def test_an_entry_starting_in_the_future_ends_on_its_start_day(enterprise):
    person, _ = person_save(id_number=id_number(1), name="张三")
    start = timezone.localdate() + datetime.timedelta(days=10)
    RosterEntry.objects.create(person=person, enterprise=enterprise, start_date=start)

    result = roster_import(enterprise=enterprise, rows=[row(2)], mode="replace")

    assert result.ended == 1
    assert RosterEntry.objects.get(person=person).end_date == start


def test_replace_keeps_people_whose_rows_were_rejected(enterprise):
    roster_import(enterprise=enterprise, rows=[row(1), row(2)], mode="add")

    result = roster_import(
        enterprise=enterprise, rows=[row(1, phone="12345"), row(3)], mode="replace"
    )

    assert counts(result) == (1, 0, 0, 1, 1)
    assert set(active(enterprise)) == {id_number(1), id_number(3)}


def test_replace_ends_nobody_while_an_id_number_cannot_be_read(enterprise):
    roster_import(enterprise=enterprise, rows=[row(1), row(2)], mode="add")

    result = roster_import(
        enterprise=enterprise, rows=[row(1), row(3, number="2.20102E+17")], mode="replace"
    )

    assert counts(result) == (0, 0, 1, 0, 1)
    assert set(active(enterprise)) == {id_number(1), id_number(2)}
    assert "Nobody is taken off the roster" in result.notes[0]


def test_a_dry_run_counts_what_would_change_and_changes_nothing(enterprise):
    roster_import(enterprise=enterprise, rows=[row(1), row(2, role="其他")], mode="add")
    rows = [row(2, role="分管负责人"), row(3), row(4, phone="bad")]
    people = Person.objects.count()
    entries = list(RosterEntry.objects.values())

    preview = roster_import(enterprise=enterprise, rows=rows, mode="replace", dry_run=True)

    assert Person.objects.count() == people
    assert list(RosterEntry.objects.values()) == entries
    assert counts(preview) == (1, 1, 0, 1, 1)
    assert counts(roster_import(enterprise=enterprise, rows=rows, mode="replace")) == counts(
        preview
    )


def test_numeric_id_column_is_rejected_with_fix_hint(enterprise):
    result = roster_import(
        enterprise=enterprise, rows=from_file("roster_numeric_ids.xlsx"), mode="add"
    )

    assert counts(result) == (1, 0, 0, 0, 2)
    assert [(r.row, r.column) for r in result.rejected] == [(2, "身份证号"), (4, "身份证号")]
    message = result.rejected[0].message
    assert "2.20102E+17" in message and "Text" in message and "template" in message
    assert set(active(enterprise)) == {NUMERIC[1]}


def test_gbk_csv_imports_every_row_with_its_chinese_intact(enterprise):
    result = roster_import(enterprise=enterprise, rows=from_file("roster_gbk.csv"), mode="add")

    assert counts(result) == (3, 0, 0, 0, 0)
    assert active(enterprise) == {
        GBK[0]: ("张三", Role.MANAGER, "安全生产部"),
        GBK[1]: ("欧阳娜娜", Role.SAFETY_HEAD, "安全生产部"),
        GBK[2]: ("阿依古丽·买买提", Role.TEAM_LEADER, "一车间"),
    }
    assert person_find(id_number=GBK[1]).phone == "13800138002"


def test_utf8_bom_csv_with_english_headers_and_role_codes(enterprise):
    result = roster_import(enterprise=enterprise, rows=from_file("roster_utf8_bom.csv"), mode="add")

    assert counts(result) == (2, 0, 0, 0, 0)
    assert sorted(active(enterprise).values()) == [
        ("Zoë 李", Role.TEAM_LEADER, "Workshop 2"),
        ("赵𠮷", Role.MANAGER, ""),
    ]


def test_a_lowercase_x_check_character_is_the_same_person_as_a_capital_one(enterprise):
    number = GBK[1]
    person_save(id_number=number, name="欧阳娜娜")

    result = roster_import(
        enterprise=enterprise, rows=[row(1, "欧阳娜娜", number=number.lower())], mode="add"
    )

    assert counts(result) == (1, 0, 0, 0, 0)
    assert Person.objects.count() == 1
    assert active(enterprise) == {number: ("欧阳娜娜", Role.OTHER, "")}


def test_the_same_person_twice_in_a_file_rejects_both_rows_and_names_the_other(enterprise):
    result = roster_import(
        enterprise=enterprise, rows=from_file("roster_duplicates.csv"), mode="add"
    )

    assert counts(result) == (1, 0, 0, 0, 2)
    assert [(r.row, r.column) for r in result.rejected] == [(2, "身份证号"), (4, "身份证号")]
    assert "row 4" in result.rejected[0].message
    assert "row 2" in result.rejected[1].message
    assert set(active(enterprise)) == {DUPLICATE[0]}


def test_formula_like_names_are_rejected_and_departments_kept_as_text(enterprise):
    result = roster_import(
        enterprise=enterprise, rows=from_file("roster_formula_names.xlsx"), mode="add"
    )

    assert counts(result) == (1, 0, 0, 0, 4)
    assert [(r.row, r.column) for r in result.rejected] == [(n, "姓名") for n in (2, 3, 4, 5)]
    assert 'HYPERLINK("http://example.invalid","张三")' in result.rejected[0].message
    assert "formula" in result.rejected[0].message
    assert active(enterprise) == {FORMULA[4]: ("周五", Role.OTHER, "=1+1")}


@pytest.mark.parametrize(
    ("bad", "column", "words"),
    [
        ({"name": ""}, "姓名", "name is empty"),
        ({"name": "张" * 51}, "姓名", "longer than 50"),
        ({"id_number": ""}, "身份证号", "ID number is empty"),
        ({"id_number": "110105491231002"}, "身份证号", "old 15-digit"),
        ({"id_number": "220102198013010012"}, "身份证号", "impossible birth date"),
        ({"id_number": "220102198001010011"}, "身份证号", "check character"),
        ({"id_number": "99010219800101001X"}, "身份证号", "province code"),
        ({"phone": "0431-88888888"}, "手机号", "11-digit mobile"),
        ({"role": ""}, "岗位类别", "role is empty"),
        ({"role": "工程师"}, "岗位类别", "not a role"),
        ({"department": "部" * 101}, "部门", "longer than 100"),
    ],
)
def test_each_problem_names_the_row_the_column_and_the_fix(enterprise, bad, column, words):
    values = {
        "row": 7,
        "name": "张三",
        "id_number": id_number(1),
        "phone": "",
        "role": "其他",
        "department": "",
        **bad,
    }

    result = roster_import(enterprise=enterprise, rows=[RosterRow(**values)], mode="add")

    assert [(r.row, r.column) for r in result.rejected] == [(7, column)]
    assert words in result.rejected[0].message
    assert not RosterEntry.objects.exists()


def test_every_problem_of_a_row_is_reported_at_once(enterprise):
    bad = RosterRow(3, "", "220102198001010011", "123", "工程师", "")

    result = roster_import(enterprise=enterprise, rows=[bad], mode="add")

    assert [r.column for r in result.rejected] == ["姓名", "身份证号", "手机号", "岗位类别"]


def test_input_as_people_type_it_is_understood(enterprise):
    rows = [
        row(1, "张  三", "分管安全生产负责人", phone="＋86 138-0013-8000"),
        row(2, "John  Smith", "Team_Leader", number="'" + id_number(2)),
        row(
            3,
            "李四",
            "safety head",
            number=id_number(3).translate(str.maketrans("0123", "０１２３")),
        ),
    ]

    result = roster_import(enterprise=enterprise, rows=rows, mode="add")

    assert counts(result) == (3, 0, 0, 0, 0)
    assert active(enterprise) == {
        id_number(1): ("张三", Role.MANAGER, ""),
        id_number(2): ("John Smith", Role.TEAM_LEADER, ""),
        id_number(3): ("李四", Role.SAFETY_HEAD, ""),
    }


def test_a_key_role_on_another_roster_is_flagged_but_imported(enterprise):
    other = EnterpriseFactory(name="吉林化纤集团")
    roster_import(enterprise=other, rows=[row(1, "张三", "分管负责人"), row(2)], mode="add")

    result = roster_import(
        enterprise=enterprise, rows=[row(1, "张三", "一线班组长"), row(2), row(3)], mode="add"
    )

    assert counts(result) == (3, 0, 0, 0, 0)
    assert [(f.row, f.name, f.enterprise) for f in result.flagged] == [(2, "张三", "吉林化纤集团")]
    assert result.flagged[0].id_number_masked.startswith("220102********")
    assert str(result.flagged[0].role) == str(Role.MANAGER.label)
    assert set(active(other)) == {id_number(1), id_number(2)}


def test_the_commit_is_one_transaction_all_valid_rows_or_nothing(enterprise):
    roster_import(enterprise=enterprise, rows=[row(1), row(2)], mode="add")
    record = RosterImport.objects.create(enterprise=enterprise, filename="a.csv")
    people = list(Person.objects.values())
    entries = list(RosterEntry.objects.values())

    # The last write of the commit fails: every write before it must be undone too.
    def fail_on_storing_the_result(execute, sql, params, many, context):
        if sql.startswith('UPDATE "coverage_rosterimport"'):
            raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_on_storing_the_result), pytest.raises(DatabaseError):
        roster_import(
            enterprise=enterprise,
            rows=[row(1, "改名"), row(3), row(4, role="分管负责人")],
            mode="replace",
            source_import=record,
        )

    assert list(Person.objects.values()) == people
    assert list(RosterEntry.objects.values()) == entries
    record.refresh_from_db()
    assert record.status == RosterImport.Status.PENDING


def test_a_second_commit_of_the_same_import_changes_nothing(enterprise):
    record = RosterImport.objects.create(enterprise=enterprise, filename="a.csv")
    rows = [row(1), row(2)]
    first = roster_import(enterprise=enterprise, rows=rows, mode="add", source_import=record)
    RosterEntry.objects.filter(enterprise=enterprise).update(end_date=timezone.localdate())

    again = roster_import(enterprise=enterprise, rows=rows, mode="add", source_import=record)

    assert counts(again) == counts(first) == (2, 0, 0, 0, 0)
    assert RosterEntry.objects.count() == 2
    assert not RosterEntry.objects.filter(end_date__isnull=True).exists()
    record.refresh_from_db()
    assert record.status == RosterImport.Status.COMMITTED
    assert record.counts["created"] == 2
    assert set(RosterEntry.objects.values_list("source_import", flat=True)) == {record.pk}


def test_no_query_per_row_only_per_batch(enterprise, django_assert_max_num_queries):
    first = [row(n) for n in range(1, 601)]
    roster_import(enterprise=enterprise, rows=first[:300], mode="add")
    changed = [row(n, role="分管负责人") if n % 2 else row(n) for n in range(1, 601)]

    # 300 new people, 150 role changes, 150 unchanged: a query per row would be hundreds;
    # SQLite's parameter limit splits the bulk inserts into batches of about 120 rows.
    with django_assert_max_num_queries(30):
        result = roster_import(enterprise=enterprise, rows=changed, mode="replace")
    assert counts(result) == (300, 150, 150, 0, 0)

    # Unchanged rows cost reads only, the same few whatever their number (the last four: the
    # maintained coverage counts' recount of the enterprise, coverage/counts/).
    with django_assert_max_num_queries(12):
        assert counts(roster_import(enterprise=enterprise, rows=changed, mode="add")) == (
            0,
            0,
            600,
            0,
            0,
        )


def test_progress_is_reported_up_to_the_total(enterprise):
    reports = []

    roster_import(
        enterprise=enterprise,
        rows=[row(n) for n in range(1, 2502)],
        mode="add",
        progress=lambda done, total, message: reports.append((done, total, message)),
    )

    assert reports[-1][0] == reports[-1][1] == 3 * 2501
    assert [done for done, _, _ in reports] == sorted(done for done, _, _ in reports)


def test_people_are_found_by_keyed_hash_not_by_plain_id_number(enterprise):
    roster_import(enterprise=enterprise, rows=[row(1)], mode="add")

    stored = Person.objects.get()

    assert stored.id_number_hash == pii_lookup_hash(id_number(1))
    assert stored.id_number == id_number(1)
