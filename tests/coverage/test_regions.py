"""The region tree the tests insert (tests/helpers/regions.py) is the one `make run` loads."""

import pytest
from django.db import transaction

from coverage.models import Region
from coverage.services import regions_load_jilin
from tests.helpers.regions import jilin_insert

pytestmark = pytest.mark.django_db


def _tree() -> list[tuple]:
    return sorted(Region.objects.values_list("code", "name", "level", "parent__code", "path"))


def test_the_tests_jilin_tree_is_the_tree_make_run_loads():
    with transaction.atomic():
        regions_load_jilin()
        loaded = _tree()
        transaction.set_rollback(True)
    assert not Region.objects.exists()
    by_code = jilin_insert()
    assert _tree() == loaded
    assert len(loaded) > 60
    assert by_code["220102"].parent == by_code["220100"]


def test_loading_again_over_the_tests_tree_changes_nothing():
    jilin_insert()
    before = _tree()
    regions_load_jilin()
    assert _tree() == before
