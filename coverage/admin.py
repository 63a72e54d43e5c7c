from django.contrib import admin

from coverage.models import Enterprise, Industry, Membership, Region, TrainingFrequency


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    search_fields = ["code", "name"]
    list_filter = ["level"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_key"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "kind", "region", "industry", "is_key"]
    list_filter = ["kind", "is_key", "industry"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["region"]
    list_select_related = ["region", "industry"]


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
