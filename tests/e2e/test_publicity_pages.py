"""The publicity pages in Chromium at a phone's 360 px and a desktop's 1280 px: no sideways
scrolling on the phone, and screenshots of each kept in var/test-artifacts/."""

import pytest
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page

from coverage.services import industries_load_key, regions_load_jilin
from demo.installers.publicity import publicity_demo_install

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("home", "/", "吉林省工伤预防培训平台"),
    ("article", "/articles/dust-lungs/", "粉尘作业岗位如何预防尘肺病"),
    ("case", "/cases/scaffold-fall/", "外墙脚手架高处坠落事故"),
    ("bases", "/bases/", "警示教育基地"),
]


@pytest.fixture
def demo_site():
    # Transactional tests flush the tables, Wagtail's root page, collection and locale with them.
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant("zh-hans"))
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    regions_load_jilin()
    industries_load_key()
    publicity_demo_install()


def visit_all(page, live_server, artifacts_dir, width: int) -> None:
    for name, path, heading in PAGES:
        page.goto(f"{live_server.url}{path}")
        assert heading in page.inner_text("h1")
        # Lazy pictures load as they scroll in: bring them all in before the screenshot.
        page.evaluate("document.querySelectorAll('img').forEach((img) => img.loading = 'eager')")
        page.wait_for_load_state("networkidle")
        broken = page.evaluate(
            "[...document.images].filter((img) => !img.complete || !img.naturalWidth).length"
        )
        assert broken == 0, f"{path}: {broken} pictures did not load"
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        inner_width = page.evaluate("window.innerWidth")
        assert scroll_width <= inner_width, f"{path} scrolls sideways at {width} px"
        page.screenshot(path=str(artifacts_dir / f"publicity-{name}-{width}.png"), full_page=True)


def test_publicity_pages_fit_a_phone_and_a_desktop(
    live_server, demo_site, phone_page, desktop_page, artifacts_dir
):
    visit_all(phone_page, live_server, artifacts_dir, 360)
    visit_all(desktop_page, live_server, artifacts_dir, 1280)
    for name, _path, _heading in PAGES:
        for width in (360, 1280):
            assert (artifacts_dir / f"publicity-{name}-{width}.png").stat().st_size > 0


def test_the_base_directory_filter_works_on_a_phone(live_server, demo_site, phone_page):
    phone_page.goto(f"{live_server.url}/bases/")
    phone_page.select_option("#id_region", "220800")
    phone_page.click("form.filters button[type=submit]")
    phone_page.wait_for_url("**/bases/?region=220800*")
    titles = phone_page.locator(".directory__item h3").all_inner_texts()
    assert sorted(titles) == sorted(
        ["白城市工伤预防警示教育基地（筹）", "洮北区交通安全警示教育室"]
    )
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_language_switch_works_on_a_page_from_the_cache(live_server, demo_site, phone_page):
    url = f"{live_server.url}/articles/dust-lungs/"
    assert phone_page.goto(url).headers.get("x-page-cache") == "miss"
    assert phone_page.goto(url).headers.get("x-page-cache") == "hit"
    # The cached page brought no token and no cookie: the form fetches them when submitted.
    assert not phone_page.context.cookies()
    phone_page.click("form.language-switch button[type=submit]")
    phone_page.wait_for_function("document.documentElement.lang === 'en'")
    assert phone_page.url == url
    assert "Sign in" in phone_page.inner_text("header")
    assert any(cookie["name"] == "csrftoken" for cookie in phone_page.context.cookies())
