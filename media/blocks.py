"""Stream blocks for pages that show video or audio (publicity pages, course lessons)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtailmedia.blocks import AudioChooserBlock, VideoChooserBlock


class VideoBlock(blocks.StructBlock):
    """A video from the media library, played by media/player.html (HLS, MP4 fallback)."""

    item = VideoChooserBlock(label=_("Video"))
    caption = blocks.CharBlock(
        label=_("Caption"),
        required=False,
        max_length=200,
        help_text=_("Shown under the video; the video's title when left empty."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "media/blocks/media_block.html"


class AudioBlock(blocks.StructBlock):
    """A recording from the media library."""

    item = AudioChooserBlock(label=_("Audio"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "media"
        label = _("Audio")
        template = "media/blocks/media_block.html"
