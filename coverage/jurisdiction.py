"""Who may see what: a regulator their region and everything below it, an administrator
their own organisation. Every view, export, API endpoint, command and page of every part
reads through these; no other module asks the memberships who may see or change something."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import BooleanField, CharField, IntegerField, Q, QuerySet, Value
from django.http import Http404
from django.shortcuts import get_object_or_404

from coverage.models import (
    AccidentFigures,
    DepartmentScope,
    Enterprise,
    IntegritySignal,
    KeyDesignation,
    Membership,
    Region,
    TrainingSession,
)

ADMINISTRATOR_ROLES = (Membership.Role.ENTERPRISE_ADMIN, Membership.Role.INSTITUTION_ADMIN)


@dataclass(frozen=True)
class RegulatedScope:
    """One regulator membership: a region and everything below it, narrowed to the
    industries its department supervises (`industry_ids` None: every industry)."""

    path: str
    department: str
    industry_ids: tuple[int, ...] | None
    industry_names: tuple[str, ...] = ()  # for the header, in the order of the ids

    def condition(self, *, path_field: str, industry_field: str) -> Q:
        condition = Q(**{f"{path_field}__startswith": self.path})
        if self.industry_ids is not None:
            condition &= Q(**{f"{industry_field}__in": self.industry_ids})
        return condition


def regulated_scopes(user) -> list[RegulatedScope]:
    """The user's regulator memberships as scopes (cached on the user for the request)."""
    scopes = getattr(user, "_regulated_scopes", None)
    if scopes is None:
        memberships = Membership.objects.filter(user=user, role=Membership.Role.REGULATOR)
        # One round trip for both: the memberships, then their departments' industries (rows
        # with an empty path). Every page asks this, so a department adds no query.
        own = memberships.order_by().values_list(
            "region__path",
            "department",
            Value(False, output_field=BooleanField()),
            Value(None, output_field=IntegerField()),
            Value(None, output_field=CharField()),
        )
        departments = (
            DepartmentScope.objects.filter(
                department__in=memberships.exclude(department="").values("department")
            )
            .order_by()
            .values_list(
                Value("", output_field=CharField()),
                "department",
                "all_industries",
                "industries",
                "industries__name",
            )
        )
        rows = list(own.union(departments, all=True))
        everything = {row[1] for row in rows if row[2] and not row[0]}
        industries: dict[str, list[tuple[int, str]]] = {}
        for path, department, _every, industry_id, name in rows:
            if not path and industry_id is not None:
                industries.setdefault(department, []).append((industry_id, name))
        # A department without a row in the mapping supervises nothing (yet): it sees no
        # enterprise rather than all of them.
        scopes = []
        for path, department, *_rest in rows:
            if not path:
                continue
            if not department or department in everything:
                scopes.append(RegulatedScope(path, department, None))
            else:
                found = sorted(industries.get(department, []))
                scopes.append(
                    RegulatedScope(
                        path,
                        department,
                        tuple(pk for pk, _name in found),
                        tuple(name for _pk, name in found),
                    )
                )
        user._regulated_scopes = scopes
    return scopes


def _regulated_paths(user) -> list[str]:
    return [scope.path for scope in regulated_scopes(user)]


def _regulated_condition(user, *, path_field: str, industry_field: str) -> Q | None:
    """Rows under any of the user's regulated regions, each within its department's
    industries; None for a user who regulates nothing."""
    scopes = regulated_scopes(user)
    if not scopes:
        return None
    return reduce(
        or_,
        (s.condition(path_field=path_field, industry_field=industry_field) for s in scopes),
    )


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
    condition = Q(pk__in=administered) if administered else Q(pk__in=[])
    regulated = _regulated_condition(user, path_field="region__path", industry_field="industry_id")
    if regulated is not None:
        condition |= regulated
    return Enterprise.objects.filter(condition)


def accident_figures_in_scope(user) -> QuerySet[AccidentFigures]:
    """Accident figures of the regions the user regulates, in their departments' industries
    (a figure is per region and industry, like the enterprises a department sees)."""
    if not user.is_authenticated:
        return AccidentFigures.objects.none()
    if user.is_superuser:
        return AccidentFigures.objects.all()
    regulated = _regulated_condition(user, path_field="region__path", industry_field="industry_id")
    if regulated is None:
        return AccidentFigures.objects.none()
    return AccidentFigures.objects.filter(regulated)


def accident_figures_may_write(user, *, region: Region, industry_id: int) -> bool:
    """Figures of a region the user regulates, in an industry one of those memberships'
    departments supervises (what `accident_figures_in_scope` would show them)."""
    if user.is_superuser:
        return True
    return any(
        region.path.startswith(s.path) and (s.industry_ids is None or industry_id in s.industry_ids)
        for s in regulated_scopes(user)
    )


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
    return region is not None and user.is_authenticated and region.path in _regulated_paths(user)


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


def integrity_signals_in_scope(user) -> QuerySet[IntegritySignal]:
    """Signs of cheating: an organisation's administrators see those of their organisation
    (its sessions, its roster), regulators those of the enterprises they regulate; a worker
    none, not even their own (a signal is a lead for a reviewer, not a verdict)."""
    return IntegritySignal.objects.filter(enterprise__in=enterprises_in_scope(user))


def integrity_reviewer(user) -> bool:
    """Who has the integrity signals page at all: regulators and organisation administrators."""
    return is_regulator(user) or enterprises_administered(user).exists()


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


def self_enrolment_allowed(person, *, open_course: bool) -> bool:
    """A person may enrol in an open course (公开课) on their own, and in any other course when
    an organisation's roster knows them (past entries too, as before open courses); people
    on no roster take others only when assigned (the assignment enrols them)."""
    return open_course or person.roster_entries.exists()


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
    """The condition on an enterprise's region (and, for a department, its industry) under
    which a regulator sees its escalation tasks, or None for anyone who is not a regulator
    (they see none)."""
    if not is_regulator(user):
        return None
    if user.is_superuser:
        return Q()
    return _regulated_condition(
        user, path_field="enterprise__region__path", industry_field="enterprise__industry_id"
    )


def person_page_visible(user, person, *, enterprise: Enterprise | None = None) -> bool:
    """A person's page (their ledger, all of it: training belongs to the person). On an
    organisation's pages: the organisation is in scope and has or had the person on its
    roster. Without one: regulators (and superusers), for a person who is or was on the
    roster of an organisation in their scope."""
    if not user.is_authenticated:
        return False
    in_scope = enterprises_in_scope(user)
    if enterprise is not None:
        return in_scope.filter(pk=enterprise.pk, roster_entries__person=person).exists()
    if not is_regulator(user):
        return False
    return user.is_superuser or in_scope.filter(roster_entries__person=person).exists()


def person_identifiers_visible(user, *, enterprise: Enterprise | None) -> bool:
    """The full ID number on a person's page: only on the organisation's own page, for its own
    administrators (as on the roster); regulators see it masked."""
    return enterprise is not None and sees_full_identifiers(user, enterprise)


def ledger_may_correct(user, person) -> bool:
    """Corrections of a person's ledger are the authorities': the regulators who may open the
    person's page (and superusers); organisations and the person ask them."""
    return person_page_visible(user, person)


def designation_in_scope_or_404(user, **lookup):
    """A key designation made by a region the user regulates (or one below it), or 404."""
    return get_object_or_404(
        KeyDesignation.objects.filter(region__in=regions_in_scope(user)).select_related(
            "region", "industry", "enterprise"
        ),
        **lookup,
    )
