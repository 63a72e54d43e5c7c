"""The coverage report and `manage.py coverage_report`, against figures computed by hand."""

import csv
import datetime
import io
import json
import os
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from coverage.dashboards.report import coverage_report, coverage_report_table
from coverage.models import AuditLog, Enterprise, Role
from coverage.services import training_record, training_target_default
from tests.factories import (
    EnterpriseFactory,
    IndustryFactory,
    PersonFactory,
    RosterEntryFactory,
    TrainingTargetFactory,
)
from tests.helpers.celery_worker import database_url
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db

FORMULA_NAME = '=HYPERLINK("http://evil.example","点击")'


def on_roster(person, enterprise, role):
    return RosterEntryFactory(
        person=person, enterprise=enterprise, role=role, start_date=datetime.date(2021, 3, 1)
    )


def trained(person, on, key):
    return training_record(
        person=person, kind="online", occurred_on=on, title="工伤预防课程", source_key=key
    )


@pytest.fixture
def world(jilin):
    target = training_target_default()
    construction = IndustryFactory(code="construction", name="建筑施工")
    mining = IndustryFactory(code="mining", name="矿山")
    a = EnterpriseFactory(region=jilin["220102"], industry=construction, name="A")
    b = EnterpriseFactory(region=jilin["220103"], industry=mining, name="B")
    c = EnterpriseFactory(region=jilin["220102"], industry=construction, name="C")
    d = EnterpriseFactory(region=jilin["220102"], industry=construction, name="D", is_key=False)
    e = EnterpriseFactory(region=jilin["220202"], industry=mining, name="E")
    f = EnterpriseFactory(region=jilin["220103"], industry=construction, name=FORMULA_NAME)
    p = {n: PersonFactory(id_number=id_number(n), name=f"人{n}") for n in range(1, 12)}

    # A (南关区): 4 required, 2 covered.
    on_roster(p[1], a, Role.MANAGER)
    trained(p[1], datetime.date(2023, 5, 1), "course:1")  # covered
    on_roster(p[2], a, Role.SAFETY_HEAD)  # never trained
    on_roster(p[3], a, Role.TEAM_LEADER)
    trained(p[3], datetime.date(2022, 1, 1), "session:1")  # covered
    on_roster(p[4], a, Role.TEAM_LEADER)
    trained(p[4], datetime.date(2020, 6, 1), "course:1")  # before the period: not covered
    on_roster(p[5], a, Role.OTHER)
    trained(p[5], datetime.date(2023, 5, 1), "course:1")  # not a key role: not counted
    # B (宽城区): 1 of 1.
    on_roster(p[6], b, Role.MANAGER)
    trained(p[6], datetime.date(2024, 2, 2), "course:1")
    # C (南关区): nobody in a key role: roster missing.
    on_roster(p[7], c, Role.OTHER)
    # D is not a key enterprise: not in the report.
    on_roster(p[9], d, Role.MANAGER)
    # E (吉林市昌邑区): 0 of 1.
    on_roster(p[8], e, Role.SAFETY_HEAD)
    # F (宽城区), named like a spreadsheet formula: 2 of 2.
    on_roster(p[10], f, Role.TEAM_LEADER)
    trained(p[10], datetime.date(2025, 12, 31), "course:1")  # the deadline itself counts
    on_roster(p[11], f, Role.TEAM_LEADER)
    trained(p[11], datetime.date(2021, 1, 1), "course:1")
    return {"target": target, "regions": jilin, "a": a, "b": b, "c": c, "e": e, "f": f}


def figures(required, covered, percent):
    return {"required": required, "covered": covered, "percent": percent}


