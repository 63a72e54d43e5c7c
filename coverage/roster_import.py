"""The roster import: check every row, then apply all valid rows in one transaction.

Set-based so that a province-sized file stays fast: people are found by keyed hash in
chunks, created and updated in bulk, and only new people cost a (Fernet) encryption each.
"""

import datetime
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import BooleanField, DateField, F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coverage.exports import FORMULA_PREFIXES
from coverage.identifiers import (
    clean_id_number,
    clean_mobile,
    id_number_mangled_by_excel,
    mask_id_number,
    mask_mobile,
)
from coverage.models import (
    AuditLog,
    Enterprise,
    Membership,
    Person,
    Role,
    RosterEntry,
    RosterImport,
)
from coverage.models.people import KEY_ROLES
from coverage.pii import pii_decrypt, pii_encrypt, pii_lookup_hash
from coverage.roster_files import (
    COLUMN_LABELS,
    ROLE_LABELS,
    RosterFileError,
    RosterRow,
    read_roster,
)
from coverage.services import audit_log

Progress = Callable[[int, int, str], None]

# Rows per query when looking people up: well inside PostgreSQL's and SQLite's parameter
# limits, few enough round trips for 100,000 rows.
CHUNK = 5000
BATCH = 2000
NAME_MAX = Person._meta.get_field("name").max_length
DEPARTMENT_MAX = RosterEntry._meta.get_field("department").max_length

_ROLE_CODES = {
    **{_key: role for role in Role for _key in (role.value, role.value.replace("_", ""))},
    **{label: Role(code) for code, label in ROLE_LABELS.items()},
    # Labels as enterprises write them, and the English labels of the interface.
    "分管安全负责人": Role.MANAGER,
    "分管安全生产负责人": Role.MANAGER,
    "分管安全工作负责人": Role.MANAGER,
    "安全管理部门负责人": Role.SAFETY_HEAD,
    "安全部门主要负责人": Role.SAFETY_HEAD,
    "安全部门负责人": Role.SAFETY_HEAD,
    "班组长": Role.TEAM_LEADER,
    "其它": Role.OTHER,
    "其他人员": Role.OTHER,
    "managerinchargeofsafety": Role.MANAGER,
    "headofthesafetymanagementdepartment": Role.SAFETY_HEAD,
    "frontlineteamleader": Role.TEAM_LEADER,
}
_ROLE_NOISE = re.compile(r"[\s_\-–—]")
_SPACES = re.compile(r"\s+")
# A space between two Chinese characters is padding ("张  三" lines up with "欧阳明").
_CJK_PADDING = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


@dataclass
class Rejection:
    row: int
    column: str
    message: str
    # The raw ID number or phone the message quotes: stored masked in the message, and in
    # full only encrypted (for the owner's rejected-rows file).
    value: str = ""

    def stored(self) -> dict:
        """The JSON kept on the import: no raw ID number or phone in plain text."""
        item = {"row": self.row, "column": self.column, "message": self.message}
        if self.value:
            item["message"] = self.message.replace(self.value, _masked(self.value))
            item["message_encrypted"] = pii_encrypt(self.message)
        return item


def _masked(value: str) -> str:
    if len(value) == 18:
        return mask_id_number(value)
    if len(value) == 11 and value.isdigit():
        return mask_mobile(value)
    return f"{value[:3]}{'*' * (len(value) - 5)}{value[-2:]}" if len(value) >= 8 else "*" * 8


