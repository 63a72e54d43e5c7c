"""The organiser's session list: running and upcoming sessions first, ended ones one tab away."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MembershipFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_sessions():
    now = timezone.now()
    running = TrainingSessionFactory(title="正在进行的培训")
    organiser = running.organiser
    upcoming = TrainingSessionFactory(
        organiser=organiser,
        title="明天的培训",
        starts_at=now + datetime.timedelta(days=1),
    )
    ended = TrainingSessionFactory(
        organiser=organiser,
        title="上周的培训",
        starts_at=now - datetime.timedelta(days=7),
    )
    ended_recently = TrainingSessionFactory(
        organiser=organiser,
        title="刚结束的培训",
        starts_at=now - datetime.timedelta(hours=3),
    )
    admin = MembershipFactory(enterprise=organiser).user
    return {
        "admin": admin,
        "running": running,
        "upcoming": upcoming,
        "ended": ended,
        "ended_recently": ended_recently,
    }


def statuses(html: str) -> list[tuple[str, str]]:
    """(title, status) of each row, in the order shown."""
    return re.findall(
        r'<a href="/coverage/sessions/\d+/">([^<]+)</a></td>\s*'
        r'<td><span class="badge[^"]*" data-status="(\w+)"',
        html,
    )


def test_running_and_upcoming_sessions_are_listed_first_with_their_status(
    client, organiser_sessions, django_assert_max_num_queries
):
    client.force_login(organiser_sessions["admin"])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("coverage:session_list"))
    assert statuses(response.text) == [("正在进行的培训", "running"), ("明天的培训", "upcoming")]
    assert response.context["counts"] == {"current": 2, "running": 1, "past": 2}
    assert 'data-tab="current" aria-current="page"' in response.text


def test_ended_sessions_are_one_tab_away_latest_first(
    client, organiser_sessions, django_assert_max_num_queries
):
    client.force_login(organiser_sessions["admin"])
    html = client.get(reverse("coverage:session_list")).text
    past_link = re.search(r'<a href="(\?view=past)" data-tab="past"', html).group(1)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("coverage:session_list") + past_link)
    assert statuses(response.text) == [("刚结束的培训", "ended"), ("上周的培训", "ended")]
    assert 'data-tab="past" aria-current="page"' in response.text


def test_old_addresses_of_the_list_still_work(client, organiser_sessions):
    client.force_login(organiser_sessions["admin"])
    listed = client.get(reverse("coverage:session_list") + "?view=list")
    assert [title for title, _status in statuses(listed.text)] == ["正在进行的培训", "明天的培训"]
    past = client.get(reverse("coverage:session_list") + "?view=list&past=1")
    assert [title for title, _status in statuses(past.text)] == ["刚结束的培训", "上周的培训"]


def test_an_empty_current_tab_points_to_the_ended_sessions(client, organiser_sessions):
    organiser_sessions["running"].delete()
    organiser_sessions["upcoming"].delete()
    client.force_login(organiser_sessions["admin"])
    response = client.get(reverse("coverage:session_list"))
    assert statuses(response.text) == []
    assert 'href="?view=past">' in response.text
