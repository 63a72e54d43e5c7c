"""The production environment as docker/example.env documents it, and what production refuses."""

import re
import subprocess
import sys

import pytest
from django.conf import settings

from tests.helpers.manage import PRODUCTION_ENV, manage

EXAMPLE_ENV = settings.BASE_DIR / "docker" / "example.env"


def example_environment() -> dict[str, str]:
    """docker/example.env with every empty secret made by the command written above it, and
    ${NAME} references expanded as compose does."""
    values: dict[str, str] = {}
    command = None
    for line in EXAMPLE_ENV.read_text().splitlines():
        if line.startswith("# generate: "):
            command = line.removeprefix("# generate: ")
            continue
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        if not value:
            assert command, f"{name} is empty and no '# generate:' line says how to make it"
            argv = command.replace("python ", f"{sys.executable} ", 1)
            value = subprocess.run(
                argv, shell=True, capture_output=True, text=True, check=True
            ).stdout.strip()
        command = None
        values[name] = re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], value)
    return values


@pytest.mark.slow
def test_example_env_with_its_generated_secrets_passes_the_deployment_check():
    env = example_environment()
    assert env["TRUSTED_PROXY_COUNT"] == "1"
    for name in ("SECRET_KEY", "PII_ENCRYPTION_KEYS", "PII_HASH_KEY", "POSTGRES_PASSWORD"):
        assert len(env[name]) >= 32, name
    assert env["POSTGRES_PASSWORD"] in env["DATABASE_URL"]
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("key", ["short", "x" * 31])
def test_production_refuses_a_short_pii_hash_key(key):
    result = manage("check", env={**PRODUCTION_ENV, "PII_HASH_KEY": key})
    assert result.returncode != 0
    assert (
        f"PII_HASH_KEY must be at least 32 random characters in production (it has {len(key)})"
        in result.stderr
    )


@pytest.mark.slow
def test_production_accepts_a_hash_key_of_32_characters():
    result = manage("check", env={**PRODUCTION_ENV, "PII_HASH_KEY": "k" * 32})
    assert result.returncode == 0, result.stderr


def test_nginx_and_the_media_bucket_make_the_same_folders_public():
    from config.object_storage import ATTACHMENT_PREFIXES, PUBLIC_PREFIXES

    template = (settings.BASE_DIR / "docker" / "nginx" / "yufang.conf.template").read_text()
    served = set(re.findall(r"location /media/(\S+/) \{", template))
    assert served == set(PUBLIC_PREFIXES)
    originals = template[template.index("location /media/media/originals/") :]
    assert "Content-Disposition attachment" in originals[: originals.index("\n    }")]
    assert ATTACHMENT_PREFIXES == ("media/originals/",)
