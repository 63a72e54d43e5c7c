"""Identity binding: the worker's page and the administrators' confirmations, under /coverage/."""

from django.urls import path

from coverage.identity import views

# Part of the `coverage` namespace: coverage/urls.py lists these patterns among its own.
app_name = "coverage"

urlpatterns = [
    path("me/identity/", views.identity_bind, name="identity_bind"),
    path(
        "enterprises/<str:credit_code>/identities/",
        views.identity_claims,
        name="identity_claims",
    ),
    path(
        "enterprises/<str:credit_code>/identities/<int:pk>/",
        views.identity_claim_decide,
        name="identity_claim_decide",
    ),
]
