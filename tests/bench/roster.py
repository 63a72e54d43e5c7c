"""Roster import against PostgreSQL COPY of the same rows into a scratch table.

Half the rows are people already in the database, half are new. Both sides run inside a
transaction that is rolled back, so the data set stays as generated and runs repeat.
"""

import statistics
import time
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

from tests.bench.identities import MAX_PEOPLE, credit_code, id_numbers, mobiles, person_names

BENCH_CREDIT_INDEX = 9_999_999  # far above the generated enterprises' indexes
ROLE_SHARES = [0.05, 0.05, 0.30, 0.60]
DEPARTMENTS = ["生产部", "安全环保部", "设备部", "运输队", "综合办公室", "一车间"]
SCRATCH = "bench_roster_scratch"


class _RolledBack(Exception):
    pass


@dataclass
class ImportFigures:
    rows: int
    import_seconds: float
    copy_seconds: float
    counts: dict

    @property
    def import_rate(self) -> float:
        return self.rows / self.import_seconds

    @property
    def copy_rate(self) -> float:
        return self.rows / self.copy_seconds

    @property
    def ratio(self) -> float:
        return self.import_rate / self.copy_rate


def bench_enterprise():
    from coverage.models import Industry, Region
    from coverage.services import enterprise_save

    county = Region.objects.get(code="220102")
    return enterprise_save(
        credit_code=credit_code(BENCH_CREDIT_INDEX, county.code),
        name="基准测试导入有限公司",
        region=county,
        industry=Industry.objects.filter(code="construction").first(),
        is_key=True,
    )


def roster_rows(*, count: int, seed: int) -> tuple[list, int]:
    """`count` rows for one enterprise, and how many of them are new people: the first half
    are people already stored (with their stored names), the rest never seen."""
    from coverage.models import Person
    from coverage.rosters.files import ROLE_LABELS, RosterRow

    rng = np.random.default_rng(seed)
    stored = Person.objects.count()
    existing = min(count // 2, stored)
    indexes = np.sort(rng.choice(stored, size=existing, replace=False)).tolist()
    names = dict(Person.objects.filter(pk__in=[i + 1 for i in indexes]).values_list("pk", "name"))
    numbers = [id_numbers(i, 1)[0] for i in indexes] + id_numbers(
        MAX_PEOPLE - (count - existing), count - existing
    )
    people_names = [names[i + 1] for i in indexes] + person_names(rng, count - existing)
    phones = [""] * existing + mobiles(rng, count - existing)
    # The Chinese labels, as enterprises' files carry them.
    labels = [str(ROLE_LABELS[code]) for code in ("manager", "safety_head", "team_leader", "other")]
    roles = rng.choice(len(labels), size=count, p=ROLE_SHARES).tolist()
    departments = rng.integers(0, len(DEPARTMENTS), size=count).tolist()
    rows = [
        RosterRow(
            row=number + 2,  # row 1 is the header of the file these would come from
            name=people_names[number],
            id_number=numbers[number],
            phone=phones[number],
            role=labels[roles[number]],
            department=DEPARTMENTS[departments[number]],
        )
        for number in range(count)
    ]
    return rows, count - existing


def _import_once(enterprise, rows, *, new_people: int) -> tuple[float, object]:
    from coverage.models import Person
    from coverage.rosters.services import roster_import

    try:
        with transaction.atomic():
            people_before = Person.objects.count()
            began = time.perf_counter()
            result = roster_import(enterprise=enterprise, rows=rows, mode="add")
            elapsed = time.perf_counter() - began
            # The rows are only comparable with COPY if all of them were applied.
            assert not result.rejected, result.rejected[:3]
            assert Person.objects.count() - people_before == new_people
            raise _RolledBack
    except _RolledBack:
        pass
    return elapsed, result


def _copy_once(rows) -> float:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {SCRATCH}")
            began = time.perf_counter()
            with cursor.copy(
                f"COPY {SCRATCH} (row, name, id_number, phone, role, department) FROM STDIN"
            ) as copy:
                copy.write(
                    "".join(
                        f"{r.row}\t{r.name}\t{r.id_number}\t{r.phone}\t{r.role}\t{r.department}\n"
                        for r in rows
                    )
                )
            elapsed = time.perf_counter() - began
            raise _RolledBack
    except _RolledBack:
        pass
    return elapsed


def roster_measure(*, count: int, runs: int, seed: int) -> ImportFigures:
    """Median import time and median COPY time of the same rows, each in a rolled-back run."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {SCRATCH} "
            "(row text, name text, id_number text, phone text, role text, department text)"
        )
    enterprise = bench_enterprise()
    rows, new_people = roster_rows(count=count, seed=seed)
    import_times, copy_times, result = [], [], None
    for _ in range(runs):
        elapsed, result = _import_once(enterprise, rows, new_people=new_people)
        import_times.append(elapsed)
        copy_times.append(_copy_once(rows))
    return ImportFigures(
        rows=count,
        import_seconds=statistics.median(import_times),
        copy_seconds=statistics.median(copy_times),
        counts=result.counts(),
    )
