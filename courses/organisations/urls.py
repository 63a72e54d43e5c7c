"""Organisations' course pages and the regulators' school report, under /learn/."""

from django.urls import path

from courses.organisations import views

# Part of the `courses` namespace: courses/urls.py lists these patterns among its own.
app_name = "courses"

urlpatterns = [
    path(
        "organisations/<str:credit_code>/courses/",
        views.org_courses,
        name="org_courses",
    ),
    path(
        "organisations/<str:credit_code>/courses/<int:course_id>/",
        views.org_course_progress,
        name="org_course_progress",
    ),
    path("schools/", views.school_report, name="school_report"),
]
