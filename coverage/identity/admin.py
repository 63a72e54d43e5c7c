from django.contrib import admin

from coverage.identity.models import IdentityClaim


@admin.register(IdentityClaim)
class IdentityClaimAdmin(admin.ModelAdmin):
    """For superusers to look at: the decisions are the enterprises' (their own page)."""

    list_display = ("created_at", "person", "enterprise", "phone_masked", "status", "decided_by")
    list_filter = ("status",)
    list_select_related = ("person", "enterprise", "decided_by")
    readonly_fields = [field.name for field in IdentityClaim._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
