"""Integrity signals, under /coverage/integrity/."""

from django.urls import path

from coverage.integrity import views

# Part of the `coverage` namespace: coverage/urls.py lists these patterns among its own.
app_name = "coverage"

urlpatterns = [
    path("integrity/", views.integrity_list, name="integrity_list"),
    path("integrity/<int:pk>/", views.integrity_detail, name="integrity_detail"),
    path("integrity/<int:pk>/review/", views.integrity_review, name="integrity_review"),
]
