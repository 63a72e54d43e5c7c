"""The roster import's row checks: every problem of a row, said so that the user can fix it."""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coverage.audit.exports import FORMULA_PREFIXES
from coverage.identifiers import (
    clean_id_number,
    clean_mobile,
    id_number_mangled_by_excel,
    id_numbers_plainly_valid,
    mask_id_number,
    mask_mobile,
    mobiles_plainly_valid,
)
from coverage.models import (
    Person,
    Role,
    RosterEntry,
    RosterImport,
)
from coverage.pii import pii_encrypt, pii_lookup_hashes
from coverage.rosters.files import (
    COLUMN_LABELS,
    ROLE_LABELS,
    RosterRow,
)

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


@dataclass(slots=True)
class Rejection:
    row: int
    column: str
    message: str
    # The raw ID number or phone the message quotes: stored masked in the message, and in
    # full only encrypted (for the owner's rejected-rows file).
    value: str = ""
    # The row's name and masked ID number, so that the administrator finds the row in a
    # long file from the preview or the rejected-rows file.
    name: str = ""
    id_masked: str = ""

    def stored(self) -> dict:
        """The JSON kept on the import: no raw ID number or phone in plain text."""
        item = {"row": self.row, "column": self.column, "message": self.message}
        if self.value:
            item["message"] = self.message.replace(self.value, _masked(self.value))
            item["message_encrypted"] = pii_encrypt(self.message)
        if self.name or self.id_masked:
            item["name"], item["id_masked"] = self.name, self.id_masked
        return item


@dataclass(slots=True)
class RejectedRow:
    """One row left out, with every problem it has: what the preview lists, row by row."""

    row: int
    name: str
    id_masked: str
    problems: list[dict]


def rejected_by_row(stored: list[dict]) -> list[RejectedRow]:
    """The import's stored problems (kept in row order) grouped by their row."""
    rows: list[RejectedRow] = []
    for item in stored:
        if not rows or rows[-1].row != item["row"]:
            rows.append(
                RejectedRow(item["row"], item.get("name", ""), item.get("id_masked", ""), [])
            )
        rows[-1].problems.append(item)
    return rows


def _masked(value: str) -> str:
    if len(value) == 18:
        return mask_id_number(value)
    if len(value) == 11 and value.isdigit():
        return mask_mobile(value)
    return f"{value[:3]}{'*' * (len(value) - 5)}{value[-2:]}" if len(value) >= 8 else "*" * 8


@dataclass(slots=True)
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
            # Rows, not problems: one row with three problems is one row left out.
            "rejected": len({r.row for r in self.rejected}),
            "problems": len(self.rejected),
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
                Rejection(
                    item["row"],
                    item["column"],
                    item["message"],
                    name=item.get("name", ""),
                    id_masked=item.get("id_masked", ""),
                )
                for item in record.rejected
            ],
            flagged=[Flag(**item) for item in record.flagged],
            notes=list(record.notes),
            rows=counts.get("rows", 0),
        )


@dataclass(slots=True)
class Valid:
    row: int
    name: str
    id_number: str
    phone: str
    role: str
    department: str
    id_hash: str


@dataclass
class Checked:
    valid: list[Valid]
    rejected: list[Rejection]
    # Rejected rows whose ID number was readable: these people are in the file all the same.
    present_hashes: set[str]
    unreadable_ids: int
    # Said on the preview and the result: identical rows merged into their first.
    notes: list[str] = field(default_factory=list)


