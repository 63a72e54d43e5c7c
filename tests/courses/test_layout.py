"""The courses part's modules import at module level only, and its sub-packages form no cycle."""

import ast
from pathlib import Path

from django.conf import settings

COURSES = Path(settings.BASE_DIR) / "courses"
SUB_PACKAGES = ("learning", "exams", "certificates", "organisations")


def _imports(source: Path) -> list[tuple[str, bool]]:
    """(module, at module level?) for every `from courses… import` of a file."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    return [
        (node.module, id(node) in top)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("courses")
    ]


def test_no_module_of_courses_imports_inside_a_function():
    for source in COURSES.rglob("*.py"):
        if "migrations" not in source.parts:
            for module, at_top in _imports(source):
                assert at_top, f"{source}: imports {module} inside a function"


def test_page_models_import_no_view_and_no_sub_package():
    for source in (COURSES / "models").rglob("*.py"):
        for module, _ in _imports(source):
            assert not module.startswith(tuple(f"courses.{name}" for name in SUB_PACKAGES))


def test_sub_packages_import_no_sibling():
    for name in SUB_PACKAGES:
        siblings = tuple(f"courses.{other}" for other in SUB_PACKAGES if other != name)
        for source in (COURSES / name).rglob("*.py"):
            for module, _ in _imports(source):
                assert not module.startswith(siblings), f"{source}: imports {module}"
