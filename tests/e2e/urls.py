"""The site's URLs plus what a browser test of the player needs: media files served (as in
development, with the same safe headers) and a page that shows one VideoBlock."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns
from media.blocks import VideoBlock
from media.models import MediaItem

PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block title %}{{ title }}{% endblock %}'
    "{% block content %}<h1>{{ title }}</h1>{{ video }}{% endblock %}"
)


def video_page(request, item_id: int) -> HttpResponse:
    item = get_object_or_404(MediaItem, pk=item_id)
    block = VideoBlock()
    video = block.render(block.to_python({"item": item.pk, "caption": "测试字幕"}))
    return HttpResponse(PAGE.render({"title": item.title, "video": video}, request))


urlpatterns = [
    path("e2e/video/<int:item_id>/", video_page),
    path("uploads/", include("media.serving.urls")),
    *site_urlpatterns,
]
