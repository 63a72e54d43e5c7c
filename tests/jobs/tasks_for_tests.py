"""Tasks that exist only for the suite: the worker imports them with --include."""

from celery import shared_task

from jobs.services import JobError, JobTask


@shared_task(base=JobTask, bind=True, name="tests.count_to")
def count_to(self, *, n: int) -> dict:
    for i in range(1, n + 1):
        self.report(i, n, f"{i}/{n}")
    return {"counted": n}


@shared_task(base=JobTask, bind=True, name="tests.refuse")
def refuse(self, *, reason: str) -> None:
    raise JobError(reason)


@shared_task(base=JobTask, bind=True, name="tests.crash")
def crash(self) -> None:
    raise RuntimeError("internal detail that must not reach the user")
