from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coverage.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["enterprise", "region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["__str__", "email", "masked_phone", "is_staff", "is_active"]
    search_fields = ["email", "phone", "last_name", "first_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "phone", "phone_verified", "password"]}),
        (_("Name"), {"fields": ["last_name", "first_name"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
