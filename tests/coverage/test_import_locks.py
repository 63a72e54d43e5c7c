"""The roster commit row-locks the stored people whose entries it changes (and those it takes
off the roster) before changing any entry, in ascending id order: a training record added for
one of them meanwhile waits, so covered counts move with the roster."""

import re

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from coverage.models import Person, RosterEntry, RosterImport
from coverage.rosters.files import RosterRow
from coverage.rosters.services import roster_import
from coverage.services import person_find, person_save
from tests.factories import EnterpriseFactory
from tests.helpers.identities import id_number

pytestmark = pytest.mark.django_db(transaction=True)


def row(n, role="其他"):
    return RosterRow(n + 1, f"职工{n}", id_number(n), "", role, "")


def _locked_elsewhere(person_ids: list[int]) -> dict[int, bool]:
    """person id → whether another connection finds the row locked against NO KEY UPDATE."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    found = {}
    with psycopg.connect(**params, autocommit=True) as other:
        for person_id in person_ids:
            try:
                other.execute(
                    "SELECT id FROM coverage_person WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                    [person_id],
                )
                found[person_id] = False
            except psycopg.errors.LockNotAvailable:
                found[person_id] = True
    return found


def test_people_whose_entries_change_are_locked_in_id_order_until_the_commit_ends():
    enterprise = EnterpriseFactory()
    with translation.override("en"):
        roster_import(enterprise=enterprise, rows=[row(n) for n in range(1, 6)], mode="add")
    person = {n: person_find(id_number=id_number(n)).pk for n in range(1, 6)}
    record = RosterImport.objects.create(enterprise=enterprise, filename="a.csv", mode="replace")
    # 1 and 4 change role, 2 is unchanged, 3 and 5 leave (replace), 6 is new.
    rows = [row(4, "一线班组长"), row(2), row(1, "分管负责人"), row(6)]
    seen = {}

    def look_while_storing_the_result(execute, sql, params, many, context):
        # The last statement of the commit: every entry has changed by now.
        if sql.startswith('UPDATE "coverage_rosterimport"') and connection.vendor == "postgresql":
            seen.update(_locked_elsewhere(list(person.values())))
        return execute(sql, params, many, context)

    with (
        translation.override("en"),
        CaptureQueriesContext(connection) as queries,
        connection.execute_wrapper(look_while_storing_the_result),
    ):
        result = roster_import(
            enterprise=enterprise, rows=rows, mode="replace", source_import=record
        )

    assert (result.created, result.updated, result.unchanged, result.ended) == (1, 2, 1, 2)
    expected = sorted(person[n] for n in (1, 3, 4, 5))
    locks = [q["sql"] for q in queries.captured_queries if _is_people_lock(q["sql"])]
    assert len(locks) == 1
    condition = locks[0].split("WHERE", 1)[1].split("ORDER BY", 1)[0]
    condition = re.sub(r"::[\w\[\]]+|\"\w+\"", "", condition)  # casts and names hold digits
    assert [int(n) for n in re.findall(r"\d+", condition)] == expected
    assert "ORDER BY" in locks[0]
    if connection.vendor == "postgresql":
        assert "FOR NO KEY UPDATE" in locks[0]
        assert seen == {pk: pk in expected for pk in person.values()}
        assert not any(_locked_elsewhere(list(person.values())).values())  # released


def _is_people_lock(sql: str) -> bool:
    return sql.startswith('SELECT "coverage_person"."id"') and "ORDER BY" in sql


def test_a_person_another_import_created_after_the_lookup_is_read_back_not_doubled():
    enterprise = EnterpriseFactory()
    created_meanwhile = []

    def create_after_the_lookup(execute, sql, params, many, context):
        # The enterprise lock is the commit's first statement; the lookup was before it.
        if sql.startswith('SELECT "coverage_enterprise"."id"') and not created_meanwhile:
            created_meanwhile.append(person_save(id_number=id_number(2), name="李四")[0].pk)
        return execute(sql, params, many, context)

    with translation.override("en"), connection.execute_wrapper(create_after_the_lookup):
        result = roster_import(enterprise=enterprise, rows=[row(1), row(2), row(3)], mode="add")

    assert (result.created, len(result.rejected)) == (3, 0)
    assert Person.objects.count() == 3
    assert person_find(id_number=id_number(2)).pk == created_meanwhile[0]
    assert set(
        RosterEntry.objects.filter(enterprise=enterprise, end_date__isnull=True).values_list(
            "person__id_number_masked", flat=True
        )
    ) == {Person.masks(id_number=id_number(n), phone="")["id_number_masked"] for n in (1, 2, 3)}
