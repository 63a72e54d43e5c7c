# Fewer indexes for the roster import to maintain (tests/bench/README.md, "Roster import"):
# a person's ID-number hash unique through a constraint, without the varchar_pattern_ops twin
# that `unique=True` adds on PostgreSQL; no partial index on an active entry's person (the
# unique constraint's index starts with the person); no index on an entry's import.
# Rebuilding the unique index takes a few seconds at a million people.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0016_key_flags_remove"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="rosterentry",
            name="roster_active_by_person",
        ),
        migrations.AlterField(
            model_name="rosterentry",
            name="source_import",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="entries",
                to="coverage.rosterimport",
            ),
        ),
        # The constraint first, so that the hash is never without a unique index.
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                fields=("id_number_hash",), name="person_id_number_hash_unique"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="id_number_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
    ]
