"""The summary (``stats.models.ComplaintDailyFigure``) gives the same figures as the live
computation: after a rebuild, after further transitions and a refresh, and after deadlines pass
with no transition at all; a refresh recomputes only the days it must; a scope the summary cannot
express is computed live."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from complaints import services as complaint_services
from complaints.models import Complaint, ComplaintEvent, ComplaintRecusal
from stats import selectors
from stats.models import ComplaintDailyFigure, StatsRefresh
from stats.selectors import StatsFilters, statistics_for
from stats.services import stats_rebuild, stats_refresh
from tests.factories.org import CadreFactory
from tests.stats.test_figures import MAY, NOW, at, cohort  # noqa: F401  (a fixture)

# The reply times are kept to the whole day; the median and 90th percentile read from them are
# within a day of the exact figures.
REPLY_DAYS_PRECISION = 1.0
APPROXIMATE = ("median_reply_days", "p90_reply_days")
# Says where the figures were read from, not what they are.
SOURCE = ("as_of",)


def live(user: Any, filters: StatsFilters, now: dt.datetime, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    with monkeypatch.context() as patch:
        patch.setattr(selectors, "summary_serves", lambda **kwargs: None)
        report = statistics_for(user=user, filters=filters, now=now)
    assert report.as_of is None
    return report.as_json()


def summed(user: Any, filters: StatsFilters, now: dt.datetime) -> dict[str, Any]:
    report = statistics_for(user=user, filters=filters, now=now)
    assert report.as_of is not None, "the summary should answer"
    return report.as_json()


def assert_same(summary: dict[str, Any], exact: dict[str, Any]) -> None:
    for key in APPROXIMATE:
        if exact[key] is None:
            assert summary[key] is None
        else:
            assert summary[key] == pytest.approx(exact[key], abs=REPLY_DAYS_PRECISION)
    assert {k: v for k, v in summary.items() if k not in APPROXIMATE + SOURCE} == {
        k: v for k, v in exact.items() if k not in APPROXIMATE + SOURCE
    }


def escalate(complaint: Complaint, level: str, when: dt.datetime) -> None:
    ComplaintEvent.objects.create(complaint=complaint, at=when, verb="escalate", from_state="", to_state=level)


@pytest.mark.parametrize("trend", ["month", "week"])
def test_the_summary_equals_the_live_figures(
    cohort: Any,  # noqa: F811
    discipline_user: Any,
    monkeypatch: pytest.MonkeyPatch,
    trend: str,
) -> None:
    escalate(cohort["unanswered_late"], "1", NOW)
    escalate(cohort["unanswered_late"], "2", NOW)
    filters = StatsFilters(start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 30), trend=trend)
    exact = live(discipline_user, filters, NOW, monkeypatch)
    assert exact["received"] == len(cohort)
    assert exact["overdue"] > 0
    assert exact["escalated_level_2"] == 1
    stats_rebuild(now=NOW)
    assert_same(summed(discipline_user, filters, NOW), exact)
    assert_same(summed(discipline_user, MAY, NOW), live(discipline_user, MAY, NOW, monkeypatch))


def test_a_refresh_follows_transitions_and_recomputes_only_their_days(
    cohort: Any,  # noqa: F811
    discipline_user: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stats_rebuild(now=NOW)
    untouched = set(ComplaintDailyFigure.objects.filter(day=dt.date(2026, 5, 1)).values_list("pk", flat=True))
    assert untouched
    later = NOW + dt.timedelta(minutes=5)
    # A decision on the complaint of 31 May (the service writes its timeline entry), and an
    # escalation of the one of 2 May.
    complaint_services.complaint_reject(
        actor=discipline_user, complaint=cohort["undecided_fresh"], reason="不属于受理范围", now=later
    )
    escalate(cohort["undecided_late"], "1", later)
    stale = summed(discipline_user, MAY, later)
    assert stale["rejected"] == 2  # the summary is as of its last refresh
    done = stats_refresh(now=later)
    assert done["days"] == 2
    assert set(ComplaintDailyFigure.objects.filter(day=dt.date(2026, 5, 1)).values_list("pk", flat=True)) == untouched
    fresh = summed(discipline_user, MAY, later)
    assert fresh["rejected"] == 3
    assert fresh["escalated_level_1"] == 1
    assert_same(fresh, live(discipline_user, MAY, later, monkeypatch))
    # The next refresh reads the same entries once more (one whose transaction committed late
    # would have a lower id than the last one read); the one after that, nothing.
    assert stats_refresh(now=later + dt.timedelta(minutes=5))["days"] == 2
    assert stats_refresh(now=later + dt.timedelta(minutes=10))["days"] == 0


def test_a_refresh_follows_deadlines_that_passed(
    cohort: Any,  # noqa: F811
    discipline_user: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stats_rebuild(now=NOW)
    # Past 15 July the complaint of 31 May, still undecided, counts in the acceptance rate (late),
    # with no timeline entry written.
    later = dt.datetime(2026, 7, 16, 9, 0, tzinfo=NOW.tzinfo)
    before = summed(discipline_user, MAY, later)
    assert stats_refresh(now=later)["days"] == 1
    after = summed(discipline_user, MAY, later)
    assert after["acceptance_counted"] == before["acceptance_counted"] + 1
    assert_same(after, live(discipline_user, MAY, later, monkeypatch))


def test_the_first_refresh_builds_everything(cohort: Any, discipline_user: Any) -> None:  # noqa: F811
    assert not StatsRefresh.objects.exists()
    assert statistics_for(user=discipline_user, filters=MAY, now=NOW).as_of is None  # live until then
    stats_refresh(now=NOW)
    assert StatsRefresh.objects.get().refreshed_at == NOW
    assert statistics_for(user=discipline_user, filters=MAY, now=NOW).as_of == NOW


def test_scopes_the_summary_cannot_express_are_live(cohort: Any, org: Any, discipline_user: Any) -> None:  # noqa: F811
    stats_rebuild(now=NOW)
    head = org.head.user
    assert statistics_for(user=head, filters=MAY, now=NOW).as_of is None
    for narrowed in (
        StatsFilters(start=MAY.start, end=MAY.end, unit=org.bureau),
        StatsFilters(start=MAY.start, end=MAY.end, department=org.records),
        StatsFilters(start=MAY.start, end=MAY.end, category=cohort["edge_in"].category),
    ):
        assert statistics_for(user=discipline_user, filters=narrowed, now=NOW).as_of is None
    # A discipline officer recused from a complaint: his figures leave it out, so they are live.
    officer_cadre = CadreFactory(user=discipline_user)
    assert statistics_for(user=discipline_user, filters=MAY, now=NOW).as_of == NOW
    ComplaintRecusal.objects.create(complaint=cohort["edge_in"], cadre=officer_cadre)
    report = statistics_for(user=discipline_user, filters=MAY, now=NOW)
    assert report.as_of is None
    assert report.totals["received"] == 11


def test_the_page_says_as_of_when(client: Any, discipline_user: Any, cohort: Any) -> None:  # noqa: F811
    stats_rebuild(now=NOW)
    client.force_login(discipline_user)
    response = client.get("/workbench/statistics/", {"from": "2026-05-01", "to": "2026-05-31"}, secure=True)
    assert response.status_code == 200
    assert "2026-06-30 12:00" in response.content.decode()


def test_the_api_says_as_of_when(cohort: Any, org: Any, discipline_user: Any) -> None:  # noqa: F811
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(discipline_user)
    period = {"from": "2026-05-01", "to": "2026-05-31"}
    assert api.get("/api/v1/statistics/", period).json()["as_of"] is None  # counted live until a refresh
    stats_rebuild(now=NOW)
    body = api.get("/api/v1/statistics/", period).json()
    assert dt.datetime.fromisoformat(body["as_of"]) == NOW
    assert body["as_of"].endswith("+08:00")  # the portal's time zone, as the API's other times
    # Narrowed by unit, the figures are counted live: no summary time.
    assert api.get("/api/v1/statistics/", {**period, "unit": org.bureau.pk}).json()["as_of"] is None


def test_the_rebuild_command(cohort: Any, discipline_user: Any) -> None:  # noqa: F811
    from django.core.management import call_command

    call_command("stats_rebuild")
    assert ComplaintDailyFigure.objects.filter(grain="kind").exists()
    assert ComplaintDailyFigure.objects.filter(grain="reply").exists()
