from django.urls import path

from media.serving import views

app_name = "media_admin"
urlpatterns = [
    path("status/", views.status, name="status"),
    path("<int:item_id>/original/", views.original_download, name="original"),
    path("<int:item_id>/transcode/", views.transcode_again, name="transcode"),
]
