"""The annual implementation reports, under /reports/."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("<str:code>/", views.report_current, name="current"),
    path("<str:code>/<int:year>/", views.report_detail, name="detail"),
    path("<str:code>/<int:year>/submit/", views.report_submit_view, name="submit"),
    path("<str:code>/<int:year>/return/", views.report_return_view, name="return"),
    path("<str:code>/<int:year>/report.<str:fmt>", views.report_download, name="download"),
    path("<str:code>/<int:year>/submissions/", views.submissions_view, name="submissions"),
    path(
        "<str:code>/<int:year>/submissions.xlsx",
        views.submissions_download,
        name="submissions_xlsx",
    ),
]
