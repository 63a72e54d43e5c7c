from django.urls import include, path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("lessons/<int:lesson_id>/done/", views.lesson_done, name="lesson_done"),
    path(
        "lessons/<int:lesson_id>/videos/<int:media_id>/play/", views.video_play, name="video_play"
    ),
    path(
        "lessons/<int:lesson_id>/videos/<int:media_id>/beat/", views.video_beat, name="video_beat"
    ),
    path("", include("courses.exam_urls")),
    path("", include("courses.certificate_urls")),
    path("", include("courses.org_urls")),
]
