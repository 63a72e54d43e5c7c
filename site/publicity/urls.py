from django.urls import path

from publicity import views

app_name = "publicity"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("tracking/", views.tracking, name="tracking"),
    path("csrf/", views.csrf_token, name="csrf_token"),
    path("wechat-share/", views.wechat_share, name="wechat_share"),
]
