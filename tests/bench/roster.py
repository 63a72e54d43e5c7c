"""Roster import from a file against PostgreSQL COPY of the same rows into a temporary table
that has the same unique index (the floor), and the peak memory of a 100,000-row commit.

Half the rows are people already in the database, half are new. The import side reads the
file (CSV or xlsx) and commits it; both sides run inside a transaction that is rolled back,
so the data set stays as generated and runs repeat. Import and COPY runs alternate, so the
machine's load weighs on both alike.
"""

import csv
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings

from tests.bench.identities import MAX_PEOPLE, credit_code, id_numbers, mobiles, person_names

BENCH_CREDIT_INDEX = 9_999_999  # far above the generated enterprises' indexes
ROLE_SHARES = [0.05, 0.05, 0.30, 0.60]
DEPARTMENTS = ["生产部", "安全环保部", "设备部", "运输队", "综合办公室", "一车间"]
HEADER = ["姓名", "身份证号", "手机号", "岗位类别", "部门"]


class _RolledBack(Exception):
    pass


@dataclass
class ImportFigures:
    rows: int
    kind: str
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
        # Key or not as the designations in force make it (an enterprise has no is_key now).
        industry=Industry.objects.filter(code="construction").first(),
    )


def roster_rows(*, count: int, seed: int) -> tuple[list, int]:
    """`count` rows for one enterprise, and how many of them are new people: the first half
    are people already stored (with their stored names), the rest never seen."""
    from coverage.models import Person
    from coverage.pii import pii_lookup_hashes
    from coverage.rosters.files import ROLE_LABELS, RosterRow

    rng = np.random.default_rng(seed)
    stored = Person.objects.count()
    indexes = np.sort(rng.choice(stored, size=min(count // 2, stored), replace=False)).tolist()
    # Generated person i holds id_numbers(i); people added since (tests, other benchmarks)
    # do not, so the drawn ones are kept only where that number is stored.
    drawn = [id_numbers(i, 1)[0] for i in indexes]
    hashes = pii_lookup_hashes(drawn)
    names = dict(
        Person.objects.filter(id_number_hash__in=hashes).values_list("id_number_hash", "name")
    )
    found = [(number, names[h]) for number, h in zip(drawn, hashes, strict=True) if h in names]
    existing = len(found)
    numbers = [number for number, _name in found] + id_numbers(
        MAX_PEOPLE - (count - existing), count - existing
    )
    people_names = [name for _number, name in found] + person_names(rng, count - existing)
    phones = [""] * existing + mobiles(rng, count - existing)
    # The Chinese labels, as enterprises' files carry them.
    labels = [str(ROLE_LABELS[code]) for code in ("manager", "safety_head", "team_leader", "other")]
    roles = rng.choice(len(labels), size=count, p=ROLE_SHARES).tolist()
    departments = rng.integers(0, len(DEPARTMENTS), size=count).tolist()
    rows = [
        RosterRow(
            row=number + 2,  # row 1 is the header of the file these come from
            name=people_names[number],
            id_number=numbers[number],
            phone=phones[number],
            role=labels[roles[number]],
            department=DEPARTMENTS[departments[number]],
        )
        for number in range(count)
    ]
    return rows, count - existing


def roster_file(rows, kind: str) -> bytes:
    """The rows as an enterprise uploads them: a UTF-8 CSV, or an xlsx with text cells."""
    cells = [[r.name, r.id_number, r.phone, r.role, r.department] for r in rows]
    if kind == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(cells)
        return text.getvalue().encode()
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(HEADER)
    for line in cells:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import_once(enterprise, data: bytes, kind: str, *, new_people: int) -> tuple[float, object]:
    from coverage.models import Person
    from coverage.rosters.files import read_roster
    from coverage.rosters.services import roster_import

    limit = settings.ROSTER_IMPORT_MAX_ROWS
    try:
        with transaction.atomic():
            people_before = Person.objects.count()
            began = time.perf_counter()
            # Above the upload limit on purpose: the goal is set at 100,000 rows.
            with override_settings(ROSTER_IMPORT_MAX_ROWS=max(limit, 100_000)):
                rows = read_roster(data, filename=f"roster.{kind}")
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
    """COPY the rows into a temporary table unique on the ID number, as Person is on its hash."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_roster_floor (row integer, name text, "
                "id_number text, phone text, role text, department text) ON COMMIT DROP"
            )
            cursor.execute("CREATE UNIQUE INDEX ON bench_roster_floor (id_number)")
            began = time.perf_counter()
            with cursor.copy(
                "COPY bench_roster_floor (row, name, id_number, phone, role, department) FROM STDIN"
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


def roster_measure(*, count: int, runs: int, seed: int, kind: str = "csv") -> ImportFigures:
    """Median import time (file read + commit) and median COPY time of the same rows."""
    enterprise = bench_enterprise()
    rows, new_people = roster_rows(count=count, seed=seed)
    data = roster_file(rows, kind)
    import_times, copy_times, result = [], [], None
    for _ in range(runs):
        elapsed, result = _import_once(enterprise, data, kind, new_people=new_people)
        import_times.append(elapsed)
        copy_times.append(_copy_once(rows))
    return ImportFigures(
        rows=count,
        kind=kind,
        import_seconds=statistics.median(import_times),
        copy_seconds=statistics.median(copy_times),
        counts=result.counts(),
    )


def roster_peak_mb(*, count: int, seed: int) -> tuple[float, float]:
    """(peak, before) resident MB (VmHWM) of a child process that reads a `count`-row CSV and
    commits it (rolled back); `before`: the child's size once Django and the import are loaded."""
    rows, new_people = roster_rows(count=count, seed=seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.csv"
        path.write_bytes(roster_file(rows, "csv"))
        del rows
        child = subprocess.run(
            [sys.executable, "-m", "tests.bench.roster", "peak", str(path), str(new_people)],
            capture_output=True,
            text=True,
            env={**os.environ},
            check=True,
        )
    peak, before = child.stdout.split()[-2:]
    return float(peak), float(before)


def _peak_child(path: str, new_people: int) -> None:
    from tests.bench.database import bench_django_setup

    bench_django_setup()
    import coverage.rosters.services  # noqa: F401 - loaded before `before`, like a worker

    before = _high_water_mb()
    data = Path(path).read_bytes()
    _import_once(bench_enterprise(), data, "csv", new_people=new_people)
    peak = _high_water_mb()
    print(f"{peak:.1f} {before:.1f}")


def _high_water_mb() -> float:
    """This process's peak resident size. Not getrusage's ru_maxrss: Linux carries that over
    from the parent across fork and exec, so the child would report the bench's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


if __name__ == "__main__":
    if sys.argv[1:2] == ["peak"]:
        _peak_child(sys.argv[2], int(sys.argv[3]))
