"""Fill a PostgreSQL database with province-scale data: enterprises, people, rosters, training.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yufang_bench \\
        .venv/bin/python -m tests.bench.generate [--scale 0.01] [--enterprises N] ...

Rows go straight into our models' tables with COPY (ORM inserts would take hours at this
size). Every identifier is valid, every ID-number hash is the real keyed hash and unique, and
every ciphertext is a real Fernet encryption (done in a process pool). Re-running truncates
the coverage tables and fills them again. The same --seed gives the same data.
"""

import argparse
import datetime
import multiprocessing
import sys
import time
from collections.abc import Iterator

import numpy as np

from tests.bench.database import bench_django_setup, database_name

FULL_ENTERPRISES = 20_000
FULL_PEOPLE = 1_000_000
FULL_RECORDS = 3_000_000

ROLES = ["manager", "safety_head", "team_leader", "other"]
ROLE_SHARES = [0.05, 0.05, 0.30, 0.60]  # ~40 % key roles
OTHER = 3
SECOND_ENTERPRISE_SHARE = 0.10
ENDED_SHARE = 0.08
NOW = "2026-11-01 09:00:00+08"
NULL = "\\N"  # COPY text format
PERIOD_START = datetime.date(2021, 1, 1)
PERIOD_END = datetime.date(2025, 12, 31)
DATES_FROM = datetime.date(2015, 1, 1)
RECORDS_FROM = datetime.date(2018, 1, 1)
RECORDS_UNTIL = datetime.date(2026, 10, 31)

LOADED_TABLES = [
    "coverage_enterprise",
    "coverage_person",
    "coverage_rosterentry",
    "coverage_trainingrecord",
    "coverage_trainingrecord_targets",
]
ORM_TABLES = ["coverage_region", "coverage_industry", "coverage_trainingtarget"]
MAINTAINED_TABLES = ["coverage_coveredperson", "coverage_enterprisecoverage"]
TRUNCATED_TABLES = [
    *LOADED_TABLES,
    "coverage_rosterimport",
    "coverage_keydesignation",
    "coverage_membership",
    "coverage_auditlog",
]
EXTRA_INDUSTRIES = [("food", "食品加工"), ("retail", "批发零售")]
TRADE_NAMES = list("宏达华信恒通金鑫盛泰东方长白松江鸿运永兴丰源瑞祥天宇北方吉安新城")
INDUSTRY_WORDS = {
    "hazardous_chemicals": "化工",
    "mining": "矿业",
    "construction": "建筑工程",
    "transport": "运输",
    "machinery": "机械制造",
    "food": "食品",
    "retail": "商贸",
}
DEPARTMENTS = ["生产部", "安全环保部", "设备部", "运输队", "综合办公室", "一车间", "二车间", ""]
TITLES = {
    "online": "工伤预防线上课程",
    "offline": "工伤预防集中培训",
    "authority": "主管部门认定培训",
}
KINDS = ["online", "offline", "authority"]
KIND_PREFIX = ["course", "session", "authority"]
PEOPLE_CHUNK = 20_000


def _days(since: datetime.date, until: datetime.date) -> int:
    return (until - since).days


def _date_texts(since: datetime.date, count: int) -> list[str]:
    return [(since + datetime.timedelta(days=n)).isoformat() for n in range(count)]


class Loader:
    """COPY into the live tables inside one transaction, with their secondary indexes and
    foreign keys dropped during the load and rebuilt (and validated) after it."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.saved: list[str] = []

    def drop_secondary(self) -> None:
        cursor = self.cursor
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
            FROM pg_constraint
            WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
            ORDER BY contype = 'f' DESC
            """,
            [LOADED_TABLES],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [LOADED_TABLES],
        )
        indexes = cursor.fetchall()
        for table, name, _definition, _kind in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        unique = [c for c in constraints if c[3] == "u"]
        foreign = [c for c in constraints if c[3] == "f"]
        self.saved = [
            *(f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, _k in unique),
            *(definition for _name, definition in indexes),
            *(f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d, _k in foreign),
        ]

    def restore_secondary(self) -> None:
        for statement in self.saved:
            self.cursor.execute(statement)

    def copy(self, table: str, columns: list[str], chunks: Iterator[str]) -> None:
        with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for chunk in chunks:
                copy.write(chunk)


