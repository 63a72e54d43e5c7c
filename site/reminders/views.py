"""Rules, their dry run and the county's tasks for regulators in scope; the bell's list for
anyone signed in; the SMS opt-out for people. Out-of-scope objects answer 404 alike."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coverage.jurisdiction import escalations_visible, is_regulator, regions_in_scope
from coverage.models import Person
from reminders.escalations import escalation_handle
from reminders.forms import PreviewDayForm, ReminderRuleForm, TaskHandleForm
from reminders.models import EscalationTask, Notice, ReminderRule, SmsOptOut
from reminders.selectors import rule_preview
from reminders.services import notices_mark_read, opt_out_person, sms_opt_in, sms_opt_out


def _rules_in_scope(user):
    if not is_regulator(user):
        raise Http404
    return ReminderRule.objects.filter(region__in=regions_in_scope(user)).select_related(
        "region", "target"
    )


def _tasks_in_scope(user):
    condition = escalations_visible(user)
    if condition is None:
        raise Http404
    return EscalationTask.objects.filter(condition).select_related(
        "enterprise", "enterprise__region", "rule", "handled_by"
    )


@login_required
def rule_list(request):
    rules = _rules_in_scope(request.user)
    return render(request, "reminders/rule_list.html", {"rules": rules})


@login_required
def rule_edit(request, pk=None):
    rule = get_object_or_404(_rules_in_scope(request.user), pk=pk) if pk else None
    if rule is None:
        _rules_in_scope(request.user)  # a regulator's page
    form = ReminderRuleForm(request.POST or None, instance=rule, user=request.user)
    if request.method == "POST" and form.is_valid():
        rule = form.save(commit=False)
        if rule.created_by_id is None:
            rule.created_by = request.user
        rule.save()
        messages.success(request, _("The rule is saved."))
        return redirect("reminders:rule_preview", pk=rule.pk)
    return render(request, "reminders/rule_form.html", {"form": form, "rule": rule})


@login_required
def rule_preview_view(request, pk):
    rule = get_object_or_404(_rules_in_scope(request.user), pk=pk)
    form = PreviewDayForm(request.GET or None)
    day = form.cleaned_data["on"] if form.is_valid() else timezone.localdate()
    preview = rule_preview(rule, now=timezone.now(), day=day)
    return render(
        request, "reminders/rule_preview.html", {"rule": rule, "preview": preview, "form": form}
    )


@login_required
def notice_list(request):
    notices = Notice.objects.filter(user=request.user)
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "reminders/notice_list.html", {"page": page})


@login_required
@require_POST
def notices_read(request):
    """Mark one notice read and follow its link, or all of them."""
    notice_id = request.POST.get("notice")
    if notice_id:
        notice = get_object_or_404(Notice, pk=notice_id, user=request.user)
        notices_mark_read(user=request.user, notice_ids=[notice.pk])
        if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
            return redirect(notice.link)
    else:
        notices_mark_read(user=request.user)
    return redirect("reminders:notice_list")


@login_required
def task_list(request):
    tasks = _tasks_in_scope(request.user)
    show = "handled" if request.GET.get("show") == "handled" else "open"
    tasks = tasks.filter(handled_at__isnull=show == "open").order_by("-created_at", "pk")
    page = Paginator(tasks, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "reminders/task_list.html",
        {"page": page, "show": show, "form": TaskHandleForm()},
    )


@login_required
@require_POST
def task_handle(request, pk):
    task = get_object_or_404(_tasks_in_scope(request.user), pk=pk)
    form = TaskHandleForm(request.POST)
    if form.is_valid():
        escalation_handle(task=task, user=request.user, note=form.cleaned_data["note"])
        messages.success(
            request, _("Marked handled: %(enterprise)s") % {"enterprise": task.enterprise}
        )
    return redirect("reminders:task_list")


def opt_out(request, token):
    """The link in a reminder SMS: a page that asks, and a POST that stops the reminders (a
    link preview fetching the page changes nothing)."""
    person = opt_out_person(token)
    if person is None:
        raise Http404
    done = request.method == "POST"
    if done:
        sms_opt_out(person=person, via=SmsOptOut.Via.LINK)
    return render(request, "reminders/opt_out.html", {"done": done})


@login_required
def sms_settings(request):
    """The signed-in person's choice: reminder SMS or none."""
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise Http404
    if request.method == "POST":
        if request.POST.get("reminders") == "on":
            sms_opt_in(person=person)
        else:
            sms_opt_out(person=person, via=SmsOptOut.Via.ACCOUNT)
        messages.success(request, _("Your choice is saved."))
        return redirect("reminders:sms_settings")
    opted_out = SmsOptOut.objects.filter(person=person).exists()
    return render(request, "reminders/sms_settings.html", {"opted_out": opted_out})
