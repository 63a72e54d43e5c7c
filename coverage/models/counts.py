"""Coverage kept as it changes, so that a province's figures are sums over small tables.

Recounting coverage from rosters and training records on every page costs seconds at
province scale (1M people, 3M records) and grows faster than the data. These two tables
hold the same facts, maintained by `coverage/counts/` in the transaction that changes the
rosters or records, and compared with a full recount by a periodic task (drift is logged and
repaired). Nothing else writes them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from coverage.models.organisations import Enterprise
from coverage.models.people import Person
from coverage.models.training import TrainingTarget


class CoveredPerson(models.Model):
    """The person has a record counting toward the target, dated inside its period."""

    target = models.ForeignKey(TrainingTarget, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    # The earliest qualifying date: when the person became covered (monthly trends).
    first_on = models.DateField(_("covered since"))
    # Qualifying records dated in the target's counting year, kept only for targets with
    # frequency rules (0 for the others): an entry of a group needing N a year is covered
    # when this reaches N (coverage/counts/frequency.py).
    in_year = models.PositiveIntegerField(_("trainings this year"), default=0, db_default=0)

    class Meta:
        verbose_name = _("covered person")
        verbose_name_plural = _("covered people")
        constraints = [
            models.UniqueConstraint(fields=["target", "person"], name="covered_person_unique"),
        ]
        indexes = [models.Index(fields=["person"], name="covered_person_by_person")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.target_id}"


class EnterpriseCoverage(models.Model):
    """Per enterprise, target and required role: active roster entries, and how many of
    them belong to covered people. Kept for every organisation whatever its key designation
    or region, which the figures read at query time, so editing those changes no count."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="coverage_counts"
    )
    target = models.ForeignKey(TrainingTarget, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=12)
    # Plain integers: a count gone wrong must not refuse the user's change that moved it;
    # the periodic comparison with a recount reports and repairs it.
    required = models.IntegerField(default=0)
    covered = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("enterprise coverage count")
        verbose_name_plural = _("enterprise coverage counts")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "target", "role"], name="enterprise_coverage_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["target", "enterprise"], name="enterprise_coverage_by_target")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.target_id} {self.role}: {self.covered}/{self.required}"
