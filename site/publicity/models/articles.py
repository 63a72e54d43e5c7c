from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from publicity.caching import AnonymousCacheMixin
from publicity.choices import Topic
from publicity.listings import article_listing
from publicity.models.base import PUBLICITY_CONTENT_PANELS, PUBLICITY_PROMOTE_PANELS, PublicityPage


class ArticleIndexPage(AnonymousCacheMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["publicity.HomePage"]
    subpage_types = ["publicity.ArticlePage"]
    max_count = 1

    class Meta:
        verbose_name = _("article index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.live().public().descendant_of(self)
        context.update(article_listing(articles=articles, params=request.GET))
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "publicity.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(PublicityPage):
    date = models.DateField(_("date"), default=timezone.localdate)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices, db_index=True)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        *PUBLICITY_CONTENT_PANELS,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("topic"), FieldPanel("tags")], heading=_("Filed under")
        ),
        FieldPanel("body"),
    ]
    promote_panels = PUBLICITY_PROMOTE_PANELS
    search_fields = [
        *PublicityPage.search_fields,
        index.FilterField("topic"),
        index.FilterField("date"),
    ]
    parent_page_types = ["publicity.ArticleIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    @property
    def teaser_meta(self) -> str:
        return f"{self.date.isoformat()} · {self.get_topic_display()}"

    def extra_search_text(self) -> list[str]:
        return [str(self.get_topic_display()), *(tag.name for tag in self.tags.all())]
