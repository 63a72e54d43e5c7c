"""Single-row changes keep the maintained coverage exact, whoever makes them (a service, the
admin, a factory in a test): every save or delete of a roster entry or training record, and
every change of a record's targets, goes through the ORM's signals, inside the caller's
transaction. Bulk writes send no signals; their services call `maintain` themselves."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from coverage.counts import maintain
from coverage.models import (
    Enterprise,
    RosterEntry,
    TrainingFrequency,
    TrainingRecord,
    TrainingTarget,
)


@receiver([post_save, post_delete], sender=RosterEntry)
def roster_entry_changed(sender, instance: RosterEntry, raw=False, **kwargs) -> None:
    if raw:  # loaddata: the data's own maintained rows come with it, or a rebuild follows
        return
    with transaction.atomic():
        maintain.people_lock([instance.person_id])
        maintain.enterprises_recount([instance.enterprise_id], lock_people=False)


@receiver(post_save, sender=TrainingRecord)
def training_record_saved(sender, instance: TrainingRecord, created, raw=False, **kwargs) -> None:
    # A new record counts toward nothing until its targets are set (m2m_changed below).
    if not created and not raw:
        maintain.people_refresh([instance.person_id])


@receiver(post_delete, sender=TrainingRecord)
def training_record_deleted(sender, instance: TrainingRecord, **kwargs) -> None:
    maintain.people_refresh([instance.person_id])


@receiver(m2m_changed, sender=TrainingRecord.targets.through)
def training_record_targets_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        maintain.people_refresh([instance.person_id])
    elif isinstance(instance, TrainingTarget):
        records = TrainingRecord.objects.all()
        if pk_set is not None:
            records = records.filter(pk__in=pk_set)
        else:  # post_clear from the target's side: the records are gone from it already
            maintain.target_rebuild(instance)
            return
        maintain.people_refresh(records.values_list("person_id", flat=True))


@receiver(post_save, sender=TrainingTarget)
def training_target_saved(sender, instance: TrainingTarget, raw=False, **kwargs) -> None:
    if not raw:
        maintain.target_rebuild(instance)


@receiver([post_save, post_delete], sender=TrainingFrequency)
def training_frequency_changed(sender, instance: TrainingFrequency, raw=False, **kwargs) -> None:
    # Deleted with its target: the target's maintained rows go with it, nothing to rebuild.
    origin = kwargs.get("origin")  # what delete() was called on: an instance or a queryset
    if raw or getattr(origin, "model", type(origin)) is TrainingTarget:
        return
    maintain.target_rebuild(TrainingTarget.objects.get(pk=instance.target_id))


@receiver(post_save, sender=Enterprise)
def enterprise_saved(sender, instance: Enterprise, created, raw=False, update_fields=None, **kw):
    """An enterprise's industry decides which frequency group its entries are in. A save that
    names its fields without the industry changes no group (is_key, contact edits)."""
    if (
        raw
        or created
        or (update_fields is not None and not {"industry", "industry_id"} & update_fields)
    ):
        return
    if TrainingFrequency.objects.filter(industry__isnull=False).exists():
        maintain.enterprises_recount([instance.pk])
