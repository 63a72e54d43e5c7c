"""The pool, its conflicts, the scoring criteria and the payment standards are data edited here.
Projects are shown read-only in their status fields: a status moves only through
projects.declarations.services (role-checked, audited), never by editing the row."""

from django.contrib import admin

from projects.models import (
    BudgetLine,
    Criterion,
    Expert,
    ExpertConflict,
    PaymentStandard,
    Project,
    ProjectEvent,
)


class ExpertConflictInline(admin.TabularInline):
    model = ExpertConflict
    extra = 0
    autocomplete_fields = ["enterprise"]


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "field", "title", "organisation_name", "term_end", "available"]
    list_filter = ["field", "available"]
    search_fields = ["name", "organisation_name"]
    autocomplete_fields = ["organisation", "user"]
    inlines = [ExpertConflictInline]


@admin.register(ExpertConflict)
class ExpertConflictAdmin(admin.ModelAdmin):
    list_display = ["expert", "enterprise", "reason"]
    search_fields = ["expert__name", "enterprise__name"]
    autocomplete_fields = ["expert", "enterprise"]
    list_select_related = ["expert", "enterprise"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "purpose", "max_score", "order"]
    list_filter = ["purpose"]


@admin.register(PaymentStandard)
class PaymentStandardAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "amount", "valid_from", "valid_to"]
    list_filter = ["unit"]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class ProjectEventInline(admin.TabularInline):
    model = ProjectEvent
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "role", "user", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "applicant", "region", "year", "kind", "status"]
    list_filter = ["status", "kind", "year"]
    search_fields = ["code", "title", "applicant__name"]
    list_select_related = ["applicant", "region"]
    autocomplete_fields = ["applicant", "region"]
    # The lifecycle's fields: written by the services only, with their event and audit entry.
    readonly_fields = [
        "code",
        "status",
        "status_changed_at",
        "rejection_reasons",
        "agreement_number",
        "paid_amount",
        "created_by",
        "created_at",
    ]
    inlines = [BudgetLineInline, ProjectEventInline]
