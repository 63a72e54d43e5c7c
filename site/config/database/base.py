"""Django's PostgreSQL backend whose connections honour the request's deadline (deadline.py)."""

import psycopg
from django.db.backends.postgresql import base

from config.database.deadline import DeadlineConnection


class _Psycopg:
    """psycopg as Django's backend sees it, connecting with DeadlineConnection."""

    connect = DeadlineConnection.connect

    def __getattr__(self, name):
        return getattr(psycopg, name)


class DatabaseWrapper(base.DatabaseWrapper):
    Database = _Psycopg()
