"""Training delivered in the year: offline sessions and verified attendance, online
completions and study hours, the technical schools' course."""

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.organisations.selectors import (
    school_courses,
    school_totals,
    schools_with_course_figures,
)
from coverage.models import (
    Attendance,
    Enterprise,
    Region,
    RosterEntry,
    TrainingRecord,
    TrainingSession,
)


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The year in local time (Asia/Shanghai): a session at 07:00 on 1 January counts."""
    zone = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=zone), datetime.datetime(
        year + 1, 1, 1, tzinfo=zone
    )


def sessions_section(*, region: Region, year: int) -> dict:
    """Offline sessions held in the region in the year, and their verified attendance (two
    queries: sessions, attendances)."""
    start, end = _year_bounds(year)
    sessions = TrainingSession.objects.filter(
        region__path__startswith=region.path, starts_at__gte=start, starts_at__lt=end
    )
    held = sessions.aggregate(
        sessions=Count("pk"),
        verified_sessions=Count("pk", filter=Q(verified_at__isnull=False)),
        hours=Coalesce(Sum("hours"), Decimal(0)),
    )
    verified = Attendance.objects.filter(
        session__in=sessions, verified_at__isnull=False, removed_at__isnull=True
    ).aggregate(
        attendances=Count("pk"),
        people=Count("person", distinct=True),
        person_hours=Coalesce(Sum("session__hours"), Decimal(0)),
    )
    return {
        "sessions": held["sessions"],
        "verified_sessions": held["verified_sessions"],
        "hours": float(held["hours"]),
        "verified_attendances": verified["attendances"],
        "people": verified["people"],
        "person_hours": float(verified["person_hours"]),
    }


def online_section(*, region: Region, year: int) -> dict:
    """Online courses completed in the year by people on an active roster in the region, and
    their study hours (one query over the training records)."""
    on_roster = RosterEntry.objects.filter(
        person=OuterRef("person_id"),
        end_date__isnull=True,
        enterprise__region__path__startswith=region.path,
    )
    found = TrainingRecord.objects.filter(
        Exists(on_roster),
        kind=TrainingRecord.Kind.ONLINE,
        occurred_on__gte=datetime.date(year, 1, 1),
        occurred_on__lte=datetime.date(year, 12, 31),
    ).aggregate(
        completions=Count("pk"),
        people=Count("person", distinct=True),
        hours=Coalesce(Sum("hours"), Decimal(0)),
    )
    return {**found, "hours": float(found["hours"])}


def schools_section(*, region: Region) -> dict:
    """Technical schools in the region offering the work-injury prevention course, and their
    students' completion (two queries)."""
    schools = Enterprise.objects.filter(region__path__startswith=region.path)
    courses = school_courses()
    totals = school_totals(schools=schools, courses=courses)
    rows = schools_with_course_figures(schools=schools, courses=courses)
    return {
        "schools": totals.schools,
        "offering": totals.offering,
        "students": totals.students,
        "enrolled": totals.enrolled,
        "completed": totals.completed,
        "percent": totals.percent,
        "list": [
            {
                "name": school.name,
                "region": school.region.name,
                "offers": bool(school.offers),
                "students": school.students,
                "completed": school.completed,
                "percent": school.percent,
            }
            for school in rows
        ],
    }
