"""Anonymous page views come from the cache, are purged on publish, are never shared with a
signed-in user, follow the interface language, carry no CSRF token (the language switch takes
the visitor's own when submitted) and are looked up only for paths no other view answers."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from wagtail.blocks import StructBlockValidationError
from wagtail.models import PageViewRestriction

from media.models import MediaItem
from publicity.blocks import CallToActionBlock
from publicity.caching import AnonymousPageCacheMiddleware
from publicity.models import ArticlePage
from tests.factories import MediaItemFactory, UserFactory

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/dust-lungs/"


def cache_state(response) -> str | None:
    return response.get("X-Page-Cache")


def token_inputs(response) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', response.text)


def test_the_second_anonymous_view_comes_from_the_cache(publicity_demo, client):
    first = client.get(ARTICLE)
    second = Client().get(ARTICLE)
    assert cache_state(first) == "miss"
    assert cache_state(second) == "hit"
    assert second.status_code == 200
    assert "粉尘作业岗位如何预防尘肺病" in second.text
    # The same bytes for everyone: no visitor's token in them, none minted for the hit.
    assert second.content == first.content
    assert token_inputs(second) == [""]
    assert "csrftoken" not in first.cookies and "csrftoken" not in second.cookies


def test_publishing_a_change_shows_at_once_to_anonymous_visitors(publicity_demo, client):
    client.get(ARTICLE)
    assert cache_state(Client().get(ARTICLE)) == "hit"
    client.get("/articles/")

    article = ArticlePage.objects.get(slug="dust-lungs")
    article.title = "尘肺病可防可控：粉尘岗位防护指南"
    article.save_revision().publish()

    response = Client().get(ARTICLE)
    assert cache_state(response) == "miss"
    assert "尘肺病可防可控：粉尘岗位防护指南" in response.text
    # Lists show it too: one publish makes every cached page stale.
    assert "尘肺病可防可控" in Client().get("/articles/").text


def test_unpublishing_and_deleting_purge_the_page(publicity_demo, client):
    client.get(ARTICLE)
    article = ArticlePage.objects.get(slug="dust-lungs")
    article.unpublish()
    assert Client().get(ARTICLE).status_code == 404

    client.get("/articles/noise-hearing/")
    ArticlePage.objects.get(slug="noise-hearing").delete()
    assert Client().get("/articles/noise-hearing/").status_code == 404


def test_a_signed_in_user_never_gets_nor_fills_the_anonymous_cache(publicity_demo, client):
    client.get(ARTICLE)  # cached for anonymous visitors
    member = Client()
    member.force_login(UserFactory())
    response = member.get(ARTICLE)
    assert cache_state(response) is None
    assert "account_logout" in response.text or "/accounts/logout/" in response.text

    member.get("/cases/")
    anonymous = Client().get("/cases/")
    assert cache_state(anonymous) == "miss"
    assert "/accounts/logout/" not in anonymous.text


def test_the_language_is_part_of_the_key(publicity_demo, client):
    chinese = client.get(ARTICLE)
    english_visitor = Client()
    english_visitor.cookies["django_language"] = "en"
    english = english_visitor.get(ARTICLE)
    assert '<html lang="zh-hans">' in chinese.text
    assert cache_state(english) == "miss"
    assert '<html lang="en">' in english.text
    again = english_visitor.get(ARTICLE)
    assert cache_state(again) == "hit"
    assert '<html lang="en">' in again.text


def test_the_language_switch_works_on_a_page_from_the_cache(publicity_demo, client):
    client.get(ARTICLE)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(ARTICLE)
    assert cache_state(page) == "hit"
    ask = re.search(r'data-csrf-from="([^"]+)"', page.text).group(1)
    assert 'src="/static/publicity/csrf_lazy.js"' in page.text

    # What csrf_lazy.js does on submit: the visitor's own token, and the cookie that matches.
    answer = visitor.get(ask)
    assert "no-store" in answer["Cache-Control"]
    assert "csrftoken" in answer.cookies
    token = answer.json()["token"]
    assert token != Client().get(ask).json()["token"]

    switched = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": ARTICLE, "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    assert '<html lang="en">' in visitor.get(ARTICLE).text


def test_a_post_without_the_token_is_still_refused(publicity_demo, client):
    client.get(ARTICLE)
    visitor = Client(enforce_csrf_checks=True)
    assert cache_state(visitor.get(ARTICLE)) == "hit"
    refused = visitor.post("/i18n/setlang/", {"language": "en", "next": ARTICLE})
    assert refused.status_code == 403
    # A cookie alone is not enough either, nor the empty field a cached page carries.
    visitor.get("/publicity/csrf/")
    assert "csrftoken" in visitor.cookies
    for fields in ({}, {"csrfmiddlewaretoken": ""}):
        refused = visitor.post("/i18n/setlang/", {"language": "en", "next": ARTICLE, **fields})
        assert refused.status_code == 403
    assert '<html lang="zh-hans">' in visitor.get(ARTICLE).text


def test_pages_not_taken_from_the_cache_keep_their_token_in_the_form(publicity_demo):
    member = Client(enforce_csrf_checks=True)
    member.force_login(UserFactory())
    page = member.get(ARTICLE)
    assert cache_state(page) is None
    assert all(len(token) == 64 for token in token_inputs(page))
    assert "data-csrf-from" not in page.text
    # Nor an anonymous view of another view's page: only page paths are cache candidates.
    login = Client().get("/accounts/login/")
    assert "data-csrf-from" not in login.text and len(token_inputs(login)[-1]) == 64


def test_a_page_that_asked_for_the_visitors_token_is_not_stored(publicity_demo):
    def view_using_the_token(request):
        response = HttpResponse(f"<p>{get_token(request)}</p>")
        response.publicity_cacheable = True
        return response

    middleware = AnonymousPageCacheMiddleware(view_using_the_token)
    for _visit in range(2):
        request = RequestFactory().get("/a-page-with-a-form/")
        request.user = AnonymousUser()
        request.session = SessionStore()
        assert cache_state(middleware(request)) is None


def test_search_and_other_views_are_not_cached(publicity_demo, client):
    client.get("/publicity/search/?q=安全")
    assert cache_state(client.get("/publicity/search/?q=安全")) is None


def test_a_page_made_private_leaves_the_cache_at_once(publicity_demo, client):
    client.get(ARTICLE)
    assert cache_state(Client().get(ARTICLE)) == "hit"
    article = ArticlePage.objects.get(slug="dust-lungs")
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="内部资料"
    )
    response = Client().get(ARTICLE)
    assert cache_state(response) != "hit"
    assert 'type="password"' in response.text
    assert cache_state(Client().get(ARTICLE)) != "hit"


def test_unknown_query_strings_are_answered_without_filling_the_cache(publicity_demo, client):
    for number in range(3):
        response = Client().get(ARTICLE, {"x": number})
        assert response.status_code == 200 and cache_state(response) is None
    # The listing's own filters are cached once, whatever their order.
    Client().get("/articles/?topic=occupational_disease&page=1")
    assert cache_state(Client().get("/articles/?page=1&topic=occupational_disease")) == "hit"


def test_a_call_to_action_may_not_link_to_javascript():
    block = CallToActionBlock()
    value = {"title": "点我", "text": "", "link_text": "去", "url": "javascript:alert(1)"}
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python(value))
    assert block.clean(block.to_python({**value, "url": "/learn/"}))["url"] == "/learn/"


def test_a_video_becoming_ready_or_a_picture_changing_purges_the_pages(publicity_demo, client):
    client.get(ARTICLE)
    assert cache_state(Client().get(ARTICLE)) == "hit"
    item = MediaItemFactory(status=MediaItem.Status.PROCESSING)
    assert cache_state(Client().get(ARTICLE)) == "hit"  # progress saves do not purge
    item.status = MediaItem.Status.READY
    item.save()
    assert cache_state(Client().get(ARTICLE)) == "miss"
    assert cache_state(Client().get(ARTICLE)) == "hit"
    picture = ArticlePage.objects.get(slug="dust-lungs").listing_image
    picture.title = "新图"
    picture.save()
    assert cache_state(Client().get(ARTICLE)) == "miss"
