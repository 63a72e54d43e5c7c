import importlib

import pytest
from django.apps import apps

from coverage.models import DepartmentScope, Industry
from coverage.services import industries_load_key

pytestmark = pytest.mark.django_db

seed_migration = importlib.import_module("coverage.migrations.0012_department_scopes")


def industry_codes(department: str) -> set[str]:
    scope = DepartmentScope.objects.get(department=department)
    return set(scope.industries.values_list("code", flat=True))


def test_migration_links_existing_industries_to_the_plans_departments():
    DepartmentScope.objects.all().delete()
    industries_load_key()
    Industry.objects.create(code="healthcare", name="医疗卫生")

    seed_migration.seed(apps, None)

    assert industry_codes("housing") == {"construction"}
    assert industry_codes("transport") == {"transport"}
    assert industry_codes("emergency") == {"hazardous_chemicals", "mining", "machinery"}
    assert industry_codes("health") == {"healthcare"}
    assert set(
        DepartmentScope.objects.filter(all_industries=True).values_list("department", flat=True)
    ) == {"hrss", "social_insurance", "finance", "union"}
    assert DepartmentScope.objects.count() == 9


def test_migration_keeps_an_edited_mapping():
    DepartmentScope.objects.all().delete()
    seed_migration.seed(apps, None)
    housing = DepartmentScope.objects.get(department="housing")
    housing.all_industries = True
    housing.save()

    seed_migration.seed(apps, None)

    assert DepartmentScope.objects.get(department="housing").all_industries


def test_key_industries_loaded_after_the_migration_join_their_departments():
    DepartmentScope.objects.all().delete()
    seed_migration.seed(apps, None)  # a fresh database: departments before industries

    industries_load_key()

    assert industry_codes("housing") == {"construction"}
    assert industry_codes("emergency") == {"hazardous_chemicals", "mining", "machinery"}
    assert industry_codes("miit") == {"machinery"}


def test_reloading_key_industries_leaves_an_edited_mapping_alone():
    DepartmentScope.objects.all().delete()
    seed_migration.seed(apps, None)
    industries_load_key()
    DepartmentScope.objects.get(department="housing").industries.clear()

    industries_load_key()

    assert industry_codes("housing") == set()
