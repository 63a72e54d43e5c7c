"""The stream blocks and the player markup pages get."""

import pytest
from django.template import Context, Template

from media.blocks import AudioBlock, VideoBlock
from media.models import MediaItem
from media.services import media_item_transcode
from tests.helpers.media import item_create

pytestmark = pytest.mark.django_db


def _ready(path, media_type="video"):
    item = item_create(path, media_type=media_type, title="有限空间作业警示")
    MediaItem.objects.filter(pk=item.pk).update(status=MediaItem.Status.QUEUED)
    media_item_transcode(item_id=item.pk, run_id="in-test")
    item.refresh_from_db()
    return item


def _render(block, item, caption=""):
    return block.render(block.to_python({"item": item.pk, "caption": caption}))


def test_video_block_renders_an_accessible_player_with_hls_fallback_and_poster(videos):
    item = _ready(videos["portrait"])

    html = _render(VideoBlock(), item, caption="第一课")

    assert "data-player" in html
    assert f'data-media-id="{item.pk}"' in html
    assert f'data-hls="{item.hls.url}"' in html
    assert f'poster="{item.thumbnail.url}"' in html
    assert f'<source src="{item.fallback.url}" type="video/mp4">' in html
    assert 'preload="none"' in html and "playsinline" in html and "controls" in html
    assert f'aria-label="{item.title}"' in html
    assert "aspect-ratio: 240 / 426" in html
    assert "第一课" in html and "0:02" in html
    assert "media/js/player.js" in html and "vendor/hls.js/hls.min.js" in html


def test_video_block_says_the_video_is_being_prepared_until_it_is_ready(videos):
    item = item_create(videos["landscape"], media_type="video", title="新视频")

    html = _render(VideoBlock(), item)

    assert "<video" not in html
    assert 'role="status"' in html and "新视频" in html


def test_audio_block_renders_an_audio_player(videos):
    item = _ready(videos["audio"], media_type="audio")

    html = _render(AudioBlock(), item)

    assert "<audio" in html and "<video" not in html
    assert f'<source src="{item.fallback.url}" type="audio/mp4">' in html
    assert "data-hls=" not in html


def test_media_player_tag_for_templates_of_other_parts(videos):
    item = _ready(videos["landscape"])

    html = Template("{% load media_player %}{% media_player item %}").render(
        Context({"item": item})
    )

    assert f'data-hls="{item.hls.url}"' in html


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, ""), (2.04, "0:02"), (65, "1:05"), (3725.4, "1:02:05")]
)
def test_duration_is_shown_as_hours_minutes_seconds(seconds, shown):
    html = Template("{% load media_player %}{{ s|media_duration }}").render(Context({"s": seconds}))
    assert html == shown
