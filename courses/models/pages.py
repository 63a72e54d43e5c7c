"""Course pages, edited in the Wagtail admin: an index, courses, and the lessons under them."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import LessonBlock
from coverage.models import Role


class CourseIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = (
            CoursePage.objects.live().child_of(self).select_related("cover_image").order_by("path")
        )
        return context


class CoursePageForm(WagtailAdminPageForm):
    target_roles = forms.MultipleChoiceField(
        label=_("Target roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when the course is for everyone in the audience."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("target_roles", self.instance.target_roles or [])


class CoursePage(Page):
    class Audience(models.TextChoices):
        KEY_STAFF = "key_staff", _("Staff of key enterprises")
        SCHOOL = "school", _("Technical-school students")
        EVERYONE = "everyone", _("Everyone")

    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    # 公开课 (R5): open to every signed-in worker, who confirms name and ID number once even
    # when on no roster; other courses are for people on an organisation's roster.
    is_public = models.BooleanField(
        _("open course (公开课)"),
        default=False,
        help_text=_(
            "Any signed-in worker may take it, even one on no roster; the training counts once "
            "they join a key enterprise's roster."
        ),
    )
    target_roles = models.JSONField(_("target roles"), default=list, blank=True)
    credit_hours = models.DecimalField(_("credit hours (学时)"), max_digits=4, decimal_places=1)
    targets = ParentalManyToManyField(
        "coverage.TrainingTarget",
        verbose_name=_("counts toward"),
        blank=True,
        help_text=_("Training targets a completion counts toward; empty: every current one."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("summary"), max_length=500)
    lessons_in_order = models.BooleanField(
        _("lessons must be taken in order"),
        default=True,
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, help_text=_("Share of questions answered correctly.")
    )
    paper_size = models.PositiveSmallIntegerField(
        _("questions per paper"),
        default=10,
        help_text=_("Drawn at random from the course's question bank for each attempt."),
    )
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=3)
    retry_wait_minutes = models.PositiveIntegerField(
        _("waiting time between attempts (minutes)"), default=30
    )
    exam_minutes = models.PositiveSmallIntegerField(_("time allowed (minutes)"), default=30)

    base_form_class = CoursePageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("is_public"),
                FieldPanel("target_roles"),
                FieldRowPanel([FieldPanel("credit_hours"), FieldPanel("lessons_in_order")]),
                FieldPanel("targets", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Who it is for"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("paper_size")]),
                FieldRowPanel(
                    [
                        FieldPanel("max_attempts"),
                        FieldPanel("retry_wait_minutes"),
                        FieldPanel("exam_minutes"),
                    ]
                ),
            ],
            heading=_("Exam"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def lessons(self):
        return LessonPage.objects.live().child_of(self).order_by("path")

    def get_context(self, request, *args, **kwargs):
        # What any visitor (and an editor's preview) sees; the learner's own progress is added
        # by the view that serves the page (courses.learning.views.course_open).
        context = super().get_context(request, *args, **kwargs)
        lessons = list(self.lessons().specific())
        context.update(
            {
                "lessons": lessons,
                "enrolment": None,
                "lessons_done": set(),
                "next_lesson": lessons[0] if lessons else None,
            }
        )
        return context


class LessonPage(Page):
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    body = StreamField(LessonBlock(), verbose_name=_("lesson"))
    min_minutes = models.PositiveSmallIntegerField(
        _("minimum study time (minutes)"),
        default=1,
        help_text=_(
            "For lessons without video: the lesson can be marked as done this long after it "
            "was first opened."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("min_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    template = "courses/lesson_page.html"

    class Meta:
        # "lessons" alone is also the accident case's 教训 (publicity): a context keeps 课时 apart.
        verbose_name = pgettext_lazy("course", "lesson")
        verbose_name_plural = pgettext_lazy("course", "lessons")

    def videos(self) -> list:
        """The media items of the lesson's video blocks, in order, each once."""
        seen = {}
        for block in self.body:
            if block.block_type == "video" and block.value["item"] is not None:
                seen.setdefault(block.value["item"].pk, block.value["item"])
        return list(seen.values())

    def check_questions(self) -> list:
        return [block for block in self.body if block.block_type == "check_question"]

    def get_context(self, request, *args, **kwargs):
        # The lesson as it reads (an editor's preview shows this); the learner's progress is
        # added by the view that serves the page (courses.learning.views.lesson_open).
        context = super().get_context(request, *args, **kwargs)
        blocks, check_number = [], 0
        for block in self.body:
            blocks.append((block, check_number if block.block_type == "check_question" else None))
            check_number += block.block_type == "check_question"
        context.update({"course": self.get_parent().specific, "blocks": blocks, "players": {}})
        return context
