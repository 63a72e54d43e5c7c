from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page
from wagtail.search import index

from publicity.caching import AnonymousCacheMixin
from publicity.choices import FilingStatus
from publicity.listings import base_listing
from publicity.models.base import PUBLICITY_CONTENT_PANELS, PUBLICITY_PROMOTE_PANELS, PublicityPage


class WarningBaseIndexPage(AnonymousCacheMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["publicity.HomePage"]
    subpage_types = ["publicity.WarningBasePage"]
    max_count = 1

    class Meta:
        verbose_name = _("warning-education base directory")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        bases = WarningBasePage.objects.live().public().descendant_of(self)
        context.update(base_listing(bases=bases, params=request.GET))
        return context


class WarningBasePage(PublicityPage):
    """A warning-education base (警示教育基地): the plan asks for one filed base per city and per
    county (publicity.selectors.base_tracking)."""

    region = models.ForeignKey(
        "coverage.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level__in": ["city", "county"]},
        help_text=_("The city or county the base is filed for."),
    )
    host = models.CharField(
        _("host organisation"), max_length=120, help_text=_("The enterprise or body that runs it.")
    )
    address = models.CharField(_("address"), max_length=200)
    opening_hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    filing_status = models.CharField(
        _("filing status"),
        max_length=20,
        choices=FilingStatus.choices,
        default=FilingStatus.NOT_FILED,
        help_text=_("Filed (备案) with the provincial joint meeting on work-injury prevention."),
    )
    filed_on = models.DateField(_("filing date"), null=True, blank=True)
    filing_number = models.CharField(_("filing number"), max_length=60, blank=True)

    content_panels = [
        *PUBLICITY_CONTENT_PANELS,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("region"), FieldPanel("host")]),
                FieldPanel("address"),
                FieldPanel("opening_hours"),
                FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_phone")]),
            ],
            heading=_("Visiting"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("filing_status"),
                FieldRowPanel([FieldPanel("filed_on"), FieldPanel("filing_number")]),
            ],
            heading=_("Filing"),
        ),
        InlinePanel("photos", label=_("Photos")),
        FieldPanel("body"),
    ]
    promote_panels = PUBLICITY_PROMOTE_PANELS
    search_fields = [
        *PublicityPage.search_fields,
        index.FilterField("region"),
        index.FilterField("filing_status"),
    ]
    parent_page_types = ["publicity.WarningBaseIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("warning-education base")
        verbose_name_plural = _("warning-education bases")

    def clean(self):
        super().clean()
        if self.filing_status == FilingStatus.FILED and not self.filed_on:
            raise ValidationError({"filed_on": _("A filed base needs its filing date.")})
        if self.filed_on and self.filed_on > timezone.localdate():
            raise ValidationError({"filed_on": _("The filing date cannot be in the future.")})

    @property
    def share_image(self):
        if self.listing_image_id:
            return self.listing_image
        first = next(iter(self.photos.all()), None)
        return first.image if first else None

    @property
    def teaser_meta(self) -> str:
        return f"{self.region.name} · {self.get_filing_status_display()}"

    def extra_search_text(self) -> list[str]:
        return [self.region.name if self.region_id else "", self.host, self.address]


class WarningBasePhoto(Orderable):
    page = ParentalKey(WarningBasePage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("photo"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    caption = models.CharField(_("caption"), max_length=120, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
