from django.urls import include, path

from coverage import views

app_name = "coverage"

urlpatterns = [
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("enterprises/<str:credit_code>/", views.enterprise_detail, name="enterprise_detail"),
    path("", include("coverage.import_urls")),
    path("", include("coverage.session_urls")),
    path("", include("coverage.private_files.urls")),
]
