"""One machine, no servers: SQLite, filesystem broker, database cache (see base.py defaults)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
