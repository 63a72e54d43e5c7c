from django.urls import path

from projects.declarations import views
from projects.evidence import views as evidence_views
from projects.experts import views as expert_views
from projects.panels import views as panel_views
from projects.supervision import views as supervision_views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("declare", views.project_declare_view, name="declare"),
    path("experts/", expert_views.expert_pool, name="experts"),
    path("supervision/", supervision_views.supervision, name="supervision"),
    path("supervision/<int:year>", supervision_views.yearly, name="yearly"),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/attachments", views.attachment_upload, name="attachment_upload"),
    path("<str:code>/attachments/<int:pk>", views.attachment_download, name="attachment"),
    path("<str:code>/evidence/link", evidence_views.evidence_link, name="evidence_link"),
    path("<str:code>/evidence/flags/<int:pk>", evidence_views.flag_decide_view, name="flag_decide"),
    path("<str:code>/panels/<int:pk>/print", panel_views.panel_print, name="panel_print"),
    path("<str:code>/panels/<int:pk>/vote", panel_views.panel_vote_view, name="panel_vote"),
    path(
        "<str:code>/panels/<int:pk>/members/<int:member>/decline",
        panel_views.panel_member_decline_view,
        name="panel_decline",
    ),
    path("<str:code>/<slug:action>", views.project_action, name="action"),
]
