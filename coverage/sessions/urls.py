"""Offline sessions: the organiser's pages and the worker's check-in, under /coverage/."""

from django.urls import path, register_converter

from coverage.sessions.views import checkin, desk, organiser, personal_code


class DirectionConverter:
    regex = "in|out"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DirectionConverter, "direction")

# Part of the `coverage` namespace: coverage/urls.py lists these patterns among its own.
app_name = "coverage"

urlpatterns = [
    path("sessions/", organiser.session_list, name="session_list"),
    path(
        "enterprises/<str:credit_code>/sessions/new/",
        organiser.session_create,
        name="session_create",
    ),
    path("sessions/<int:pk>/", organiser.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", organiser.session_edit, name="session_edit"),
    path("sessions/<int:pk>/verify/", organiser.session_verify, name="session_verify"),
    path(
        "sessions/<int:pk>/attendance/add/", organiser.session_attendance_add, name="attendance_add"
    ),
    path(
        "sessions/<int:pk>/attendance/<int:attendance_pk>/remove/",
        organiser.session_attendance_remove,
        name="attendance_remove",
    ),
    path(
        "sessions/<int:pk>/screen/<direction:direction>/",
        organiser.session_screen,
        name="session_screen",
    ),
    path("sessions/<int:pk>/qr/<direction:direction>/", organiser.session_qr, name="session_qr"),
    path(
        "sessions/<int:pk>/print/<direction:direction>/",
        organiser.session_print,
        name="session_print",
    ),
    path("sessions/<int:pk>/desk/", desk.session_desk, name="session_desk"),
    path("sessions/<int:pk>/desk/checkin/", desk.session_desk_check_in, name="desk_checkin"),
    path("me/code/", personal_code.personal_code, name="personal_code"),
    path("me/code/card/", personal_code.personal_code_card, name="personal_code_card"),
    path("me/code/new/", personal_code.personal_code_new, name="personal_code_new"),
    # What the QR code opens: short, so the code stays coarse enough for a cheap camera.
    path(
        "s/<int:pk>/<direction:direction>/<str:token>/", checkin.checkin_scan, name="checkin_scan"
    ),
    path("sessions/<int:pk>/checkin/", checkin.checkin_confirm, name="checkin_confirm"),
    path("checkins/<int:pk>/", checkin.checkin_done, name="checkin_done"),
]
