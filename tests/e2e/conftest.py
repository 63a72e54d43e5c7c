"""Browser tests: Debian's Chromium driven by Playwright (pytest-playwright's `browser`).

Playwright cannot download a browser here, so it always launches /usr/bin/chromium
(apt-get install chromium). Each page fixture saves a screenshot under
var/test-artifacts/ when the test ends, to look at what the test saw.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; live_server's database calls from
# the test are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "test-artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _page(browser, request, artifacts_dir, viewport, **options):
    context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
    page = context.new_page()
    yield page
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
    try:
        page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def phone_page(browser, request, artifacts_dir):
    """A page at a 360×740 phone viewport with touch, as workers use the site."""
    yield from _page(
        browser,
        request,
        artifacts_dir,
        PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )


@pytest.fixture
def desktop_page(browser, request, artifacts_dir):
    """A page at a 1280×900 desktop viewport, as regulators use the site."""
    yield from _page(browser, request, artifacts_dir, DESKTOP)
