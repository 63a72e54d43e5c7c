"""`manage.py person_ledger --id-number ID [--year YYYY] --json`: the stable JSON, exit 1 for
nobody."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ledger.corrections.services import ledger_line_correct
from tests.factories import PersonFactory, TrainingRecordFactory
from tests.helpers.identities import id_number, id_number_ending_in_x

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    out = io.StringIO()
    call_command("person_ledger", *args, stdout=out)
    return json.loads(out.getvalue())


def test_json_gives_masked_person_total_and_lines_with_sources():
    number = id_number_ending_in_x("19850203")
    person = PersonFactory(id_number=number, name="欧阳小明")
    online = TrainingRecordFactory(
        person=person, occurred_on=datetime.date(2024, 3, 1), hours=4, source_key="course:1"
    )
    TrainingRecordFactory(
        person=person,
        kind="offline",
        occurred_on=datetime.date(2025, 5, 6),
        hours=Decimal("1.5"),
        title="线下集中培训",
        source_key="session:9",
    )
    ledger_line_correct(line=online, user=None, reason="多计1学时", hours=Decimal("-1"))

    result = run("--id-number", number.lower(), "--json")
    assert result["person"] == {"name_masked": "欧***", "id_masked": person.id_number_masked}
    assert number not in json.dumps(result)
    assert result["total_hours"] == 4.5
    assert [set(line) for line in result["lines"]] == [
        {"date", "kind", "title", "hours", "source"}
    ] * 3
    assert [(line["date"], line["hours"]) for line in result["lines"]] == [
        ("2025-05-06", 1.5),
        ("2024-03-01", -1.0),
        ("2024-03-01", 4.0),
    ]
    assert result["lines"][0]["title"] == "线下集中培训"

    year = run("--id-number", number, "--year", "2024", "--json")
    assert year["total_hours"] == 3.0 and len(year["lines"]) == 2


def test_unknown_or_invalid_id_number_exits_1():
    PersonFactory(id_number=id_number(1))
    for number in (id_number(2), "not-a-number"):
        with pytest.raises(CommandError) as refused:
            run("--id-number", number, "--json")
        assert refused.value.returncode == 1
