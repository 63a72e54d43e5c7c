"""Certificates (HTML, PDF) and their public verification, under /learn/."""

from django.urls import path

from courses.certificates import views

# Part of the `courses` namespace: courses/urls.py lists these patterns among its own.
app_name = "courses"

urlpatterns = [
    path("certificates/<slug:serial>/", views.certificate, name="certificate"),
    path(
        "certificates/<slug:serial>.pdf",
        views.certificate_download,
        name="certificate_pdf",
    ),
    path("verify/", views.certificate_verify_form, name="certificate_verify_form"),
    path("verify/<str:serial>/", views.certificate_verify, name="certificate_verify"),
]
