"""Editors in the Wagtail admin: uploading, refused files, the live status, originals."""

import html
import subprocess
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse
from wagtailmedia.forms import get_media_form

from media import ffmpeg
from media.failures import failure_message
from media.models import MediaItem
from media.services import media_item_transcode
from tests.helpers.media import item_create

pytestmark = pytest.mark.django_db


def _upload(client, path: Path, media_type="video", title="安全生产警示片"):
    with path.open("rb") as content:
        return client.post(
            reverse("wagtailmedia:add", args=(media_type,)),
            {"title": title, "file": SimpleUploadedFile(path.name, content.read())},
        )


def _stored_originals(settings) -> list[Path]:
    return list(Path(settings.MEDIA_ROOT).glob("media/originals/*/*"))


def test_editor_uploads_a_video_and_it_is_queued_with_what_probing_found(
    client, editor, videos, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _upload(client, videos["portrait"])

    assert response.status_code == 302
    item = MediaItem.objects.get()
    assert item.status == MediaItem.Status.QUEUED
    assert (item.type, item.width, item.height) == ("video", 240, 426)
    assert item.duration == pytest.approx(2.0, abs=0.1)
    assert item.uploaded_by_user == editor
    assert item.file.name.startswith("media/originals/")
    assert len(queued) == 1


@pytest.mark.parametrize(
    ("name", "media_type", "code"),
    [
        ("truncated", "video", "truncated"),
        ("truncated_faststart", "video", "truncated"),
        ("text", "video", "not_media"),
        ("audio", "video", "no_picture"),
        ("silent", "audio", "no_sound"),
    ],
)
def test_bad_upload_is_refused_with_its_reason_and_nothing_is_stored(
    client, editor, videos, settings, name, media_type, code
):
    client.force_login(editor)

    response = _upload(client, videos[name], media_type)

    assert response.status_code == 200
    assert html.escape(failure_message(code)) in response.text
    assert not MediaItem.objects.exists()
    assert not _stored_originals(settings)


def test_upload_over_the_size_limit_is_refused_before_probing(client, editor, videos, settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1000
    client.force_login(editor)

    response = _upload(client, videos["landscape"])

    size = videos["landscape"].stat().st_size
    assert html.escape(failure_message("too_large", {"size": size, "limit": 1000})) in response.text
    assert not MediaItem.objects.exists()


def test_upload_over_the_length_limit_is_refused(client, editor, videos, settings):
    settings.MEDIA_MAX_DURATION_SECONDS = 1
    client.force_login(editor)

    response = _upload(client, videos["landscape"])

    message = failure_message("too_long", {"duration": 2.0, "limit": 1})
    assert "0:02" in message and "0:01" in message
    assert html.escape(message) in response.text
    assert not MediaItem.objects.exists()


def test_upload_from_the_page_editors_chooser_is_checked_too(client, editor, videos):
    client.force_login(editor)
    with videos["text"].open("rb") as content:
        response = client.post(
            reverse("wagtailmedia:chooser_upload", args=("video",)),
            {
                "media-chooser-upload-title": "通知",
                "media-chooser-upload-file": SimpleUploadedFile("notes.mp4", content.read()),
            },
        )

    assert response.status_code == 200
    assert html.escape(failure_message("not_media")) in response.json()["html"]
    assert not MediaItem.objects.exists()


@pytest.fixture(scope="module")
def large_video(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("large") / "large.mp4"
    subprocess.run(
        [
            ffmpeg.tools("bundled").ffmpeg,
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=duration=3:size=1280x720:rate=25",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-qp",
            "0",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
        timeout=120,
    )
    return path


def test_a_large_upload_goes_to_storage_without_being_read_into_memory(
    editor, large_video, django_capture_on_commit_callbacks
):
    size = large_video.stat().st_size
    assert size > 4 * 1024 * 1024
    # What Django's TemporaryFileUploadHandler hands over for any upload above 2.5 MB.
    upload = TemporaryUploadedFile("large.mp4", "video/mp4", size, None)
    with large_video.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            upload.write(chunk)
    upload.seek(0)

    tracemalloc.start()
    with django_capture_on_commit_callbacks(execute=False):
        # The form wagtailmedia's views build: ours (MEDIA_FORM_BASE) over MediaItem.
        form = get_media_form(MediaItem)(
            {"title": "大文件"},
            {"file": upload},
            instance=MediaItem(type="video", uploaded_by_user=editor),
            user=editor,
        )
        assert form.is_valid(), form.errors
        item = form.save()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    upload.close()

    assert peak < size / 4
    assert default_storage.size(item.file.name) == size


def _ready_item(path: Path, media_type="video") -> MediaItem:
    item = item_create(path, media_type=media_type)
    MediaItem.objects.filter(pk=item.pk).update(status=MediaItem.Status.QUEUED)
    media_item_transcode(item_id=item.pk, run_id="in-test")
    item.refresh_from_db()
    assert item.status == MediaItem.Status.READY, item.failure_message
    return item


def test_listing_shows_each_items_status_in_a_fixed_number_of_queries(
    client, editor, videos, django_assert_max_num_queries
):
    client.force_login(editor)
    url = reverse("wagtailmedia:index")
    item_create(videos["landscape"], media_type="video")
    client.get(url)
    with django_assert_max_num_queries(30) as one_item:
        client.get(url)
    for index in range(6):
        item_create(videos["landscape"], media_type="video", title=f"视频{index}")
    failed = MediaItem.objects.first()
    MediaItem.objects.filter(pk=failed.pk).update(
        status=MediaItem.Status.FAILED, failure_code="truncated"
    )

    with django_assert_max_num_queries(len(one_item.captured_queries)):
        response = client.get(url)

    assert response.text.count("data-media-status ") == 7
    assert response.text.count('data-status="queued"') == 6
    assert html.escape(failure_message("truncated")) in response.text
    assert "media/js/media-status.js" in response.text


def test_status_endpoint_reports_progress_and_reasons(client, editor, videos):
    client.force_login(editor)
    processing = item_create(videos["landscape"], media_type="video")
    failed = item_create(videos["text"], media_type="video")
    MediaItem.objects.filter(pk=processing.pk).update(
        status=MediaItem.Status.PROCESSING, progress=42
    )
    MediaItem.objects.filter(pk=failed.pk).update(
        status=MediaItem.Status.FAILED, failure_code="not_media"
    )

    data = client.get(
        reverse("media_admin:status"), {"id": [processing.pk, failed.pk, "x", 999]}
    ).json()

    by_id = {entry["id"]: entry for entry in data["items"]}
    assert set(by_id) == {processing.pk, failed.pk}
    assert (by_id[processing.pk]["status"], by_id[processing.pk]["progress"]) == ("processing", 42)
    assert by_id[failed.pk]["message"] == failure_message("not_media")


def test_status_endpoint_needs_an_admin_sign_in(client):
    response = client.get(reverse("media_admin:status"))
    assert response.status_code == 302


def test_original_downloads_as_an_attachment_that_is_never_sniffed(client, editor, videos):
    client.force_login(editor)
    item = item_create(videos["landscape"], media_type="video")

    response = client.get(reverse("media_admin:original", args=(item.pk,)))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == videos["landscape"].read_bytes()


def test_original_download_needs_permission(client, videos):
    from tests.factories import UserFactory

    item = item_create(videos["landscape"], media_type="video")
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("media_admin:original", args=(item.pk,)))

    assert response.status_code in (302, 403)


def test_development_media_server_sends_safe_headers(rf, videos):
    from media.serving.views import media_serve

    item = _ready_item(videos["landscape"])

    playlist = media_serve(rf.get("/"), item.hls.name)
    original = media_serve(rf.get("/"), item.file.name)
    segment_name = f"{item.outputs_dir}/hls/{item.renditions[0]['name']}/seg_000.ts"
    segment = media_serve(rf.get("/"), segment_name)

    assert playlist["Content-Type"] == "application/vnd.apple.mpegurl"
    assert segment["Content-Type"] == "video/mp2t"
    assert all(r["X-Content-Type-Options"] == "nosniff" for r in (playlist, original, segment))
    assert original["Content-Disposition"] == 'attachment; filename="landscape.mp4"'
    assert not playlist.get("Content-Disposition", "").startswith("attachment")


def test_transcode_again_queues_the_item(
    client, editor, videos, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    item = item_create(videos["landscape"], media_type="video")
    MediaItem.objects.filter(pk=item.pk).update(
        status=MediaItem.Status.FAILED, failure_code="timeout", failure_params={"limit": 60}
    )

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("media_admin:transcode", args=(item.pk,)))

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.failure_code) == (MediaItem.Status.QUEUED, "")
    assert len(queued) == 1
    assert client.get(reverse("media_admin:transcode", args=(item.pk,))).status_code == 405


def test_edit_page_shows_status_reason_and_a_preview_when_ready(client, editor, videos):
    client.force_login(editor)
    ready = _ready_item(videos["landscape"])
    failed = item_create(videos["text"], media_type="video")
    MediaItem.objects.filter(pk=failed.pk).update(
        status=MediaItem.Status.FAILED, failure_code="not_media"
    )

    ready_page = client.get(reverse("wagtailmedia:edit", args=(ready.pk,))).text
    failed_page = client.get(reverse("wagtailmedia:edit", args=(failed.pk,))).text

    assert 'data-status="ready"' in ready_page
    assert f'data-hls="{ready.hls.url}"' in ready_page
    assert reverse("media_admin:original", args=(ready.pk,)) in ready_page
    assert html.escape(failure_message("not_media")) in failed_page
    assert "data-player" not in failed_page


def test_page_editors_chooser_does_not_offer_failed_items(client, editor, videos):
    client.force_login(editor)
    usable = item_create(videos["landscape"], media_type="video", title="可用的视频")
    failed = item_create(videos["text"], media_type="video", title="坏文件")
    MediaItem.objects.filter(pk=failed.pk).update(status=MediaItem.Status.FAILED)

    chooser = client.get(reverse("wagtailmedia:chooser")).json()["html"]

    assert usable.title in chooser
    assert failed.title not in chooser


def test_a_member_of_the_editors_group_uploads_and_sees_the_status(
    client, videos, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    member = UserFactory(email="bianji@example.cn")
    member.groups.add(Group.objects.get(name="Editors"))
    client.force_login(member)

    with django_capture_on_commit_callbacks(execute=False):
        assert _upload(client, videos["landscape"]).status_code == 302
    item = MediaItem.objects.get()

    assert client.get(reverse("wagtailmedia:index")).status_code == 200
    status = client.get(reverse("media_admin:status"), {"id": item.pk}).json()
    assert status["items"][0]["status"] == "queued"
