"""Stream blocks of a lesson: what a course page's lessons are made of."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from media.blocks import VideoBlock


class FigureBlock(blocks.StructBlock):
    """An image or infographic (图解) with a caption."""

    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image or infographic")
        template = "courses/blocks/figure.html"


class CaseBlock(blocks.StructBlock):
    """A typical accident case from the publicity site, shown as a card with a lead-in."""

    page = blocks.PageChooserBlock(label=_("Typical case"), page_type="publicity.CasePage")
    lead = blocks.TextBlock(
        label=_("Why this case"),
        required=False,
        help_text=_("One or two sentences linking the case to this lesson."),
    )

    class Meta:
        icon = "warning"
        label = _("Typical case")
        template = "courses/blocks/case.html"


class CheckChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=200)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)


class CheckQuestionValue(blocks.StructValue):
    def multiple(self) -> bool:
        return sum(1 for choice in self["choices"] if choice["correct"]) > 1


class CheckQuestionBlock(blocks.StructBlock):
    """A question inside a lesson: the learner must answer it correctly to finish the lesson."""

    question = blocks.CharBlock(label=_("Question"), max_length=300)
    choices = blocks.ListBlock(CheckChoiceBlock(), label=_("Answers"), min_num=2, max_num=6)
    explanation = blocks.TextBlock(label=_("Explanation"), required=False)

    class Meta:
        icon = "help"
        label = _("Check question")
        value_class = CheckQuestionValue
        template = "courses/blocks/check_question.html"

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "choices": blocks.ListBlockValidationError(
                        non_block_errors=[_("Mark at least one answer as correct.")]
                    )
                }
            )
        return value


class LessonBlock(blocks.StreamBlock):
    video = VideoBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Text"),
        features=["h3", "bold", "italic", "link", "ol", "ul"],
        icon="pilcrow",
        template="blocks/paragraph.html",
    )
    figure = FigureBlock()
    case = CaseBlock()
    check_question = CheckQuestionBlock()
