"""Two runs at once (two beat ticks, a retried task beside the first): each message once."""

import threading

from django.db import connection

from coverage.services import person_save
from reminders.models import Delivery, Notice, ReminderRule
from reminders.services import reminders_run
from tests.reminders.conftest import NOW, World


def _run_together(count: int) -> list:
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(reminders_run(now=NOW))
        except Exception as error:  # surfaced below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_concurrent_runs_send_each_message_once(transactional_db, sms_outbox):
    world = World()
    world.rule()
    world.rule(kind=ReminderRule.Kind.PEOPLE_MISSING)
    for n, person in enumerate((world.manager, world.leader)):
        person_save(id_number=person.id_number, name=person.name, phone=f"1380000{n:04d}")
    results = _run_together(3)
    assert sum(result.notices for result in results) == 1
    assert sum(result.sms for result in results) == 2
    assert Notice.objects.count() == 1
    assert sorted(m.phone for m in sms_outbox) == ["+8613800000000", "+8613800000001"]
    assert Delivery.objects.count() == 3
