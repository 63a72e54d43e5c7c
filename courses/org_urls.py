from django.urls import path

from courses import org_views

urlpatterns = [
    path(
        "organisations/<str:credit_code>/courses/",
        org_views.org_courses,
        name="org_courses",
    ),
    path(
        "organisations/<str:credit_code>/courses/<int:course_id>/",
        org_views.org_course_progress,
        name="org_course_progress",
    ),
    path("schools/", org_views.school_report, name="school_report"),
]
