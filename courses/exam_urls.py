from django.urls import path

from courses import exam_views

urlpatterns = [
    path("courses/<int:course_id>/exam/", exam_views.exam, name="exam"),
    path("courses/<int:course_id>/exam/start/", exam_views.exam_begin, name="exam_start"),
    path("exam/<int:attempt_id>/", exam_views.exam_attempt, name="exam_attempt"),
    path("exam/<int:attempt_id>/save/", exam_views.exam_save, name="exam_save"),
    path("exam/<int:attempt_id>/result/", exam_views.exam_result, name="exam_result"),
]
