"""Reads of integrity signals: the reviewer's list and the dashboards' count."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from coverage.jurisdiction import integrity_signals_in_scope
from coverage.models import IntegritySignal


def integrity_signals_list(
    *, user, kind: str = "", reviewed: str = "", enterprise_id: int | None = None
) -> QuerySet[IntegritySignal]:
    """The signals the user may review, newest first; `reviewed` "yes" / "no" filters."""
    signals = integrity_signals_in_scope(user).select_related(
        "enterprise", "person", "session", "reviewed_by"
    )
    if kind in IntegritySignal.Kind.values:
        signals = signals.filter(kind=kind)
    if reviewed in ("yes", "no"):
        signals = signals.filter(reviewed_at__isnull=reviewed == "no")
    if enterprise_id is not None:
        signals = signals.filter(enterprise_id=enterprise_id)
    return signals


def integrity_open_count() -> Coalesce:
    """Unreviewed signals of the enterprise of the outer row, as an expression: annotated on
    the dashboards' enterprise query it adds a correlated count, not a query per row."""
    counted = (
        IntegritySignal.objects.filter(enterprise=OuterRef("pk"), reviewed_at__isnull=True)
        .order_by()
        .values("enterprise")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
