"""Project pages: read the input, ask projects.permissions (which asks coverage.jurisdiction),
call one service, render or redirect. A project outside the user's reach is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coverage.audit.client_ip import client_ip
from coverage.jurisdiction import enterprises_administered
from coverage.models import Region
from coverage.private_files.views import _attachment
from projects.declarations import forms
from projects.declarations.services import (
    ProjectRefused,
    budget_line_add,
    project_agreement_file,
    project_attachment_add,
    project_budget_total,
    project_declare,
    project_deliver,
    project_execution_start,
    project_pay,
    project_submit,
)
from projects.evidence.views import evidence_context
from projects.models import Panel, ProjectAttachment
from projects.panels.services import project_acceptance_start, project_review_start
from projects.permissions import Role, acts_as, project_visible_or_404, projects_visible
from projects.supervision.selectors import supervision_condition


@login_required
def project_list(request):
    projects = projects_visible(request.user).select_related("applicant", "region")
    status = request.GET.get("status", "")
    if status:
        projects = projects.filter(status=status)
    page = Paginator(projects.order_by("-year", "code"), 50).get_page(request.GET.get("page"))
    may_declare = enterprises_administered(request.user).exists()
    may_supervise = supervision_condition(request.user) is not None
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "status": status,
            "may_declare": may_declare,
            "may_supervise": may_supervise,
        },
    )


@login_required
def project_declare_view(request):
    applicants = enterprises_administered(request.user).select_related("region")
    if not applicants.exists():
        raise Http404
    paths = {a.region.path for a in applicants}
    regions = Region.objects.filter(code__in={c for p in paths for c in p.strip("/").split("/")})
    form = forms.DeclarationForm(request.POST or None, applicants=applicants, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = project_declare(user=request.user, **data)
        except ProjectRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            return redirect(project)
    return render(request, "projects/project_declare.html", {"form": form})


@login_required
def project_detail(request, code: str):
    project = project_visible_or_404(request.user, code=code)
    user = request.user
    roles = {
        role
        for role in (Role.APPLICANT, Role.HRSS, Role.SOCIAL_INSURANCE)
        if acts_as(user, project, role)
    }
    panels = list(project.panels.prefetch_related("members__expert").order_by("drawn_at"))
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "roles": roles,
            "lines": project.budget_lines.select_related("standard"),
            "total": project_budget_total(project=project),
            "events": project.events.select_related("user"),
            "attachments": project.attachments.all(),
            "panels": panels,
            "budget_form": forms.BudgetLineForm(),
            "attachment_form": forms.AttachmentForm(),
            "agreement_form": forms.AgreementForm(),
            "payment_form": forms.PaymentForm(),
            "draw_form": forms.DrawForm(),
            "has_acceptance_panel": any(p.purpose == Panel.Purpose.ACCEPTANCE for p in panels),
            **evidence_context(project, user, roles),
        },
    )


def _refusable(view):
    def wrapped(request, code: str, *args, **kwargs):
        project = project_visible_or_404(request.user, code=code)
        try:
            view(request, project, *args, **kwargs)
        except ProjectRefused as refusal:
            messages.error(request, refusal.message)
        return redirect(project)

    wrapped.__name__ = view.__name__
    return login_required(require_POST(wrapped))


def _form_or_refuse(form):
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[f].label if f in form.fields else ''}：{' '.join(e)}"
            for f, e in form.errors.items()
        )
        raise ProjectRefused(errors)
    return form.cleaned_data


@_refusable
def project_action(request, project, action: str):
    ip = client_ip(request)
    user = request.user
    if action == "submit":
        project_submit(project=project, user=user, ip_address=ip)
    elif action == "execute":
        project_execution_start(project=project, user=user, ip_address=ip)
    elif action == "deliver":
        project_deliver(project=project, user=user, ip_address=ip)
    elif action == "agreement":
        data = _form_or_refuse(forms.AgreementForm(request.POST))
        project_agreement_file(project=project, user=user, ip_address=ip, **data)
    elif action == "pay":
        data = _form_or_refuse(forms.PaymentForm(request.POST))
        project_pay(project=project, user=user, ip_address=ip, **data)
    elif action in ("review", "acceptance"):
        data = _form_or_refuse(forms.DrawForm(request.POST))
        start = project_review_start if action == "review" else project_acceptance_start
        start(project=project, user=user, ip_address=ip, **data)
    elif action == "budget":
        data = _form_or_refuse(forms.BudgetLineForm(request.POST))
        budget_line_add(project=project, user=user, **data)
    else:
        raise Http404
    messages.success(request, _("Done."))


@_refusable
def attachment_upload(request, project):
    if not acts_as(request.user, project, Role.APPLICANT):
        raise ProjectRefused(_("Only the applicant's administrator may attach files."))
    form = forms.AttachmentForm(request.POST, request.FILES)
    data = _form_or_refuse(form)
    upload = data["file"]
    project_attachment_add(project=project, user=request.user, title=data["title"], file=upload)


@login_required
def attachment_download(request, code: str, pk: int):
    project = project_visible_or_404(request.user, code=code)
    attachment = get_object_or_404(ProjectAttachment, pk=pk, project=project)
    return _attachment(
        request,
        file=attachment.file,
        filename=attachment.filename,
        subject=f"project {project.code} attachment {attachment.pk} {attachment.filename}",
    )
