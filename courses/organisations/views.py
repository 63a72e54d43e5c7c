"""Course pages for organisations (assign, follow progress) and the regulators' school report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CourseAssignment, CoursePage
from courses.organisations.forms import CourseAssignForm, SchoolReportFilterForm, StateFilterForm
from courses.organisations.selectors import (
    STATE_LABELS,
    org_course_figures,
    org_course_people,
    school_courses,
    school_totals,
    schools_with_course_figures,
)
from courses.organisations.services import AssignmentRefused, course_assign
from coverage.audit.exports import table_export
from coverage.jurisdiction import administers, enterprises_in_scope, regions_in_scope
from coverage.models import Enterprise, Role

PAGE_SIZE = 50
ROLE_LABELS = dict(Role.choices)


def _administered_or_404(request, credit_code: str) -> Enterprise:
    # Everyone but the organisation's own administrators gets the 404 a missing one gives,
    # regulators included: these pages exist to run the organisation's training.
    organisation = get_object_or_404(Enterprise, credit_code=credit_code)
    if not administers(request.user, organisation):
        raise Http404
    return organisation


@login_required
def org_courses(request, credit_code):
    organisation = _administered_or_404(request, credit_code)
    form = CourseAssignForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = course_assign(
                organisation=organisation,
                course=data["course"],
                roles=data["roles"],
                people=list(data["people"]) or None,
                deadline=data["deadline"],
                user=request.user,
            )
        except AssignmentRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _(
                    "“%(course)s” assigned: %(enrolled)s people newly enrolled, "
                    "%(already)s already enrolled."
                )
                % {
                    "course": data["course"].title,
                    "enrolled": outcome.enrolled,
                    "already": outcome.already_enrolled,
                },
            )
            return redirect("courses:org_courses", credit_code=organisation.credit_code)
    return render(
        request,
        "courses/org/courses.html",
        {
            "organisation": organisation,
            "figures": org_course_figures(organisation=organisation),
            "form": form,
        },
    )


@login_required
def org_course_progress(request, credit_code, course_id):
    organisation = _administered_or_404(request, credit_code)
    course = get_object_or_404(
        CoursePage.objects.filter(
            pk__in=CourseAssignment.objects.filter(organisation=organisation).values("course_id")
        ),
        pk=course_id,
    )
    filters = StateFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else None
    people = org_course_people(organisation=organisation, course=course, state=state)
    lesson_count = course.lessons().count()
    if request.GET.get("export"):
        return table_export(
            request=request,
            subject=f"{organisation.name} {course.title} progress",
            headers=[
                _("Name"),
                _("ID number"),
                _("Role"),
                _("Progress"),
                _("Lessons done"),
                _("Deadline"),
                _("Completed on"),
            ],
            rows=[
                [
                    enrolment.person.name,
                    enrolment.person.id_number_masked,
                    ROLE_LABELS.get(enrolment.roster_role, ""),
                    STATE_LABELS[enrolment.state],
                    f"{enrolment.lessons_done}/{lesson_count}",
                    enrolment.deadline or "",
                    timezone.localdate(enrolment.completed_at) if enrolment.completed_at else "",
                ]
                for enrolment in people
            ],
            fmt=request.GET["export"],
            filename=f"{organisation.name}-{course.title}",
            contains_personal_data=True,
        )
    return render(
        request,
        "courses/org/course_people.html",
        {
            "organisation": organisation,
            "course": course,
            "lesson_count": lesson_count,
            "filters": filters,
            "state": state,
            "states": STATE_LABELS,
            "role_labels": ROLE_LABELS,
            "page": Paginator(people, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": request.GET.copy(),
        },
    )


@login_required
def school_report(request):
    regions = regions_in_scope(request.user)
    if not regions.exists():
        raise Http404
    courses = school_courses()
    form = SchoolReportFilterForm(request.GET or None, regions=regions, courses=courses)
    schools = enterprises_in_scope(request.user).filter(region__in=regions)
    chosen = courses
    if form.is_valid():
        if form.cleaned_data["region"]:
            schools = schools.filter(region__path__startswith=form.cleaned_data["region"].path)
        if form.cleaned_data["course"]:
            chosen = courses.filter(pk=form.cleaned_data["course"].pk)
    rows = schools_with_course_figures(schools=schools, courses=chosen)
    if request.GET.get("export"):
        return table_export(
            request=request,
            subject="Technical schools' work-injury prevention course",
            headers=[
                _("School"),
                _("Unified social credit code"),
                _("Region"),
                _("Offers the course"),
                _("Students"),
                _("Enrolled"),
                _("Completed"),
                _("Share completed"),
            ],
            rows=[
                [
                    school.name,
                    school.credit_code,
                    school.region.name,
                    _("Yes") if school.offers else _("No"),
                    school.students,
                    school.enrolled,
                    school.completed,
                    school.percent,
                ]
                for school in rows
            ],
            fmt=request.GET["export"],
            filename=_("school-courses"),
            contains_personal_data=False,
        )
    return render(
        request,
        "courses/org/school_report.html",
        {
            "form": form,
            "has_courses": courses.exists(),
            "totals": school_totals(schools=schools, courses=chosen),
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": request.GET.copy(),
        },
    )
