from pathlib import PurePosixPath

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.static import serve
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.permissions import policy_registry

from media.models import MediaItem
from media.services import media_item_retry

ORIGINALS_PREFIX = "media/originals/"
STATUS_IDS_MAX = 100


def _safe_headers(response: HttpResponse, *, attachment_name: str = "") -> HttpResponse:
    # An upload is never rendered as a page: a file that claims to be HTML stays a download.
    response["X-Content-Type-Options"] = "nosniff"
    if attachment_name:
        response["Content-Disposition"] = content_disposition_header(True, attachment_name)
    return response


def media_serve(request, path: str) -> HttpResponse:
    """MEDIA_ROOT for development, with the headers production's web server sends too."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    original = path.startswith(ORIGINALS_PREFIX)
    return _safe_headers(response, attachment_name=PurePosixPath(path).name if original else "")


def _policy():
    return policy_registry.get_by_type(MediaItem)


def _item_for(request, item_id: int, action: str) -> MediaItem:
    item = get_object_or_404(MediaItem, pk=item_id)
    if not _policy().user_has_permission_for_instance(request.user, action, item):
        raise PermissionError
    return item


def original_download(request, item_id: int) -> HttpResponse:
    """The uploaded file, always as a download."""
    try:
        item = _item_for(request, item_id, "change")
    except PermissionError:
        return permission_denied(request)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The uploaded file is missing from storage.")) from exc
    response = FileResponse(handle, as_attachment=True, filename=item.filename)
    return _safe_headers(response, attachment_name=item.filename)


@require_POST
def transcode_again(request, item_id: int) -> HttpResponse:
    """Queue the item again from its original; the new outputs replace the old."""
    try:
        item = _item_for(request, item_id, "change")
    except PermissionError:
        return permission_denied(request)
    media_item_retry(item=item)
    messages.success(request, _("“%(title)s” is queued for transcoding.") % {"title": item.title})
    return redirect("wagtailmedia:edit", item.pk)


def status(request) -> JsonResponse:
    """Status and progress of the items asked for (`?id=1&id=2`), for the admin's live view."""
    ids = [int(value) for value in request.GET.getlist("id") if value.isdigit()][:STATUS_IDS_MAX]
    items = (
        _policy()
        .instances_user_has_any_permission_for(request.user, ["change", "delete"])
        .filter(pk__in=ids)
        .only("pk", "status", "progress", "failure_code", "failure_params", "fallback")
    )
    return JsonResponse(
        {
            "items": [
                {
                    "id": item.pk,
                    "status": item.status,
                    "label": item.get_status_display(),
                    "progress": item.progress,
                    "message": item.failure_message,
                    "playable": item.is_playable,
                }
                for item in items
            ]
        }
    )
