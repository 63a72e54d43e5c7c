from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import site_files
from config.health import healthz

urlpatterns = [
    # Answered by config.health.HealthCheckMiddleware; named here for reverse().
    path("healthz", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("jobs/", include("jobs.urls")),
    path("coverage/", include("coverage.urls")),
    path("learn/", include("courses.urls")),
    path("publicity/", include("publicity.urls")),
    path("reminders/", include("reminders.urls")),
    path("reports/", include("reports.urls")),
    path("ledger/", include("ledger.urls")),
    path("projects/", include("projects.urls")),
    path("api/", include(("coverage.api.urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("sitemap.xml", site_files.sitemap, name="sitemap"),
    path("robots.txt", site_files.robots_txt, name="robots_txt"),
    path("favicon.ico", site_files.favicon, name="favicon"),
]

# In Chinese and without the database (config/errors.py); a lost database answers 503.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

if settings.DEBUG:
    # Development serves uploads itself, with production's safe headers (media.serving.urls).
    urlpatterns += [path(settings.MEDIA_URL.lstrip("/"), include("media.serving.urls"))]

urlpatterns.append(path("", include(wagtail_urls)))