@dataclass
class Flag:
    """A person in the file who is a key role on another organisation's active roster."""

    row: int
    name: str
    id_number_masked: str
    enterprise: str
    role: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    flagged: list[Flag] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: int = 0

    def as_dict(self) -> dict:
        """The command line's --json shape."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "ended": self.ended,
            "rejected": [
                {"row": r.row, "column": r.column, "message": r.message} for r in self.rejected
            ],
        }

    def counts(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "ended": self.ended,
            "rejected": len(self.rejected),
            "flagged": len(self.flagged),
        }

    @classmethod
    def from_import(cls, record: RosterImport) -> "ImportResult":
        counts = record.counts or {}
        return cls(
            created=counts.get("created", 0),
            updated=counts.get("updated", 0),
            unchanged=counts.get("unchanged", 0),
            ended=counts.get("ended", 0),
            rejected=[
                Rejection(item["row"], item["column"], item["message"]) for item in record.rejected
            ],
            flagged=[Flag(**item) for item in record.flagged],
            notes=list(record.notes),
            rows=counts.get("rows", 0),
        )


@dataclass
class _Valid:
    row: int
    name: str
    id_number: str
    phone: str
    role: str
    department: str
    id_hash: str


@dataclass
class _Known:
    """What the database holds of a person the file names."""

    pk: int
    name: str
    phone_encrypted: str
    phone_masked: str


@dataclass
class _Checked:
    valid: list[_Valid]
    rejected: list[Rejection]
    # Rejected rows whose ID number was readable: these people are in the file all the same.
    present_hashes: set[str]
    unreadable_ids: int


def roster_import(
    *,
    enterprise: Enterprise,
    rows: list[RosterRow],
    mode: str,
    dry_run: bool = False,
    source_import: RosterImport | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check every row, then apply the valid ones in one transaction; re-applying changes nothing.

    "replace" also ends (history kept) the active entries of people not in the file. A role
    change ends the old entry and starts a new one; name, phone and department are updated in
    place. With `source_import`, the result is stored on it and a second commit does nothing.
    """
    if mode not in RosterImport.Mode.values:
        raise ValueError(f"unknown import mode {mode!r}")
    report = progress or _no_progress
    total = len(rows)
    steps = 2 if dry_run else 3
    checked = _rows_check(rows, report=lambda done: report(done, steps * total, _("Checking rows")))
    report(total, steps * total, _("Looking up people"))
    known = _people_known({v.id_hash for v in checked.valid} | checked.present_hashes)
    flagged = _flags(checked.valid, known, enterprise)
    if dry_run:
        result = _plan(enterprise, checked, known, _active_entries(enterprise), mode).result
        result.flagged, result.rows = flagged, total
        report(steps * total, steps * total, _("Checked"))
        return result

    new_people = _people_new(
        [v for v in checked.valid if v.id_hash not in known],
        report=lambda done: report(total + done, steps * total, _("Preparing new people")),
    )
    # Progress cannot be seen from inside the transaction (nobody else reads uncommitted
    # rows), so the last report before it says what the wait is for.
    report(2 * total, steps * total, _("Saving the roster"))
    with transaction.atomic():
        if source_import is not None:
            locked = RosterImport.objects.select_for_update().get(pk=source_import.pk)
            if locked.status == RosterImport.Status.COMMITTED:
                return ImportResult.from_import(locked)
        # One import per roster at a time: the second waits and then sees the first's result.
        list(Enterprise.objects.select_for_update().filter(pk=enterprise.pk).values_list("pk"))
        fresh = _people_create(new_people)
        known.update(fresh)
        plan = _plan(enterprise, checked, known, _active_entries(enterprise), mode, fresh=fresh)
        _plan_apply(plan, source_import=source_import)
        result = plan.result
        result.flagged, result.rows = flagged, total
        if source_import is not None:
            _result_store(source_import, result, status=RosterImport.Status.COMMITTED)
    report(steps * total, steps * total, _("Saved"))
    return result


def _no_progress(done: int, total: int, message: str = "") -> None:
    pass


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rows_check(rows: list[RosterRow], *, report: Callable[[int], None]) -> _Checked:
    valid: list[_Valid] = []
    rejected: list[Rejection] = []
    present: set[str] = set()
    unreadable = 0
    rows_by_hash: dict[str, list[int]] = defaultdict(list)
    for done, row in enumerate(rows, start=1):
        problems: list[Rejection] = []
        name = _name_clean(row, problems)
        id_number = _id_clean(row, problems)
        phone = _phone_clean(row, problems)
        role = _role_clean(row, problems)
        department = _department_clean(row, problems)
        if id_number is None:
            unreadable += 1
            rejected.extend(problems)
        else:
            id_hash = pii_lookup_hash(id_number)
            rows_by_hash[id_hash].append(row.row)
            if problems:
                present.add(id_hash)
                rejected.extend(problems)
            else:
                valid.append(_Valid(row.row, name, id_number, phone, role, department, id_hash))
        if done % 1000 == 0:
            report(done)
    # A person twice in the file: which row is right is the user's call, not ours.
    duplicates = {h: numbers for h, numbers in rows_by_hash.items() if len(numbers) > 1}
    if duplicates:
        for id_hash, numbers in duplicates.items():
            present.add(id_hash)
            for number in numbers:
                others = "、".join(str(n) for n in numbers if n != number)
                rejected.append(
                    Rejection(
                        number,
                        COLUMN_LABELS["id_number"],
                        ngettext(
                            "The same ID number is also in row %(rows)s. Keep one row per "
                            "person (a person has one role in one organisation) and delete "
                            "the other.",
                            "The same ID number is also in rows %(rows)s. Keep one row per "
                            "person (a person has one role in one organisation) and delete "
                            "the others.",
                            len(numbers) - 1,
                        )
                        % {"rows": others},
                    )
                )
        valid = [v for v in valid if v.id_hash not in duplicates]
    order = {label: index for index, label in enumerate(COLUMN_LABELS.values())}
    rejected.sort(key=lambda r: (r.row, order.get(r.column, 99)))
    report(len(rows))
    return _Checked(valid, rejected, present, unreadable)


