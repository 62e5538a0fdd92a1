"""Yearly debriefings (述职述廉): called for by the organization department, written and submitted
by each leading cadre, reviewed; overdue ones climb the deadline ladder once per level."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from cadres import services
from cadres.escalation import DEBRIEFING_KIND
from cadres.models import Debriefing, DebriefingEvent
from cadres.transitions import DEBRIEFINGS
from supervision.models import AccountabilityCase
from tests.cadres.conftest import NOW
from workstyle.errors import InvalidInput, NotAllowed, TransitionError
from workstyle.ladder import ladder_sweep
from workstyle.models import Notification

DUE = date(2026, 12, 31)


@pytest.fixture
def round_(org: Any, orgdept_user: Any, clock: Any) -> Any:
    return services.debriefing_round_set(actor=orgdept_user, year=2026, due_on=DUE, now=NOW)


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_round_gives_every_leading_cadre_his_draft(round_: Any, org: Any, orgdept_user: Any) -> None:
    drafts = Debriefing.objects.filter(year=2026)
    assert list(drafts.values_list("cadre__name", flat=True)) == [org.head.name]
    draft = drafts.get()
    assert draft.status == Debriefing.Status.DRAFT
    assert draft.due_at.date() == DUE
    # Calling again changes nothing but the due date; nobody gets a second draft.
    services.debriefing_round_set(actor=orgdept_user, year=2026, due_on=DUE + timedelta(days=5), now=NOW)
    assert drafts.count() == 1
    assert drafts.get().due_at.date() == DUE + timedelta(days=5)


def test_only_the_organization_department_calls_and_not_in_the_past(org: Any, orgdept_user: Any, clock: Any) -> None:
    with pytest.raises(NotAllowed):
        services.debriefing_round_set(actor=org.head.user, year=2026, due_on=DUE, now=NOW)
    with pytest.raises(InvalidInput) as refused:
        services.debriefing_round_set(actor=orgdept_user, year=2026, due_on=date(2026, 1, 1), now=NOW)
    assert "due_on" in refused.value.errors
    response = api(org.head.user).post(
        "/api/v1/debriefing-rounds/", {"year": 2026, "due_on": "2026-12-31"}, format="json"
    )
    assert response.status_code == 403
    assert not Debriefing.objects.exists()


def test_a_cadre_who_is_not_leading_files_none(round_: Any, org: Any) -> None:
    response = api(org.cadre.user).post("/api/v1/debriefings/", {"year": 2026}, format="json")
    assert response.status_code == 400
    assert "cadre" in response.json()["errors"]
    assert not Debriefing.objects.filter(cadre=org.cadre).exists()
    # A year nobody called for.
    response = api(org.head.user).post("/api/v1/debriefings/", {"year": 2025}, format="json")
    assert response.status_code == 400
    assert "year" in response.json()["errors"]


def test_write_submit_review_through_the_api(round_: Any, org: Any, orgdept_user: Any, discipline_user: Any) -> None:
    head = api(org.head.user)
    found = head.post("/api/v1/debriefings/", {"year": 2026}, format="json")
    assert found.status_code == 201
    pk = found.json()["id"]
    # Empty: the submission is refused with the fields, nothing changed.
    refused = head.post(f"/api/v1/debriefings/{pk}/submit/", {}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"duties", "integrity"}
    assert (
        head.patch(
            f"/api/v1/debriefings/{pk}/", {"duties": "履职情况", "integrity": "廉洁自律"}, format="json"
        ).status_code
        == 200
    )
    # Others may not write it nor submit it.
    assert api(org.cadre.user).post(f"/api/v1/debriefings/{pk}/submit/", {}, format="json").status_code == 404
    assert api(orgdept_user).post(f"/api/v1/debriefings/{pk}/submit/", {}, format="json").status_code == 403
    submitted = head.post(f"/api/v1/debriefings/{pk}/submit/", {}, format="json")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert head.patch(f"/api/v1/debriefings/{pk}/", {"duties": "改"}, format="json").status_code == 409
    # The discipline office reads, the organization department reviews.
    assert (
        api(discipline_user).post(f"/api/v1/debriefings/{pk}/review/", {"note": "好"}, format="json").status_code == 403
    )
    assert api(orgdept_user).post(f"/api/v1/debriefings/{pk}/review/", {}, format="json").status_code == 400
    reviewed = api(orgdept_user).post(
        f"/api/v1/debriefings/{pk}/review/", {"note": "述职全面，评价良好。"}, format="json"
    )
    assert reviewed.status_code == 200
    assert reviewed.json()["status"] == "reviewed"
    verbs = list(DebriefingEvent.objects.filter(debriefing_id=pk).values_list("verb", flat=True))
    assert verbs == ["open", "edit", "submit", "review"]


def test_state_by_action_matrix(round_: Any, org: Any, orgdept_user: Any) -> None:
    """Every row from every state: allowed where the table says, refused (409) elsewhere."""
    debriefing = Debriefing.objects.get(cadre=org.head)
    debriefing.duties, debriefing.integrity = "甲", "乙"
    debriefing.save()
    actors = {"submit": org.head.user, "review": orgdept_user}
    for state in Debriefing.Status.values:
        for row in DEBRIEFINGS:
            Debriefing.objects.filter(pk=debriefing.pk).update(
                status=state, submitted_at=None if state == "draft" else NOW
            )
            debriefing.refresh_from_db()
            call = getattr(services, f"debriefing_{row.action}")
            kwargs = {"note": "评"} if row.input == "note" else {}
            if state in row.sources:
                assert call(actor=actors[row.action], debriefing=debriefing, now=NOW, **kwargs).status == row.target
            else:
                with pytest.raises(TransitionError):
                    call(actor=actors[row.action], debriefing=debriefing, now=NOW, **kwargs)


def test_overdue_debriefings_escalate_once_per_level(round_: Any, org: Any, discipline_user: Any) -> None:
    debriefing = Debriefing.objects.get(cadre=org.head)
    due = debriefing.due_at

    def sweep(at: Any) -> dict[str, int]:
        return ladder_sweep(now=at, kinds=[DEBRIEFING_KIND.name])[DEBRIEFING_KIND.name]

    before = due - timedelta(days=2)
    assert sweep(before)["reminded"] == 1
    assert sweep(before)["reminded"] == 0
    late = due + timedelta(hours=1)
    assert sweep(late) == {"reminded": 0, "escalated_1": 1, "escalated_2": 0, "cases_opened": 0}
    assert sweep(late)["escalated_1"] == 0
    much_later = due + timedelta(days=8)
    assert sweep(much_later) == {"reminded": 0, "escalated_1": 0, "escalated_2": 1, "cases_opened": 1}
    assert sweep(much_later + timedelta(days=30)) == {
        "reminded": 0,
        "escalated_1": 0,
        "escalated_2": 0,
        "cases_opened": 0,
    }
    debriefing.refresh_from_db()
    assert debriefing.escalation_level == 2
    case = AccountabilityCase.objects.get(subject_cadre=org.head)
    assert "2026" in case.allegation
    # The cadre was reminded; his unit head was told at level 1; the office at level 2.
    assert Notification.objects.filter(recipient=org.head.user, kind="debriefing_reminder").count() == 1
    assert Notification.objects.filter(recipient=org.bureau_head.user, kind="debriefing_overdue").count() == 1
    assert Notification.objects.filter(recipient=discipline_user, kind="debriefing_overdue_office").count() == 1
    verbs = list(DebriefingEvent.objects.filter(debriefing=debriefing).values_list("verb", flat=True))
    assert verbs == ["open", "remind", "escalate", "escalate"]


def test_a_submitted_debriefing_is_not_escalated(round_: Any, org: Any) -> None:
    debriefing = Debriefing.objects.get(cadre=org.head)
    services.debriefing_update(actor=org.head.user, debriefing=debriefing, duties="甲", integrity="乙", now=NOW)
    services.debriefing_submit(actor=org.head.user, debriefing=debriefing, now=NOW)
    counts = ladder_sweep(now=debriefing.due_at + timedelta(days=30), kinds=[DEBRIEFING_KIND.name])
    assert counts[DEBRIEFING_KIND.name] == {"reminded": 0, "escalated_1": 0, "escalated_2": 0, "cases_opened": 0}


def test_debriefing_pages(round_: Any, org: Any, orgdept_user: Any) -> None:
    debriefing = Debriefing.objects.get(cadre=org.head)
    head = Client()
    head.force_login(org.head.user)
    page = head.get(f"/org/debriefings/{debriefing.pk}/").content.decode()
    assert "/edit/" in page
    assert "/submit/" in page
    refused = head.post(f"/org/debriefings/{debriefing.pk}/submit/")
    assert refused.status_code == 200
    debriefing.refresh_from_db()
    assert debriefing.status == Debriefing.Status.DRAFT
    assert head.post(f"/org/debriefings/{debriefing.pk}/edit/", {"duties": "甲", "integrity": "乙"}).status_code == 302
    assert head.post(f"/org/debriefings/{debriefing.pk}/submit/").status_code == 302
    other = Client()
    other.force_login(org.other.user)
    assert other.get(f"/org/debriefings/{debriefing.pk}/").status_code == 404
    office = Client()
    office.force_login(orgdept_user)
    assert office.post(f"/org/debriefings/{debriefing.pk}/review/", {"note": "良好"}).status_code == 302
    debriefing.refresh_from_db()
    assert debriefing.status == Debriefing.Status.REVIEWED


def test_the_attachment_downloads_for_those_who_see_the_debriefing(
    round_: Any, org: Any, orgdept_user: Any, settings: Any, tmp_path: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    debriefing = Debriefing.objects.get(cadre=org.head)
    url = f"/org/debriefings/{debriefing.pk}/attachment/"
    head = Client()
    head.force_login(org.head.user)
    # Nothing attached yet: nothing to download.
    assert head.get(url).status_code == 404
    content = "%PDF-1.4\n% 述职述廉报告\n%%EOF\n".encode()
    services.debriefing_update(
        actor=org.head.user,
        debriefing=debriefing,
        now=NOW,
        attachment=SimpleUploadedFile("述职报告.pdf", content, content_type="application/pdf"),
    )
    assert url in head.get(f"/org/debriefings/{debriefing.pk}/").content.decode()
    for user in (org.head.user, orgdept_user):
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
    # Anyone who does not see the debriefing finds no file either.
    for user in (org.other.user, org.cadre.user, org.bureau_head.user):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404
