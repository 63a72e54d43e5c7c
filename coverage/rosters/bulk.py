"""The roster import's set-based writes: people found by keyed hash (on PostgreSQL through a
temporary table joined to people), the change planned in memory against the current roster,
then created and updated in bulk (COPY data built as text in batches on PostgreSQL), so that
a province-sized file stays fast."""

import datetime
import itertools
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import BooleanField, DateField, F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.errors import UniqueViolation

from coverage.identifiers import (
    mask_id_number,
    mask_mobile,
)
from coverage.models import (
    Enterprise,
    Person,
    Role,
    RosterEntry,
    RosterImport,
)
from coverage.models.people import KEY_ROLES
from coverage.pii import pii_decrypt, pii_encrypt, pii_encrypt_many
from coverage.rosters.checks import Checked, Flag, ImportResult, Valid

# Rows per query when looking people up: well inside PostgreSQL's and SQLite's parameter
# limits, few enough round trips for 100,000 rows.
CHUNK = 5000
BATCH = 2000
PROGRESS_EVERY = 1000
NULL = "\\N"  # COPY's text format
_scratch_numbers = itertools.count()
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass(slots=True)
class Known:
    """What the database holds of a person the file names."""

    pk: int
    name: str
    phone_encrypted: str
    phone_masked: str


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def people_known(
    hashes: Iterable[str], *, phones_of: Collection[str] | None = None
) -> dict[str, Known]:
    """The stored people with these hashes. Their phone ciphertext only for the hashes in
    `phones_of` (all when None), "" for the others: rows without a phone never compare it,
    and 100,000 ciphertexts nobody reads weigh on the import's peak memory."""
    if connection.vendor == "postgresql":
        return _people_join(hashes, phones_of)
    known: dict[str, Known] = {}
    for chunk in chunks(sorted(hashes)):
        for pk, id_hash, name, phone_encrypted, phone_masked in _people_select(chunk):
            if phones_of is not None and id_hash not in phones_of:
                phone_encrypted = ""
            known[id_hash] = Known(pk, name, phone_encrypted, phone_masked)
    return known


def _people_join(hashes: Iterable[str], phones_of: Collection[str] | None) -> dict[str, Known]:
    """PostgreSQL: the hashes COPied into a temporary table and joined to people, two
    statements for any number of rows instead of a query per chunk.

    The hashes go in sorted and each is looked up through the unique index (LATERAL …
    LIMIT 1, so the planner cannot pick a hash join, which reads every person: 2.5 s against
    1 s at a million people), in index order, so neighbouring lookups share index pages. Rows
    come back through a server-side cursor a batch at a time, naming the hash by its place in
    the list, so that 100,000 found people never sit in memory twice."""
    hashes = sorted(hashes)
    known: dict[str, Known] = {}
    if not hashes:
        return known
    hash_column = _column(Person, "id_number_hash")
    pk, name, phone, phone_masked = (
        f"p.{_column(Person, name)}" for name in ("pk", "name", "phone_encrypted", "phone_masked")
    )
    columns = f"{pk}, {name}, CASE WHEN h.phone THEN {phone} ELSE '' END, {phone_masked}"
    table = connection.ops.quote_name(Person._meta.db_table)
    scratch = f"roster_hashes_{next(_scratch_numbers)}"  # two lookups in one transaction
    wanted = (lambda h: True) if phones_of is None else phones_of.__contains__
    # Dropped at the end of the transaction: a new one here, or the commit's.
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {scratch} "
                "(place integer, hash varchar(64), phone boolean) ON COMMIT DROP"
            )
            with cursor.cursor.copy(f"COPY {scratch} FROM STDIN") as copy:
                for start in range(0, len(hashes), BATCH * 10):
                    chunk = hashes[start : start + BATCH * 10]
                    # Numbers and hex digits: nothing to escape.
                    copy.write(
                        "".join(
                            f"{start + n}\t{h}\t{'t' if wanted(h) else 'f'}\n"
                            for n, h in enumerate(chunk)
                        )
                    )
        with connection.chunked_cursor() as cursor:
            cursor.execute(
                f"SELECT h.place, {columns} FROM {scratch} h CROSS JOIN LATERAL "
                f"(SELECT * FROM {table} WHERE {hash_column} = h.hash LIMIT 1) p"
            )
            while batch := cursor.fetchmany(BATCH):
                for place, pk, name, phone_encrypted, phone_masked in batch:
                    known[hashes[place]] = Known(pk, name, phone_encrypted, phone_masked)
    return known


