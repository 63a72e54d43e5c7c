"""The stream blocks every publicity page shares (one place, as bakerydemo's base/blocks.py)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from media.blocks import AudioBlock, VideoBlock

SAFE_LINK = re.compile(r"^(/(?!/)|https?://|tel:|mailto:)", re.IGNORECASE)


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=60)
    text = blocks.TextBlock(label=_("Text"), required=False)
    link_text = blocks.CharBlock(label=_("Button text"), max_length=30)
    url = blocks.CharBlock(label=_("Link"), help_text=_("A path such as /accounts/me/ or a URL."))

    def clean(self, value):
        value = super().clean(value)
        # The block is shown to everyone (and cached): only links that go somewhere, never
        # javascript: or data: URLs.
        if not SAFE_LINK.match(value["url"].strip()):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        _("Use a path starting with / or an http(s), tel: or mailto: link.")
                    )
                }
            )
        return value

    class Meta:
        icon = "link"
        template = "blocks/call_to_action.html"
        label = _("Call to action")
        preview_value = {
            "title": "扫码签到",
            "text": "参加线下培训时扫描现场二维码签到。",
            "link_text": "去签到",
            "url": "/accounts/me/",
        }


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quotation"))
    attribution = blocks.CharBlock(
        label=_("Attribution"),
        required=False,
        max_length=120,
        help_text=_("Who said it, e.g. an injured worker or a safety officer."),
    )

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"
        label = _("Quote")
        preview_value = {
            "text": "安全帽不是摆设，那次要不是戴着它，我就回不了家了。",
            "attribution": "长春某建筑工地钢筋工",
        }


class InfographicBlock(blocks.StructBlock):
    """A picture that carries information (图表图解): the text version keeps it readable for
    screen readers and in search."""

    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)
    text_version = blocks.TextBlock(
        label=_("Text version"),
        required=False,
        help_text=_("What the picture says, for screen readers and search."),
    )

    class Meta:
        icon = "image"
        template = "blocks/infographic.html"
        label = _("Infographic")


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), form_classname="title", icon="title", template="blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=["bold", "italic", "link", "ol", "ul"],
        icon="pilcrow",
        template="blocks/paragraph.html",
    )
    image = ImageChooserBlock(label=_("Image"), template="blocks/image.html")
    infographic = InfographicBlock()
    quote = QuoteBlock()
    video = VideoBlock()
    audio = AudioBlock()
    call_to_action = CallToActionBlock()
