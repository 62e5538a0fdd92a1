"""Democratic appraisal: rounds, ballots, tallies and the threshold flag, and the secrecy of the
ballots."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings

from ethos import selectors, services
from ethos.models import AppraisalRound, Ballot, BallotReceipt
from tests.ethos.conftest import CODES, NOW, grades
from tests.factories.org import CadreFactory, UserFactory
from workstyle.errors import InvalidInput, NotAllowed, TransitionError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def bureau_round(org: Any, orgdept_user: Any) -> AppraisalRound:
    appraisal = services.round_create(actor=orgdept_user, unit=org.bureau, year=2026, now=NOW)
    services.round_open(actor=orgdept_user, round=appraisal, now=NOW)
    return appraisal


def _raters(n: int, org: Any, appraisal: AppraisalRound) -> list[Any]:
    """``n`` extra raters with accounts, cadres of the bureau who are not appraised."""
    from ethos.models import Rater

    users = []
    for _i in range(n):
        user = UserFactory()
        CadreFactory(department=org.office, user=user, active=True)
        Rater.objects.create(round=appraisal, user=user)
        users.append(user)
    return users


def test_round_appraises_the_unit_and_its_cadres_with_accounts_rate(org: Any, bureau_round: AppraisalRound) -> None:
    assert set(bureau_round.appraisees.all()) == {org.head, org.cadre, org.other, org.bureau_head}
    assert set(bureau_round.raters.values_list("user_id", flat=True)) == {
        org.head.user_id,
        org.cadre.user_id,
        org.other.user_id,
        org.bureau_head.user_id,
    }


def test_tallies_shares_and_overall_on_known_ballots(org: Any, orgdept_user: Any, bureau_round: Any) -> None:
    raters = _raters(6, org, bureau_round)
    # Six ballots on 李科员: integrity poor, poor, fair, good, excellent, excellent.
    integrity = ["poor", "poor", "fair", "good", "excellent", "excellent"]
    for user, grade in zip(raters, integrity, strict=True):
        services.ballot_cast(actor=user, round=bureau_round, cadre=org.cadre, grades=grades(integrity=grade), now=NOW)
    services.round_close(actor=orgdept_user, round=bureau_round, now=NOW)

    results = {r.cadre.pk: r for r in selectors.round_results(round=bureau_round, user=orgdept_user)}
    mine = results[org.cadre.pk]
    assert mine.ballots == 6
    by_code = {item.ethos.code: item for item in mine.ethos}
    assert by_code["integrity"].counts == {"excellent": 2, "good": 1, "fair": 1, "poor": 2}
    assert by_code["integrity"].shares == {"excellent": 0.3333, "good": 0.1667, "fair": 0.1667, "poor": 0.3333}
    assert by_code["study"].counts == {"excellent": 0, "good": 6, "fair": 0, "poor": 0}
    assert by_code["study"].shares["good"] == 1.0
    # 2/6 poor reaches the default threshold of one third exactly.
    assert by_code["integrity"].flagged
    assert not by_code["study"].flagged
    assert mine.flagged
    # 42 good (3) + 2 excellent, 1 good, 1 fair, 2 poor = 126 + 8 + 3 + 2 + 2 = 141 points / 48 < 3.5
    assert mine.overall == "good"
    assert results[org.other.pk].ballots == 0
    assert results[org.other.pk].overall is None
    assert not results[org.other.pk].flagged


@pytest.mark.parametrize(
    ("poor", "threshold", "flagged"),
    [(2, "1/3", True), (1, "1/3", False), (3, "1/3", True), (2, "0.34", False), (2, "0.33", True)],
)
def test_threshold_at_below_and_above(
    org: Any, orgdept_user: Any, bureau_round: Any, poor: int, threshold: str, flagged: bool
) -> None:
    raters = _raters(6, org, bureau_round)
    for i, user in enumerate(raters):
        grade = "poor" if i < poor else "good"
        services.ballot_cast(actor=user, round=bureau_round, cadre=org.other, grades=grades(decency=grade), now=NOW)
    services.round_close(actor=orgdept_user, round=bureau_round, now=NOW)
    with override_settings(WORKSTYLE_APPRAISAL_POOR_SHARE=threshold):
        result = next(r for r in selectors.round_results(round=bureau_round, user=orgdept_user) if r.cadre == org.other)
        assert result.flagged is flagged


def test_ballot_rules(org: Any, orgdept_user: Any, bureau_round: Any, client: Any) -> None:
    with pytest.raises(NotAllowed, match="rates himself"):
        services.ballot_cast(actor=org.cadre.user, round=bureau_round, cadre=org.cadre, grades=grades(), now=NOW)
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=org.cadre.user, round=bureau_round, cadre=org.town_cadre, grades=grades(), now=NOW)
    with pytest.raises(InvalidInput):
        services.ballot_cast(
            actor=org.cadre.user, round=bureau_round, cadre=org.other, grades=grades(study="superb"), now=NOW
        )
    partial = grades()
    partial.pop("decency")
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=org.cadre.user, round=bureau_round, cadre=org.other, grades=partial, now=NOW)
    with pytest.raises(NotAllowed):
        services.ballot_cast(actor=org.town_cadre.user, round=bureau_round, cadre=org.other, grades=grades(), now=NOW)
    assert not Ballot.objects.exists()

    # One ballot per rater and cadre: a second one changes the first while the round is open.
    services.ballot_cast(actor=org.cadre.user, round=bureau_round, cadre=org.other, grades=grades(), now=NOW)
    services.ballot_cast(
        actor=org.cadre.user, round=bureau_round, cadre=org.other, grades=grades(study="excellent"), now=NOW
    )
    assert Ballot.objects.count() == 1
    assert Ballot.objects.get().grades["study"] == "excellent"

    services.round_close(actor=orgdept_user, round=bureau_round, now=NOW)
    with pytest.raises(TransitionError):
        services.ballot_cast(actor=org.head.user, round=bureau_round, cadre=org.other, grades=grades(), now=NOW)
    with pytest.raises(TransitionError):
        services.ballot_cast(actor=org.cadre.user, round=bureau_round, cadre=org.other, grades=grades(), now=NOW)
    assert Ballot.objects.count() == 1


def test_api_ballots_bad_input_answers_with_messages(org: Any, bureau_round: Any, client: Any) -> None:
    url = f"/api/v1/appraisal-rounds/{bureau_round.pk}/ballots/"
    client.force_login(org.cadre.user)
    cases = [
        ({"cadre": org.cadre.pk, "grades": grades()}, 403, "himself"),
        ({"cadre": org.town_cadre.pk, "grades": grades()}, 400, "not appraised"),
        ({"cadre": 999999, "grades": grades()}, 400, "not appraised"),
        ({"cadre": org.other.pk, "grades": grades(study="superb")}, 400, "Unknown grade"),
        ({"cadre": org.other.pk, "grades": {**grades(), "bravery": "good"}}, 400, "Unknown ethos"),
    ]
    for body, code, words in cases:
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == code, (body, response.content)
        assert words in json.dumps(response.json(), ensure_ascii=False)
    assert not Ballot.objects.exists()
    ok = client.post(url, {"cadre": org.other.pk, "grades": grades()}, content_type="application/json")
    assert ok.status_code == 201
    mine = client.get(url).json()
    assert mine == [{"cadre": org.other.pk, "grades": grades()}]


def test_outside_raters_links_are_one_time_per_cadre(
    org: Any, orgdept_user: Any, bureau_round: Any, client: Any
) -> None:
    client.force_login(org.cadre.user)
    assert client.post(f"/api/v1/appraisal-rounds/{bureau_round.pk}/rater-links/", {"count": 2}).status_code == 403
    client.force_login(orgdept_user)
    issued = client.post(f"/api/v1/appraisal-rounds/{bureau_round.pk}/rater-links/", {"count": 2})
    assert issued.status_code == 201
    links = issued.json()
    assert len(links) == 2
    assert links[0]["url"].endswith(f"/appraisal/{links[0]['token']}/")
    assert client.post(f"/api/v1/appraisal-rounds/{bureau_round.pk}/rater-links/", {"count": 0}).status_code == 400
    client.logout()

    url = f"/api/v1/public/appraisal/{links[0]['token']}/ballots/"
    first = client.post(url, {"cadre": org.other.pk, "grades": grades()}, content_type="application/json")
    assert first.status_code == 201, first.content
    second = client.post(url, {"cadre": org.other.pk, "grades": grades(study="poor")}, content_type="application/json")
    assert second.status_code == 409
    assert "already been rated" in second.json()["message"]
    assert Ballot.objects.get().grades["study"] == "good"
    other_cadre = client.post(url, {"cadre": org.head.pk, "grades": grades()}, content_type="application/json")
    assert other_cadre.status_code == 201
    bad = client.post(
        "/api/v1/public/appraisal/not-a-token/ballots/",
        {"cadre": org.head.pk, "grades": grades()},
        content_type="application/json",
    )
    assert bad.status_code == 404
    assert Ballot.objects.count() == 2

    client.force_login(orgdept_user)
    client.post(f"/api/v1/appraisal-rounds/{bureau_round.pk}/close/")
    client.logout()
    late = client.post(
        f"/api/v1/public/appraisal/{links[1]['token']}/ballots/",
        {"cadre": org.head.pk, "grades": grades()},
        content_type="application/json",
    )
    assert late.status_code == 409
    assert Ballot.objects.count() == 2


def test_closing_cuts_every_link_between_ballots_and_raters(
    org: Any, orgdept_user: Any, bureau_round: Any, client: Any
) -> None:
    services.ballot_cast(actor=org.cadre.user, round=bureau_round, cadre=org.other, grades=grades(), now=NOW)
    services.ballot_cast(actor=org.head.user, round=bureau_round, cadre=org.other, grades=grades(study="poor"), now=NOW)
    assert BallotReceipt.objects.filter(ballot__isnull=False).count() == 2
    client.force_login(orgdept_user)
    closed = client.post(f"/api/v1/appraisal-rounds/{bureau_round.pk}/close/")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"

    # The receipts remain (who rated whom, for the once-only rule) but point at no ballot.
    assert BallotReceipt.objects.count() == 2
    assert not BallotReceipt.objects.filter(ballot__isnull=False).exists()
    # The ballots carry no rater and no time.
    fields = {f.name for f in Ballot._meta.get_fields()}
    assert fields == {"id", "round", "cadre", "grades", "receipt"}
    # Nothing the API answers joins a ballot to its rater, for staff or the rater himself.
    for user in (orgdept_user, org.cadre.user, org.head.user):
        client.force_login(user)
        assert client.get(f"/api/v1/appraisal-rounds/{bureau_round.pk}/ballots/").json() == []
        detail = json.dumps(client.get(f"/api/v1/appraisal-rounds/{bureau_round.pk}/").json())
        assert org.head.user.username not in detail
    client.force_login(orgdept_user)
    results = client.get(f"/api/v1/appraisal-rounds/{bureau_round.pk}/results/").json()
    text = json.dumps(results, ensure_ascii=False)
    for user in (org.cadre.user, org.head.user):
        assert user.username not in text
    other = next(row for row in results if row["cadre"] == org.other.pk)
    assert other["ethos"][0]["counts"] == {"excellent": 0, "good": 1, "fair": 0, "poor": 1}


def test_results_visibility(org: Any, orgdept_user: Any, discipline_user: Any, bureau_round: Any, client: Any) -> None:
    services.ballot_cast(actor=org.cadre.user, round=bureau_round, cadre=org.other, grades=grades(), now=NOW)
    url = f"/api/v1/appraisal-rounds/{bureau_round.pk}/results/"
    client.force_login(orgdept_user)
    early = client.get(url)
    assert early.status_code == 409
    services.round_close(actor=orgdept_user, round=bureau_round, now=NOW)
    assert len(client.get(url).json()) == 4
    client.force_login(discipline_user)
    assert len(client.get(url).json()) == 4
    client.force_login(org.other.user)
    own = client.get(url).json()
    assert [row["cadre"] for row in own] == [org.other.pk]
    assert own[0]["ballots"] == 1
    client.force_login(org.town_cadre.user)
    assert client.get(url).status_code == 404


def test_rounds_are_run_by_orgdept(org: Any, orgdept_user: Any, discipline_user: Any, client: Any) -> None:
    client.force_login(discipline_user)
    assert client.post("/api/v1/appraisal-rounds/", {"unit": org.bureau.pk, "year": 2026}).status_code == 403
    client.force_login(orgdept_user)
    created = client.post("/api/v1/appraisal-rounds/", {"unit": org.bureau.pk, "year": 2026})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft"
    assert body["allowed_actions"] == ["open"]
    assert client.post("/api/v1/appraisal-rounds/", {"unit": org.bureau.pk, "year": 2026}).status_code == 400
    rid = body["id"]
    assert client.post(f"/api/v1/appraisal-rounds/{rid}/close/").status_code == 409
    assert client.post(f"/api/v1/appraisal-rounds/{rid}/open/").json()["status"] == "open"
    client.force_login(org.cadre.user)
    assert client.post(f"/api/v1/appraisal-rounds/{rid}/close/").status_code == 403
    filtered = client.get("/api/v1/appraisal-rounds/", {"status": "open"}).json()["results"]
    assert [r["id"] for r in filtered] == [rid]
    client.force_login(org.town_cadre.user)
    assert client.get(f"/api/v1/appraisal-rounds/{rid}/").status_code == 404


def test_the_eight_codes_are_the_ballot_s_keys() -> None:
    assert list(grades()) == CODES
