"""Exports hold exactly what their requester may see, in his language, and are his alone: the rows
of ``visible_to`` (recusal included), the identity columns only where he holds an access now, the
file offered to him until it expires, then deleted."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from complaints import services as complaint_services
from complaints.models import IdentityView
from supervision import services as case_services
from supervision.models import AccountabilityCase
from tests.factories.complaints import COMPLAINANT, complaint_in_state
from tests.factories.org import CadreFactory, UserFactory
from workstyle import export_services, exports, tasks
from workstyle.exports import Column, ExportKind, ExportPlan, register_export_kind
from workstyle.models import Export, ExportEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page_export(client: Any, user: Any, kind: str, format: str = "csv", query: str = "") -> Any:
    client.force_login(user)
    return client.post(reverse("exports:start"), {"kind": kind, "format": format, "query": query})


def read_csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM, for Excel
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def spread(org: Any, discipline_user: Any) -> dict[str, Any]:
    """A complaint in each of the head's department, another department, and one not yet routed."""
    return {
        "office": complaint_in_state("assigned", department=org.office, handler=org.cadre, discipline=discipline_user),
        "records": complaint_in_state("accepted", department=org.records, discipline=discipline_user),
        "new": complaint_in_state("submitted", discipline=discipline_user),
    }


def test_a_department_heads_export_holds_his_department_alone(client: Any, org: Any, spread: Any) -> None:
    rows = read_csv(page_export(client, org.head.user, "complaints"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["查询码", "标题", "类别"]  # zh-hans by default
    assert [row[0] for row in body] == [spread["office"].tracking_code]
    assert "办公室" in body[0]


def test_no_identity_column_without_an_access_and_only_the_revealed_rows_with_one(
    client: Any, org: Any, spread: Any, discipline_user: Any
) -> None:
    rows = read_csv(page_export(client, discipline_user, "complaints"))
    assert len(rows) == 4
    flat = "\n".join(",".join(row) for row in rows)
    for value in COMPLAINANT.values():
        assert value not in flat
    assert "投诉人姓名" not in rows[0]

    now = timezone.now()
    complaint_services.complaint_reveal_identity(
        actor=discipline_user, complaint=spread["records"], reason="回访核实", now=now
    )
    rows = read_csv(page_export(client, discipline_user, "complaints"))
    header, body = rows[0], {row[0]: row for row in rows[1:]}
    name = header.index("投诉人姓名")
    assert body[spread["records"].tracking_code][name] == COMPLAINANT["complainant_name"]
    assert COMPLAINANT["complainant_phone"] in body[spread["records"].tracking_code]
    assert body[spread["office"].tracking_code][name:] == ["", "", ""]
    # The showing is on record, like a page's.
    view = IdentityView.objects.get(user=discipline_user)
    assert (view.complaint_id, view.channel) == (spread["records"].pk, IdentityView.Channel.EXPORT)

    # A colleague of the office holds no access: no column.
    colleague = UserFactory(username="inspector-2", groups=["discipline"])
    assert "投诉人姓名" not in read_csv(page_export(client, colleague, "complaints"))[0]
    # The access runs out: so does the column.
    with time_machine.travel(now + timedelta(hours=9)):
        assert "投诉人姓名" not in read_csv(page_export(client, discipline_user, "complaints"))[0]


def test_a_granted_request_shows_the_identity_to_the_head_who_asked(
    client: Any, org: Any, spread: Any, discipline_user: Any
) -> None:
    now = timezone.now()
    access = complaint_services.complaint_request_identity(
        actor=org.head.user, complaint=spread["office"], reason="需要联系投诉人", now=now
    )
    assert "投诉人姓名" not in read_csv(page_export(client, org.head.user, "complaints"))[0]
    complaint_services.complaint_grant_identity(actor=discipline_user, access=access, now=now)
    rows = read_csv(page_export(client, org.head.user, "complaints"))
    assert rows[1][rows[0].index("投诉人姓名")] == COMPLAINANT["complainant_name"]


def test_a_recused_cadres_complaints_are_absent_from_his_export(client: Any, org: Any, spread: Any) -> None:
    officer = UserFactory(username="inspector-named", groups=["discipline"])
    named = CadreFactory(department=org.records, name="吴监察", user=officer)
    discipline = UserFactory(username="inspector-other", groups=["discipline"])
    against = complaint_in_state("submitted", accused_cadre=named, discipline=discipline)
    codes = {row[0] for row in read_csv(page_export(client, officer, "complaints"))[1:]}
    assert against.tracking_code not in codes
    assert spread["records"].tracking_code in codes
    others = {row[0] for row in read_csv(page_export(client, discipline, "complaints"))[1:]}
    assert against.tracking_code in others


def test_the_queue_filters_apply(client: Any, org: Any, spread: Any, discipline_user: Any) -> None:
    rows = read_csv(page_export(client, discipline_user, "complaints", query="status=submitted&page=2"))
    assert [row[0] for row in rows[1:]] == [spread["new"].tracking_code]
    response = page_export(client, discipline_user, "complaints", query="status=nonsense")
    assert response.status_code == 302  # back to the list, with the message


def test_the_xlsx_opens_with_openpyxl_in_english_on_request(client: Any, org: Any, spread: Any) -> None:
    client.force_login(org.head.user)
    with translation.override("en"):
        response = client.post(
            reverse("exports:start"), {"kind": "complaints", "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Tracking code"
    assert "Handling department" in rows[0]
    assert [row[0] for row in rows[1:]] == [spread["office"].tracking_code]
    # The header stays in view and filters its columns; the title and the dates get room.
    full = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert full.freeze_panes == "A2"
    assert full.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(rows[0]))}{len(rows)}"
    widths = {
        header: full.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i, header in enumerate(rows[0], 1)
    }
    assert widths["Title"] == 40
    assert widths["Submitted at"] == 17
    assert widths["Category"] >= 10


def test_cases_export_leaves_out_a_case_against_the_officer_and_is_refused_to_a_head(
    client: Any, org: Any, discipline_user: Any
) -> None:
    now = timezone.now()
    officer_cadre = CadreFactory(department=org.records, name="钱监察", user=discipline_user)
    against = case_services.case_open(
        actor=None, source=AccountabilityCase.Source.INSPECTION, allegation="x", now=now, subject_cadre=officer_cadre
    )
    other = case_services.case_open(
        actor=None, source=AccountabilityCase.Source.AUDIT, allegation="y", now=now, subject_cadre=org.cadre
    )
    ids = [row[0] for row in read_csv(page_export(client, discipline_user, "cases"))[1:]]
    assert ids == [str(other.pk)]
    assert str(against.pk) not in ids
    assert page_export(client, org.head.user, "cases").status_code == 403
    assert (
        api(org.head.user).post("/api/v1/exports/", {"kind": "cases", "format": "csv"}, format="json").status_code
        == 403
    )


def test_the_roster_export_is_what_the_head_sees(client: Any, org: Any) -> None:
    names = {row[1] for row in read_csv(page_export(client, org.head.user, "roster"))[1:]}
    assert names == {"王主任", "李科员"}


def test_a_large_export_runs_in_the_background_and_its_progress_reaches_100(
    client: Any, org: Any, spread: Any, discipline_user: Any, settings: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    settings.WORKSTYLE_EXPORT_SYNC_ROWS = 1
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    response = page_export(client, discipline_user, "complaints", format="xlsx")
    export = Export.objects.get(user=discipline_user)
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:detail", args=[export.pk])
    assert (export.status, export.rows_total, export.progress) == (Export.Status.QUEUED, 3, 0)
    page = client.get(reverse("exports:detail", args=[export.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "<progress" in page

    seen: list[int] = []
    real = export_services.export_progress

    def spy(**kwargs: Any) -> int:
        changed = real(**kwargs)
        seen.append(Export.objects.get(pk=export.pk).progress)
        return changed

    monkeypatch.setattr(export_services, "export_progress", spy)
    tasks.export_write(export.pk)  # the task's body, as a worker runs it
    export.refresh_from_db()
    assert seen[0] == 0
    assert 0 < seen[1] < 100
    assert seen[-1] == 100
    assert (export.status, export.rows_done, export.progress) == (Export.Status.DONE, 3, 100)
    assert (tmp_path / export.file).is_file()
    assert [e.verb for e in ExportEvent.objects.filter(export=export).order_by("id")] == ["request", "start", "finish"]

    partial = client.get(reverse("exports:progress", args=[export.pk])).content.decode()
    assert "hx-trigger" not in partial  # the polling stops
    assert reverse("exports:download", args=[export.pk]) in partial
    assert "<script" not in partial
    assert "style=" not in partial
    download = client.get(reverse("exports:download", args=[export.pk]))
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    assert len(list(sheet.iter_rows(values_only=True))) == 4
    # A second delivery of the task writes nothing twice.
    assert tasks.export_write(export.pk) is None


def test_someone_elses_export_is_404_and_an_expired_one_410_then_purged(
    client: Any, org: Any, spread: Any, discipline_user: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    asked = export_services.export_request(actor=discipline_user, kind="complaints", format="csv", filters={}, now=now)
    export = export_services.export_write(export_id=asked.pk, now=now)
    assert export is not None
    assert export.status == Export.Status.DONE
    path = tmp_path / export.file
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    colleague = UserFactory(username="inspector-3", groups=["discipline"])
    client.force_login(colleague)
    for name in ("detail", "progress", "download"):
        assert client.get(reverse(f"exports:{name}", args=[export.pk])).status_code == 404
    assert api(colleague).get(f"/api/v1/exports/{export.pk}/").status_code == 404
    assert api(colleague).get(f"/api/v1/exports/{export.pk}/download/").status_code == 404
    assert api(colleague).get("/api/v1/exports/").json()["results"] == []

    later = now + timedelta(days=7, minutes=1)
    with time_machine.travel(later):
        client.force_login(discipline_user)
        gone = client.get(reverse("exports:download", args=[export.pk]))
        assert gone.status_code == 410
        assert "过期" in gone.content.decode()
        assert api(discipline_user).get(f"/api/v1/exports/{export.pk}/download/").status_code == 410
    assert export_services.exports_purge(now=now + timedelta(days=6)) == {"expired": 0, "failed": 0}
    assert path.exists()
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert tasks.exports_purge() == {"expired": 1, "failed": 0}
    assert not path.exists()
    export.refresh_from_db()
    assert export.status == Export.Status.EXPIRED
    assert ExportEvent.objects.filter(export=export, verb="expire").exists()


def test_the_api_writes_a_small_export_at_once_and_queues_a_large_one(
    org: Any, spread: Any, discipline_user: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = api(discipline_user)
    answer = client.post(
        "/api/v1/exports/", {"kind": "complaints", "format": "csv", "filters": {"status": ["submitted"]}}, format="json"
    )
    assert answer.status_code == 201
    body = answer.json()
    assert (body["status"], body["progress"], body["rows"]) == ("done", 100, 1)
    download = client.get(body["download"])
    assert download.status_code == 200
    assert spread["new"].tracking_code in b"".join(download.streaming_content).decode("utf-8-sig")

    settings.WORKSTYLE_EXPORT_SYNC_ROWS = 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = client.post("/api/v1/exports/", {"kind": "roster", "format": "xlsx"}, format="json")
    assert answer.status_code == 202
    assert len(callbacks) == 1  # the worker is asked once the row is committed
    body = answer.json()
    assert (body["status"], body["progress"], body["download"]) == ("queued", 0, None)
    export_services.export_write(export_id=body["id"], now=timezone.now())
    body = client.get(f"/api/v1/exports/{body['id']}/").json()
    assert body["status"] == "done"
    assert body["progress"] == 100
    assert body["download"].endswith("/download/")
    assert [row["id"] for row in client.get("/api/v1/exports/").json()["results"]] == [body["id"], body["id"] - 1]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "everything", "format": "csv"}, "kind"),
        ({"kind": "complaints", "format": "pdf"}, "format"),
        ({"kind": "complaints", "format": "csv", "filters": "status=submitted"}, "filters"),
        ({"kind": "complaints", "format": "csv", "filters": {"colour": "red"}}, "filters.colour"),
        ({"kind": "complaints", "format": "csv", "filters": {"status": ["nonsense"]}}, "filters.status"),
        ({"kind": "complaints", "format": "csv", "filters": {"department": "abc"}}, "filters.department"),
        ({"kind": "complaints", "format": "csv", "filters": {"status": {"a": 1}}}, "filters.status"),
        ({"kind": "cases", "format": "csv", "filters": {"opened_after": "yesterday"}}, "filters.opened_after"),
        ({"format": "csv"}, "kind"),
        # A misspelt "filters" is refused, not read as "no filter" (which exports the whole list).
        ({"kind": "complaints", "format": "xlsx", "query": "status=submitted"}, "query"),
        ({"kind": "complaints", "fromat": "csv"}, "fromat"),
        ("kind=complaints", "non_field_errors"),
    ],
)
def test_bad_input_is_a_400_with_field_errors(org: Any, discipline_user: Any, payload: Any, field: str) -> None:
    answer = api(discipline_user).post("/api/v1/exports/", payload, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"]
    assert not Export.objects.exists()


def test_a_kind_registered_by_another_app_exports_in_a_few_lines(
    org: Any, discipline_user: Any, monkeypatch: Any
) -> None:
    from cadres.models import Unit

    monkeypatch.setattr(exports, "_KINDS", dict(exports._KINDS))
    register_export_kind(
        ExportKind(
            key="units-test",
            title="Units",
            may_export=lambda user: True,
            plan=lambda user, params, now: ExportPlan(
                queryset=Unit.objects.visible_to(user).order_by("code"), columns=[Column("code", "Code")]
            ),
        )
    )
    answer = api(discipline_user).post("/api/v1/exports/", {"kind": "units-test", "format": "csv"}, format="json")
    assert answer.status_code == 201
    assert answer.json()["rows"] == Unit.objects.count()


def test_the_purge_asks_again_for_a_lost_export_and_fails_one_a_dead_worker_left(
    org: Any, discipline_user: Any, settings: Any, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    settings.WORKSTYLE_EXPORT_SYNC_ROWS = 0
    now = timezone.now()
    lost = export_services.export_request(actor=discipline_user, kind="roster", format="csv", filters={}, now=now)
    dead = export_services.export_request(actor=discipline_user, kind="roster", format="csv", filters={}, now=now)
    started = export_services.export_start(export_id=dead.pk, now=now)
    assert started is not None
    (tmp_path / started.file).parent.mkdir(parents=True)
    (tmp_path / started.file).write_text("half")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert export_services.exports_purge(now=now + timedelta(minutes=5)) == {"expired": 0, "failed": 0}
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert export_services.exports_purge(now=now + timedelta(hours=3)) == {"expired": 0, "failed": 1}
    assert len(callbacks) == 1  # the lost one is sent to the workers again
    dead.refresh_from_db()
    assert dead.status == Export.Status.FAILED
    assert not (tmp_path / started.file).exists()
    assert export_services.exports_purge(now=now + timedelta(days=2)) == {"expired": 0, "failed": 1}
    lost.refresh_from_db()
    assert lost.status == Export.Status.FAILED


def test_a_kind_may_give_rows_that_are_no_queryset(org: Any, discipline_user: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(exports, "_KINDS", dict(exports._KINDS))
    register_export_kind(
        ExportKind(
            key="figures-test",
            title="Figures",
            may_export=lambda user: True,
            plan=lambda user, params, now: ExportPlan(
                queryset=None,
                columns=[Column("table", "表"), Column("figure", "指标"), Column("value", "数值")],
                source=lambda: [["合计", "受理", 3], ["合计", "满意率", "66.7%"]],
            ),
        )
    )
    answer = api(discipline_user).post("/api/v1/exports/", {"kind": "figures-test", "format": "csv"}, format="json")
    assert answer.status_code == 201
    body = b"".join(api(discipline_user).get(answer.json()["download"]).streaming_content).decode("utf-8-sig")
    assert body.splitlines() == ["表,指标,数值", "合计,受理,3", "合计,满意率,66.7%"]


def test_the_statistics_tables_export_as_the_page_shows_them(client: Any, org: Any, spread: Any) -> None:
    rows = read_csv(page_export(client, org.head.user, "statistics", query="period=12m"))
    assert rows[0][0] == "表"
    titles = {row[0] for row in rows[1:]}
    assert "总体情况" in titles
    totals = {row[1]: row[2] for row in rows[1:] if row[0] == "总体情况"}
    # The head sees his department's one complaint; the office's export would count three.
    assert totals["收到"] == "1"


def test_the_statistics_export_refuses_a_period_that_ends_before_it_starts(org: Any, discipline_user: Any) -> None:
    answer = api(discipline_user).post(
        "/api/v1/exports/",
        {"kind": "statistics", "format": "csv", "filters": {"from": "2026-05-01", "to": "2026-04-01"}},
        format="json",
    )
    assert answer.status_code == 400, answer.content
    assert "filters.to" in answer.json()["errors"]


def test_level_0_reads_not_escalated_in_the_export(client: Any, org: Any, spread: Any, discipline_user: Any) -> None:
    rows = read_csv(page_export(client, discipline_user, "complaints"))
    column = rows[0].index("升级督办")
    assert {row[column] for row in rows[1:]} == {"未升级"}  # not 承办人, which is the handler's column


def test_the_exports_page_says_small_exports_are_not_kept(client: Any, org: Any, settings: Any) -> None:
    settings.WORKSTYLE_EXPORT_KEEP_DAYS = 5
    rows = read_csv(page_export(client, org.head.user, "complaints"))
    assert rows  # downloaded at once …
    page = client.get(reverse("exports:list")).text
    assert not Export.objects.filter(user=org.head.user).exists()  # … and not kept
    assert "数据量小的导出会立即下载，不在此列出" in page
    assert "生成 5 天后删除" in page


def test_a_long_xlsx_goes_on_to_further_sheets_each_with_its_header(monkeypatch: Any) -> None:
    monkeypatch.setattr(exports, "XLSX_SHEET_ROWS", 2)
    rows = [[f"code-{i}", i] for i in range(5)]
    plan = ExportPlan(queryset=None, columns=[Column("code", "编号"), Column("n", "N")], source=lambda: rows)
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(plan)))
    assert [len(list(sheet.iter_rows())) for sheet in book.worksheets] == [3, 3, 2]
    for sheet in book.worksheets:
        assert next(sheet.iter_rows(values_only=True)) == ("编号", "N")
        assert sheet.freeze_panes == "A2"
    assert [sheet.auto_filter.ref for sheet in book.worksheets] == ["A1:B3", "A1:B3", "A1:B2"]
    assert [row[0] for sheet in book.worksheets for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        f"code-{i}" for i in range(5)
    ]
    assert book.worksheets[0].column_dimensions["A"].width == exports.XLSX_MIN_WIDTH  # "编号" is 4 wide
