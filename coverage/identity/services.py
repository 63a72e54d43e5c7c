"""Binding a sign-in account to a person: name and ID number, once and for good.

Nobody learns from the form who is on a roster: a wrong number and a wrong name read the same.
When the roster holds a phone and it is not the account's, the binding waits for the
enterprise's administrator (an IdentityClaim) instead of handing the person's training record
to whoever knows their name and ID number.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coverage.identifiers import clean_id_number, clean_mobile, mask_mobile
from coverage.identity.models import IdentityClaim
from coverage.models import Enterprise, Person, RosterEntry
from coverage.services import person_find, person_save


class BindingRefused(Exception):
    """The account cannot be bound to that identity; `message` is shown as it is."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Binding:
    """The outcome: the person bound, or the claim waiting for the enterprise."""

    person: Person | None = None
    claim: IdentityClaim | None = None


def _unverifiable() -> BindingRefused:
    return BindingRefused(
        _(
            "The name and ID number could not be verified. Check both, or ask the organiser "
            "or your enterprise to add you to the roster."
        )
    )


def _linked_elsewhere() -> BindingRefused:
    return BindingRefused(
        _(
            "This identity is already linked to another account. If that is not you, "
            "please ask the organiser or your enterprise administrator."
        )
    )


def _same_name(stored: str, typed: str) -> bool:
    return stored.replace(" ", "") == typed.replace(" ", "")


def _account_phone(user) -> str:
    try:
        return clean_mobile(user.phone) if user.phone else ""
    except ValidationError:
        return ""


def _confirming_enterprise(person: Person) -> Enterprise | None:
    """Whose roster gave the phone: the latest active entry's organisation, else the latest."""
    entry = (
        RosterEntry.objects.filter(person=person)
        .select_related("enterprise")
        .order_by(F("end_date").desc(nulls_first=True), "-start_date", "-pk")
        .first()
    )
    return entry.enterprise if entry else None


def identity_bind(*, user, id_number: str, name: str, create: bool = False) -> Binding:
    """Bind the account to the person with this ID number and name, or ask the enterprise.

    With `create` (an open course), an ID number nobody has yet makes a new person, on no
    roster; a number that exists binds that person, never a duplicate. An account bound once
    stays bound, and a person bound to another account is refused.
    """
    bound = Person.objects.filter(user=user).first()
    if bound is not None:
        return Binding(person=bound)
    waiting = IdentityClaim.objects.filter(user=user, status=IdentityClaim.Status.PENDING).first()
    if waiting is not None:
        return Binding(claim=waiting)
    try:
        number = clean_id_number(id_number)
    except ValidationError as error:
        raise BindingRefused(error.messages[0]) from error
    name = name.strip()
    if not name:
        raise _unverifiable()
    person = person_find(id_number=number)
    if person is None:
        if not create:
            raise _unverifiable()
        try:
            with transaction.atomic():
                person, _changed = person_save(id_number=number, name=name)
                person.user = user
                person.save(update_fields=["user", "updated_at"])
            return Binding(person=person)
        except IntegrityError:  # the same number created from another account just now
            person = person_find(id_number=number)
            if person is None:
                raise
    if not _same_name(person.name, name):
        raise _unverifiable()
    return _bind_existing(user=user, person=person)


def _bind_existing(*, user, person: Person) -> Binding:
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.user_id and person.user_id != user.pk:
            raise _linked_elsewhere()
        phone = _account_phone(user)
        if person.phone_masked and person.phone != phone:
            return Binding(claim=_claim_make(user=user, person=person, phone=phone))
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    return Binding(person=person)


def _claim_make(*, user, person: Person, phone: str) -> IdentityClaim:
    enterprise = _confirming_enterprise(person)
    if enterprise is None:
        raise BindingRefused(
            _(
                "The mobile number on record for this identity is not the one you signed in "
                "with. Please ask the organiser to check your details."
            )
        )
    if IdentityClaim.objects.filter(
        user=user, person=person, status=IdentityClaim.Status.REJECTED
    ).exists():
        raise BindingRefused(
            _(
                "Your enterprise did not confirm that this identity is yours. Please contact "
                "its administrator."
            )
        )
    try:
        with transaction.atomic():
            return IdentityClaim.objects.create(
                user=user, person=person, enterprise=enterprise, phone_masked=mask_mobile(phone)
            )
    except IntegrityError:  # a second tap while the first claim was being written
        return IdentityClaim.objects.get(user=user, status=IdentityClaim.Status.PENDING)


def _claim_locked(claim: IdentityClaim) -> IdentityClaim:
    locked = IdentityClaim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != IdentityClaim.Status.PENDING:
        raise BindingRefused(_("This request has already been decided."))
    return locked


@transaction.atomic
def identity_claim_confirm(*, claim: IdentityClaim, user) -> Person:
    """The administrator vouches for the account: it is bound to the person, unless the
    person or the account was bound to someone else meanwhile."""
    claim = _claim_locked(claim)
    person = Person.objects.select_for_update().get(pk=claim.person_id)
    if person.user_id and person.user_id != claim.user_id:
        raise _linked_elsewhere()
    if Person.objects.filter(user_id=claim.user_id).exclude(pk=person.pk).exists():
        raise BindingRefused(_("That account is already linked to another person."))
    person.user_id = claim.user_id
    person.save(update_fields=["user", "updated_at"])
    _claim_decide(claim, status=IdentityClaim.Status.CONFIRMED, user=user)
    return person


@transaction.atomic
def identity_claim_reject(*, claim: IdentityClaim, user) -> IdentityClaim:
    """The administrator does not recognise the account: nothing is bound, and the same
    account cannot ask for this person again."""
    claim = _claim_locked(claim)
    _claim_decide(claim, status=IdentityClaim.Status.REJECTED, user=user)
    return claim


def _claim_decide(claim: IdentityClaim, *, status: str, user) -> None:
    claim.status = status
    claim.decided_at = timezone.now()
    claim.decided_by = user
    claim.save(update_fields=["status", "decided_at", "decided_by"])
