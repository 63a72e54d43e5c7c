from django.urls import path

from courses import certificate_views

urlpatterns = [
    path("certificates/<slug:serial>/", certificate_views.certificate, name="certificate"),
    path(
        "certificates/<slug:serial>.pdf",
        certificate_views.certificate_download,
        name="certificate_pdf",
    ),
    path("verify/", certificate_views.certificate_verify_form, name="certificate_verify_form"),
    path("verify/<str:serial>/", certificate_views.certificate_verify, name="certificate_verify"),
]
