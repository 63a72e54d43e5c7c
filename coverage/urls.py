"""The `coverage` namespace, under /coverage/: the sub-packages' patterns side by side (their
names stay `coverage:<name>`), the private-file downloads in their own `private_files`."""

from django.urls import include, path

from coverage.accidents import urls as accidents
from coverage.dashboards import urls as dashboards
from coverage.designations import urls as designations
from coverage.identity import urls as identity
from coverage.integrity import urls as integrity
from coverage.rosters import urls as rosters
from coverage.sessions import urls as sessions

app_name = "coverage"

urlpatterns = [
    *dashboards.urlpatterns,
    *accidents.urlpatterns,
    *designations.urlpatterns,
    *rosters.urlpatterns,
    *sessions.urlpatterns,
    *identity.urlpatterns,
    *integrity.urlpatterns,
    path("", include("coverage.private_files.urls")),
]
