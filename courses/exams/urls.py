"""A course's exam: overview, paper, saving answers, result, under /learn/."""

from django.urls import path

from courses.exams import views

# Part of the `courses` namespace: courses/urls.py lists these patterns among its own.
app_name = "courses"

urlpatterns = [
    path("courses/<int:course_id>/exam/", views.exam_overview, name="exam"),
    path("courses/<int:course_id>/exam/start/", views.exam_start, name="exam_start"),
    path("exam/<int:attempt_id>/", views.exam_attempt, name="exam_attempt"),
    path("exam/<int:attempt_id>/save/", views.exam_answers_save, name="exam_save"),
    path("exam/<int:attempt_id>/result/", views.exam_result, name="exam_result"),
]
