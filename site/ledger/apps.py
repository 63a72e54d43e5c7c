from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """One record per person (一人一档): the study-hours ledger, its corrections and the
    学时证明. The ledger's lines are coverage's TrainingRecords; this part reads them and adds
    corrections and proofs beside them, never editing a line."""

    name = "ledger"
    label = "ledger"
    verbose_name = _("Study-hours ledger")
