"""The docs stay true: every environment variable the settings read is in docs/configuration.md
(and every one it lists is read), and every file path or dotted Python name the README and
docs/ quote in backticks exists."""

import ast
import importlib
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "site" / "config"
CONFIGURATION = ROOT / "docs" / "configuration.md"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# What a backticked repository path starts with; storage paths and URLs are written otherwise
# (`MEDIA_ROOT/…`, `/media/…`).
TOP = (
    "site/", "coverage/", "courses/", "media/", "jobs/", "demo/", "tests/", "docker/",
    "docs/", "scripts/", ".ci/",
)  # fmt: skip
FILES = {
    "Makefile", "pyproject.toml", "requirements.txt", "requirements-dev.txt", "manage.py",
    ".pre-commit-config.yaml", "README.md",
}  # fmt: skip
PACKAGES = ("config", "accounts", "publicity", "coverage", "courses", "media", "jobs", "demo")


def environment_variables_read() -> dict[str, str]:
    """Names read by env(...), env.<cast>(...), os.environ[...] / .get / .setdefault, os.getenv."""
    found = {}
    for path in CONFIG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            name = None
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                if (
                    (isinstance(func, ast.Name) and func.id in {"env", "getenv"})
                    or (isinstance(func, ast.Attribute) and _is_env(func.value))
                    or (isinstance(func, ast.Attribute) and func.attr == "getenv")
                ):
                    name = node.args[0]
            elif isinstance(node, ast.Subscript) and _is_environ(node.value):
                name = node.slice
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                found.setdefault(name.value, str(path.relative_to(ROOT)))
    return found


def _is_env(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "env") or _is_environ(node)


def _is_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def backticked(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)  # code blocks: commands
    return re.findall(r"`([^`\n]+)`", text)


def test_the_scan_finds_what_the_settings_read():
    names = environment_variables_read()

    # One of each kind of read: env(), env.<cast>(), os.environ.setdefault.
    assert {"SECRET_KEY", "DATABASE_URL", "PII_ENCRYPTION_KEYS", "DJANGO_SETTINGS_MODULE"} <= set(
        names
    )


def test_every_environment_variable_the_settings_read_is_documented():
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", CONFIGURATION.read_text()))

    read = environment_variables_read()
    missing = {name: where for name, where in read.items() if name not in documented}

    assert not missing, f"add to docs/configuration.md: {missing}"


def test_every_variable_the_configuration_page_lists_is_read():
    listed = set()
    for line in CONFIGURATION.read_text().splitlines():
        if line.startswith("| `"):
            listed |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))

    assert listed, "no table rows found"
    assert not listed - set(environment_variables_read()), "documented but never read"


def test_every_path_the_docs_name_exists():
    missing = []
    for page in PAGES:
        for quoted in backticked(page):
            path = quoted.split("::")[0].rstrip("/")
            if " " in path or any(c in path for c in "<>*…{}$"):
                continue
            if (path.startswith(TOP) or path in FILES) and not (ROOT / path).exists():
                missing.append(f"{page.name}: {quoted}")

    assert not missing, "\n".join(missing)


def test_every_dotted_python_name_the_docs_name_exists():
    # Two dots or more (`accounts.sms.ConsoleSmsBackend`, `config.settings.production`); one
    # dot is also how Celery tasks are named (`media.transcode`), which are not Python paths.
    missing = []
    for page in PAGES:
        for quoted in backticked(page):
            if not re.fullmatch(r"[a-z_]+(\.[A-Za-z_]+){2,}", quoted):
                continue
            if quoted.split(".")[0] in PACKAGES and not _resolves(quoted):
                missing.append(f"{page.name}: {quoted}")

    assert not missing, "\n".join(missing)


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        try:
            spec = importlib.util.find_spec(module)
        except ModuleNotFoundError:
            spec = None
        if spec is None:
            continue
        if cut == len(parts):
            return True  # a module: found without importing it (production settings refuse)
        target = importlib.import_module(module)
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def test_every_relative_link_the_docs_make_leads_to_a_file():
    missing = []
    for page in PAGES:
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
            path = target.split("#")[0]
            local = path and "://" not in path and not path.startswith(("/", "mailto:"))
            if local and not (page.parent / path).exists():
                missing.append(f"{page.name}: {target}")

    assert not missing, "\n".join(missing)