def _name_clean(row: RosterRow, problems: list[Rejection]) -> str:
    name = _CJK_PADDING.sub("", _SPACES.sub(" ", row.name).strip())
    column = COLUMN_LABELS["name"]
    if not name:
        message = _("The name is empty. Enter the person's name as on the ID card.")
    elif name.startswith(FORMULA_PREFIXES):
        message = _(
            "“%(value)s” starts with “%(char)s”, which Excel and WPS run as a formula. "
            "Enter the name as plain text, as on the ID card."
        ) % {"value": name, "char": name[0]}
    elif len(name) > NAME_MAX:
        message = _("The name is longer than %(max)s characters. Enter only the person's name.") % {
            "max": NAME_MAX
        }
    else:
        return name
    problems.append(Rejection(row.row, column, message))
    return ""


def _id_clean(row: RosterRow, problems: list[Rejection]) -> str | None:
    # Full-width digits come from Chinese input methods; a leading apostrophe from Excel.
    raw = unicodedata.normalize("NFKC", row.id_number).strip().lstrip("'`")
    column = COLUMN_LABELS["id_number"]
    if not raw:
        message = _("The ID number is empty. Enter the 18-character resident ID number.")
    elif id_number_mangled_by_excel(raw):
        message = _(
            "“%(value)s” is an ID number that Excel has turned into a number, which loses its "
            "last digits. Format the 身份证号 column as Text (select the column → Format "
            "Cells → Text), type the ID numbers in again, or copy the roster into the "
            "template, and upload the file again."
        ) % {"value": row.id_number}
        quoted = row.id_number
    else:
        try:
            return clean_id_number(raw)
        except ValidationError as error:
            message, quoted = error.messages[0], raw
    problems.append(Rejection(row.row, column, message, value=quoted if raw else ""))
    return None


def _phone_clean(row: RosterRow, problems: list[Rejection]) -> str:
    raw = unicodedata.normalize("NFKC", row.phone).strip()
    if not raw:
        return ""
    try:
        return clean_mobile(raw)
    except ValidationError as error:
        hint = _("Leave the cell empty or enter an 11-digit mobile number.")
        message = f"{error.messages[0]} {hint}"
        problems.append(Rejection(row.row, COLUMN_LABELS["phone"], message, value=raw))
        return ""


def _role_clean(row: RosterRow, problems: list[Rejection]) -> str:
    raw = row.role.strip()
    role = _ROLE_CODES.get(_ROLE_NOISE.sub("", raw).lower()) if raw else None
    if role is not None:
        return str(role)
    choices = "、".join(ROLE_LABELS.values())
    if not raw:
        message = _("The role is empty. Enter one of %(choices)s.") % {"choices": choices}
    else:
        message = _(
            "“%(value)s” is not a role. Enter one of %(choices)s (or the codes manager, "
            "safety_head, team_leader, other)."
        ) % {"value": raw, "choices": choices}
    problems.append(Rejection(row.row, COLUMN_LABELS["role"], message))
    return ""


def _department_clean(row: RosterRow, problems: list[Rejection]) -> str:
    department = _SPACES.sub(" ", row.department).strip()
    if len(department) > DEPARTMENT_MAX:
        problems.append(
            Rejection(
                row.row,
                COLUMN_LABELS["department"],
                _("The department is longer than %(max)s characters. Shorten it.")
                % {"max": DEPARTMENT_MAX},
            )
        )
    return department


def _people_known(hashes: Iterable[str]) -> dict[str, _Known]:
    known: dict[str, _Known] = {}
    for chunk in _chunks(sorted(hashes)):
        for pk, id_hash, name, phone_encrypted, phone_masked in _people_select(chunk):
            known[id_hash] = _Known(pk, name, phone_encrypted, phone_masked)
    return known


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


