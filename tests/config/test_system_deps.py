"""scripts/system-deps on a machine that lacks Chromium, ffmpeg and gettext and cannot install them:
it must stop at once and name the one command to run, never hang on a password prompt."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "system-deps"
INSTALL = "sudo apt-get update && sudo apt-get install -y --no-install-recommends"


@pytest.fixture
def bare_path():
    """A PATH folder holding only apt-get: no chromium, ffmpeg, msgfmt, nor sudo."""
    folder = tempfile.mkdtemp(prefix="yufang-path-", dir="/tmp")
    os.chmod(folder, 0o755)  # readable by the unprivileged user the script runs as
    apt_get = shutil.which("apt-get")
    if apt_get:
        os.symlink(apt_get, os.path.join(folder, "apt-get"))
    yield folder
    shutil.rmtree(folder)


def run_unprivileged(
    *args: str, path: str, **env: str
) -> tuple[subprocess.CompletedProcess, float]:
    """Run the script as a user who is not root (nobody, when the tests run as root)."""
    command = ["/usr/bin/env", "-i", f"PATH={path}", *(f"{k}={v}" for k, v in env.items())]
    # The script comes on standard input, so the unprivileged user needs no access to the clone.
    command += ["/bin/bash", "-s", "--", *args]
    if os.geteuid() == 0:
        command = ["/usr/sbin/runuser", "-u", "nobody", "--", *command]
    started = time.monotonic()
    result = subprocess.run(
        command,
        input=SCRIPT.read_text(),
        capture_output=True,
        text=True,
        cwd="/",
        timeout=30,
    )
    return result, time.monotonic() - started


def test_without_root_or_sudo_it_stops_at_once_with_the_install_command(bare_path):
    result, took = run_unprivileged("test", path=bare_path)

    assert result.returncode == 1, result.stderr
    assert took < 5
    assert "sudo needs a password" in result.stderr or "apt-get is not on PATH" in result.stderr
    install_line = next(line for line in result.stderr.splitlines() if INSTALL in line)
    packages = install_line.split(INSTALL)[1].split()
    assert {"chromium", "ffmpeg", "gettext"} <= set(packages)


def test_dry_run_installs_nothing_and_names_every_missing_package(bare_path):
    result, took = run_unprivileged("ci", path=bare_path, SYSTEM_DEPS_DRY="1")

    assert result.returncode == 1
    assert took < 5
    assert "nothing was installed" in result.stderr
    assert f"{INSTALL} chromium" in result.stderr
    assert "postgresql-client" in result.stderr  # .ci/run's pg_isready


def test_an_unknown_purpose_is_refused():
    result = subprocess.run(
        ["/bin/bash", str(SCRIPT), "tset"], capture_output=True, text=True, timeout=30
    )

    assert result.returncode == 2
    assert "unknown purpose 'tset'" in result.stderr