def people_lock(person_ids: Iterable[int]) -> None:
    """Row-lock people for the rest of the transaction (FOR NO KEY UPDATE, in ascending id
    order so that two transactions locking overlapping people never deadlock): a training
    record added for one of them meanwhile waits, so covered counts move with the roster."""
    ids = sorted(set(person_ids))
    # One statement on PostgreSQL (an array parameter), so the order is one ORDER BY's.
    for chunk in chunks(ids, max(len(ids), 1) if connection.vendor == "postgresql" else CHUNK):
        people = Person.objects.filter(_is_in(Person, "pk", chunk)).order_by("pk")
        list(people.select_for_update(no_key=True).values_list("pk", flat=True))


def _people_select(hashes: list[str]) -> Iterable[tuple]:
    return Person.objects.filter(_is_in(Person, "id_number_hash", hashes)).values_list(
        "pk", "id_number_hash", "name", "phone_encrypted", "phone_masked"
    )


def _is_in(model, name: str, values: list):
    """`name__in=values`; on PostgreSQL as one array parameter, which psycopg binds far faster
    than thousands of single ones (Django binds client-side)."""
    if connection.vendor != "postgresql":
        return Q(**{f"{name}__in": values})
    column = f"{connection.ops.quote_name(model._meta.db_table)}.{_column(model, name)}"
    return RawSQL(f"{column} = ANY(%s)", (values,), output_field=BooleanField())


# The columns of a new person, in the order `people_new` makes them.
PERSON_COLUMNS = (
    "id_number_hash",
    "id_number_encrypted",
    "id_number_masked",
    "name",
    "phone_encrypted",
    "phone_masked",
)


def people_new(valid: list[Valid], *, report: Callable[[int], None]) -> list[tuple]:
    """New people's columns for the rows nobody knows yet (the one per-row cost: encryption,
    done a batch of values at a time)."""
    people = []
    for start in range(0, len(valid), PROGRESS_EVERY):
        batch = valid[start : start + PROGRESS_EVERY]
        id_numbers = pii_encrypt_many([v.id_number for v in batch])
        phones = pii_encrypt_many([v.phone for v in batch])
        people.extend(
            (
                v.id_hash,
                id_encrypted,
                mask_id_number(v.id_number),
                v.name,
                phone_encrypted,
                mask_mobile(v.phone) if v.phone else "",
            )
            for v, id_encrypted, phone_encrypted in zip(batch, id_numbers, phones, strict=True)
        )
        report(start + len(batch))
    return people


def people_create(people: list[tuple]) -> dict[str, Known]:
    """Insert new people; one that another import created meanwhile is read back instead."""
    created: dict[str, Known] = {}
    if connection.vendor == "postgresql" and people:
        people = sorted(people)  # by hash: see _people_copy_new
        created = _people_copy_new(people) or _people_copy(people)
    elif people:
        objects = [Person(**dict(zip(PERSON_COLUMNS, values, strict=True))) for values in people]
        Person.objects.bulk_create(objects, batch_size=BATCH, ignore_conflicts=True)
    # Created meanwhile by another import: existing people now, locked like the others.
    found = people_known([values[0] for values in people if values[0] not in created])
    if found and connection.vendor == "postgresql":
        people_lock(person.pk for person in found.values())
    return created | found


