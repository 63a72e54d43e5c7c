"""Accident statistics pages (R10), under /coverage/."""

from django.urls import path

from coverage.accidents import views

# Part of the `coverage` namespace: coverage/urls.py lists these patterns among its own.
app_name = "coverage"

urlpatterns = [
    path("accidents/import/", views.accident_import, name="accident_import"),
    path("accidents/template.xlsx", views.accident_template, name="accident_template"),
    path("regions/<str:code>/accidents/", views.accident_region, name="accident_region"),
]
