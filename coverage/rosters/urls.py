"""Roster import pages (upload, preview, commit, template, rejected rows), under /coverage/."""

from django.urls import path

from coverage.rosters import views

# Part of the `coverage` namespace: coverage/urls.py lists these patterns among its own.
app_name = "coverage"

urlpatterns = [
    path("roster-template.xlsx", views.roster_template, name="roster_template"),
    path(
        "enterprises/<str:credit_code>/import/",
        views.roster_import_upload,
        name="roster_import",
    ),
    path(
        "enterprises/<str:credit_code>/imports/",
        views.roster_import_history,
        name="roster_import_history",
    ),
    path(
        "enterprises/<str:credit_code>/imports/<int:pk>/",
        views.roster_import_preview,
        name="roster_import_preview",
    ),
    path(
        "enterprises/<str:credit_code>/imports/<int:pk>/commit/",
        views.roster_import_commit,
        name="roster_import_commit",
    ),
    path(
        "enterprises/<str:credit_code>/imports/<int:pk>/rejected.xlsx",
        views.roster_import_rejected,
        name="roster_import_rejected",
    ),
]
