"""Django's PostgreSQL backend whose connections honour the request's deadline (deadline.py)."""

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base

from config.database.deadline import DeadlineConnection, in_web_request


class _Psycopg:
    """psycopg as Django's backend sees it, connecting with DeadlineConnection."""

    connect = DeadlineConnection.connect

    def __getattr__(self, name):
        return getattr(psycopg, name)


class DatabaseWrapper(base.DatabaseWrapper):
    Database = _Psycopg()

    def get_connection_params(self):
        params = super().get_connection_params()
        # Only the web's connections: a migration adding an index at province scale, a
        # Celery import or a report task may rightly run a statement for minutes.
        if in_web_request() and settings.DB_STATEMENT_TIMEOUT_MS:
            options = params.get("options", "")
            params["options"] = f"{options} -c statement_timeout={settings.DB_STATEMENT_TIMEOUT_MS}"
        return params