# The columns of a new person, in the order `_people_new` makes them.
PERSON_COLUMNS = (
    "id_number_hash",
    "id_number_encrypted",
    "id_number_masked",
    "name",
    "phone_encrypted",
    "phone_masked",
)


def _people_new(valid: list[_Valid], *, report: Callable[[int], None]) -> list[tuple]:
    """New people's columns for the rows nobody knows yet (the one per-row cost: encryption)."""
    people = []
    for done, v in enumerate(valid, start=1):
        people.append(
            (
                v.id_hash,
                pii_encrypt(v.id_number),
                mask_id_number(v.id_number),
                v.name,
                pii_encrypt(v.phone),
                mask_mobile(v.phone) if v.phone else "",
            )
        )
        if done % 1000 == 0:
            report(done)
    return people


def _people_create(people: list[tuple]) -> dict[str, _Known]:
    """Insert new people; one that another import created meanwhile is read back instead."""
    created: dict[str, _Known] = {}
    if connection.vendor == "postgresql" and people:
        created = _people_copy(people)
    elif people:
        objects = [Person(**dict(zip(PERSON_COLUMNS, values, strict=True))) for values in people]
        Person.objects.bulk_create(objects, batch_size=BATCH, ignore_conflicts=True)
    missing = [values[0] for values in people if values[0] not in created]
    return created | _people_known(missing)


def _people_copy(people: list[tuple]) -> dict[str, _Known]:
    """PostgreSQL: COPY into a scratch table, then insert what is new (several times faster)."""
    names = (*PERSON_COLUMNS, "created_at", "updated_at")
    columns = ", ".join(_column(Person, name) for name in names)
    table = connection.ops.quote_name(Person._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE roster_new_people ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY roster_new_people ({columns}) FROM STDIN") as copy:
            for values in people:
                copy.write_row((*values, now, now))
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM roster_new_people "
            f"ON CONFLICT ({_column(Person, 'id_number_hash')}) DO NOTHING "
            f"RETURNING {_column(Person, 'pk')}, {_column(Person, 'id_number_hash')}"
        )
        ids = {id_hash: pk for pk, id_hash in cursor.fetchall()}
        cursor.execute("DROP TABLE roster_new_people")
    return {
        values[0]: _Known(ids[values[0]], values[3], values[4], values[5])
        for values in people
        if values[0] in ids
    }


def _entries_create(
    entries: list[tuple[int, str, str]],
    *,
    enterprise: Enterprise,
    source_import: RosterImport | None,
) -> None:
    """New active entries from (person id, role, department), starting today."""
    today = timezone.localdate()
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
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for person_id, role, department in entries:
            copy.write_row((person_id, enterprise.pk, role, department, today, import_id, now, now))


def _column(model, name: str) -> str:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    return connection.ops.quote_name(field.column)


def _flags(valid: list[_Valid], known: dict[str, _Known], enterprise: Enterprise) -> list[Flag]:
    rows_by_person = {known[v.id_hash].pk: v for v in valid if v.id_hash in known}
    flags = []
    for chunk in _chunks(list(rows_by_person)):
        elsewhere = (
            RosterEntry.objects.filter(
                _is_in(RosterEntry, "person", chunk), end_date__isnull=True, role__in=KEY_ROLES
            )
            .exclude(enterprise=enterprise)
            .values_list("person_id", "enterprise__name", "role")
        )
        for person_id, enterprise_name, role in elsewhere:
            v = rows_by_person[person_id]
            masked = mask_id_number(v.id_number)
            flags.append(Flag(v.row, v.name, masked, enterprise_name, str(Role(role).label)))
    flags.sort(key=lambda flag: flag.row)
    return flags


def _active_entries(enterprise: Enterprise) -> dict[int, tuple[int, str, str]]:
    """person id → (entry id, role, department) of the enterprise's active roster."""
    return {
        person_id: (pk, role, department)
        for pk, person_id, role, department in RosterEntry.objects.filter(
            enterprise=enterprise, end_date__isnull=True
        ).values_list("pk", "person_id", "role", "department")
    }


@dataclass
class _Plan:
    result: ImportResult
    enterprise: Enterprise
    people_update: list[Person] = field(default_factory=list)
    # (person id, role, department) of the entries to start
    entries_create: list[tuple[int, str, str]] = field(default_factory=list)
    entries_update: list[RosterEntry] = field(default_factory=list)
    entries_end: list[int] = field(default_factory=list)


