"""The regulator's region dashboard and an organisation's dashboard, under /coverage/."""

from django.urls import path

from coverage.dashboards import views

# Part of the `coverage` namespace: coverage/urls.py lists these patterns among its own.
app_name = "coverage"

urlpatterns = [
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("enterprises/<str:credit_code>/", views.enterprise_detail, name="enterprise_detail"),
]
