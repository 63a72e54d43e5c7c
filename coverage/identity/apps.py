from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    """Binding sign-in accounts to people, and the enterprises' confirmations: an app of its
    own (label `identity`) inside the coverage part, with its own migrations."""

    name = "coverage.identity"
    label = "identity"
    verbose_name = _("Identity binding")