def _plan(
    enterprise: Enterprise,
    checked: _Checked,
    known: dict[str, _Known],
    active: dict[int, tuple[int, str, str]],
    mode: str,
    fresh: dict[str, _Known] | None = None,
) -> _Plan:
    """What applying the rows changes, worked out in memory from the current roster."""
    fresh = fresh or {}
    plan = _Plan(ImportResult(rejected=list(checked.rejected)), enterprise)
    result = plan.result
    now = timezone.now()
    for v in checked.valid:
        person = known.get(v.id_hash)
        if person is None:  # dry run: the person would be created with the entry
            result.created += 1
            continue
        person_changed = v.id_hash not in fresh and _person_update(person, v, plan, now)
        entry = active.get(person.pk)
        if entry is None:
            plan.entries_create.append((person.pk, v.role, v.department))
            result.created += 1
            continue
        entry_id, role, department = entry
        if role != v.role:
            # Role history is kept: the old entry ends today, the new one starts today.
            plan.entries_end.append(entry_id)
            plan.entries_create.append((person.pk, v.role, v.department or department))
            result.updated += 1
        elif v.department and department != v.department:
            plan.entries_update.append(
                RosterEntry(pk=entry_id, department=v.department, updated_at=now)
            )
            result.updated += 1
        elif person_changed:
            result.updated += 1
        else:
            result.unchanged += 1

    if mode == RosterImport.Mode.REPLACE:
        if checked.unreadable_ids:
            result.notes.append(
                _(
                    "Nobody is taken off the roster, because %(count)s rows have ID numbers "
                    "that could not be read and may belong to people on it. Correct those rows "
                    "and import the file again to replace the roster."
                )
                % {"count": checked.unreadable_ids}
            )
        elif checked.valid or checked.present_hashes:  # an empty list ends nobody
            in_file = {known[h].pk for h in checked.present_hashes if h in known}
            in_file |= {known[v.id_hash].pk for v in checked.valid if v.id_hash in known}
            leaving = [entry[0] for pk, entry in active.items() if pk not in in_file]
            plan.entries_end.extend(leaving)
            result.ended = len(leaving)
    return plan


def _person_update(person: _Known, v: _Valid, plan: _Plan, now: datetime.datetime) -> bool:
    phone_changed = bool(v.phone) and (
        person.phone_masked != mask_mobile(v.phone)
        or pii_decrypt(person.phone_encrypted) != v.phone
    )
    if person.name == v.name and not phone_changed:
        return False
    plan.people_update.append(
        Person(
            pk=person.pk,
            name=v.name,
            phone_encrypted=pii_encrypt(v.phone) if phone_changed else person.phone_encrypted,
            phone_masked=mask_mobile(v.phone) if phone_changed else person.phone_masked,
            updated_at=now,
        )
    )
    return True


def _plan_apply(plan: _Plan, *, source_import: RosterImport | None) -> None:
    Person.objects.bulk_update(
        plan.people_update, ["name", "phone_encrypted", "phone_masked", "updated_at"], BATCH
    )
    RosterEntry.objects.bulk_update(plan.entries_update, ["department", "updated_at"], BATCH)
    # roster_entry_end's rule, set-based: ends today, never before the entry started. Ended
    # before the new entries are created, so a role change never has two active entries.
    today = Value(timezone.localdate(), output_field=DateField())
    for chunk in _chunks(plan.entries_end):
        RosterEntry.objects.filter(pk__in=chunk, end_date__isnull=True).update(
            end_date=Greatest(today, F("start_date")), updated_at=timezone.now()
        )
    if plan.entries_create:
        _entries_create(
            plan.entries_create, enterprise=plan.enterprise, source_import=source_import
        )


def _result_store(roster_import: RosterImport, result: ImportResult, *, status: str) -> None:
    roster_import.status = status
    roster_import.counts = result.counts()
    roster_import.rejected = [r.stored() for r in result.rejected]
    roster_import.flagged = [asdict(f) for f in result.flagged]
    roster_import.notes = result.notes
    roster_import.error = ""
    fields = ["status", "counts", "rejected", "flagged", "notes", "error"]
    if status == RosterImport.Status.COMMITTED:
        roster_import.committed_at = timezone.now()
        fields.append("committed_at")
    roster_import.save(update_fields=fields)


# The stored-upload workflow: upload → check (preview) → commit, used by the views, the
# Celery task and the command line alike.


