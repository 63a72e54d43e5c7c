from django.urls import path, register_converter

from coverage import session_views as views


class DirectionConverter:
    regex = "in|out"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DirectionConverter, "direction")

urlpatterns = [
    path("sessions/", views.session_list, name="session_list"),
    path(
        "enterprises/<str:credit_code>/sessions/new/", views.session_create, name="session_create"
    ),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/verify/", views.session_verify_now, name="session_verify"),
    path("sessions/<int:pk>/attendance/add/", views.session_attendance_add, name="attendance_add"),
    path(
        "sessions/<int:pk>/attendance/<int:attendance_pk>/remove/",
        views.session_attendance_remove,
        name="attendance_remove",
    ),
    path(
        "sessions/<int:pk>/screen/<direction:direction>/",
        views.session_screen,
        name="session_screen",
    ),
    path("sessions/<int:pk>/qr/<direction:direction>/", views.session_qr, name="session_qr"),
    path(
        "sessions/<int:pk>/print/<direction:direction>/", views.session_print, name="session_print"
    ),
    # What the QR code opens: short, so the code stays coarse enough for a cheap camera.
    path("s/<int:pk>/<direction:direction>/<str:token>/", views.checkin_scan, name="checkin_scan"),
    path("sessions/<int:pk>/checkin/", views.checkin_confirm, name="checkin_confirm"),
    path("checkins/<int:pk>/", views.checkin_done, name="checkin_done"),
    path("me/identity/", views.identity_bind, name="identity_bind"),
]
