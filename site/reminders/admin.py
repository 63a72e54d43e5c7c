from django.contrib import admin

from reminders.models import Delivery, EscalationTask, Notice, ReminderRule, SmsOptOut


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "target", "threshold_percent", "is_active"]
    list_filter = ["kind", "is_active"]
    autocomplete_fields = ["region"]
    list_select_related = ["region", "target"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["rule", "period", "channel", "recipient_key", "phone_masked", "status"]
    list_filter = ["channel", "status"]
    list_select_related = ["rule"]
    readonly_fields = [field.name for field in Delivery._meta.fields]


@admin.register(EscalationTask)
class EscalationTaskAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "rule", "period", "created_at", "handled_at"]
    list_select_related = ["enterprise", "rule"]
    raw_id_fields = ["enterprise", "handled_by"]


admin.site.register(Notice)
admin.site.register(SmsOptOut)
