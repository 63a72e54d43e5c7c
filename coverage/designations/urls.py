"""Key designation pages (plan R1), under /coverage/."""

from django.urls import path

from coverage.designations import views

# Part of the `coverage` namespace: coverage/urls.py lists these patterns among its own.
app_name = "coverage"

urlpatterns = [
    path("regions/<str:code>/designations/", views.designation_list, name="designation_list"),
    path(
        "regions/<str:code>/designations/add/",
        views.designation_create,
        name="designation_create",
    ),
    path("designations/<int:pk>/edit/", views.designation_edit, name="designation_edit"),
    path("designations/<int:pk>/remove/", views.designation_delete, name="designation_delete"),
    path("designations/import/", views.designation_import, name="designation_import"),
    path("designations/template.xlsx", views.designation_template, name="designation_template"),
]
