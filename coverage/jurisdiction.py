"""Who may see what: a regulator their region and everything below it, an administrator
their own organisation. Every view, export, API endpoint, command and page of every part
reads through these; no other module asks the memberships who may see or change something."""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from coverage.models import Enterprise, Membership, Region, TrainingSession

ADMINISTRATOR_ROLES = (Membership.Role.ENTERPRISE_ADMIN, Membership.Role.INSTITUTION_ADMIN)


def _regulated_paths(user) -> list[str]:
    memberships = getattr(user, "_regulated_paths", None)
    if memberships is None:
        memberships = list(
            Membership.objects.filter(user=user, role=Membership.Role.REGULATOR).values_list(
                "region__path", flat=True
            )
        )
        user._regulated_paths = memberships
    return memberships


def regulator_memberships(user) -> QuerySet[Membership]:
    """The user's regulator memberships (their regions first by path): what a regulator's
    pages, API token and default views cover."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, role=Membership.Role.REGULATOR)
        .select_related("region")
        .order_by("region__path")
    )


def memberships_of(user) -> list[Membership]:
    """All the user's roles (regulator of a region, administrator of an organisation), with
    their region and organisation: what the navigation links to, in one query."""
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("region", "enterprise"))


def is_regulator(user) -> bool:
    """A regulator of some region (or a superuser): may open the regulators' pages."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(_regulated_paths(user))


def _under_any(paths: list[str], field: str) -> Q:
    return reduce(or_, (Q(**{f"{field}__startswith": path}) for path in paths))


def regions_in_scope(user) -> QuerySet[Region]:
    """Regions the user regulates, with all their sub-regions."""
    if not user.is_authenticated:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    paths = _regulated_paths(user)
    if not paths:
        return Region.objects.none()
    return Region.objects.filter(_under_any(paths, "path"))


def enterprises_in_scope(user) -> QuerySet[Enterprise]:
    """Organisations the user may see: in a regulated region, or administered by the user."""
    if not user.is_authenticated:
        return Enterprise.objects.none()
    if user.is_superuser:
        return Enterprise.objects.all()
    # Both lists are short (a user's own memberships): as literals they leave the scope a
    # plain filter, which the province's dashboards join 20,000 enterprises through.
    administered = getattr(user, "_administered_ids", None)
    if administered is None:
        administered = user._administered_ids = list(
            Membership.objects.filter(user=user, role__in=ADMINISTRATOR_ROLES).values_list(
                "enterprise_id", flat=True
            )
        )
    paths = _regulated_paths(user)
    condition = Q(pk__in=administered) if administered else Q(pk__in=[])
    if paths:
        condition |= _under_any(paths, "region__path")
    return Enterprise.objects.filter(condition)


def region_ancestors_in_scope(user, region: Region) -> list[Region]:
    """The region's ancestors the user may open (breadcrumbs), top first."""
    codes = region.path.strip("/").split("/")[:-1]
    return list(regions_in_scope(user).filter(code__in=codes).order_by("path"))


def enterprise_in_scope_or_404(user, **lookup) -> Enterprise:
    """The enterprise, or 404 when it does not exist or is outside the user's scope alike."""
    return get_object_or_404(enterprises_in_scope(user), **lookup)


def region_in_scope_or_404(user, **lookup) -> Region:
    return get_object_or_404(regions_in_scope(user), **lookup)


def _regulates_exactly(user, region: Region | None) -> bool:
    return (
        region is not None and user.is_authenticated and region.path in _regulated_paths(user)
    )


def report_may_edit(user, region: Region) -> bool:
    """The region's annual report is written and submitted by the region's own regulators
    (a city's by the city, not by the province above nor a county below)."""
    return _regulates_exactly(user, region)


def report_may_return(user, report) -> bool:
    """A submitted report is reviewed, and returned, by the level it was submitted to: the
    regulators of the parent region (a county's by its city, a city's by the province);
    superusers stand in for the province."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or _regulates_exactly(user, report.region.parent)


def administers(user, enterprise: Enterprise) -> bool:
    """An administrator of this very organisation (who keeps its roster, organises its
    sessions and assigns its courses)."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or Membership.objects.filter(
            user=user, enterprise=enterprise, role__in=ADMINISTRATOR_ROLES
        ).exists()
    )


def enterprises_administered(user) -> QuerySet[Enterprise]:
    """The organisations the user administers (every one for a superuser)."""
    if not user.is_authenticated:
        return Enterprise.objects.none()
    if user.is_superuser:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(
        pk__in=Membership.objects.filter(user=user, role__in=ADMINISTRATOR_ROLES).values(
            "enterprise"
        )
    )


def sessions_in_scope(user) -> QuerySet[TrainingSession]:
    """Sessions organised by, or open to, organisations the user may see."""
    enterprises = enterprises_in_scope(user)
    return TrainingSession.objects.filter(
        Q(organiser__in=enterprises) | Q(invited_enterprises__in=enterprises)
    ).distinct()


def sees_full_identifiers(user, enterprise: Enterprise) -> bool:
    """Full ID numbers and phones: only the organisation's own administrators need them (to
    reconcile the roster with their HR records); regulators work with masked data."""
    return administers(user, enterprise)


def personal_files_visible(user, enterprise: Enterprise) -> bool:
    """Files holding an organisation's personal data (roster uploads): as full identifiers."""
    return sees_full_identifiers(user, enterprise)


def enterprise_files_or_404(user, **lookup) -> Enterprise:
    """The enterprise whose personal-data files the user may download, or 404 for anyone
    else (a 404 rather than a 403, so the files' existence is not given away)."""
    enterprise = enterprise_in_scope_or_404(user, **lookup)
    if not personal_files_visible(user, enterprise):
        raise Http404
    return enterprise


def person_files_visible(user, person) -> bool:
    """A person's own files (training evidence): the person, or an organisation in scope that
    has the person on its active roster and may see its personal-data files."""
    if not user.is_authenticated:
        return False
    if person.user_id is not None and person.user_id == user.pk:
        return True
    organisations = enterprises_in_scope(user).filter(
        roster_entries__person=person, roster_entries__end_date__isnull=True
    )
    return any(personal_files_visible(user, enterprise) for enterprise in organisations)


def own_records_visible(user, person) -> bool:
    """A person's own learning records (certificates): the person, and superusers; nobody
    else, not even the organisation's administrators (they follow progress, not papers)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or (person.user_id is not None and person.user_id == user.pk)


def regulators_nearest(region: Region) -> list:
    """The regulators of the region, else of its nearest ancestor that has any: who is told of
    an enterprise there that needs a regulator (its county's, in the usual case)."""
    codes = region.path.strip("/").split("/")
    memberships = list(
        Membership.objects.filter(role=Membership.Role.REGULATOR, region__code__in=codes)
        .select_related("user", "region")
        .order_by("user_id")
    )
    if not memberships:
        return []
    deepest = max(len(membership.region.path) for membership in memberships)
    users = {m.user_id: m.user for m in memberships if len(m.region.path) == deepest}
    return list(users.values())


def escalations_visible(user) -> Q | None:
    """The condition on an enterprise's region under which a regulator sees its escalation
    tasks, or None for anyone who is not a regulator (they see none)."""
    if not is_regulator(user):
        return None
    if user.is_superuser:
        return Q()
    return _under_any(_regulated_paths(user), "enterprise__region__path")
