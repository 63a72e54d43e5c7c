from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from coverage.designations.selectors import province_key_industry_condition
from publicity.caching import AnonymousCacheMixin
from publicity.listings import campaign_listing
from publicity.models.base import PUBLICITY_CONTENT_PANELS, PUBLICITY_PROMOTE_PANELS, PublicityPage


class CampaignIndexPage(AnonymousCacheMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["publicity.HomePage"]
    subpage_types = ["publicity.CampaignPage"]
    max_count = 1

    class Meta:
        verbose_name = _("campaign index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        campaigns = CampaignPage.objects.live().public().descendant_of(self)
        context.update(campaign_listing(campaigns=campaigns, params=request.GET))
        return context


class CampaignPage(PublicityPage):
    """A concentrated publicity campaign (集中宣传活动) for one key industry: the plan asks for at
    least one per key industry per year (publicity.selectors.campaign_tracking counts them)."""

    industry = models.ForeignKey(
        "coverage.Industry",
        verbose_name=_("key industry"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=province_key_industry_condition,
    )
    region = models.ForeignKey(
        "coverage.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where it was held: the province, a city or a county."),
    )
    year = models.PositiveSmallIntegerField(
        _("plan year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], db_index=True
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    organiser = models.CharField(_("organised by"), max_length=120, blank=True)
    participants = models.PositiveIntegerField(_("people reached"), default=0)
    enterprises_reached = models.PositiveIntegerField(_("enterprises reached"), default=0)
    materials_distributed = models.PositiveIntegerField(_("materials handed out"), default=0)
    online_views = models.PositiveIntegerField(_("online views"), default=0)

    content_panels = [
        *PUBLICITY_CONTENT_PANELS,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("industry"), FieldPanel("region")]),
                FieldRowPanel(
                    [FieldPanel("year"), FieldPanel("start_date"), FieldPanel("end_date")]
                ),
                FieldPanel("organiser"),
            ],
            heading=_("The campaign"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("participants"), FieldPanel("enterprises_reached")]),
                FieldRowPanel([FieldPanel("materials_distributed"), FieldPanel("online_views")]),
            ],
            heading=_("Reach"),
        ),
        FieldPanel("body", heading=_("Activities and media")),
    ]
    promote_panels = PUBLICITY_PROMOTE_PANELS
    search_fields = [
        *PublicityPage.search_fields,
        index.FilterField("industry"),
        index.FilterField("year"),
    ]
    parent_page_types = ["publicity.CampaignIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The campaign cannot end before it starts.")
        if self.start_date and self.year and self.start_date.year != self.year:
            errors["year"] = _("The plan year must be the year the campaign starts in.")
        if errors:
            raise ValidationError(errors)

    @property
    def teaser_meta(self) -> str:
        return f"{self.year} · {self.industry.name} · {self.region.name}"

    def extra_search_text(self) -> list[str]:
        return [
            self.industry.name if self.industry_id else "",
            self.region.name if self.region_id else "",
            self.organiser,
        ]
