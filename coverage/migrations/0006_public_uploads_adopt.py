"""Roster uploads and training evidence stored before 0005 lie in plain text under public
media: move them into the encrypted private store (and delete the plaintext)."""

from django.db import migrations


def adopt(apps, schema_editor):
    from coverage.private_files.services import public_uploads_adopt

    public_uploads_adopt(model=apps.get_model("coverage", "RosterImport"), field="file")
    public_uploads_adopt(model=apps.get_model("coverage", "TrainingRecord"), field="evidence")


class Migration(migrations.Migration):
    dependencies = [("coverage", "0005_private_files")]

    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
