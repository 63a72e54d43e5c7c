"""Demo prevention projects (demo/content/projects.toml): the payment standards, the scoring
criteria, a pool of ~30 experts with accounts, 社保 of 长春市, and three projects of two demo
companies of 长春市 made through projects' services, so every status change has its dated
event and audit entry: one in execution (two verified demo sessions linked), one under
review (panel drawn), one paid (accepted, paid what its verified attendance evidences).
Safe to re-run: standards, criteria and experts are found by their keys, accounts by phone,
projects by applicant, year and title (an existing project is left as it is)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from coverage.identifiers import mobile_to_e164
from coverage.models import Department, Enterprise, Membership, Region, RosterEntry, TrainingSession
from coverage.sessions.services import attendance_check_in, session_verify
from demo.content import content_load
from demo.installers.accounts import DEMO_PASSWORD
from projects.declarations.services import (
    budget_line_add,
    project_agreement_file,
    project_declare,
    project_deliver,
    project_execution_start,
    project_pay,
    project_submit,
)
from projects.evidence.selectors import project_evidence
from projects.evidence.services import project_session_link
from projects.models import Criterion, Expert, PaymentStandard, Project
from projects.panels.services import panel_vote, project_acceptance_start, project_review_start

_CONTENT = content_load("projects")
PANEL_SIZE = 3


def _user(phone: str, name: str, email: str | None = None) -> User:
    user = User.objects.filter(phone=mobile_to_e164(phone)).first()
    if user is None:
        user = User(phone=mobile_to_e164(phone), phone_verified=True, email=email)
        user.last_name, user.first_name = name[:1], name[1:]
        if email:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    return user


def _social_insurance() -> User:
    spec = _CONTENT["social_insurance"]
    user = _user(spec["phone"], spec["name"], spec["email"])
    Membership.objects.get_or_create(
        user=user,
        role=Membership.Role.REGULATOR,
        region=Region.objects.get(code=spec["region"]),
        department=Department.SOCIAL_INSURANCE,
    )
    return user


def demo_experts_install(*, today: datetime.date) -> list[Expert]:
    """The pool: names × fields, titles and organisations cycled; terms staggered so a few
    expire within the reminder window."""
    spec = _CONTENT["experts"]
    experts = []
    for index, name in enumerate(spec["names"]):
        start = today - datetime.timedelta(days=130 * (index % 9))
        organisation = spec["organisations"][index % len(spec["organisations"])]
        expert, _created = Expert.objects.get_or_create(
            name=name,
            organisation_name=organisation,
            defaults={
                "field": spec["fields"][index % len(spec["fields"])],
                "title": spec["titles"][index % len(spec["titles"])],
                "term_start": start,
                "term_end": start + datetime.timedelta(days=3 * 365),
                "user": _user(f"1390000{index + 1:04d}", name),
            },
        )
        experts.append(expert)
    return experts


def _panel_pass(panel) -> None:
    """Every drawn member scores each criterion at full marks less a little and votes pass
    (the panel concludes at the majority; later voters find it concluded)."""
    criteria = list(Criterion.objects.filter(purpose=panel.purpose))
    for member in panel.members.select_related("expert__user").order_by("position"):
        panel.refresh_from_db(fields=["outcome"])
        if panel.outcome != panel.Outcome.PENDING:
            return
        scores = {c.pk: c.max_score - member.position for c in criteria}
        panel_vote(member=member, user=member.expert.user, verdict="pass", scores=scores)


def _own_session(applicant: Enterprise, spec: dict, today: datetime.date) -> TrainingSession:
    """The paid project's own session, held `days_ago` and verified; found by title."""
    found = TrainingSession.objects.filter(organiser=applicant, title=spec["title"]).first()
    if found is not None:
        return found
    day = today - datetime.timedelta(days=spec["days_ago"])
    at = datetime.datetime.combine
    session = TrainingSession.objects.create(
        organiser=applicant,
        title=spec["title"],
        topic=spec["topic"],
        venue=spec["venue"],
        region=applicant.region,
        starts_at=timezone.make_aware(at(day, datetime.time(spec["starts"]))),
        ends_at=timezone.make_aware(at(day, datetime.time(spec["ends"]))),
        min_minutes=spec["min_minutes"],
        hours=Decimal(spec["hours"]),
    )
    people = (
        RosterEntry.objects.filter(enterprise=applicant, end_date__isnull=True)
        .select_related("person")
        .order_by("pk")[: spec["attendees"]]
    )
    for entry in people:
        attendance_check_in(
            session=session, person=entry.person, method="rotating", now=session.starts_at
        )
    session_verify(session=session, now=session.ends_at + datetime.timedelta(hours=2))
    return session


