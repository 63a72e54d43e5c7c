"""The stream blocks every publicity page shares (one place, as bakerydemo's base/blocks.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from media.blocks import AudioBlock, VideoBlock


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=60)
    text = blocks.TextBlock(label=_("Text"), required=False)
    link_text = blocks.CharBlock(label=_("Button text"), max_length=30)
    url = blocks.CharBlock(label=_("Link"), help_text=_("A path such as /accounts/me/ or a URL."))

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
    video = VideoBlock()
    audio = AudioBlock()
    call_to_action = CallToActionBlock()
