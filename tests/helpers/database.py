"""A migrated test database, made once per set of migrations and copied for every run.

Migrating an empty database takes more than a minute here (some 250 migrations); copying a
migrated one takes milliseconds (SQLite: a file copy; PostgreSQL: CREATE DATABASE … TEMPLATE).
The template is named by a digest of every installed app's migration files, so a new or
edited migration (ours or a dependency's after an upgrade) makes a new template, and each run
still gets a database of its own, which its Celery worker opens too: two runs on one machine
never share one.

Why not a stable name and pytest-django's --reuse-db: transactional tests end by emptying the
database (flush), rows that migrations made included (Wagtail's root page, the default site),
so a database kept from the last run would lack them.
"""

import contextlib
import hashlib
import importlib
import os
import shutil
import sqlite3
from pathlib import Path

from django.apps import apps
from django.db import DatabaseError, connection, connections
from django.db.migrations.loader import MigrationLoader


def migrations_digest() -> str:
    """A digest of the migration files of every installed app and of the database engine."""
    digest = hashlib.sha256(connection.vendor.encode())
    for app in sorted(apps.get_app_configs(), key=lambda app: app.label):
        module_name, _explicit = MigrationLoader.migrations_module(app.label)
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue  # an app without migrations
        for folder in getattr(module, "__path__", []):
            for path in sorted(Path(folder).glob("*.py")):
                digest.update(f"{app.label}/{path.name}".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _sqlite_template(digest: str) -> Path:
    return Path(connection.settings_dict["TEST"]["NAME"]).with_name(
        f"test-db-template-{digest}.sqlite3"
    )


def _postgres_template(test_name: str, digest: str) -> str:
    # One template for all of a run's xdist workers (test_test_gw0, test_test_gw1, …).
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        test_name = test_name.removesuffix(f"_{worker}")
    return f"{test_name}_template_{digest}"[:63]


def _sqlite_files(name: str) -> list[Path]:
    return [Path(name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]


def template_copy(digest: str) -> bool:
    """Make this run's test database a copy of the template, if there is one."""
    test_name = connection.settings_dict["TEST"]["NAME"]
    if connection.vendor == "sqlite":
        template = _sqlite_template(digest)
        if not test_name or not template.exists():
            return False
        for path in _sqlite_files(test_name):
            path.unlink(missing_ok=True)
        shutil.copyfile(template, test_name)
        return True
    if connection.vendor == "postgresql":
        test_name = test_name or f"test_{connection.settings_dict['NAME']}"
        template = _postgres_template(test_name, digest)
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            if cursor.fetchone() is None:
                return False
            cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}"')
            cursor.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')
        return True
    return False


def template_save(digest: str) -> None:
    """Keep the freshly migrated test database as the template (once per digest), and drop the
    templates of other digests."""
    test_name = connection.settings_dict["NAME"]  # setup_databases switched to the test database
    if connection.vendor == "sqlite":
        template = _sqlite_template(digest)
        if template.exists():
            return
        partial = template.with_name(f"{template.name}.{os.getpid()}")
        with sqlite3.connect(test_name) as source, sqlite3.connect(partial) as target:
            source.backup(target)
        source.close()
        target.close()
        os.replace(partial, template)  # whole or absent, whatever another run is doing
        for old in template.parent.glob("test-db-template-*.sqlite3"):
            if old != template:
                old.unlink(missing_ok=True)
    elif connection.vendor == "postgresql":
        template = _postgres_template(test_name, digest)
        prefix = _postgres_template(test_name, "")
        connections.close_all()  # CREATE DATABASE … TEMPLATE needs the source unused
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix]
            )
            existing = {name for (name,) in cursor.fetchall()}
            if template not in existing:
                with contextlib.suppress(DatabaseError):  # another run made it meanwhile
                    cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{test_name}"')
            for old in existing - {template}:
                with contextlib.suppress(DatabaseError):  # another run is copying it
                    cursor.execute(f'DROP DATABASE IF EXISTS "{old}"')


def run_database_drop() -> None:
    """Drop this run's copy (pytest-django keeps a database it did not create)."""
    test_name = connection.settings_dict["NAME"]
    connections.close_all()
    if connection.vendor == "sqlite":
        for path in _sqlite_files(test_name):
            path.unlink(missing_ok=True)
    elif connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}"')
