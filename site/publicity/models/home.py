from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from publicity.blocks import BodyBlock
from publicity.caching import AnonymousCacheMixin
from publicity.listings import with_listing_images
from publicity.models.articles import ArticleIndexPage, ArticlePage
from publicity.models.bases import WarningBaseIndexPage
from publicity.models.campaigns import CampaignIndexPage, CampaignPage
from publicity.models.cases import CaseIndexPage, CasePage


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
        context = super().get_context(request, *args, **kwargs)
        context.update(home_highlights(home=self))
        return context

    @property
    def share_description(self) -> str:
        return self.search_description or self.intro

    @property
    def share_image(self):
        return None


def home_highlights(*, home: "HomePage", articles: int = 4, cases: int = 3) -> dict:
    """The featured campaign (or the latest), the latest articles and cases, the indexes."""
    campaigns = CampaignPage.objects.live().public().select_related("industry", "region")
    featured = None
    if home.featured_campaign_id:
        featured = campaigns.filter(pk=home.featured_campaign_id).first()
    if featured is None:
        featured = campaigns.order_by("-start_date", "-pk").first()
    indexes = {
        page.specific_class: page
        for page in Page.objects.live()
        .child_of(home)
        .type(ArticleIndexPage, CaseIndexPage, CampaignIndexPage, WarningBaseIndexPage)
    }
    return {
        "featured_campaign": featured,
        "latest_articles": with_listing_images(ArticlePage.objects.live().public()).order_by(
            "-date", "-pk"
        )[:articles],
        "latest_cases": with_listing_images(
            CasePage.objects.live().public().select_related("industry", "region")
        ).order_by("-occurred_on", "-pk")[:cases],
        "article_index": indexes.get(ArticleIndexPage),
        "case_index": indexes.get(CaseIndexPage),
        "campaign_index": indexes.get(CampaignIndexPage),
        "base_index": indexes.get(WarningBaseIndexPage),
    }
