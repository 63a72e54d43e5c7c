from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from coverage.models import (
    DepartmentScope,
    Enterprise,
    Industry,
    KeyDesignation,
    Membership,
    Region,
    TrainingFrequency,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["code", "name"]
    list_filter = ["level"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "kind", "region", "industry"]
    list_filter = ["kind", "industry"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["region"]
    list_select_related = ["region", "industry"]


@admin.register(DepartmentScope)
class DepartmentScopeAdmin(admin.ModelAdmin):
    """Which industries each department's regulators see (the scope applies at their next
    page; a region's cached trend follows, as its key names the industries)."""

    list_display = ["department", "all_industries", "industry_names"]
    filter_horizontal = ["industries"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("industries")

    @admin.display(description=_("industries"))
    def industry_names(self, obj) -> str:
        return "、".join(industry.name for industry in obj.industries.all())


@admin.register(KeyDesignation)
class KeyDesignationAdmin(admin.ModelAdmin):
    list_display = ["year", "kind", "region", "industry", "enterprise", "project_name"]
    list_filter = ["year", "kind", "industry"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "project_name", "region__name"]
    autocomplete_fields = ["region", "enterprise", "project_enterprises"]
    list_select_related = ["region", "industry", "enterprise"]
    readonly_fields = ["created_by", "created_at", "updated_at"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "enterprise", "region", "department"]
    list_filter = ["role", "department"]
    autocomplete_fields = ["user", "enterprise", "region"]
    list_select_related = ["user", "enterprise", "region"]


@admin.register(TrainingFrequency)
class TrainingFrequencyAdmin(admin.ModelAdmin):
    list_display = ["target", "role", "industry", "per_year"]
    list_filter = ["target", "role", "industry"]
    list_select_related = ["target", "industry"]

    def get_readonly_fields(self, request, obj=None):
        # Saving rebuilds the rule's target; moving a rule would leave the old one stale.
        return ["target"] if obj else []
