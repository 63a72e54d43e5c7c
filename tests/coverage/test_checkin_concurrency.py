"""Many phones at once: exactly one attendance per person, whatever the interleaving.

Runs against the configured database: on PostgreSQL (CI) the threads really race for the
unique constraint; on SQLite they queue for its single writer.
"""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from coverage.models import Attendance, Role, RosterEntry, TrainingSession
from coverage.services import person_save
from coverage.sessions.services import attendance_check_in
from tests.factories import EnterpriseFactory
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def crowd(jilin):
    organiser = EnterpriseFactory(region=jilin["220102"])
    now = timezone.now()
    session = TrainingSession.objects.create(
        organiser=organiser,
        title="集中培训",
        venue="礼堂",
        region=jilin["220102"],
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
    )
    people = []
    for n in range(12):
        person, _ = person_save(id_number=id_number(n + 1), name=f"工人{n}")
        RosterEntry.objects.create(
            person=person,
            enterprise=organiser,
            role=Role.TEAM_LEADER,
            start_date=datetime.date(2021, 1, 1),
        )
        people.append(person)
    return session, people


def run_concurrently(calls, threads=8):
    barrier = threading.Barrier(threads)
    errors, created = [], []
    chunks = [calls[i::threads] for i in range(threads)]

    def worker(chunk):
        try:
            barrier.wait()
            for call in chunk:
                created.append(call()[1])
        except Exception as error:  # the assertion below reports it
            errors.append(error)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    return errors, created


def test_simultaneous_check_ins_of_the_same_and_different_people(crowd):
    session, people = crowd
    # Every person taps five times, all at once, from eight threads.
    calls = [
        (
            lambda person=person: attendance_check_in(
                session=session, person=person, method="rotating"
            )
        )
        for person in people
        for _tap in range(5)
    ]
    errors, created = run_concurrently(calls)
    assert errors == []
    assert created.count(True) == len(people)
    assert Attendance.objects.filter(session=session).count() == len(people)
    assert Attendance.objects.filter(session=session).values("person").distinct().count() == len(
        people
    )
    assert connection.vendor in ("postgresql", "sqlite")
