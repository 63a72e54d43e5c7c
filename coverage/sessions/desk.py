"""The organiser's check-in desk, for workers without a smartphone: the tablet's camera scans the
worker's personal code (coverage/sessions/personal_codes.py), or the organiser types the ID
number. Either is a check-in like a worker's own, recorded with its method and flagged as
weaker: it proves the card or the number was there, not the person."""

from django.utils.translation import gettext_lazy as _

from coverage.models import Attendance, Person, TrainingSession
from coverage.services import person_find
from coverage.sessions.personal_codes import personal_code_person
from coverage.sessions.services import CheckinRefused, attendance_check_in

UNKNOWN_CODE = _(
    "This code is not a valid personal check-in code (mistyped, or replaced by a newer one). "
    "Ask the worker for the current code or enter the ID number."
)
UNKNOWN_ID_NUMBER = _("Nobody with this ID number is known to the platform.")
NOT_INVITED = _("%(name)s is not among the participants of this session.")


def attendance_desk_check_in(
    *, session: TrainingSession, code: str = "", id_number: str = ""
) -> tuple[Attendance, bool]:
    """Check in the person whose personal code was scanned or whose (cleaned) ID number was
    entered; a repeat returns the first check-in. Raises CheckinRefused with a message for the
    desk."""
    if code:
        person, method = personal_code_person(code=code), Attendance.Method.PERSONAL_CODE
        unknown = CheckinRefused("unknown_code", UNKNOWN_CODE)
    else:
        # Cleaned by the desk's form (coverage/sessions/forms.py DeskForm), which names the
        # problem of a mistyped number.
        person = person_find(id_number=id_number)
        method, unknown = (
            Attendance.Method.ID_NUMBER,
            CheckinRefused("unknown_id_number", UNKNOWN_ID_NUMBER),
        )
    if person is None:
        raise unknown
    try:
        # No device or address: the tablet checks in many people by design.
        return attendance_check_in(session=session, person=person, method=method)
    except CheckinRefused as refusal:
        if refusal.code == "not_invited":
            raise CheckinRefused("not_invited", NOT_INVITED % {"name": person.name}) from None
        raise


def desk_person_shown(person: Person) -> dict:
    """What the desk shows of the person checked in: enough to compare with who is there."""
    return {"name": person.name, "id_number_masked": person.id_number_masked}
