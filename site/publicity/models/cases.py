from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from coverage.designations.selectors import province_key_industry_condition
from publicity.caching import AnonymousCacheMixin
from publicity.choices import AccidentType
from publicity.listings import case_listing
from publicity.models.base import PUBLICITY_CONTENT_PANELS, PUBLICITY_PROMOTE_PANELS, PublicityPage

CASE_TEXT_FEATURES = ["bold", "italic", "ol", "ul"]


class CaseIndexPage(AnonymousCacheMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["publicity.HomePage"]
    subpage_types = ["publicity.CasePage"]
    max_count = 1

    class Meta:
        verbose_name = _("case index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        cases = CasePage.objects.live().public().descendant_of(self)
        context.update(case_listing(cases=cases, params=request.GET))
        return context


class CasePage(PublicityPage):
    """A typical case (典型案例) or an injury nearby (身边工伤事件), told for others to learn."""

    industry = models.ForeignKey(
        "coverage.Industry",
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=province_key_industry_condition,
    )
    region = models.ForeignKey(
        "coverage.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField(_("date of the accident"))
    accident_type = models.CharField(
        _("accident type"), max_length=30, choices=AccidentType.choices
    )
    what_happened = RichTextField(_("what happened"), features=CASE_TEXT_FEATURES)
    causes = RichTextField(_("causes"), features=CASE_TEXT_FEATURES)
    lessons = RichTextField(pgettext_lazy("accident case", "lessons"), features=CASE_TEXT_FEATURES)
    prevention = RichTextField(_("prevention measures"), features=CASE_TEXT_FEATURES)

    content_panels = [
        *PUBLICITY_CONTENT_PANELS,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("industry"), FieldPanel("accident_type")]),
                FieldRowPanel([FieldPanel("region"), FieldPanel("occurred_on")]),
            ],
            heading=_("The accident"),
        ),
        FieldPanel("what_happened"),
        FieldPanel("causes"),
        FieldPanel("lessons"),
        FieldPanel("prevention"),
        FieldPanel("body", heading=_("Pictures, video and more")),
    ]
    promote_panels = PUBLICITY_PROMOTE_PANELS
    search_fields = [
        *PublicityPage.search_fields,
        index.FilterField("industry"),
        index.FilterField("accident_type"),
        index.FilterField("occurred_on"),
    ]
    parent_page_types = ["publicity.CaseIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")

    def clean(self):
        super().clean()
        if self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": _("The accident cannot be in the future.")})

    @property
    def teaser_meta(self) -> str:
        return f"{self.industry.name} · {self.region.name} · {self.occurred_on.isoformat()}"

    def extra_search_text(self) -> list[str]:
        return [
            str(self.get_accident_type_display()),
            self.industry.name if self.industry_id else "",
            self.region.name if self.region_id else "",
            self.what_happened,
            self.causes,
            self.lessons,
            self.prevention,
        ]
