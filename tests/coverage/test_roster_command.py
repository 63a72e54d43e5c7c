"""`manage.py import_roster`: the JSON contract and the exit codes scripts rely on."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from coverage.models import Person, RosterEntry, RosterImport
from tests.data.make_roster_files import GBK, NUMERIC
from tests.factories import EnterpriseFactory
from tests.helpers.celery_worker import database_url

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(*args):
    out = io.StringIO()
    try:
        call_command("import_roster", *map(str, args), stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_json_lists_each_rejected_row_and_the_valid_rows_are_applied():
    enterprise = EnterpriseFactory()

    code, out = run(
        DATA / "roster_numeric_ids.xlsx", "--enterprise", enterprise.credit_code, "--json"
    )

    assert code == 1
    result = json.loads(out)
    assert list(result) == ["created", "updated", "unchanged", "ended", "rejected"]
    assert (result["created"], result["updated"], result["unchanged"], result["ended"]) == (
        1,
        0,
        0,
        0,
    )
    assert [(r["row"], r["column"]) for r in result["rejected"]] == [
        (2, "身份证号"),
        (4, "身份证号"),
    ]
    assert "Format Cells" in result["rejected"][0]["message"]
    assert [p.id_number for p in Person.objects.all()] == [NUMERIC[1]]
    record = RosterImport.objects.get()
    assert record.status == RosterImport.Status.COMMITTED and record.uploaded_by is None
    assert RosterEntry.objects.get().source_import == record


@pytest.mark.django_db
def test_a_clean_file_exits_0_and_importing_it_again_changes_nothing():
    enterprise = EnterpriseFactory()
    args = (DATA / "roster_gbk.csv", "--enterprise", enterprise.credit_code, "--json")

    first = run(*args)
    second = run(*args)

    assert first[0] == second[0] == 0
    assert json.loads(first[1]) == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "ended": 0,
        "rejected": [],
    }
    assert json.loads(second[1])["unchanged"] == 3
    assert json.loads(second[1])["created"] == 0


@pytest.mark.django_db
def test_dry_run_changes_nothing_and_still_exits_1_for_rejected_rows():
    enterprise = EnterpriseFactory()

    code, out = run(
        DATA / "roster_duplicates.csv", "--enterprise", enterprise.credit_code, "--dry-run"
    )

    assert code == 1
    assert "Dry run, nothing changed: 1 would be created" in out
    assert "Row 2, 身份证号:" in out
    assert not Person.objects.exists() and not RosterImport.objects.exists()


@pytest.mark.django_db
def test_replace_mode_ends_people_missing_from_the_file(tmp_path):
    enterprise = EnterpriseFactory()
    run(DATA / "roster_gbk.csv", "--enterprise", enterprise.credit_code)
    path = tmp_path / "one.csv"
    path.write_text(f"姓名,身份证号,岗位类别\n张三,{GBK[0]},分管负责人\n", encoding="utf-8")

    code, out = run(path, "--enterprise", enterprise.credit_code, "--mode", "replace", "--json")

    assert code == 0
    assert json.loads(out)["ended"] == 2
    assert RosterEntry.objects.filter(end_date__isnull=True).count() == 1


@pytest.mark.django_db
def test_an_unusable_file_exits_2(tmp_path):
    enterprise = EnterpriseFactory()
    path = tmp_path / "roster.csv"
    path.write_text("name,phone\nx,y\n", encoding="utf-8")

    with pytest.raises(CommandError, match="no 身份证号、岗位类别 column") as error:
        run(path, "--enterprise", enterprise.credit_code)
    assert error.value.returncode == 2

    with pytest.raises(CommandError) as missing:
        run(tmp_path / "absent.csv", "--enterprise", enterprise.credit_code)
    assert missing.value.returncode == 2
    with pytest.raises(CommandError) as unknown:
        run(DATA / "roster_gbk.csv", "--enterprise", "91220101MA00000000")
    assert unknown.value.returncode == 2


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_process_exit_codes_are_0_1_and_2(tmp_path):
    enterprise = EnterpriseFactory()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
    }

    def exit_code(path):
        command = [sys.executable, "manage.py", "import_roster", str(path), "--json"]
        command += ["--enterprise", enterprise.credit_code]
        return subprocess.run(
            command, env=env, cwd=settings.BASE_DIR, capture_output=True
        ).returncode

    try:
        assert exit_code(DATA / "roster_gbk.csv") == 0
        assert exit_code(DATA / "roster_numeric_ids.xlsx") == 1
        assert exit_code(bad) == 2
        assert RosterEntry.objects.filter(enterprise=enterprise).count() == 4
    finally:
        # The command stored the files in the run's private store, which this process shares.
        for record in RosterImport.objects.all():
            record.file.delete(save=False)
