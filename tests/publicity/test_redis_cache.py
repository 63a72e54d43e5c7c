"""The page cache in a real Redis: a hit is one round trip (counted by the server's MONITOR),
the client is one per process, and what the cache keeps apart stays apart there too."""

import threading

import pytest
from django.core.cache import caches
from django.test import Client

from publicity.models import ArticlePage
from tests.factories import UserFactory
from tests.helpers.redis_monitor import redis_commands_watch

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/dust-lungs/"


def cache_state(response) -> str | None:
    return response.get("X-Page-Cache")


def test_a_hit_is_one_round_trip_to_redis(publicity_demo, redis_pages_cache):
    assert cache_state(Client().get(ARTICLE)) == "miss"
    with redis_commands_watch(redis_pages_cache) as commands:
        hit = Client().get(ARTICLE)
    assert cache_state(hit) == "hit"
    assert "粉尘作业岗位如何预防尘肺病" in hit.text
    # The generation and the page together, in one MGET.
    assert len(commands) == 1, commands
    assert commands[0].startswith("MGET ") and "publicity:pages:generation" in commands[0]


def test_other_views_never_ask_redis(publicity_demo, redis_pages_cache):
    with redis_commands_watch(redis_pages_cache) as commands:
        assert Client().get("/accounts/login/").status_code == 200
        assert Client().get("/publicity/search/", {"q": "尘肺"}).status_code == 200
        # A page path without its slash is redirected, not looked up.
        assert Client().get(ARTICLE.rstrip("/")).status_code == 301
    assert commands == []


def test_one_redis_client_serves_every_thread_of_the_process(redis_pages_cache):
    # Django keeps one backend object per thread; they share the one client and its pool.
    seen = []

    def use_the_cache() -> None:
        backend = caches["pages"]
        backend.set("probe", 1)
        seen.append((backend, backend._cache.get_client(), backend._cache.get_client()))

    threads = [threading.Thread(target=use_the_cache) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(backend) for backend, _first, _again in seen}) == 3
    assert len({id(client) for _backend, *clients in seen for client in clients}) == 1


def test_publishing_purges_and_users_and_languages_stay_apart_in_redis(
    publicity_demo, redis_pages_cache
):
    Client().get(ARTICLE)
    assert cache_state(Client().get(ARTICLE)) == "hit"

    member = Client()
    member.force_login(UserFactory())
    signed_in = member.get(ARTICLE)
    assert cache_state(signed_in) is None and "/accounts/logout/" in signed_in.text
    assert "/accounts/logout/" not in Client().get(ARTICLE).text

    english_visitor = Client()
    english_visitor.cookies["django_language"] = "en"
    assert cache_state(english_visitor.get(ARTICLE)) == "miss"
    english = english_visitor.get(ARTICLE)
    assert cache_state(english) == "hit" and '<html lang="en">' in english.text
    assert '<html lang="zh-hans">' in Client().get(ARTICLE).text

    article = ArticlePage.objects.get(slug="dust-lungs")
    article.title = "尘肺病可防可控：粉尘岗位防护指南"
    article.save_revision().publish()
    fresh = Client().get(ARTICLE)
    assert cache_state(fresh) == "miss" and "尘肺病可防可控" in fresh.text
