"""The demo worker 张伟's ledger mixes online and offline lines, and its total is their sum."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from coverage.models import TrainingRecord
from demo.installers.coverage import (
    DEMO_WORKER_ID,
    demo_coverage_install,
    demo_people_install,
    demo_sessions_install,
)
from demo.installers.history import demo_history_install
from demo.installers.ledger import demo_ledger_install

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_worker_has_online_and_offline_lines_with_the_right_total():
    demo_coverage_install()
    demo_people_install()
    demo_sessions_install()
    demo_history_install()
    demo_ledger_install()
    demo_ledger_install()  # safe to re-run: nothing twice

    out = io.StringIO()
    call_command("person_ledger", "--id-number", DEMO_WORKER_ID, "--json", stdout=out)
    ledger = json.loads(out.getvalue())
    assert ledger["person"]["name_masked"] == "张*"
    records = TrainingRecord.objects.filter(person__id_number_masked=ledger["person"]["id_masked"])
    kinds = set(records.values_list("kind", flat=True))
    assert {"online", "offline"} <= kinds
    assert any(key.startswith("session:") for key in records.values_list("source_key", flat=True))
    assert len(ledger["lines"]) == records.count() >= 2
    expected = sum(records.values_list("hours", flat=True), Decimal(0))
    assert Decimal(str(ledger["total_hours"])) == expected
    assert sum(Decimal(str(line["hours"])) for line in ledger["lines"]) == expected
