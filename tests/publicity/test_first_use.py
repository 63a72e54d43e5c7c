"""What an editor and a visitor meet on first use (issue 14, items 12–19): the publishing path,
the admin in Chinese without gravatar, page titles, share descriptions, the footer's plan and
the filters' empty choice."""

import datetime
import re
import subprocess

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Workflow, WorkflowState

from coverage.dashboards.filters import EnterpriseFilterForm
from coverage.models import Region
from demo.installers.moderation import demo_moderation_install
from publicity.models import ArticleIndexPage, ArticlePage, CaseIndexPage, Topic
from tests.factories import TrainingTargetFactory, UserFactory

pytestmark = pytest.mark.django_db

OVERRIDE_PO = settings.SITE_DIR / "locale_overrides" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SITE_NAME = "吉林省工伤预防培训平台"


def staff(*groups: str, **fields):
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.text, re.S).group(1)


def test_locale_override_catalogue_is_complete_and_compiled(tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(compiled), str(OVERRIDE_PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert compiled.read_bytes() == OVERRIDE_PO.with_suffix(".mo").read_bytes()
    # makemessages writes to the first entry only: the override must never be it.
    assert settings.LOCALE_PATHS[0] == settings.SITE_DIR / "locale"


def test_editor_submits_and_the_demo_moderator_publishes(publicity_demo, client):
    workflow = demo_moderation_install()
    assert demo_moderation_install() == workflow  # again: nothing new
    assert Workflow.objects.filter(active=True).count() == 1
    assert not re.search(r"[A-Za-z]", workflow.name)
    task = workflow.tasks.get()
    assert not re.search(r"[A-Za-z]", task.name)

    editor = staff("Editors", email="e@example.cn")
    articles = ArticleIndexPage.objects.get()
    client.force_login(editor)
    add_url = f"/admin/pages/add/publicity/articlepage/{articles.pk}/"
    form = client.get(add_url)
    assert workflow.name in form.text and "Moderators approval" not in form.text
    assert 'name="action-publish"' not in form.text
    response = client.post(
        add_url,
        {
            "title": "新的文章",
            "slug": "new-article",
            "topic": Topic.values[0],
            "date": "2026-03-01",
            "summary": "摘要",
            "body-count": "0",
            "tags": "",
            "action-submit": "1",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    page = ArticlePage.objects.get(slug="new-article")
    assert not page.live
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    moderator = staff("Moderators", email="m@example.cn")
    client.force_login(moderator)
    approve = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", state.current_task_state.pk],
        ),
        {"comment": ""},
    )
    assert approve.status_code == 302
    page.refresh_from_db()
    assert page.live


def test_admin_explorer_and_editor_speak_chinese_without_gravatar(publicity_demo, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, email="a@example.cn"))
    articles = ArticleIndexPage.objects.get()
    explorer = client.get(f"/admin/pages/{articles.pk}/")
    assert explorer.status_code == 200
    for english in ("Date updated", "Edited by", "Page type"):
        assert f">{english}<" not in explorer.text and f"{english}</" not in explorer.text
    assert "更新日期" in explorer.text and "编辑人" in explorer.text
    editor = client.get(f"/admin/pages/add/publicity/articlepage/{articles.pk}/")
    assert "Autosave is paused" not in editor.text and "自动保存已暂停" in editor.text
    for page in (explorer, editor, client.get("/admin/")):
        assert "gravatar.com" not in page.text
    assert "Media files" not in client.get("/admin/").text


def test_slug_clash_on_first_save_is_chinese_on_the_slug_field(publicity_demo, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, email="a@example.cn"))
    articles = ArticleIndexPage.objects.get()
    taken = ArticlePage.objects.child_of(articles).first().slug
    response = client.post(
        f"/admin/pages/add/publicity/articlepage/{articles.pk}/",
        {
            "title": "重名",
            "slug": taken,
            "topic": Topic.values[0],
            "date": "2026-03-01",
            "body-count": "0",
            "tags": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["slug"]
    assert "推荐" in errors["slug"][0] and "缩略名" in errors["slug"][0]
    assert "页面未能创建" in response.text
    assert "validation errors" not in response.text


def test_titles_name_the_site_once_with_a_separator(publicity_demo, client):
    assert title_of(client.get("/")).strip() == SITE_NAME
    cases = CaseIndexPage.objects.get()
    assert title_of(client.get(cases.url)).strip() == f"{cases.title} · {SITE_NAME}"
    search = client.get("/search/?q=安全")
    assert title_of(search).strip().endswith(f" · {SITE_NAME}")
    assert not title_of(search).strip().startswith(" · ")


def test_list_pages_share_a_description_and_the_hero_image_is_not_lazy(publicity_demo, client):
    for index in (ArticleIndexPage.objects.get(), CaseIndexPage.objects.get()):
        html = client.get(index.url).text
        description = re.search(r'<meta property="og:description" content="([^"]*)"', html)
        assert description.group(1) == index.intro
    home = client.get("/").text
    hero = re.search(r'<img[^>]*class="feature__image"[^>]*>', home).group(0)
    assert 'loading="lazy"' not in hero


def test_footer_names_the_current_plan_even_on_cached_pages(publicity_demo, client):
    TrainingTargetFactory(
        code="old",
        name="旧计划（2021—2025年）",
        start_date=datetime.date(2021, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    assert "旧计划（2021—2025年）" in client.get("/").text
    today = timezone.localdate()
    TrainingTargetFactory(
        code="now",
        name="新计划（2026—2030年）",
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=365),
    )
    footer = re.search(r'<footer class="site-footer">.*?</footer>', client.get("/").text, re.S)
    assert "新计划（2026—2030年）" in footer.group(0)
    assert "2021" not in footer.group(0)


def test_empty_filter_choices_say_all(publicity_demo):
    form = EnterpriseFilterForm(region=Region.objects.get(code="220100"))
    html = str(form["area"]) + str(form["industry"])
    assert "---------" not in html
    assert html.count('<option value="" selected>全部</option>') == 2


def test_gravatar_is_off():
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