def _people_chunk(task: tuple[int, int, int]) -> str:
    """COPY text for people start … start+count-1 (runs in a worker process)."""
    from coverage.identifiers import mask_id_number, mask_mobile
    from coverage.pii import pii_encrypt, pii_lookup_hash
    from tests.bench.identities import id_numbers, mobiles, person_names

    start, count, seed = task
    rng = np.random.default_rng([seed, start])
    names = person_names(rng, count)
    phones = mobiles(rng, count)
    has_phone = (rng.random(count) < 0.8).tolist()
    lines = []
    for offset, number in enumerate(id_numbers(start, count)):
        phone = phones[offset] if has_phone[offset] else ""
        lines.append(
            f"{start + offset + 1}\t{pii_lookup_hash(number)}\t{pii_encrypt(number)}\t"
            f"{mask_id_number(number)}\t{names[offset]}\t{pii_encrypt(phone)}\t"
            f"{mask_mobile(phone)}\t{NOW}\t{NOW}\n"
        )
    return "".join(lines)


def _chunked(lines: Iterator[str], size: int = 50_000) -> Iterator[str]:
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _step(message: str, since: float) -> float:
    now = time.perf_counter()
    print(f"  {message:<58} {now - since:7.1f} s", flush=True)
    return now


def generate(*, enterprises: int, people: int, records: int, seed: int, processes: int) -> None:
    """Truncate the coverage tables and fill them with a province of the given size."""
    from django.db import OperationalError, connection, connections, transaction

    from coverage.models import Industry, Region
    from coverage.services import industries_load_key, regions_load_jilin, training_target_default
    from tests.bench.identities import MAX_PEOPLE, credit_code

    if people + 200_000 > MAX_PEOPLE:
        sys.exit(f"--people must stay below {MAX_PEOPLE - 200_000}")
    rng = np.random.default_rng(seed)
    began = mark = time.perf_counter()
    print(
        f"Generating {enterprises:,} enterprises, {people:,} people, {records:,} training "
        f"records into “{database_name()}” (seed {seed}, {processes} encryption processes)"
    )

    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '60s'")
        try:
            cursor.execute(f"TRUNCATE {', '.join(TRUNCATED_TABLES)} RESTART IDENTITY CASCADE")
        except OperationalError as error:
            sys.exit(
                f"Could not truncate the coverage tables: {error}\nAnother session is using "
                "them (a benchmark still running?); see pg_stat_activity on this database."
            )
        cursor.execute("RESET lock_timeout")
    province = regions_load_jilin()
    industries_load_key()
    for code, name in EXTRA_INDUSTRIES:
        Industry.objects.update_or_create(code=code, defaults={"name": name})
    target = training_target_default()
    mark = _step("truncate; regions, industries, target (ORM)", mark)

    # Enterprises: spread over counties and zones, more of them around the big cities.
    places = list(Region.objects.filter(level__in=["county", "zone"]).order_by("path"))
    place_weight = np.array(
        [
            3.0 if p.path.startswith("/220000/220100/") else 1.5 if p.level == "zone" else 1.0
            for p in places
        ]
    )
    industries = list(Industry.objects.order_by("code"))
    place_of = rng.choice(len(places), size=enterprises, p=place_weight / place_weight.sum())
    industry_of = rng.integers(-1, len(industries), size=enterprises)  # -1: none given
    kind_draw = rng.random(enterprises)
    is_key = rng.random(enterprises) < 0.8
    trade = rng.integers(0, len(TRADE_NAMES), size=(enterprises, 2)).tolist()
    enterprise_lines = []
    for index in range(enterprises):
        place = places[place_of[index]]
        industry = industries[industry_of[index]] if industry_of[index] >= 0 else None
        kind = (
            "school"
            if kind_draw[index] < 0.01
            else "institution"
            if kind_draw[index] < 0.02
            else "enterprise"
        )
        word = INDUSTRY_WORDS.get(industry.code, "实业") if industry else "实业"
        region_code = place.code if place.code.isdigit() else "220000"
        # A number in every name keeps names unique, so "worst first, then by name" is a
        # total order and the selector's page can be compared row by row with the SQL's.
        brand = TRADE_NAMES[trade[index][0]] + TRADE_NAMES[trade[index][1]]
        name = f"{place.name}{brand}{word}有限公司{index + 1:05d}"
        enterprise_lines.append(
            f"{index + 1}\t{credit_code(index, region_code)}\t{name}\t{kind}\t"
            "\t\t\t"
            f"{industry.pk if industry else NULL}\t{place.pk}\n"
        )

    # Rosters: enterprise sizes are skewed; some enterprises have no roster at all, some
    # only "other" staff (both are "roster missing" on the dashboard).
    size_weight = rng.lognormal(mean=3.0, sigma=1.1, size=enterprises)
    size_weight[rng.random(enterprises) < 0.03] = 0
    size_p = size_weight / size_weight.sum()
    primary = rng.choice(enterprises, size=people, p=size_p)
    movers = rng.choice(people, size=int(people * SECOND_ENTERPRISE_SHARE), replace=False)
    second = rng.choice(enterprises, size=len(movers), p=size_p)
    clash = second == primary[movers]
    second[clash] = (second[clash] + 1) % enterprises
    entry_person = np.concatenate([np.arange(people), movers])
    entry_enterprise = np.concatenate([primary, second])
    entries = len(entry_person)
    role = rng.choice(len(ROLES), size=entries, p=ROLE_SHARES)
    others_only = rng.random(enterprises) < 0.02
    role[others_only[entry_enterprise]] = OTHER
    ended = rng.random(entries) < ENDED_SHARE
    start_day = rng.integers(0, _days(DATES_FROM, datetime.date(2025, 6, 30)), size=entries)
    end_day = np.minimum(
        start_day + rng.integers(30, 1200, size=entries), _days(DATES_FROM, RECORDS_UNTIL)
    )
    department = rng.integers(0, len(DEPARTMENTS), size=entries)
    # Imports arrive per enterprise, so a real table is roughly clustered by enterprise.
    order = np.lexsort((entry_person, entry_enterprise))

    # Training: each enterprise has a propensity to train its key staff; a person who is not
    # meant to be covered only has records outside the target period.
    propensity = rng.beta(2.0, 1.2, size=enterprises)
    propensity[rng.random(enterprises) < 0.05] = 1.0
    propensity[rng.random(enterprises) < 0.05] = 0.0
    key_active = (role != OTHER) & ~ended
    has_key = np.zeros(people, dtype=bool)
    has_key[entry_person[key_active]] = True
    trained = key_active & (rng.random(entries) < propensity[entry_enterprise])
    covered = np.zeros(people, dtype=bool)
    covered[entry_person[trained]] = True
    covered |= ~has_key & (rng.random(people) < 0.3)
    base = np.flatnonzero(covered)
    if len(base) > records:
        base = rng.choice(base, size=records, replace=False)
    extra = rng.integers(0, people, size=records - len(base))
    record_person = np.concatenate([base, extra])
    period_days = _days(PERIOD_START, PERIOD_END) + 1
    before_days = _days(RECORDS_FROM, PERIOD_START)
    any_day = rng.integers(0, _days(RECORDS_FROM, RECORDS_UNTIL) + 1, size=len(extra))
    outside = rng.integers(0, before_days + _days(PERIOD_END, RECORDS_UNTIL), size=len(extra))
    outside = np.where(outside < before_days, outside, outside + period_days)
    record_day = np.concatenate(
        [
            before_days + rng.integers(0, period_days, size=len(base)),
            np.where(covered[extra], any_day, outside),
        ]
    )
    # Records arrive in date order; the source key is per person (course:1, course:2 …).
    by_date = np.argsort(record_day, kind="stable")
    record_person, record_day = record_person[by_date], record_day[by_date]
    by_person = np.argsort(record_person, kind="stable")
    sorted_person = record_person[by_person]
    group_start = np.r_[0, np.flatnonzero(np.diff(sorted_person)) + 1]
    starts = np.zeros(len(sorted_person), dtype=np.int64)
    starts[group_start] = group_start
    sequence = np.empty(len(record_person), dtype=np.int64)
    sequence[by_person] = np.arange(len(sorted_person)) - np.maximum.accumulate(starts)
    kind = rng.choice(3, size=records, p=[0.6, 0.35, 0.05])
    tenths = np.where(
        kind == 1, rng.integers(40, 161, size=records), rng.integers(10, 81, size=records)
    )
    in_period = (record_day >= before_days) & (record_day < before_days + period_days)
    mark = _step("drawing enterprises, rosters and training (numpy)", mark)

    connections.close_all()  # the pool forks: children must not share the connection
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        loader = Loader(cursor)
        loader.drop_secondary()

        loader.copy(
            "coverage_enterprise",
            [
                "id",
                "credit_code",
                "name",
                "kind",
                "contact_name",
                "contact_phone",
                "address",
                "industry_id",
                "region_id",
            ],
            _chunked(iter(enterprise_lines)),
        )
        # Besides the province's key industries (industries_load_key), 80 % of the
        # enterprises are designated in their own right by their region, for the plan's
        # last year.
        key_ids = (np.flatnonzero(is_key) + 1).tolist()
        cursor.execute(
            "INSERT INTO coverage_keydesignation "
            "(kind, year, region_id, enterprise_id, project_name, reason, created_at, updated_at) "
            "SELECT 'enterprise', %s, e.region_id, e.id, '', '', now(), now() "
            "FROM coverage_enterprise e WHERE e.id = ANY(%s)",
            [target.end_date.year, key_ids],
        )
        mark = _step(f"enterprises: {enterprises:,} (COPY), their designations", mark)

        tasks = [
            (start, min(PEOPLE_CHUNK, people - start), seed)
            for start in range(0, people, PEOPLE_CHUNK)
        ]
        loader.copy(
            "coverage_person",
            [
                "id",
                "id_number_hash",
                "id_number_encrypted",
                "id_number_masked",
                "name",
                "phone_encrypted",
                "phone_masked",
                "created_at",
                "updated_at",
            ],
            pool.imap(_people_chunk, tasks),
        )
        mark = _step(f"people: {people:,} (hash + 2 Fernet encryptions each, COPY)", mark)

        day_text = _date_texts(DATES_FROM, _days(DATES_FROM, RECORDS_UNTIL) + 1)
        columns = (
            entry_person[order] + 1,
            entry_enterprise[order] + 1,
            role[order],
            department[order],
            start_day[order],
            np.where(ended[order], end_day[order], -1),
        )
        loader.copy(
            "coverage_rosterentry",
            [
                "id",
                "person_id",
                "enterprise_id",
                "role",
                "department",
                "start_date",
                "end_date",
                "created_at",
                "updated_at",
            ],
            _chunked(
                f"{n}\t{p}\t{e}\t{ROLES[r]}\t{DEPARTMENTS[d]}\t{day_text[s]}\t"
                f"{day_text[f] if f >= 0 else NULL}\t{NOW}\t{NOW}\n"
                for n, (p, e, r, d, s, f) in enumerate(
                    zip(*(column.tolist() for column in columns), strict=True), start=1
                )
            ),
        )
        mark = _step(f"roster entries: {entries:,}, {ended.sum():,} ended (COPY)", mark)

        record_text = _date_texts(RECORDS_FROM, _days(RECORDS_FROM, RECORDS_UNTIL) + 1)
        loader.copy(
            "coverage_trainingrecord",
            [
                "id",
                "person_id",
                "kind",
                "occurred_on",
                "hours",
                "title",
                "source_key",
                "evidence",
                "evidence_filename",
                "recorded_at",
            ],
            _chunked(
                f"{n}\t{p + 1}\t{KINDS[k]}\t{record_text[d]}\t{h / 10}\t{TITLES[KINDS[k]]}\t"
                f"{KIND_PREFIX[k]}:{q + 1}\t\t\t{record_text[d]} 10:00:00+08\n"
                for n, (p, k, d, h, q) in enumerate(
                    zip(
                        record_person.tolist(),
                        kind.tolist(),
                        record_day.tolist(),
                        tenths.tolist(),
                        sequence.tolist(),
                        strict=True,
                    ),
                    start=1,
                )
            ),
        )
        mark = _step(f"training records: {records:,} (COPY)", mark)

        linked = (np.flatnonzero(in_period) + 1).tolist()
        loader.copy(
            "coverage_trainingrecord_targets",
            ["id", "trainingrecord_id", "trainingtarget_id"],
            _chunked(f"{n}\t{r}\t{target.pk}\n" for n, r in enumerate(linked, start=1)),
        )
        mark = _step(f"target links: {len(linked):,} in-period records (COPY)", mark)

        loader.restore_secondary()
        mark = _step("indexes, unique and foreign keys rebuilt and validated", mark)
        for table in LOADED_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )

    # Autovacuum would get there in production; without the visibility map and statistics
    # the planner would be measuring a freshly loaded table, not a live one.
    with connection.cursor() as cursor:
        for table in [*LOADED_TABLES, *ORM_TABLES]:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    mark = _step("VACUUM ANALYZE", mark)

    # COPY sends no signals: the maintained coverage is built the way a migration builds it.
    from coverage.counts.maintain import counts_rebuild, covered_rebuild
    from coverage.models import TrainingTarget

    with connection.cursor() as cursor:
        for each_target in TrainingTarget.objects.all():
            covered_rebuild(cursor, each_target)
            counts_rebuild(cursor, each_target)
        for table in MAINTAINED_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    mark = _step("maintained coverage rebuilt (coverage/counts/)", mark)
    print(
        f"Generated in {time.perf_counter() - began:.0f} s. Province “{province.name}”: "
        f"{int(is_key.sum()):,} key enterprises, {int(key_active.sum()):,} active key-role "
        f"entries. All ciphertexts are real (no reuse)."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the default sizes")
    parser.add_argument("--enterprises", type=int, help=f"default {FULL_ENTERPRISES:,} × scale")
    parser.add_argument("--people", type=int, help=f"default {FULL_PEOPLE:,} × scale")
    parser.add_argument("--records", type=int, help=f"default {FULL_RECORDS:,} × scale")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--processes", type=int, default=multiprocessing.cpu_count())
    args = parser.parse_args(argv)
    bench_django_setup()
    generate(
        enterprises=args.enterprises or max(10, round(FULL_ENTERPRISES * args.scale)),
        people=args.people or max(100, round(FULL_PEOPLE * args.scale)),
        records=args.records or max(100, round(FULL_RECORDS * args.scale)),
        seed=args.seed,
        processes=args.processes,
    )


if __name__ == "__main__":
    main()
