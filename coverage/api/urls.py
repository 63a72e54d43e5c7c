"""The read-only data-sharing API, under /api/ (schema: /api/schema/)."""

from django.urls import path

from coverage.api import views as api
from coverage.api.accidents import AccidentRegionDetail

app_name = "api"

urlpatterns = [
    path("targets/", api.TargetList.as_view(), name="target_list"),
    path("coverage/regions/", api.RegionList.as_view(), name="region_list"),
    path("coverage/regions/<str:code>/", api.RegionDetail.as_view(), name="region_detail"),
    path("coverage/enterprises/", api.EnterpriseList.as_view(), name="enterprise_list"),
    path(
        "coverage/enterprises/<str:credit_code>/",
        api.EnterpriseDetail.as_view(),
        name="enterprise_detail",
    ),
    path("accidents/regions/<str:code>/", AccidentRegionDetail.as_view(), name="accident_region"),
]