def test_province_report_has_the_agreed_shape_and_the_hand_computed_figures(world):
    report = coverage_report(target=world["target"], region=None)

    assert report["target"] == {
        "code": "plan-2021-2025",
        "name": world["target"].name,
        "start": "2021-01-01",
        "end": "2025-12-31",
    }
    assert report["region"] == {"code": "220000", "name": "吉林省"}
    assert (report["required"], report["covered"], report["percent"]) == (8, 5, 62.5)
    assert report["forecast_percent_at_deadline"] == 62.5
    assert [row["name"] for row in report["enterprises"]] == ["C", "E", "A", FORMULA_NAME, "B"]
    a = report["enterprises"][2]
    assert a == {
        "credit_code": world["a"].credit_code,
        "name": "A",
        "required": 4,
        "covered": 2,
        "percent": 50.0,
        # The deadline has passed: the forecast is where it ended.
        "forecast_percent_at_deadline": 50.0,
        "by_role": {
            "manager": figures(1, 1, 100.0),
            "safety_head": figures(1, 0, 0.0),
            "team_leader": figures(2, 1, 50.0),
        },
    }
    assert json.loads(json.dumps(report)) == report


def test_an_enterprise_without_key_role_people_is_roster_missing_never_100_percent(world):
    report = coverage_report(target=world["target"], region=None)
    c = report["enterprises"][0]
    assert (c["name"], c["required"], c["covered"], c["percent"]) == ("C", 0, 0, None)
    assert c["forecast_percent_at_deadline"] is None
    assert c["by_role"] == {role: figures(0, 0, None) for role in world["target"].required_roles}


def test_city_report_counts_only_its_counties(world):
    report = coverage_report(target=world["target"], region=world["regions"]["220100"])

    assert report["region"] == {"code": "220100", "name": "长春市"}
    assert (report["required"], report["covered"], report["percent"]) == (7, 5, 71.4)
    assert {row["name"] for row in report["enterprises"]} == {"A", "B", "C", FORMULA_NAME}


def test_county_report(world):
    report = coverage_report(target=world["target"], region=world["regions"]["220102"])
    assert (report["required"], report["covered"], report["percent"]) == (4, 2, 50.0)
    assert [row["name"] for row in report["enterprises"]] == ["C", "A"]


def test_report_queries_do_not_grow_with_the_number_of_enterprises(
    world, django_assert_num_queries
):
    target, city = world["target"], world["regions"]["220100"]
    with django_assert_num_queries(4):
        coverage_report(target=target, region=city)
    for n in range(20):
        enterprise = EnterpriseFactory(region=world["regions"]["220104"])
        person = PersonFactory(id_number=id_number(100 + n), name=f"新{n}")
        on_roster(person, enterprise, Role.TEAM_LEADER)
    with django_assert_num_queries(4):
        report = coverage_report(target=target, region=city)
    assert len(report["enterprises"]) == 24


def test_table_has_the_total_first_then_one_row_per_enterprise(world):
    report = coverage_report(target=world["target"], region=world["regions"]["220100"])
    with translation.override("en"):
        headers, rows = coverage_report_table(report)

    assert headers[:6] == [
        "Unified social credit code",
        "Enterprise",
        "Key-role people",
        "Trained",
        "Coverage (%)",
        "Remarks",
    ]
    assert len(headers) == 6 + 2 * 3
    # manager: A's and B's, both trained; safety head: A's, not; team leaders: A's two (one
    # trained) and F's two (both trained).
    assert rows[0] == ["220100", "长春市, all key enterprises", 7, 5, 71.4, "", 2, 2, 1, 0, 4, 3]
    assert rows[1][:6] == [
        world["c"].credit_code,
        "C",
        0,
        0,
        None,
        "Roster missing: no key-role people on the active roster",
    ]
    assert [row[1] for row in rows[1:]] == ["C", "A", FORMULA_NAME, "B"]


# --- the command ---------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    # English: the messages asserted below must not depend on the state of the translation.
    with translation.override("en"):
        call_command("coverage_report", *args, stdout=out)
    return out.getvalue()


def test_command_prints_json_and_audits_the_export(world):
    report = json.loads(run("--format", "json", "--region", "220102"))

    assert report == json.loads(
        json.dumps(coverage_report(target=world["target"], region=world["regions"]["220102"]))
    )
    entry = AuditLog.objects.get()
    assert entry.action == AuditLog.Action.EXPORT
    assert "coverage_report plan-2021-2025 220102 (json)" in entry.subject
    assert entry.rows == 2
    assert not entry.contains_personal_data