def _project_install(spec: dict, *, year: int, today: datetime.date, users: dict) -> Project:
    applicant, admin, hrss, social = (
        users["applicant"],
        users["admin"],
        users["hrss"],
        users["social"],
    )
    project = project_declare(
        applicant=applicant,
        user=admin,
        year=year,
        region=applicant.region,
        kind=spec["kind"],
        title=spec["title"],
        industry=applicant.industry,
        target_groups=spec["target_groups"],
        planned_people=spec["planned_people"],
        planned_sessions=spec["planned_sessions"],
        planned_courses=spec.get("planned_courses", ""),
        description=spec["description"],
    )
    # The year's notice: declarations close in a month, the agreement two months after,
    # delivery by the year's end (none is overdue on the day of the load).
    Project.objects.filter(pk=project.pk).update(
        declaration_closes=today + datetime.timedelta(days=30),
        agreement_due=today + datetime.timedelta(days=90),
        delivery_due=max(datetime.date(year, 12, 31), today + datetime.timedelta(days=120)),
    )
    for code, quantity in spec["budget"]:
        standard = PaymentStandard.objects.get(code=code)
        budget_line_add(project=project, user=admin, standard=standard, quantity=Decimal(quantity))
    project_submit(project=project, user=admin)
    panel = project_review_start(project=project, user=hrss, size=PANEL_SIZE, seed=spec["seed"])
    if spec["state"] == "under_review":
        return project
    _panel_pass(panel)
    project_agreement_file(project=project, user=social, agreement_number=spec["agreement_number"])
    project_execution_start(project=project, user=admin)
    sessions = [
        TrainingSession.objects.filter(organiser=applicant, title=title).order_by("pk").first()
        for title in spec.get("sessions", [])
    ]
    if "session" in spec:
        sessions.append(_own_session(applicant, spec["session"], today))
    for session in sessions:
        if session is not None:
            project_session_link(project=project, user=admin, session=session)
    if spec["state"] == "in_execution":
        return project
    project_deliver(project=project, user=admin)
    acceptance = project_acceptance_start(
        project=project, user=hrss, size=PANEL_SIZE, seed=spec["acceptance_seed"]
    )
    _panel_pass(acceptance)
    # 社保 pays what the verified attendance evidences, never the plan.
    project.refresh_from_db()
    project_pay(project=project, user=social, amount=project_evidence(project=project).payable)
    return project


@transaction.atomic
def demo_projects_install(*, today: datetime.date | None = None) -> list[Project]:
    """Run after the coverage data, the sessions and the accounts exist."""
    today = today or timezone.localdate()
    for spec in _CONTENT["standards"]:
        PaymentStandard.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "unit": spec["unit"],
                "amount": Decimal(spec["amount"]),
                "valid_from": spec["valid_from"],
            },
        )
    for spec in _CONTENT["criteria"]:
        Criterion.objects.get_or_create(
            purpose=spec["purpose"],
            name=spec["name"],
            defaults={"max_score": spec["max_score"], "order": spec["order"]},
        )
    demo_experts_install(today=today)
    hrss = User.objects.get(phone=mobile_to_e164(_CONTENT["hrss_phone"]))
    social = _social_insurance()
    applicants = {}
    for spec in _CONTENT["applicants"]:
        applicant = Enterprise.objects.select_related("region").get(credit_code=spec["credit_code"])
        admin = _user(spec["admin_phone"], spec["admin_name"], spec["admin_email"])
        Membership.objects.get_or_create(
            user=admin, role=Membership.Role.ENTERPRISE_ADMIN, enterprise=applicant
        )
        applicants[spec["credit_code"]] = {
            "applicant": applicant,
            "admin": admin,
            "hrss": hrss,
            "social": social,
        }
    projects = []
    for project_spec in _CONTENT["projects"]:
        users = applicants[project_spec["applicant"]]
        existing = Project.objects.filter(
            applicant=users["applicant"], year=today.year, title=project_spec["title"]
        ).first()
        projects.append(
            existing or _project_install(project_spec, year=today.year, today=today, users=users)
        )
    return projects
