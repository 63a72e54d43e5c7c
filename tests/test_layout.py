import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    ("package", "folder"),
    [
        ("config", "site/config"),
        ("accounts", "site/accounts"),
        ("publicity", "site/publicity"),
        ("reports", "site/reports"),
        ("coverage", "coverage"),
        ("courses", "courses"),
        ("projects", "projects"),
        ("media", "media"),
        ("jobs", "jobs"),
    ],
)
def test_each_package_loads_from_inside_the_repository(package, folder):
    module = importlib.import_module(package)
    assert Path(module.__file__).resolve().parent == (ROOT / folder).resolve()


def test_coverage_is_our_app_not_coverage_py():
    assert apps.get_app_config("coverage").path == str((ROOT / "coverage").resolve())


def test_coverage_imports_none_of_the_parts_above_it():
    forbidden = (
        "from accounts",
        "import accounts",
        "from publicity",
        "from courses",
        "from config",
        "from projects",
        "import projects",
    )
    for source in (ROOT / "coverage").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert not any(word in text for word in forbidden), source


def test_uploads_are_not_in_the_media_package():
    assert not Path(settings.MEDIA_ROOT).resolve().is_relative_to((ROOT / "media").resolve())


@pytest.mark.slow
def test_compose_file_runs_every_service_of_a_node():
    import yaml

    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text(encoding="utf-8"))
    assert {"db", "redis", "web", "worker", "beat"} <= set(compose["services"])
    assert (ROOT / "docker" / "Dockerfile").exists()
    assert (ROOT / "docker" / "example.env").exists()
