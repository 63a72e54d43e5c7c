"""The benchmarks' database: PostgreSQL only, and never the test suite's."""

import os
import sys

BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/yufang_bench"


def bench_django_setup() -> None:
    """Configure Django for a benchmark run, or exit with the reason it cannot run."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    # DEBUG keeps every query in memory and wraps every cursor: it would distort the timings.
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(
            "The benchmarks need PostgreSQL (they compare against COPY and raw SQL on the same "
            f"server); DATABASE_URL points at {connection.vendor}. Run `make bench`, or set\n"
            f"  DATABASE_URL={BENCH_DATABASE_URL}"
        )
    name = connection.settings_dict["NAME"]
    if name == "test" or name.startswith("test_"):
        sys.exit(
            f"DATABASE_URL names the database “{name}”, which the test suite uses; the benchmarks "
            f"truncate what they load. Use a database of their own, e.g. {BENCH_DATABASE_URL}."
        )


def database_name() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


def bench_database_create() -> None:
    """Create the database DATABASE_URL names, on its server, unless it exists (make bench)."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"The benchmarks need a PostgreSQL DATABASE_URL, e.g. {BENCH_DATABASE_URL}")
    params = conninfo_to_dict(url)
    name = params.pop("dbname")
    if name == "test" or name.startswith("test_"):
        sys.exit(f"“{name}” is the test suite's database; the benchmarks need their own.")
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database “{name}”.")


if __name__ == "__main__":
    bench_database_create()
