from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from coverage.audit.exports import table_export
from coverage.jurisdiction import is_regulator, regions_in_scope, regulator_memberships
from coverage.models import Region
from publicity.forms import TrackingForm
from publicity.selectors import base_tracking, campaign_tracking, page_search
from publicity.wechat import WeChatUnavailable, share_config, wechat_share_enabled


def search(request):
    context = page_search(query=request.GET.get("q", ""), params=request.GET)
    return render(request, "publicity/search.html", context)


def _default_region(user) -> Region:
    membership = regulator_memberships(user).first()
    if membership:
        return membership.region
    return Region.objects.filter(level=Region.Level.PROVINCE).order_by("path").first()


def _tracking_tables(campaigns, bases) -> dict:
    yes, no = _("yes"), _("no")
    return {
        "campaigns": (
            [_("Key industry"), _("Campaign held"), _("Campaigns")],
            [
                [industry.name, yes if industry.campaign_count else no, industry.campaign_count]
                for industry in [*campaigns.covered, *campaigns.lacking]
            ],
        ),
        "bases": (
            [_("Code"), _("Region"), _("Level"), _("Filed bases"), _("Bases not yet filed")],
            [
                [
                    place.code,
                    place.name,
                    place.get_level_display(),
                    place.filed_bases,
                    place.unfiled_bases,
                ]
                for place in [*bases.cities, *bases.counties]
            ],
        ),
    }


@login_required
def tracking(request):
    """The plan's publicity duties in a regulator's region: campaigns per key industry in a
    year, and a filed warning-education base in every city and county."""
    user = request.user
    if not is_regulator(user):
        raise PermissionDenied
    regions = regions_in_scope(user)
    form = TrackingForm(request.GET, regions=regions, default_region=_default_region(user))
    form.is_valid()
    if "region" in form.errors:
        # A region outside the scope looks like one that does not exist.
        raise Http404
    region = form.cleaned_data["region"]
    year = form.cleaned_data.get("year") or timezone.localdate().year
    campaigns = campaign_tracking(region=region, year=year)
    bases = base_tracking(region=region)

    tables = _tracking_tables(campaigns, bases)
    table = request.GET.get("table")
    if request.GET.get("export") and table in tables:
        headers, rows = tables[table]
        return table_export(
            request=request,
            subject=f"publicity tracking {region.code} {year} {table}",
            headers=headers,
            rows=rows,
            fmt=request.GET["export"],
            filename=f"{region.name}-{year}-{table}"
            if table == "campaigns"
            else f"{region.name}-{table}",
            contains_personal_data=False,
        )
    return render(
        request,
        "publicity/tracking.html",
        {"form": form, "region": region, "year": year, "campaigns": campaigns, "bases": bases},
    )


@never_cache
def csrf_token(request):
    """The visitor's own CSRF token for a form on a page from the cache (csrf_lazy.js); this
    response also sets the matching cookie."""
    return JsonResponse({"token": get_token(request)})


@never_cache
def wechat_share(request):
    """The JS-SDK configuration for one of our pages (wechat_share.js asks for it inside
    WeChat's browser): 404 when sharing is off, 400 for another site's address, 503 when
    WeChat gives no ticket."""
    if not wechat_share_enabled():
        raise Http404
    url = request.GET.get("url", "")
    if not url.startswith(settings.PUBLIC_BASE_URL.rstrip("/") + "/"):
        return JsonResponse({"error": "url"}, status=400)
    try:
        return JsonResponse(share_config(url))
    except WeChatUnavailable:
        return JsonResponse({"error": "wechat"}, status=503)
