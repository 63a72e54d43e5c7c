from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Page
from wagtail.search import index

from publicity.blocks import BodyBlock
from publicity.caching import AnonymousCacheMixin
from publicity.search import search_text_index


class PublicityPage(AnonymousCacheMixin, Page):
    """What every publicity page has: a summary and a picture for lists and shared links, and
    a body of the shared blocks."""

    summary = models.TextField(
        _("summary"),
        max_length=240,
        blank=True,
        help_text=_("One or two sentences for lists, search results and links shared in WeChat."),
    )
    listing_image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("listing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in lists and when the link is shared; 16:9 pictures crop best."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("search_text")]

    class Meta:
        abstract = True

    def search_text(self) -> str:
        """Everything a reader may search for, cut for the database backend."""
        return search_text_index(
            self.title, self.summary, *self.extra_search_text(), *self.body_text()
        )

    def body_text(self) -> list[str]:
        return self.body.stream_block.get_searchable_content(self.body)

    def extra_search_text(self) -> list[str]:
        return []

    @property
    def share_description(self) -> str:
        return self.search_description or self.summary

    @property
    def share_image(self):
        return self.listing_image


PUBLICITY_PROMOTE_PANELS = [*Page.promote_panels, FieldPanel("listing_image")]
PUBLICITY_CONTENT_PANELS = [*Page.content_panels, FieldPanel("summary")]
