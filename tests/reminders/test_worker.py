from reminders.models import Delivery, Notice
from reminders.tasks import reminders_run_task
from tests.reminders.conftest import NOW, World


def test_the_beat_task_runs_on_a_real_worker(celery_worker_process, transactional_db):
    world = World()
    world.rule()
    result = reminders_run_task.delay(NOW.isoformat()).get(timeout=60)
    assert result["notices"] == 1
    assert Notice.objects.get().user == world.behind_admin
    assert Delivery.objects.get().status == Delivery.Status.SENT
    # Beat's second tick in the same period: nothing more.
    assert reminders_run_task.delay(NOW.isoformat()).get(timeout=60)["notices"] == 0
