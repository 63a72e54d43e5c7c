"""Publicity page models, index filters, site search, Open Graph tags and the sitemap, on the
demo content (tests/publicity/conftest.py)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from courses.models import CourseIndexPage, CoursePage, LessonPage
from coverage.designations.selectors import industries_key
from coverage.models import Industry, Region
from publicity.models import (
    ArticleIndexPage,
    ArticlePage,
    CampaignIndexPage,
    CampaignPage,
    CaseIndexPage,
    CasePage,
    FilingStatus,
    HomePage,
    Topic,
    WarningBaseIndexPage,
    WarningBasePage,
)

pytestmark = pytest.mark.django_db


def index(model):
    return model.objects.get()


def test_demo_puts_each_page_type_under_its_index(publicity_demo):
    for index_model, page_model in [
        (ArticleIndexPage, ArticlePage),
        (CaseIndexPage, CasePage),
        (CampaignIndexPage, CampaignPage),
        (WarningBaseIndexPage, WarningBasePage),
    ]:
        parent = index(index_model)
        assert parent.get_parent().specific == publicity_demo
        assert page_model.objects.count() == page_model.objects.child_of(parent).count() > 0


def test_demo_has_articles_on_every_topic_and_a_case_in_every_key_industry(publicity_demo):
    for topic in Topic:
        assert ArticlePage.objects.live().filter(topic=topic).count() >= 2
    key = set(industries_key().values_list("code", flat=True))
    assert set(CasePage.objects.live().values_list("industry__code", flat=True)) == key
    years = set(CampaignPage.objects.live().values_list("year", flat=True))
    assert {2025, 2026} <= years


def test_page_types_can_only_be_created_where_they_belong(publicity_demo):
    articles, cases = index(ArticleIndexPage), index(CaseIndexPage)
    assert ArticlePage.can_create_at(articles)
    assert not ArticlePage.can_create_at(cases)
    assert not ArticlePage.can_create_at(publicity_demo)
    assert CasePage.can_create_at(cases)
    assert not WarningBasePage.can_create_at(articles)
    # One index of each kind, like one home page.
    assert not ArticleIndexPage.can_create_at(publicity_demo)
    assert not HomePage.can_create_at(publicity_demo)


def new_base(**fields):
    defaults = {
        "title": "测试基地",
        "slug": "test-base",
        "region": Region.objects.get(code="220800"),
        "host": "测试单位",
        "address": "白城市测试路1号",
    }
    return WarningBasePage(**{**defaults, **fields})


def test_a_filed_base_needs_its_filing_date(publicity_demo):
    bases = index(WarningBaseIndexPage)
    with pytest.raises(ValidationError) as error:
        bases.add_child(instance=new_base(filing_status=FilingStatus.FILED, filed_on=None))
    assert "filed_on" in error.value.message_dict
    base = bases.add_child(
        instance=new_base(filing_status=FilingStatus.FILED, filed_on=datetime.date(2025, 1, 2))
    )
    assert base.pk


def test_a_campaigns_year_is_the_year_it_starts_and_it_ends_after_it_starts(publicity_demo):
    campaign = CampaignPage(
        title="测试活动",
        slug="test-campaign",
        industry=Industry.objects.get(code="mining"),
        region=Region.objects.get(code="220100"),
        year=2025,
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 2, 1),
    )
    with pytest.raises(ValidationError) as error:
        index(CampaignIndexPage).add_child(instance=campaign)
    assert set(error.value.message_dict) >= {"year", "end_date"}


def test_a_case_cannot_have_happened_in_the_future(publicity_demo):
    case = CasePage(
        title="测试案例",
        slug="test-case",
        industry=Industry.objects.get(code="mining"),
        region=Region.objects.get(code="220502"),
        occurred_on=datetime.date.today() + datetime.timedelta(days=30),  # noqa: DTZ011
        accident_type="collapse",
        what_happened="<p>x</p>",
        causes="<p>x</p>",
        lessons="<p>x</p>",
        prevention="<p>x</p>",
    )
    with pytest.raises(ValidationError) as error:
        index(CaseIndexPage).add_child(instance=case)
    assert "occurred_on" in error.value.message_dict


def listed(response) -> list[str]:
    return [page.slug for page in response.context["items"]]


def test_articles_filter_by_topic_with_counts_per_topic(publicity_demo, client):
    response = client.get("/articles/?topic=traffic")
    assert response.status_code == 200
    assert sorted(listed(response)) == ["commute-safety", "truck-drivers"]
    assert response.context["topic_counts"][Topic.TRAFFIC] == 2
    assert "(2)" in response.text


def test_articles_filter_by_tag_and_year(publicity_demo, client):
    response = client.get("/articles/", {"tag": "尘肺病"})
    assert listed(response) == ["dust-lungs"]
    response = client.get("/articles/?year=2026")
    assert set(listed(response)) == {
        "chemical-poisoning",
        "machine-guard",
        "truck-drivers",
        "blood-pressure",
        "prevention-fund",
    }


def test_cases_filter_by_city_including_its_counties_and_by_industry(publicity_demo, client):
    response = client.get("/cases/?region=220100")
    assert set(listed(response)) == {"scaffold-fall", "forklift", "press-hand"}
    response = client.get("/cases/?region=220100&industry=transport")
    assert listed(response) == ["forklift"]


def test_campaigns_filter_by_year_and_region_and_drafts_never_show(publicity_demo, client):
    response = client.get("/campaigns/?year=2025")
    assert len(listed(response)) == 5
    assert "2025-cc-transport-draft" not in listed(response)
    response = client.get("/campaigns/?year=2025&region=220100")
    assert set(listed(response)) == {"2025-cc-construction", "2025-cy-machinery"}


def test_base_directory_filters_by_filing_status(publicity_demo, client):
    response = client.get("/bases/?filing_status=filed")
    assert "gongzhuling" not in listed(response)
    assert "baicheng" not in listed(response)
    assert response.context["result_count"] == 13
    response = client.get("/bases/?region=220800")
    assert set(listed(response)) == {"baicheng", "taobei"}


def test_bad_filter_values_are_ignored_not_a_server_error(publicity_demo, client):
    response = client.get(
        "/cases/?year=abc&region=999999&industry=%3Cscript%3E&accident_type=x&page=-3"
    )
    assert response.status_code == 200
    assert response.context["result_count"] == CasePage.objects.live().count()
    assert "ignored" in response.text or "忽略" in response.text
    response = client.get("/articles/?year=1900&topic=nope&page=999")
    assert response.status_code == 200


def test_a_filter_without_results_says_so(publicity_demo, client):
    response = client.get("/cases/?region=220800")
    assert listed(response) == []
    assert response.context["result_count"] == 0
    assert 'class="empty"' in response.text


def test_listing_paginates_and_keeps_the_filters(publicity_demo, client, monkeypatch):
    monkeypatch.setattr("publicity.listings.LISTING_PAGE_SIZE", 4)
    response = client.get("/articles/?year=2025")
    assert len(listed(response)) == 4
    assert "?year=2025&amp;page=2" in response.text
    second = client.get("/articles/?year=2025&page=2")
    assert not set(listed(second)) & set(listed(response))


def test_case_index_costs_the_same_queries_whatever_the_number_of_cases(
    publicity_demo, client, django_assert_max_num_queries
):
    # Cases with pictures, industries and regions: no query per listed page.
    pictured = ArticlePage.objects.first().listing_image
    for case in CasePage.objects.all():
        case.listing_image = pictured
        case.save()
    client.get("/cases/?year=2024")  # renditions made once
    # 14, and one for the page cache to be sure the page is not private.
    with django_assert_max_num_queries(15):
        response = client.get("/cases/")
    assert len(listed(response)) == 6


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "安全带",
            {"scaffold-fall", "height-work", "2026-ng-construction", "2025-cc-construction"},
        ),
        ("尘肺", {"dust-lungs"}),
        ("AED", {"heart-on-duty"}),
        ("高处坠落 南关区", {"scaffold-fall"}),
    ],
)
def test_site_search_finds_chinese_words_inside_sentences(publicity_demo, client, query, expected):
    response = client.get("/publicity/search/", {"q": query})
    assert response.status_code == 200
    found = {page.slug for page in response.context["items"]}
    assert expected <= found


def test_site_search_never_shows_drafts_and_handles_empty_queries(publicity_demo, client):
    response = client.get("/publicity/search/", {"q": "草稿"})
    assert {page.slug for page in response.context["items"]} == set()
    response = client.get("/publicity/search/", {"q": "  "})
    assert response.status_code == 200
    assert response.context["items"] is None


def test_site_search_never_shows_lesson_content(publicity_demo, client):
    index = publicity_demo.add_child(instance=CourseIndexPage(title="在线课程", slug="courses"))
    course = index.add_child(
        instance=CoursePage(title="尘肺病防治课程", slug="dust", credit_hours=1, summary="防尘")
    )
    course.add_child(
        instance=LessonPage(
            title="尘肺病随堂测验",
            slug="quiz",
            body=[{"type": "paragraph", "value": "<p>尘肺病的答案是佩戴防尘口罩</p>"}],
        )
    )
    found = {
        page.slug for page in client.get("/publicity/search/", {"q": "尘肺病"}).context["items"]
    }
    assert "dust-lungs" in found and "quiz" not in found


def og(response, prop: str) -> str:
    match = re.search(rf'<meta property="og:{prop}" content="([^"]*)">', response.text)
    assert match, f"og:{prop} missing"
    return match.group(1)


def test_an_article_has_open_graph_tags_for_wechat(publicity_demo, client):
    response = client.get("/articles/dust-lungs/")
    article = ArticlePage.objects.get(slug="dust-lungs")
    assert og(response, "title") == article.title
    assert og(response, "description") == article.summary
    assert og(response, "type") == "article"
    assert og(response, "url") == "http://testserver/articles/dust-lungs/"
    image = og(response, "image")
    assert image.startswith("http://testserver/media/images/") and ".fill-1200x630" in image
    assert f'<meta name="description" content="{article.summary}">' in response.text


def test_the_home_page_shares_the_default_picture(publicity_demo, client):
    response = client.get("/")
    assert og(response, "image") == "http://testserver/static/img/share-default.png"
    assert og(response, "description") == publicity_demo.intro
    assert og(response, "type") == "website"


def test_home_page_shows_the_featured_campaign_latest_articles_cases_and_entry_points(
    publicity_demo, client
):
    response = client.get("/")
    assert response.context["featured_campaign"].slug == "2026-province-transport"
    assert len(response.context["latest_articles"]) == 4
    assert len(response.context["latest_cases"]) == 3
    assert 'href="/learn/"' in response.text
    assert 'href="/accounts/me/"' in response.text
    assert "/bases/" in response.text and "/campaigns/" in response.text


def test_sitemap_lists_live_publicity_pages(publicity_demo, client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    text = response.content.decode()
    for path in [
        "/articles/dust-lungs/",
        "/cases/tank-cleaning/",
        "/bases/changchun/",
        "/campaigns/",
    ]:
        assert path in text
    assert "2025-cc-transport-draft" not in text
