from pathlib import PurePosixPath

from django.db import transaction
from django.db.models.signals import post_delete

from media.storage import tree_delete

ORIGINALS = "media/originals/"


def _delete_outputs(instance, **kwargs):
    # wagtailmedia deletes the original and the poster; the rest is ours to remove: every run's
    # outputs (a killed run may have left some) and the original's folder of its own.
    folders = [f"media/renditions/{instance.pk}"]
    if instance.file.name.startswith(ORIGINALS):
        folders.append(str(PurePosixPath(instance.file.name).parent))

    def delete():
        for folder in folders:
            tree_delete(folder)

    transaction.on_commit(delete)


def register_signal_handlers() -> None:
    from media.models import MediaItem

    post_delete.connect(_delete_outputs, sender=MediaItem, dispatch_uid="media_delete_outputs")