def rows_check(rows: list[RosterRow], *, report: Callable[[int], None]) -> Checked:
    """Every row checked in one pass that does per row only what differs from row to row:
    today is looked up once, a role or department is judged once per distinct cell text, and
    a message is made only for a row that has a problem."""
    valid: list[Valid] = []
    rejected: list[Rejection] = []
    unreadable = 0
    # Rows whose ID number could be read, with their Valid (None when the row has problems):
    # their keyed hashes are computed together after the loop.
    readable: list[tuple[int, Valid | None]] = []
    id_numbers: list[str] = []
    today = timezone.localdate()
    # Most numbers are written as stored: those are judged all at once, the rest one by one.
    plain_ids = id_numbers_plainly_valid([row.id_number for row in rows], today=today)
    plain_phones = mobiles_plainly_valid([row.phone for row in rows])
    roles: dict[str, str] = {}
    departments: dict[str, str] = {}
    for done, (row, plain_id, plain_phone) in enumerate(
        zip(rows, plain_ids, plain_phones, strict=True), start=1
    ):
        problems: list[Rejection] = []
        name = _name_clean(row, problems)
        id_number = row.id_number if plain_id else _id_clean(row, problems, today)
        phone = row.phone if plain_phone else _phone_clean(row, problems)
        role = roles.get(row.role)
        if role is None:
            role = roles[row.role] = _role_code(row.role)
        if not role:
            _role_reject(row, problems)
        department = departments.get(row.department)
        if department is None:
            department = departments[row.department] = _SPACES.sub(" ", row.department).strip()
        if len(department) > DEPARTMENT_MAX:
            _department_reject(row, problems)
        if problems:
            _row_label(row, problems, id_number)
            rejected.extend(problems)
        if id_number is None:
            unreadable += 1
        else:
            checked = None
            if not problems:
                checked = Valid(row.row, name, id_number, phone, role, department, "")
                valid.append(checked)
            readable.append((row.row, checked))
            id_numbers.append(id_number)
        if done % 1000 == 0:
            report(done)
    present: set[str] = set()
    first_row: dict[str, int] = {}
    # Rows of the people in the file twice or more (rarely any, so kept apart).
    rows_by_hash: dict[str, list[int]] = defaultdict(list)
    for (number, checked), id_hash in zip(readable, pii_lookup_hashes(id_numbers), strict=True):
        first = first_row.setdefault(id_hash, number)
        if first != number:
            numbers = rows_by_hash[id_hash]
            if not numbers:
                numbers.append(first)
            numbers.append(number)
        if checked is None:
            present.add(id_hash)
        else:
            checked.id_hash = id_hash
    del readable, id_numbers, first_row
    # A person twice in the file: which row is right is the user's call, not ours, unless
    # the rows say exactly the same (pasted twice): then the first stands for them all.
    duplicates = {h: numbers for h, numbers in rows_by_hash.items() if len(numbers) > 1}
    notes: list[str] = []
    merged: set[int] = set()
    if duplicates:
        repeated = {v.row: v for v in valid if v.id_hash in duplicates}
        for id_hash, numbers in list(duplicates.items()):
            same = [repeated.get(number) for number in numbers]
            contents = {(v.name, v.phone, v.role, v.department) for v in same if v is not None}
            if None in same or len(contents) != 1:
                continue
            del duplicates[id_hash]
            merged.update(numbers[1:])
            notes.extend(
                _("Row %(row)s is identical to row %(first)s: merged into it.")
                % {"row": number, "first": numbers[0]}
                for number in numbers[1:]
            )
        if merged:
            valid = [v for v in valid if v.row not in merged]
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
    return Checked(valid, rejected, present, unreadable, notes)


def _row_label(row: RosterRow, problems: list[Rejection], id_number: str | None) -> None:
    """Name each problem's row by its person (as written, masked), for finding it again."""
    name = _SPACES.sub(" ", row.name).strip()[:NAME_MAX]
    raw = row.id_number.strip()
    id_masked = mask_id_number(id_number) if id_number else (_masked(raw) if raw else "")
    for problem in problems:
        problem.name, problem.id_masked = name, id_masked


def _name_clean(row: RosterRow, problems: list[Rejection]) -> str:
    name = row.name
    if not name.isalpha():  # only letters (most names): no space to tidy
        name = _CJK_PADDING.sub("", _SPACES.sub(" ", name).strip())
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


def _id_clean(row: RosterRow, problems: list[Rejection], today) -> str | None:
    # Full-width digits come from Chinese input methods; a leading apostrophe from Excel.
    raw = row.id_number
    if not raw.isascii():
        raw = unicodedata.normalize("NFKC", raw)
    raw = raw.strip().lstrip("'`")
    if raw:
        try:
            # A number Excel mangled never passes (its check character fails), so the
            # usual case, a good number, needs no look at Excel first.
            return clean_id_number(raw, today=today)
        except ValidationError as error:
            message, quoted = error.messages[0], raw
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
    problems.append(Rejection(row.row, column, message, value=quoted if raw else ""))
    return None


def _phone_clean(row: RosterRow, problems: list[Rejection]) -> str:
    raw = row.phone
    if not raw.isascii():
        raw = unicodedata.normalize("NFKC", raw)
    raw = raw.strip()
    if not raw:
        return ""
    try:
        return clean_mobile(raw)
    except ValidationError as error:
        hint = _("Leave the cell empty or enter an 11-digit mobile number.")
        message = f"{error.messages[0]} {hint}"
        problems.append(Rejection(row.row, COLUMN_LABELS["phone"], message, value=raw))
        return ""


def _role_code(raw: str) -> str:
    """The role code a cell names, or "" when it names none."""
    raw = raw.strip()
    role = _ROLE_CODES.get(_ROLE_NOISE.sub("", raw).lower()) if raw else None
    return str(role) if role is not None else ""


def _role_reject(row: RosterRow, problems: list[Rejection]) -> None:
    raw = row.role.strip()
    choices = "、".join(ROLE_LABELS.values())
    if not raw:
        message = _("The role is empty. Enter one of %(choices)s.") % {"choices": choices}
    else:
        message = _(
            "“%(value)s” is not a role. Enter one of %(choices)s (or the codes manager, "
            "safety_head, team_leader, other)."
        ) % {"value": raw, "choices": choices}
    problems.append(Rejection(row.row, COLUMN_LABELS["role"], message))


def _department_reject(row: RosterRow, problems: list[Rejection]) -> None:
    problems.append(
        Rejection(
            row.row,
            COLUMN_LABELS["department"],
            _("The department is longer than %(max)s characters. Shorten it.")
            % {"max": DEPARTMENT_MAX},
        )
    )
