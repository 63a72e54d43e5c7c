"""我的学习, enrolling, lessons and their video heartbeats, under /learn/."""

from django.urls import path

from courses.learning import views

# Part of the `courses` namespace: courses/urls.py lists these patterns among its own.
app_name = "courses"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("courses/<int:course_id>/enrol/", views.course_enrol, name="enrol"),
    path("courses/<int:course_id>/identity/", views.course_identity, name="course_identity"),
    path("lessons/<int:lesson_id>/done/", views.lesson_complete, name="lesson_done"),
    path(
        "lessons/<int:lesson_id>/videos/<int:media_id>/play/", views.video_play, name="video_play"
    ),
    path(
        "lessons/<int:lesson_id>/videos/<int:media_id>/beat/", views.video_beat, name="video_beat"
    ),
]
