"""The forecast and the monthly trend on the dashboards, the at-risk export, query bounds."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from coverage.forecast.selectors import coverage_trend
from coverage.models import AuditLog, Enterprise, Membership, Role
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    RosterEntryFactory,
    TrainingRecordFactory,
    TrainingTargetFactory,
    admin_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(jilin):
    """A target running until next year: one enterprise on pace, one stalled."""
    today = timezone.localdate()
    target = TrainingTargetFactory(
        code="running",
        start_date=today - datetime.timedelta(weeks=40),
        end_date=today + datetime.timedelta(weeks=20),
    )
    on_pace = EnterpriseFactory(region=jilin["220102"], name="进度正常企业")
    stalled = EnterpriseFactory(region=jilin["220104"], name="停滞企业")
    for n in range(4):
        entry = RosterEntryFactory(
            enterprise=on_pace, role=Role.TEAM_LEADER, start_date=datetime.date(2020, 1, 1)
        )
        if n < 2:
            TrainingRecordFactory(
                person=entry.person, occurred_on=today - datetime.timedelta(weeks=2 + 4 * n)
            )
    for n in range(4):
        entry = RosterEntryFactory(
            enterprise=stalled, role=Role.MANAGER, start_date=datetime.date(2020, 1, 1)
        )
        if n == 0:
            TrainingRecordFactory(
                person=entry.person, occurred_on=today - datetime.timedelta(weeks=30)
            )
    regulator = MembershipFactory(
        role=Membership.Role.REGULATOR, enterprise=None, region=jilin["220100"]
    ).user
    return {
        "target": target,
        "on_pace": on_pace,
        "stalled": stalled,
        "regulator": regulator,
        "regions": jilin,
    }


def shown(message: str, **values) -> str:
    """The message as the page shows it (in Chinese once the catalogue has it)."""
    # A template's {% translate %} doubles a literal % in its message id and shows one.
    text = gettext(message)
    return text % values if values else text.replace("%%", "%")


def region_url(code, **params):
    from urllib.parse import urlencode

    return (
        reverse("coverage:region_detail", args=[code])
        + "?"
        + urlencode({"target": "running", **params})
    )


def test_region_dashboard_shows_the_forecast_trend_and_the_enterprises_at_risk(client, plan):
    client.force_login(plan["regulator"])
    response = client.get(region_url("220100"))
    assert response.status_code == 200
    forecast = response.context["forecast"]
    deadline = plan["target"].end_date.isoformat()
    # 3 of 8 covered, 2 of them inside the 12 weeks: a quarter in 12 weeks, 20 weeks to go.
    assert forecast.percent_now == 37.5
    assert forecast.percent_at_deadline == 79.2
    assert (
        shown("At this pace: %(percent)s%% by %(deadline)s", percent=79.2, deadline=deadline)
        in response.text
    )
    assert forecast.date_full == timezone.localdate() + datetime.timedelta(weeks=30)
    assert shown("100%% on %(day)s", day=forecast.date_full.isoformat()) in response.text
    at_risk = [
        (row.name, f.percent_at_deadline) for row, f in response.context["at_risk_enterprises"]
    ]
    assert at_risk == [("停滞企业", 25.0)]
    assert [region.code for region, _f in response.context["at_risk_subregions"]] == ["220104"]
    trend = response.context["trend"]
    assert trend == coverage_trend(target=plan["target"], enterprises=Enterprise.objects.all())
    assert trend[-1].figures.covered == 3 and trend[0].figures.covered == 0
    assert response.context["chart_data"]["trend"][-1][1] == trend[-1].figures.percent


def test_trend_for_one_role(client, plan):
    client.force_login(plan["regulator"])
    response = client.get(region_url("220100", trend_role="manager"))
    assert response.context["trend"][-1].figures.required == 4
    assert response.context["trend_role"] == "manager"


def test_enterprise_dashboard_shows_its_forecast_and_trend(client, plan):
    client.force_login(admin_of(plan["stalled"]))
    url = reverse("coverage:enterprise_detail", args=[plan["stalled"].credit_code])
    response = client.get(url + "?target=running")
    assert response.status_code == 200
    assert response.context["forecast"].percent_at_deadline == 25.0
    assert response.context["forecast"].date_full is None
    assert shown("100%% is never reached at this pace") in response.text
    assert response.context["trend"][-1].figures.required == 4


def test_at_risk_export_lists_worst_first_and_is_audited(client, plan):
    client.force_login(plan["regulator"])
    extra = EnterpriseFactory(region=plan["regions"]["220103"], name="=HYPERLINK(1)")
    RosterEntryFactory(enterprise=extra, role=Role.MANAGER)
    response = client.get(region_url("220100", export="csv", table="at_risk_enterprises"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(1)", "停滞企业"]
    assert rows[2][5:8] == ["25.0", "0.0", "25.0"]
    entry = AuditLog.objects.get(action=AuditLog.Action.EXPORT)
    assert entry.user == plan["regulator"] and entry.rows == 2
    assert "at_risk_enterprises" in entry.subject


def test_region_page_queries_do_not_grow_with_enterprises(
    client, plan, django_assert_max_num_queries
):
    client.force_login(plan["regulator"])
    client.get(region_url("220100"))
    with django_assert_max_num_queries(45) as baseline:
        client.get(region_url("220100"))
    for n in range(15):
        enterprise = EnterpriseFactory(region=plan["regions"]["220104" if n % 2 else "220106"])
        RosterEntryFactory(enterprise=enterprise, role=Role.SAFETY_HEAD)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(region_url("220100"))
    assert len(response.context["at_risk_enterprises"]) == 16
