from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.home, name="home"),
    path("staff/login/", views.StaffLoginView.as_view(), name="staff_login"),
]
