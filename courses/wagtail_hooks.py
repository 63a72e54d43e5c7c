"""Wagtail for the courses part: serving course and lesson pages, the question bank and
certificate revocation."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses.certificates.services import RevokeRefused, certificate_revoke
from courses.exams.services import question_choices_problems
from courses.learning.views import course_open, lesson_open
from courses.models import Certificate, CoursePage, LessonPage, Question


# Order 1: inside Wagtail's own view-restriction check (order 0), as a page's serve() would be.
@hooks.register("on_serve_page", order=1)
def learner_pages_serve(next_serve):
    """Course and lesson pages are served by learning's views, which read the learner's
    progress: the page models never import a view."""

    def serve(page, request, serve_args, serve_kwargs):
        if isinstance(page, LessonPage):
            return lesson_open(request, page, *serve_args, **serve_kwargs)
        if isinstance(page, CoursePage):
            return course_open(request, page, *serve_args, **serve_kwargs)
        return next_serve(page, request, serve_args, serve_kwargs)

    return serve


class QuestionForm(WagtailAdminModelForm):
    """Refuses a question whose answers cannot be marked: the rules are courses.exams.services'."""

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("choices")
        if formset is None or not formset.is_valid():
            return cleaned  # the formset shows its own errors
        correct = [
            bool(form.cleaned_data.get("is_correct"))
            for form in formset.forms
            if form.cleaned_data
            and form.cleaned_data.get("text")
            and not form.cleaned_data.get("DELETE")
        ]
        for problem in question_choices_problems(kind=cleaned.get("kind", ""), correct=correct):
            self.add_error(None, problem)
        return cleaned


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    menu_name = "question_bank"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["text", "course", "kind"]
    list_filter = ["course", "kind"]
    search_fields = ["text", "explanation"]
    copy_view_enabled = True
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("course"), FieldPanel("kind")]),
            FieldPanel("text"),
            InlinePanel(
                "choices",
                min_num=2,
                label=_("Answers"),
                help_text=_(
                    "Tick the correct answers: exactly one for single choice and true or "
                    "false (two answers), at least one for multiple choice."
                ),
            ),
            FieldPanel("explanation"),
        ],
        base_form_class=QuestionForm,
    )

    def get_queryset(self, request):
        return Question.objects.select_related("course")


register_snippet(QuestionViewSet)


class CertificatePermissionPolicy(ModelPermissionPolicy):
    """Certificates are issued by completing a course and never deleted: editors may only
    look at them and, with the change permission, revoke them."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action not in ("add", "delete")]
        )


register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate))


class CertificateRevokeForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revoked_reason"].required = True
        self.fields["revoked_reason"].help_text = _(
            "Shown on the public verification page. Revoking cannot be undone."
        )

    def clean(self):
        cleaned = super().clean()
        if self.instance.revoked_at:
            raise forms.ValidationError(_("This certificate has already been revoked."))
        return cleaned


class CertificateRevokeView(generic.EditView):
    submit_button_label = _("Revoke certificate")
    success_message = _("Certificate %(object)s revoked.")

    def form_valid(self, form):
        self.form = form
        try:
            self.object = certificate_revoke(
                certificate=self.object,
                user=self.request.user,
                reason=form.cleaned_data["revoked_reason"],
            )
        except RevokeRefused as refusal:  # revoked by someone else a moment ago
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        return self.save_action()


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "doc-full"
    menu_label = _("Certificates")
    menu_name = "certificates"
    menu_order = 220
    add_to_admin_menu = True
    copy_view_enabled = False
    edit_view_class = CertificateRevokeView
    list_display = ["serial", "holder_name", "course_title", "hours", "issued_on", "revoked_at"]
    list_filter = ["issued_on"]
    search_fields = ["serial", "holder_name", "course_title"]
    edit_handler = ObjectList(
        [
            FieldPanel("serial", read_only=True),
            FieldPanel("holder_name", read_only=True),
            FieldPanel("course_title", read_only=True),
            FieldRowPanel(
                [FieldPanel("hours", read_only=True), FieldPanel("issued_on", read_only=True)]
            ),
            FieldPanel("revoked_reason"),
        ],
        base_form_class=CertificateRevokeForm,
    )


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return CertificateViewSet("certificates")
