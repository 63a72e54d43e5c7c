"""The read-only data-sharing API for other government systems (the plan's "information
sharing"): coverage figures only, never personal data. Every endpoint reads through
coverage.jurisdiction, so a token sees its regulator's regions and below (elsewhere: 404),
and every answer that carries data is written to the audit log.
"""

import dataclasses

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from coverage.api.serializers import (
    EnterpriseCoverageSerializer,
    RegionCoverage,
    RegionCoverageSerializer,
    RegionSerializer,
    TargetSerializer,
)
from coverage.audit.client_ip import client_ip
from coverage.jurisdiction import (
    enterprise_in_scope_or_404,
    enterprises_in_scope,
    region_in_scope_or_404,
    regions_in_scope,
)
from coverage.models import AuditLog, Enterprise, Region, TrainingTarget
from coverage.selectors import (
    Figures,
    coverage_by_industry,
    coverage_by_role,
    coverage_by_subregion,
    enterprise_role_figures,
    enterprises_with_coverage,
    region_figures,
    target_current,
)
from coverage.services import audit_log

TARGET_PARAMETER = OpenApiParameter(
    "target",
    OpenApiTypes.STR,
    description="Training target code (GET /api/targets/); default: the target whose period "
    "contains today, else the latest one.",
)


def target_requested(request) -> TrainingTarget:
    code = request.query_params.get("target")
    if code:
        target = TrainingTarget.objects.filter(code=code).first()
        if target is None:
            raise ValidationError(
                {
                    "target": [
                        _("No training target has the code “%(code)s”; GET %(url)s lists them.")
                        % {"code": code, "url": "/api/targets/"}
                    ]
                }
            )
        return target
    target = target_current()
    if target is None:
        raise NotFound(_("No training target is defined yet."))
    return target


def with_role_figures(enterprises: list[Enterprise], target: TrainingTarget) -> list[Enterprise]:
    """Attach `by_role` to each enterprise: one grouped query for the whole page."""
    figures = enterprise_role_figures(
        target=target, enterprises=Enterprise.objects.filter(pk__in=[e.pk for e in enterprises])
    )
    nobody = {role: Figures(0, 0) for role in target.required_roles}
    for enterprise in enterprises:
        enterprise.by_role = figures.get(enterprise.pk, nobody)
    return enterprises


# Every answer that carries data leaves one audit entry (a comment, not a docstring: the
# schema would show a docstring as each endpoint's description).
class AuditedAPIView(generics.GenericAPIView):
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            data = response.data
            if isinstance(data, dict) and "results" in data:
                data = data["results"]
            audit_log(
                user=request.user,
                action=AuditLog.Action.API,
                subject=f"{request.method} {request.get_full_path()}",
                rows=len(data) if isinstance(data, list) else 1,
                ip_address=client_ip(request),
            )
        return response


class EnterprisePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


@extend_schema_view(
    get=extend_schema(
        summary="Training targets, latest deadline first",
        description="Each target's code selects it in the coverage endpoints (?target=code).",
    )
)
class TargetList(AuditedAPIView, generics.ListAPIView):
    serializer_class = TargetSerializer
    pagination_class = None
    queryset = TrainingTarget.objects.all()


@extend_schema_view(
    get=extend_schema(
        summary="The regions the caller may read: their own and every one below",
        description="A token reads the regions of its user's regulator memberships.",
    )
)
class RegionList(AuditedAPIView, generics.ListAPIView):
    serializer_class = RegionSerializer
    pagination_class = None

    def get_queryset(self):
        return regions_in_scope(self.request.user).select_related("parent").order_by("path")


@extend_schema_view(
    get=extend_schema(
        summary="A region's coverage: totals, by role, by industry and per sub-region",
        description="People-weighted coverage over the region's key enterprises, beside the "
        "share of key enterprises at 100 %. 404 for a region outside the caller's scope.",
        parameters=[TARGET_PARAMETER],
    )
)
class RegionDetail(AuditedAPIView, generics.RetrieveAPIView):
    serializer_class = RegionCoverageSerializer
    queryset = Region.objects.none()
    lookup_field = "code"

    def get_object(self) -> RegionCoverage:
        user = self.request.user
        region = region_in_scope_or_404(user, code=self.kwargs["code"])
        target = target_requested(self.request)
        scope = enterprises_in_scope(user).filter(region__path__startswith=region.path)
        figures = region_figures(target=target, region=region, enterprises=scope)
        return RegionCoverage(
            **{field.name: getattr(figures, field.name) for field in dataclasses.fields(figures)},
            target=target,
            by_role=coverage_by_role(target=target, enterprises=scope),
            by_industry=[
                {
                    "code": code,
                    "name": name,
                    "required": f.required,
                    "covered": f.covered,
                    "percent": f.percent,
                }
                for code, name, f in coverage_by_industry(target=target, enterprises=scope)
            ],
            subregions=coverage_by_subregion(target=target, region=region, enterprises=scope),
        )


@extend_schema_view(
    get=extend_schema(
        summary="Key enterprises with their coverage, worst first (roster missing on top)",
        description="Paginated (page, page_size up to 500). Figures only, no personal data.",
        parameters=[
            OpenApiParameter(
                "region",
                OpenApiTypes.STR,
                description="Only enterprises in this region and below (404 outside the "
                "caller's scope); default: everything the caller may read.",
            ),
            TARGET_PARAMETER,
        ],
    )
)
class EnterpriseList(AuditedAPIView, generics.ListAPIView):
    serializer_class = EnterpriseCoverageSerializer
    pagination_class = EnterprisePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return Enterprise.objects.none()
        user = self.request.user
        scope = enterprises_in_scope(user)
        if code := self.request.query_params.get("region"):
            region = region_in_scope_or_404(user, code=code)
            scope = scope.filter(region__path__startswith=region.path)
        self.target = target_requested(self.request)
        return enterprises_with_coverage(target=self.target, enterprises=scope)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return with_role_figures(page, self.target) if page is not None else None


@extend_schema_view(
    get=extend_schema(
        summary="One key enterprise's coverage, by role",
        description="404 for an enterprise outside the caller's scope, and for one that is not "
        "a key enterprise (coverage is measured for key enterprises only).",
        parameters=[TARGET_PARAMETER],
    )
)
class EnterpriseDetail(AuditedAPIView, generics.RetrieveAPIView):
    serializer_class = EnterpriseCoverageSerializer
    queryset = Enterprise.objects.none()
    lookup_field = "credit_code"

    def get_object(self) -> Enterprise:
        enterprise = enterprise_in_scope_or_404(
            self.request.user, credit_code=self.kwargs["credit_code"]
        )
        target = target_requested(self.request)
        row = enterprises_with_coverage(
            target=target, enterprises=Enterprise.objects.filter(pk=enterprise.pk)
        ).first()
        if row is None:
            raise NotFound(
                _(
                    "%(name)s is not a key enterprise: coverage is measured for key "
                    "enterprises only."
                )
                % {"name": enterprise.name}
            )
        return with_role_figures([row], target)[0]
