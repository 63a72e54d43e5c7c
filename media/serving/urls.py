"""MEDIA_URL served by Django, for development (config/urls.py includes it when DEBUG).
Production serves media from the web server or object storage with the same headers
(docs/media.md)."""

from django.urls import re_path

from media.serving.views import media_serve

app_name = "media"
urlpatterns = [re_path(r"^(?P<path>.+)$", media_serve, name="serve")]