def roster_import_allowed(*, user, enterprise: Enterprise) -> bool:
    """Whether the user may change this roster: its administrators (and superusers) only."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or Membership.objects.filter(
            user=user,
            enterprise=enterprise,
            role__in=[Membership.Role.ENTERPRISE_ADMIN, Membership.Role.INSTITUTION_ADMIN],
        ).exists()
    )


def roster_import_create(
    *, enterprise: Enterprise, user, upload: UploadedFile, mode: str
) -> RosterImport:
    """Store an uploaded roster file, not yet checked."""
    return RosterImport.objects.create(
        enterprise=enterprise,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        file=upload,
        filename=upload.name[:255],
        mode=mode,
    )


def roster_import_rows(*, record: RosterImport) -> list[RosterRow]:
    """The stored file's rows; an unusable file marks the import failed and raises."""
    try:
        if not record.file:
            raise RosterFileError(
                _(
                    "The uploaded file has been deleted (files are kept %(days)s days). "
                    "Upload the roster again."
                )
                % {"days": settings.ROSTER_UPLOAD_RETENTION_DAYS}
            )
        with record.file.open("rb") as handle:
            return read_roster(handle, filename=record.filename)
    except RosterFileError as error:
        RosterImport.objects.filter(pk=record.pk).exclude(
            status=RosterImport.Status.COMMITTED
        ).update(status=RosterImport.Status.FAILED, error=str(error)[:500])
        record.status, record.error = RosterImport.Status.FAILED, str(error)[:500]
        raise


def roster_import_rejected_rows(*, record: RosterImport) -> list[tuple[int, str, str]]:
    """(row, column, problem) of the rejected rows, quoting the rejected values in full."""
    return [
        (
            item["row"],
            item["column"],
            pii_decrypt(item["message_encrypted"])
            if item.get("message_encrypted")
            else item["message"],
        )
        for item in record.rejected
    ]


def roster_import_check(
    *,
    record: RosterImport,
    rows: list[RosterRow] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Preview the stored file (a dry run) and store the result on the import."""
    if record.status == RosterImport.Status.COMMITTED:
        return ImportResult.from_import(record)
    if rows is None:
        rows = roster_import_rows(record=record)
    result = roster_import(
        enterprise=record.enterprise,
        rows=rows,
        mode=record.mode,
        dry_run=True,
        progress=progress,
    )
    _result_store(record, result, status=RosterImport.Status.PREVIEWED)
    return result


def roster_import_commit(
    *,
    record: RosterImport,
    user=None,
    rows: list[RosterRow] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Apply the stored file; a second commit of the same import changes nothing."""
    if record.status == RosterImport.Status.COMMITTED:
        return ImportResult.from_import(record)
    try:
        if rows is None:
            rows = roster_import_rows(record=record)
        result = roster_import(
            enterprise=record.enterprise,
            rows=rows,
            mode=record.mode,
            source_import=record,
            progress=progress,
        )
    except Exception:
        # Nothing was applied: let the user try the commit again.
        RosterImport.objects.filter(pk=record.pk, status=RosterImport.Status.COMMITTING).update(
            status=RosterImport.Status.PREVIEWED
        )
        raise
    # The in-memory import turns committed only when this call applied the rows; a commit
    # that found the import already committed leaves it as it was.
    applied = record.status == RosterImport.Status.COMMITTED
    record.refresh_from_db()
    if applied:
        audit_log(
            user=user,
            action=AuditLog.Action.IMPORT,
            subject=f"{record.enterprise.credit_code} {record.filename}",
            rows=result.created + result.updated + result.ended,
            contains_personal_data=True,
        )
    return result


def roster_import_commit_claim(*, record: RosterImport) -> bool:
    """Mark a previewed import as being committed; False when it is already on its way."""
    claimed = RosterImport.objects.filter(
        pk=record.pk, status=RosterImport.Status.PREVIEWED
    ).update(status=RosterImport.Status.COMMITTING)
    if claimed:
        record.status = RosterImport.Status.COMMITTING
    return bool(claimed)


def roster_import_release(*, import_id: int, error: str) -> None:
    """Its background job will not run: a claimed commit can be started again, an upload
    never checked is failed with the reason."""
    RosterImport.objects.filter(pk=import_id, status=RosterImport.Status.COMMITTING).update(
        status=RosterImport.Status.PREVIEWED
    )
    RosterImport.objects.filter(pk=import_id, status=RosterImport.Status.PENDING).update(
        status=RosterImport.Status.FAILED, error=error[:500]
    )