def test_command_without_target_takes_the_one_whose_period_contains_today(world):
    later = TrainingTargetFactory(
        code="plan-2026-2030",
        name="2026—2030",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2030, 12, 31),
    )
    with time_machine.travel(datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC)):
        assert json.loads(run("--format", "json"))["target"]["code"] == "plan-2021-2025"
    with time_machine.travel(datetime.datetime(2027, 6, 1, 12, tzinfo=datetime.UTC)):
        assert json.loads(run("--format", "json"))["target"]["code"] == later.code
    with time_machine.travel(datetime.datetime(2032, 6, 1, 12, tzinfo=datetime.UTC)):
        assert json.loads(run("--format", "json"))["target"]["code"] == later.code
    older = json.loads(run("--format", "json", "--target", "plan-2021-2025"))
    assert older["required"] == 8


def test_csv_file_reads_back_with_formulas_neutralised(world, tmp_path):
    path = tmp_path / "report.csv"
    message = run("--format", "csv", "--output", str(path))

    assert str(path) in message
    assert path.read_bytes().startswith("\ufeff".encode())
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:5] == [
        "Unified social credit code",
        "Enterprise",
        "Key-role people",
        "Trained",
        "Coverage (%)",
    ]
    assert rows[1][:5] == ["220000", "吉林省, all key enterprises", "8", "5", "62.5"]
    names = [row[1] for row in rows[2:]]
    assert names == ["C", "E", "A", "'" + FORMULA_NAME, "B"]
    assert AuditLog.objects.get().subject.endswith("(csv)")


def test_csv_on_standard_output_has_no_byte_order_mark(world):
    text = run("--format", "csv", "--region", "220102")
    assert not text.startswith("\ufeff")
    assert len(list(csv.reader(text.splitlines()))) == 1 + 1 + 2


def test_xlsx_file_reads_back_with_formulas_neutralised(world, tmp_path):
    path = tmp_path / "report.xlsx"
    run("--format", "xlsx", "--region", "220103", "--output", str(path))

    sheet = load_workbook(path, read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1][:5] == ["220103", rows[1][1], 3, 3, 100]
    assert rows[2][:5] == [world["f"].credit_code, "'" + FORMULA_NAME, 2, 2, 100]
    assert rows[3][:5] == [world["b"].credit_code, "B", 1, 1, 100]
    assert not any(isinstance(cell, str) and cell.startswith("=") for row in rows for cell in row)


def test_xlsx_needs_an_output_file(world):
    with pytest.raises(CommandError, match="--output"):
        run("--format", "xlsx")
    assert not AuditLog.objects.exists()


def test_unknown_target_is_refused_with_the_known_codes(world):
    with pytest.raises(CommandError, match=r"“plan-1999”.*plan-2021-2025"):
        run("--format", "json", "--target", "plan-1999")


def test_unknown_region_is_refused(world):
    with pytest.raises(CommandError, match="“229999”"):
        run("--format", "json", "--region", "229999")


def test_without_any_target_the_command_says_so(jilin):
    with pytest.raises(CommandError, match="No training target"):
        run("--format", "json")


def test_unwritable_output_is_a_clear_error(world, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        run("--format", "csv", "--output", str(tmp_path / "missing-folder" / "r.csv"))


def manage(*args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_command_line_exit_codes(jilin, tmp_path):
    training_target_default()
    EnterpriseFactory(region=jilin["220102"], name="南关企业")
    path = tmp_path / "report.xlsx"

    done = manage("coverage_report", "--format", "xlsx", "--region", "220102", "--output", path)
    assert done.returncode == 0, done.stderr
    assert load_workbook(path).active.max_row == 3
    unknown = manage("coverage_report", "--format", "json", "--region", "229999")
    assert unknown.returncode == 1
    assert "229999" in unknown.stderr and unknown.stdout == ""
    binary = manage("coverage_report", "--format", "xlsx")
    assert binary.returncode == 1 and "--output" in binary.stderr
    wrong_format = manage("coverage_report", "--format", "pdf")
    assert wrong_format.returncode != 0 and "pdf" in wrong_format.stderr
    assert Enterprise.objects.count() == 1
