"""The demo worker's ledger (demo/content/ledger.toml): an online line and a verified offline
attendance, so 我的学时 and the 学时证明 show both kinds; safe to re-run. Runs after the
sessions exist (demo.installers.coverage.demo_sessions_install)."""

import datetime

from django.db import transaction

from coverage.models import Attendance, TrainingSession
from coverage.services import person_find, training_record
from coverage.sessions.services import attendance_check_in, attendance_verify
from demo.content import content_load
from demo.installers.coverage import DEMO_ORGANISER, DEMO_WORKER_ID

_CONTENT = content_load("ledger")
PAST_SESSION_TITLE: str = content_load("coverage")["sessions"]["past"]["title"]


@transaction.atomic
def demo_ledger_install() -> None:
    worker = person_find(id_number=DEMO_WORKER_ID)
    online = _CONTENT["online"]
    training_record(
        person=worker,
        kind=online["kind"],
        occurred_on=online["occurred_on"],
        title=online["title"],
        source_key=online["source_key"],
        hours=online["hours"],
    )
    past = (
        TrainingSession.objects.filter(
            organiser__credit_code=DEMO_ORGANISER, title=PAST_SESSION_TITLE
        )
        .order_by("starts_at")
        .first()
    )
    if past is None or Attendance.objects.filter(session=past, person=worker).exists():
        return
    attendance, _created = attendance_check_in(
        session=past, person=worker, method=Attendance.Method.ROTATING, now=past.starts_at
    )
    attendance_verify(attendance=attendance, now=past.ends_at + datetime.timedelta(hours=2))
