from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from publicity.blocks import BodyBlock
from publicity.caching import AnonymousCacheMixin


class HomePage(AnonymousCacheMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)
    featured_campaign = models.ForeignKey(
        "publicity.CampaignPage",
        verbose_name=_("featured campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown at the top; the latest campaign when left empty."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("featured_campaign"),
        FieldPanel("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from publicity.selectors import home_highlights

        context = super().get_context(request, *args, **kwargs)
        context.update(home_highlights(home=self))
        return context

    @property
    def share_description(self) -> str:
        return self.search_description or self.intro

    @property
    def share_image(self):
        return None
