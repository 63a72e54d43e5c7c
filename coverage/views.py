from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from coverage.jurisdiction import (
    enterprise_in_scope_or_404,
    enterprises_in_scope,
    region_in_scope_or_404,
)


@login_required
def region_detail(request, code):
    region = region_in_scope_or_404(request.user, code=code)
    enterprises = (
        enterprises_in_scope(request.user)
        .filter(region__path__startswith=region.path)
        .select_related("region", "industry")
        .order_by("region__path", "name")
    )
    page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coverage/region_detail.html",
        {"region": region, "children": region.children.all(), "page": page},
    )


@login_required
def enterprise_detail(request, credit_code):
    enterprise = enterprise_in_scope_or_404(request.user, credit_code=credit_code)
    return render(request, "coverage/enterprise_detail.html", {"enterprise": enterprise})
