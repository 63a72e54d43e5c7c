"""The expert pool page (regulators): the experts, and the terms ending within 60 days."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from coverage.jurisdiction import is_regulator
from projects.experts.selectors import EXPIRY_NOTICE_DAYS, experts_expiring
from projects.models import Expert


@login_required
def expert_pool(request):
    if not is_regulator(request.user):
        raise Http404
    experts = Expert.objects.select_related("organisation").order_by("field", "name", "pk")
    page = Paginator(experts, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/expert_pool.html",
        {"page": page, "expiring": experts_expiring(), "notice_days": EXPIRY_NOTICE_DAYS},
    )
