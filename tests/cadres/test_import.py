"""Importing rosters: CSV and XLSX, Chinese or English headers, upsert, all or nothing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from cadres.models import Cadre, Department, Unit
from cadres.roster import RosterKind, roster_import
from tests.factories.org import CadreFactory, UnitFactory, UserFactory
from workstyle.errors import NotAllowed
from workstyle.models import AuditEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

UNITS = [
    ["编号", "名称", "类型", "上级单位"],
    ["city", "市委", "党的机关", ""],
    ["edu", "市教育局", "government_organ", "city"],
    ["hq", "湖滨街道", "乡镇(街道)", ""],
]
DEPARTMENTS = [
    ["编号", "名称", "单位"],
    ["edu-office", "办公室", "edu"],
    ["edu-exam", "考试科", "edu"],
    ["hq-office", "党政办", "hq"],
]
CADRES = [
    ["工号", "姓名", "单位", "部门", "职务", "职级", "领导干部", "在职"],
    ["1001", "张局长", "edu", "", "局长", "正处级", "是", "是"],
    ["1002", "李主任", "edu", "edu-office", "主任", "section", "否", "在职"],
    ["1003", "王科员", "", "edu-exam", "科员", "科员", "0", "1"],
    ["1004", "赵主任", "hq", "hq-office", "主任", "副科级", "no", "yes"],
]


def _csv(rows: list[list[str]], encoding: str = "utf-8-sig") -> io.BytesIO:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return io.BytesIO(text.getvalue().encode(encoding))


def _xlsx(sheets: dict[str, list[list[Any]]]) -> io.BytesIO:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    return data


def _import(data: io.BytesIO, filename: str, **kwargs: Any) -> Any:
    return roster_import(actor=None, file=data, filename=filename, now=NOW, **kwargs)


def _import_all_csv() -> None:
    for rows, name in ((UNITS, "units.csv"), (DEPARTMENTS, "departments.csv"), (CADRES, "cadres.csv")):
        result = _import(_csv(rows), name)
        assert result.ok, [str(e) for e in result.errors]


def _snapshot() -> list[tuple[Any, ...]]:
    return [
        *Unit.objects.order_by("code").values_list(
            "code", "name", "kind", "parent__code", "head__staff_number", "active"
        ),
        *Department.objects.order_by("code").values_list("code", "name", "unit__code", "head__staff_number", "active"),
        *Cadre.objects.order_by("staff_number").values_list(
            "staff_number", "name", "unit__code", "department__code", "position", "rank", "is_leading", "active"
        ),
    ]


def test_good_csv_files_create_the_organisation() -> None:
    result = _import(_csv(UNITS), "units.csv")
    assert result.ok
    assert result.counts == {"units": {"created": 3, "updated": 0, "unchanged": 0}}
    result = _import(_csv(DEPARTMENTS), "departments.csv")
    assert result.counts == {"departments": {"created": 3, "updated": 0, "unchanged": 0}}
    result = _import(_csv(CADRES), "cadres.csv")
    assert result.counts == {"cadres": {"created": 4, "updated": 0, "unchanged": 0}}

    edu = Unit.objects.get(code="edu")
    assert (edu.name, edu.kind, edu.parent.code) == ("市教育局", Unit.Kind.GOVERNMENT_ORGAN, "city")
    assert Unit.objects.get(code="city").kind == Unit.Kind.PARTY_ORGAN
    assert Unit.objects.get(code="hq").kind == Unit.Kind.TOWNSHIP
    assert Department.objects.get(code="edu-exam").unit == edu
    chief = Cadre.objects.get(staff_number="1001")
    assert (chief.unit, chief.department, chief.rank, chief.is_leading, chief.active) == (
        edu,
        None,
        Cadre.Rank.DIVISION,
        True,
        True,
    )
    clerk = Cadre.objects.get(staff_number="1003")
    # The unit is taken from the department when the roster gives only the department.
    assert (clerk.unit, clerk.department.code, clerk.rank, clerk.is_leading) == (edu, "edu-exam", "clerk", False)
    assert Cadre.objects.get(staff_number="1004").rank == Cadre.Rank.SECTION_DEPUTY


def test_import_writes_an_audit_event_with_counts() -> None:
    actor = UserFactory(username="admin-t", is_superuser=True)
    result = roster_import(actor=actor, file=_csv(UNITS), filename="units.csv", now=NOW)
    assert result.ok
    event = AuditEvent.objects.get(verb="import")
    assert (event.actor, event.at, event.note) == (actor, NOW, "units.csv")
    assert event.data["counts"] == {"units": {"created": 3, "updated": 0, "unchanged": 0}}


def test_good_xlsx_workbook_with_three_sheets_in_any_order() -> None:
    """Sheets are imported units → departments → cadres whatever their order in the workbook;
    numbers typed into Excel cells come back as the staff numbers they look like."""
    cadres: list[list[Any]] = [
        ["Staff number", "Name", "Department", "Rank", "Leading cadre"],
        [2001, "陈科长", "edu-exam", "副科级", True],
    ]
    workbook = _xlsx(
        {
            "干部": cadres,
            "Departments": [["code", "name", "unit", "head"], ["edu-exam", "考试科", "edu", 2001]],
            "单位": [
                ["code", "name", "kind", "parent"],
                ["city", "市委", "Party organ", None],
                ["edu", "市教育局", "政府机关", "city"],
            ],
        }
    )
    result = _import(workbook, "roster.xlsx")

    assert result.ok, [str(e) for e in result.errors]
    assert result.counts == {
        "units": {"created": 2, "updated": 0, "unchanged": 0},
        "departments": {"created": 1, "updated": 0, "unchanged": 0},
        "cadres": {"created": 1, "updated": 0, "unchanged": 0},
    }
    cadre = Cadre.objects.get(staff_number="2001")
    assert (cadre.unit.code, cadre.department.code, cadre.rank, cadre.is_leading) == (
        "edu",
        "edu-exam",
        "section_deputy",
        True,
    )
    # The head refers to a cadre of the same workbook: it is set once the cadres exist.
    assert Department.objects.get(code="edu-exam").head == cadre


def test_title_rows_above_the_header_are_skipped() -> None:
    workbook = _xlsx({"Sheet1": [["2026年单位名册"], [], *UNITS]})
    result = _import(workbook, "roster.xlsx")
    assert result.ok, [str(e) for e in result.errors]
    assert Unit.objects.count() == 3
    bad = _import(_xlsx({"Sheet1": [["2026年单位名册"], [], *UNITS, ["x", "某", "castle", ""]]}), "roster.xlsx")
    assert [error.row for error in bad.errors] == [7]  # the spreadsheet's own row number


def test_bad_rows_are_reported_by_number_and_nothing_changes() -> None:
    _import_all_csv()
    before = _snapshot()
    events = AuditEvent.objects.count()
    rows = [
        CADRES[0],
        ["1001", "张局长改名", "edu", "", "局长", "正处级", "是", "是"],  # 2: good on its own (an update)
        ["1005", "", "edu", "", "", "", "", ""],  # 3: no name
        ["1006", "孙某", "nowhere", "", "", "", "", ""],  # 4: unknown unit
        ["1007", "周某", "edu", "", "", "皇帝", "", ""],  # 5: unknown rank
        ["1008", "吴某", "hq", "edu-office", "", "", "", ""],  # 6: department of another unit
        ["1009", "郑某", "edu", "", "", "", "也许", ""],  # 7: not yes or no
        ["1002", "李主任", "edu", "edu-office", "", "", "", ""],  # 8: fine
        ["1002", "李主任", "edu", "edu-office", "", "", "", ""],  # 9: the same staff number again
        ["1010", "冯某", "", "", "", "", "", ""],  # 10: neither unit nor department
        ["1011", "新人", "edu", "", "", "", "", ""],  # 11: good (would be created)
    ]
    result = _import(_csv(rows), "cadres.csv")

    assert not result.ok
    assert [(error.sheet, error.row) for error in result.errors] == [
        ("cadres.csv", 3),
        ("cadres.csv", 4),
        ("cadres.csv", 5),
        ("cadres.csv", 6),
        ("cadres.csv", 7),
        ("cadres.csv", 9),
        ("cadres.csv", 10),
    ]
    messages = {error.row: error.message for error in result.errors}
    assert "nowhere" in messages[4]
    assert "皇帝" in messages[5]
    assert "edu-office" in messages[6]
    assert "也许" in messages[7]
    assert "row 8" in messages[9] or "8" in messages[9]
    with translation.override("en"):
        assert "cadres.csv, row 3" in str(result.errors[0])
    assert result.counts == {}
    assert _snapshot() == before
    assert not Cadre.objects.filter(staff_number="1011").exists()
    assert AuditEvent.objects.count() == events


def test_bad_unit_rows_loops_and_name_clashes() -> None:
    UnitFactory(code="old", name="老单位")
    rows = [
        ["编号", "名称", "类型", "上级单位"],
        ["a", "甲", "township", "b"],  # 2: a → b → a
        ["b", "乙", "township", "a"],  # 3
        ["c", "丙", "township", "ghost"],  # 4: unknown parent
        ["bad code!", "丁", "township", ""],  # 5: not a code
        ["d", "戊", "castle", ""],  # 6: unknown kind
        ["e", "同名", "township", "old"],  # 7: same name as f under the same parent
        ["f", "同名", "township", "old"],  # 8
        ["g", "己", "township", "g"],  # 9: its own parent
    ]
    result = _import(_csv(rows), "units.csv")
    assert [error.row for error in result.errors] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert Unit.objects.count() == 1


def test_missing_required_column_is_reported() -> None:
    result = _import(_csv([["编号", "名称"], ["x", "某单位"]]), "units.csv", kind=RosterKind.UNITS)
    assert not result.ok
    assert result.errors[0].row == 1
    assert "kind" in result.errors[0].message
    unknown = _import(_csv([["foo", "bar"], ["1", "2"]]), "mystery.csv")
    assert not unknown.ok
    assert Unit.objects.count() == 0


def test_reimport_is_idempotent_and_updates_by_code() -> None:
    _import_all_csv()
    before = _snapshot()
    events = AuditEvent.objects.filter(verb="import").count()

    again = _import(_csv(CADRES), "cadres.csv")
    assert again.counts == {"cadres": {"created": 0, "updated": 0, "unchanged": 4}}
    assert _import(_csv(UNITS), "units.csv").counts == {"units": {"created": 0, "updated": 0, "unchanged": 3}}
    assert _snapshot() == before
    assert AuditEvent.objects.filter(verb="import").count() == events + 2

    changed = [row[:] for row in CADRES]
    changed[2][3] = "edu-exam"  # 1002 moves department
    changed[4][7] = "否"  # 1004 leaves
    result = _import(_csv(changed), "cadres.csv")
    assert result.counts == {"cadres": {"created": 0, "updated": 2, "unchanged": 2}}
    assert Cadre.objects.get(staff_number="1002").department.code == "edu-exam"
    assert Cadre.objects.get(staff_number="1004").active is False
    assert Cadre.objects.count() == 4


def test_empty_optional_cells_keep_current_values() -> None:
    _import_all_csv()
    rows = [["工号", "姓名", "单位", "职务", "职级"], ["1001", "张局长", "edu", "", ""]]
    result = _import(_csv(rows), "cadres.csv")
    assert result.counts == {"cadres": {"created": 0, "updated": 0, "unchanged": 1}}
    chief = Cadre.objects.get(staff_number="1001")
    assert (chief.position, chief.rank, chief.is_leading) == ("局长", "division", True)


def test_existing_cadre_can_be_updated_from_the_org_fixture(org: Any) -> None:
    rows = [["staff_number", "name", "unit", "department"], [org.cadre.staff_number, "李科员", "town", "t-office"]]
    result = _import(_csv(rows), "moves.csv")
    assert result.counts == {"cadres": {"created": 0, "updated": 1, "unchanged": 0}}
    org.cadre.refresh_from_db()
    assert (org.cadre.unit, org.cadre.department) == (org.township, org.town_office)
    assert org.cadre.user.username == "cadre-t"  # the account stays linked


def test_gb18030_csv_from_excel_is_read() -> None:
    result = _import(_csv(UNITS, encoding="gb18030"), "units.csv")
    assert result.ok
    assert Unit.objects.get(code="edu").name == "市教育局"


def test_unknown_columns_are_ignored_with_a_note() -> None:
    rows = [["序号", *UNITS[0]], *[[str(i), *row] for i, row in enumerate(UNITS[1:], start=1)]]
    result = _import(_csv(rows), "units.csv")
    assert result.ok
    assert any("序号" in warning for warning in result.warnings)


def test_dry_run_changes_nothing() -> None:
    result = _import(_csv(UNITS), "units.csv", dry_run=True)
    assert result.ok
    assert result.counts == {"units": {"created": 3, "updated": 0, "unchanged": 0}}
    assert Unit.objects.count() == 0
    assert not AuditEvent.objects.exists()


def test_unit_head_from_the_roster() -> None:
    _import_all_csv()
    result = _import(_csv([["编号", "名称", "类型", "负责人"], ["edu", "市教育局", "政府机关", "1001"]]), "heads.csv")
    assert result.counts == {"units": {"created": 0, "updated": 1, "unchanged": 0}}
    assert Unit.objects.get(code="edu").head.staff_number == "1001"
    bad = _import(_csv([["编号", "名称", "类型", "负责人"], ["edu", "市教育局", "政府机关", "9999"]]), "heads.csv")
    assert [error.row for error in bad.errors] == [2]
    assert Unit.objects.get(code="edu").head.staff_number == "1001"


def test_user_without_permission_may_not_import() -> None:
    with pytest.raises(NotAllowed):
        roster_import(actor=UserFactory(username="clerk"), file=_csv(UNITS), filename="units.csv", now=NOW)
    assert Unit.objects.count() == 0


def test_not_a_workbook() -> None:
    result = _import(io.BytesIO(b"PK\x03\x04 not really a zip"), "broken.xlsx")
    assert not result.ok
    assert _import(io.BytesIO(b"whatever"), "old.xls").errors


# --- the management command ---------------------------------------------------------------------


def test_command_imports_and_reports(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(_xlsx({"units": UNITS, "departments": DEPARTMENTS, "cadres": CADRES}).getvalue())
    out = io.StringIO()

    with translation.override("en"):
        call_command("import_roster", str(path), stdout=out)

    assert "units: 3 created, 0 updated, 0 unchanged" in out.getvalue()
    assert "cadres: 4 created" in out.getvalue()
    assert Cadre.objects.count() == 4
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_roster", str(path), stdout=out)
    assert "cadres: 0 created, 0 updated, 4 unchanged" in out.getvalue()


def test_command_lists_bad_rows_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(_csv([*UNITS, ["x", "某", "castle", ""]]).getvalue())
    out, err = io.StringIO(), io.StringIO()

    with translation.override("en"), pytest.raises(CommandError, match="1 problem"):
        call_command("import_roster", str(path), "--kind", "units", stdout=out, stderr=err)

    assert "units.csv, row 5" in err.getvalue()
    assert "castle" in err.getvalue()
    assert Unit.objects.count() == 0


def test_command_dry_run(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(_csv(UNITS).getvalue())
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_roster", str(path), "--dry-run", stdout=out)
    assert "units: 3 created" in out.getvalue()
    assert Unit.objects.count() == 0


# --- the admin page -----------------------------------------------------------------------------


@pytest.fixture
def admin_client(client: Any) -> Any:
    client.force_login(UserFactory(username="root-t", is_superuser=True, is_staff=True))
    return client


def test_admin_import_page_imports_a_workbook(admin_client: Any) -> None:
    changelist = admin_client.get("/admin/cadres/cadre/")
    assert changelist.status_code == 200
    assert "/admin/cadres/cadre/import/" in changelist.text
    assert admin_client.get("/admin/cadres/unit/import/").status_code == 200

    upload = _xlsx({"units": UNITS, "departments": DEPARTMENTS, "cadres": CADRES})
    upload.name = "roster.xlsx"
    response = admin_client.post("/admin/cadres/unit/import/", {"file": upload, "kind": ""})

    assert response.status_code == 302
    assert response["Location"] == "/admin/cadres/unit/"
    assert (Unit.objects.count(), Department.objects.count(), Cadre.objects.count()) == (3, 3, 4)
    assert AuditEvent.objects.get(verb="import").actor.username == "root-t"


def test_admin_import_page_lists_bad_rows(admin_client: Any) -> None:
    upload = _csv([*UNITS, ["x", "某", "castle", ""]])
    upload.name = "units.csv"
    response = admin_client.post("/admin/cadres/unit/import/", {"file": upload, "kind": "units"})

    assert response.status_code == 200
    assert [error.row for error in response.context["result"].errors] == [5]
    assert 'id="import-errors"' in response.text
    assert "castle" in response.text
    assert Unit.objects.count() == 0


def test_admin_import_refuses_other_files(admin_client: Any) -> None:
    upload = io.BytesIO(b"MZ...")
    upload.name = "virus.exe"
    response = admin_client.post("/admin/cadres/unit/import/", {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_admin_import_needs_permission(client: Any) -> None:
    client.force_login(UserFactory(username="staff-t", is_staff=True))
    assert client.get("/admin/cadres/unit/import/").status_code == 403


def test_admin_edit_writes_an_audit_event(admin_client: Any) -> None:
    unit = UnitFactory(code="u1", name="旧名")
    data = {"code": "u1", "name": "新名", "kind": unit.kind, "parent": "", "head": "", "active": "on"}
    response = admin_client.post(f"/admin/cadres/unit/{unit.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit.refresh_from_db()
    assert unit.name == "新名"
    event = AuditEvent.objects.get(verb="update")
    assert event.target_id == str(unit.pk)
    assert event.data["fields"] == ["name"]


def test_cadre_in_another_unit_keeps_no_stale_department() -> None:
    _import_all_csv()
    CadreFactory(staff_number="3001", department=Department.objects.get(code="edu-office"))
    result = _import(_csv([["工号", "姓名", "单位"], ["3001", "调动者", "hq"]]), "moves.csv")
    assert result.ok
    moved = Cadre.objects.get(staff_number="3001")
    assert (moved.unit.code, moved.department) == ("hq", None)
    stays = _import(_csv([["工号", "姓名", "单位"], ["1002", "李主任", "edu"]]), "stays.csv")
    assert stays.counts == {"cadres": {"created": 0, "updated": 0, "unchanged": 1}}
    assert Cadre.objects.get(staff_number="1002").department.code == "edu-office"
