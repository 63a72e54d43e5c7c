"""A transcoded video plays on a phone-sized Chromium through hls.js, and the player API
reports the position advancing (what the courses' progress heartbeats rely on)."""

import pytest
from wagtail.models import Collection

from media.models import MediaItem
from media.services import media_item_transcode
from tests.helpers.media import item_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.e2e.urls"),
]


@pytest.fixture
def transcoded(videos, settings):
    # live_server answers MEDIA_URL itself, without our headers; serve uploads at another
    # URL through media.serving.urls, as config/urls.py does in development (tests/e2e/urls.py).
    settings.MEDIA_URL = "/uploads/"
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    item = item_create(videos["landscape"], media_type="video", title="安全帽的正确佩戴")
    MediaItem.objects.filter(pk=item.pk).update(status=MediaItem.Status.QUEUED)
    media_item_transcode(item_id=item.pk, run_id="e2e")
    item.refresh_from_db()
    assert item.status == MediaItem.Status.READY, item.failure_message
    return item


def test_transcoded_video_plays_through_hls_js_and_reports_its_position(
    live_server, phone_page, transcoded
):
    playlists = []
    phone_page.on(
        "response",
        lambda response: playlists.append(response) if ".m3u8" in response.url else None,
    )
    phone_page.goto(f"{live_server.url}/e2e/video/{transcoded.pk}/")

    video = phone_page.locator("figure[data-player] video")
    assert video.get_attribute("poster") == transcoded.thumbnail.url
    assert video.get_attribute("aria-label") == "安全帽的正确佩戴"
    engine = phone_page.evaluate(
        """async () => {
            const player = YufangPlayer.all()[0];
            await player.ready;
            window.heard = {timeupdate: [], play: 0, heartbeat: []};
            player.on("timeupdate", (d) => window.heard.timeupdate.push(d.position));
            player.on("play", () => { window.heard.play += 1; });
            player.heartbeat(0.5, (d) => window.heard.heartbeat.push(d));
            return player.engine;
        }"""
    )
    assert engine == "pending"  # hls.js and the playlist load on the first play
    assert not playlists

    engine = phone_page.evaluate(
        "async () => { const p = YufangPlayer.all()[0]; p.media.muted = true;"
        " await p.play(); return p.engine; }"
    )
    assert engine == "hls.js"
    # Time advances: the element's clock and the position the player API reports.
    phone_page.wait_for_function(
        "() => document.querySelector('video').currentTime > 1.0", timeout=15_000
    )
    phone_page.wait_for_function("() => window.heard.timeupdate.some((p) => p > 1.0)")

    heard = phone_page.evaluate("() => window.heard")
    assert heard["play"] == 1
    positions = heard["timeupdate"]
    assert positions[-1] > 1.0
    assert positions == sorted(positions)
    assert heard["heartbeat"], "no heartbeat while playing"
    beat = heard["heartbeat"][-1]
    assert beat["mediaId"] == str(transcoded.pk)
    assert beat["watched"] > 0 and beat["engine"] == "hls.js"
    assert playlists and all(
        r.all_headers().get("x-content-type-options") == "nosniff" for r in playlists
    )
    assert phone_page.evaluate("() => document.querySelector('video').videoWidth") in (160, 320)
