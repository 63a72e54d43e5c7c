from django.urls import include, path
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.staticfiles import versioned_static

from media.models import MediaItem
from media.serving import admin_urls


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("media-pipeline/", include(admin_urls, namespace="media_admin"))]


@hooks.register("construct_media_chooser_queryset")
def hide_failed_items(items, request):
    # A failed file is not published: it cannot be put on a page.
    return items.exclude(status=MediaItem.Status.FAILED)


@hooks.register("insert_global_admin_css")
def media_admin_css():
    return format_html(
        '<link rel="stylesheet" href="{}">', versioned_static("media/css/media-admin.css")
    )
