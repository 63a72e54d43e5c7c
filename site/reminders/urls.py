from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/preview/", views.rule_preview_view, name="rule_preview"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/read/", views.notices_read, name="notices_read"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/handle/", views.task_handle, name="task_handle"),
    path("sms/", views.sms_settings, name="sms_settings"),
    path("stop/<str:token>/", views.opt_out, name="opt_out"),
]