def _people_copy_new(people: list[tuple]) -> dict[str, Known] | None:
    """PostgreSQL: COPY straight into people, with ids taken from their sequence first (COPY
    returns none). None when some person exists after all (another import created them
    since the lookup): then nothing was written and `_people_copy` goes the careful way.

    Sorted by hash, so two imports adding the same new people wait for each other in one
    order, never in a cycle."""
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        # The sequence named once: pg_get_serial_sequence per row cost a second per 10,000.
        cursor.execute(
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
            "SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
            [Person._meta.db_table, Person._meta.pk.column, len(people)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        columns = ", ".join(_column(Person, name) for name in ("pk", *_PERSON_COPY_COLUMNS))
        stamp = timezone.now().isoformat()
        try:
            sql = f"COPY {table} ({columns}) FROM STDIN"
            with transaction.atomic(), cursor.cursor.copy(sql) as copy:
                for start in range(0, len(people), BATCH):
                    rows = people[start : start + BATCH]
                    copy.write(_people_text(rows, stamp, ids[start : start + BATCH]))
        except UniqueViolation:
            return None
    return {v[0]: Known(pk, v[3], v[4], v[5]) for pk, v in zip(ids, people, strict=True)}


_PERSON_COPY_COLUMNS = (*PERSON_COLUMNS, "created_at", "updated_at")


def _people_text(people: list[tuple], stamp: str, ids: list[int] | None = None) -> str:
    """New people's rows in COPY's text format, `ids` first when given."""
    lines = (
        f"{h}\t{i}\t{m}\t{_copy_text(n)}\t{p}\t{pm}\t{stamp}\t{stamp}\n"
        for h, i, m, n, p, pm in people
    )
    if ids is None:
        return "".join(lines)
    return "".join(f"{pk}\t{line}" for pk, line in zip(ids, lines, strict=True))


def _people_copy(people: list[tuple]) -> dict[str, Known]:
    """PostgreSQL: COPY into a scratch table, then insert what is new."""
    columns = ", ".join(_column(Person, name) for name in _PERSON_COPY_COLUMNS)
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE roster_new_people ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        stamp = timezone.now().isoformat()
        with cursor.cursor.copy(f"COPY roster_new_people ({columns}) FROM STDIN") as copy:
            for chunk in chunks(people, BATCH):
                copy.write(_people_text(chunk, stamp))
        cursor.execute(
            # In hash order: two imports adding the same new people wait for each other
            # in one order, never in a cycle.
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM roster_new_people "
            f"ORDER BY {_column(Person, 'id_number_hash')} "
            f"ON CONFLICT ({_column(Person, 'id_number_hash')}) DO NOTHING "
            f"RETURNING {_column(Person, 'pk')}, {_column(Person, 'id_number_hash')}"
        )
        ids = {id_hash: pk for pk, id_hash in cursor.fetchall()}
        cursor.execute("DROP TABLE roster_new_people")
    return {
        values[0]: Known(ids[values[0]], values[3], values[4], values[5])
        for values in people
        if values[0] in ids
    }


def _entries_create(
    entries: list[tuple[int, str, str]],
    *,
    enterprise: Enterprise,
    source_import: RosterImport | None,
    today: datetime.date,
) -> None:
    """New active entries from (person id, role, department), starting today."""
    import_id = source_import.pk if source_import is not None else None
    if connection.vendor != "postgresql":
        objects = [
            RosterEntry(
                person_id=person_id,
                enterprise=enterprise,
                role=role,
                department=department,
                start_date=today,
                source_import_id=import_id,
            )
            for person_id, role, department in entries
        ]
        RosterEntry.objects.bulk_create(objects, batch_size=BATCH)
        return
    names = ("person", "enterprise", "role", "department", "start_date", "source_import")
    columns = ", ".join(_column(RosterEntry, name) for name in (*names, "created_at", "updated_at"))
    table = connection.ops.quote_name(RosterEntry._meta.db_table)
    now = timezone.now()
    sql = f"COPY {table} ({columns}) FROM STDIN"
    import_column = NULL if import_id is None else import_id
    # Every column but the person, role and department is the same for all rows.
    tail = f"{today.isoformat()}\t{import_column}\t{now.isoformat()}\t{now.isoformat()}\n"
    # In person order: the three indexes on the person take their new keys in order.
    entries = sorted(entries)
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for chunk in chunks(entries, BATCH * 5):
            copy.write(
                "".join(
                    f"{person_id}\t{enterprise.pk}\t{role}\t{_copy_text(department)}\t{tail}"
                    for person_id, role, department in chunk
                )
            )


def _copy_text(value: str) -> str:
    """A value in COPY's text format (cleaned names and departments hold no tab or newline,
    but may hold a backslash)."""
    return value.translate(_COPY_ESCAPES)


def _column(model, name: str) -> str:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    return connection.ops.quote_name(field.column)


def flags_find(valid: list[Valid], known: dict[str, Known], enterprise: Enterprise) -> list[Flag]:
    rows_by_person = {known[v.id_hash].pk: v for v in valid if v.id_hash in known}
    labels = {role.value: str(role.label) for role in Role}  # one string per role, not per flag
    flags = []
    people = sorted(rows_by_person)
    # One array on PostgreSQL: each query also reads every enterprise's name once.
    for chunk in chunks(
        people, max(len(people), 1) if connection.vendor == "postgresql" else CHUNK
    ):
        elsewhere = (
            RosterEntry.objects.filter(
                _is_in(RosterEntry, "person", chunk), end_date__isnull=True, role__in=KEY_ROLES
            )
            .exclude(enterprise=enterprise)
            .order_by()  # flags are sorted by row below, not by the entries' default order
            .values_list("person_id", "enterprise__name", "role")
        )
        for person_id, enterprise_name, role in elsewhere:
            v = rows_by_person[person_id]
            masked = mask_id_number(v.id_number)
            flags.append(Flag(v.row, v.name, masked, enterprise_name, labels[role]))
    flags.sort(key=lambda flag: flag.row)
    return flags


def active_entries(enterprise: Enterprise) -> dict[int, tuple[int, str, str]]:
    """person id → (entry id, role, department) of the enterprise's active roster."""
    return {
        person_id: (pk, role, department)
        for pk, person_id, role, department in RosterEntry.objects.filter(
            enterprise=enterprise, end_date__isnull=True
        ).values_list("pk", "person_id", "role", "department")
    }


@dataclass
class Plan:
    result: ImportResult
    enterprise: Enterprise
    people_update: list[Person] = field(default_factory=list)  # name and phone
    people_rename: list[Person] = field(default_factory=list)  # the name only
    # (person id, role, department) of the entries to start
    entries_create: list[tuple[int, str, str]] = field(default_factory=list)
    entries_update: list[RosterEntry] = field(default_factory=list)
    entries_end: list[int] = field(default_factory=list)
    # Stored people whose row or entries change, and those leaving: locked by plan_apply.
    people_locked: list[int] = field(default_factory=list)


def plan_make(
    enterprise: Enterprise,
    checked: Checked,
    known: dict[str, Known],
    active: dict[int, tuple[int, str, str]],
    mode: str,
    fresh: dict[str, Known] | None = None,
) -> Plan:
    """What applying the rows changes, worked out in memory from the current roster."""
    fresh = fresh or {}
    plan = Plan(
        ImportResult(rejected=list(checked.rejected), notes=list(checked.notes)), enterprise
    )
    result = plan.result
    now = timezone.now()
    for v in checked.valid:
        person = known.get(v.id_hash)
        if person is None:  # dry run: the person would be created with the entry
            result.created += 1
            continue
        stored = v.id_hash not in fresh
        person_changed = stored and _person_update(person, v, plan, now)
        entry = active.get(person.pk)
        if entry is None:
            plan.entries_create.append((person.pk, v.role, v.department))
            result.created += 1
        elif entry[1] != v.role:
            entry_id, _role, department = entry
            # Role history is kept: the old entry ends today, the new one starts today.
            plan.entries_end.append(entry_id)
            plan.entries_create.append((person.pk, v.role, v.department or department))
            result.updated += 1
        elif v.department and entry[2] != v.department:
            plan.entries_update.append(
                RosterEntry(pk=entry[0], department=v.department, updated_at=now)
            )
            result.updated += 1
        elif person_changed:
            result.updated += 1
        else:
            result.unchanged += 1
            continue
        if stored:
            plan.people_locked.append(person.pk)

    if mode == RosterImport.Mode.REPLACE and checked.unreadable_ids:
        result.notes.append(
            _(
                "Nobody is taken off the roster, because %(count)s rows have ID numbers "
                "that could not be read and may belong to people on it. Correct those rows "
                "and import the file again to replace the roster."
            )
            % {"count": checked.unreadable_ids}
        )
    leaving = people_leaving(checked, known, active, mode)
    plan.entries_end.extend(active[pk][0] for pk in leaving)
    plan.people_locked.extend(leaving)
    result.ended = len(leaving)
    return plan


def people_leaving(
    checked: Checked, known: dict[str, Known], active: dict[int, tuple[int, str, str]], mode: str
) -> list[int]:
    """The people whose active entries a "replace" import ends: on the roster, not in the file.
    Nobody while an ID number could not be read (it may be one of them), nor for an empty file."""
    if mode != RosterImport.Mode.REPLACE or checked.unreadable_ids:
        return []
    if not (checked.valid or checked.present_hashes):
        return []
    in_file = {known[h].pk for h in checked.present_hashes if h in known}
    in_file |= {known[v.id_hash].pk for v in checked.valid if v.id_hash in known}
    return [pk for pk in active if pk not in in_file]


def _person_update(person: Known, v: Valid, plan: Plan, now: datetime.datetime) -> bool:
    phone_changed = bool(v.phone) and (
        person.phone_masked != mask_mobile(v.phone)
        or pii_decrypt(person.phone_encrypted) != v.phone
    )
    if phone_changed:
        plan.people_update.append(
            Person(
                pk=person.pk,
                name=v.name,
                phone_encrypted=pii_encrypt(v.phone),
                phone_masked=mask_mobile(v.phone),
                updated_at=now,
            )
        )
    elif person.name != v.name:
        # The stored phone is left as it is (it may not even have been read).
        plan.people_rename.append(Person(pk=person.pk, name=v.name, updated_at=now))
    else:
        return False
    return True


def plan_apply(plan: Plan, *, source_import: RosterImport | None) -> None:
    """Apply the plan; the stored people it changes are row-locked before any entry changes."""
    people_lock(plan.people_locked)
    today = timezone.localdate()
    Person.objects.bulk_update(
        plan.people_update, ["name", "phone_encrypted", "phone_masked", "updated_at"], BATCH
    )
    Person.objects.bulk_update(plan.people_rename, ["name", "updated_at"], BATCH)
    RosterEntry.objects.bulk_update(plan.entries_update, ["department", "updated_at"], BATCH)
    # roster_entry_end's rule, set-based: ends today, never before the entry started. Ended
    # before the new entries are created, so a role change never has two active entries.
    ends_on = Value(today, output_field=DateField())
    for chunk in chunks(plan.entries_end):
        RosterEntry.objects.filter(pk__in=chunk, end_date__isnull=True).update(
            end_date=Greatest(ends_on, F("start_date")), updated_at=timezone.now()
        )
    if plan.entries_create:
        _entries_create(
            plan.entries_create,
            enterprise=plan.enterprise,
            source_import=source_import,
            today=today,
        )
