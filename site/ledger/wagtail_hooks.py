"""Wagtail admin for 学时证明: editors look them up and revoke them, as they do certificates
(the same permission rule: never added or deleted by hand)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from courses.certificates.services import RevokeRefused
from courses.wagtail_hooks import CertificatePermissionPolicy
from ledger.models import HoursProof
from ledger.proofs.services import hours_proof_revoke

register_permission_policy(HoursProof, CertificatePermissionPolicy(HoursProof))


class HoursProofRevokeForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revoked_reason"].required = True
        self.fields["revoked_reason"].help_text = _(
            "Shown on the public verification page. Revoking cannot be undone."
        )

    def clean(self):
        cleaned = super().clean()
        if self.instance.revoked_at:
            raise forms.ValidationError(_("This proof has already been revoked."))
        return cleaned


class HoursProofRevokeView(generic.EditView):
    submit_button_label = _("Revoke proof")
    success_message = _("Proof %(object)s revoked.")

    def form_valid(self, form):
        self.form = form
        try:
            self.object = hours_proof_revoke(
                proof=self.object,
                user=self.request.user,
                reason=form.cleaned_data["revoked_reason"],
            )
        except RevokeRefused as refusal:  # revoked by someone else a moment ago
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        return self.save_action()


class HoursProofViewSet(ModelViewSet):
    model = HoursProof
    icon = "doc-full"
    menu_label = _("Study-hours proofs")
    menu_name = "hours_proofs"
    menu_order = 221
    add_to_admin_menu = True
    copy_view_enabled = False
    edit_view_class = HoursProofRevokeView
    list_display = ["serial", "holder_name", "period_start", "period_end", "hours", "revoked_at"]
    list_filter = ["issued_on"]
    search_fields = ["serial", "holder_name"]
    edit_handler = ObjectList(
        [
            FieldPanel("serial", read_only=True),
            FieldPanel("holder_name", read_only=True),
            FieldRowPanel(
                [
                    FieldPanel("period_start", read_only=True),
                    FieldPanel("period_end", read_only=True),
                    FieldPanel("hours", read_only=True),
                ]
            ),
            FieldPanel("revoked_reason"),
        ],
        base_form_class=HoursProofRevokeForm,
    )


@hooks.register("register_admin_viewset")
def register_hours_proof_viewset():
    return HoursProofViewSet("hours_proofs")
