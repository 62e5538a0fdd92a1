"""Forms people enjoy: dates as they are written, messages that name the field, invalid fields
marked, cadres found by name, departments that follow the unit, single-choice filters on the queue;
the home page's account of a complaint's course; notifications grouped and marked read at once."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django import forms
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from cadres.models import Cadre, Unit
from complaints.models import CategoryPolicy, Complaint
from supervision.forms import NoticeForm
from supervision.models import Notice
from tests.factories.complaints import complaint_in_state
from tests.factories.org import DepartmentFactory, UserFactory
from workstyle import services
from workstyle.models import Notification
from workstyle.notifications import KINDS

pytestmark = pytest.mark.django_db


class DateForm(forms.Form):
    day = forms.DateField(label="decision date", widget=forms.DateInput(attrs={"type": "date"}))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("typed", ["2026-11-30", "2026/11/30", "2026年11月30日"])
def test_a_date_is_accepted_as_people_write_it(language: str, typed: str) -> None:
    with translation.override(language):
        form = DateForm(data={"day": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2026, 11, 30)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_input_shows_its_date_in_iso_which_the_browser_accepts(language: str) -> None:
    with translation.override(language):
        html = str(DateForm(initial={"day": date(2026, 11, 30)})["day"])
    assert 'value="2026-11-30"' in html


def test_messages_name_the_field_and_say_how_much_was_written() -> None:
    with translation.override("zh-hans"):
        form = NoticeForm(data={"title": "字" * 230, "body": ""})
        assert not form.is_valid()
        assert form["title"].errors == ["标题最多 200 个字，现在是 230 个字。"]
        assert form["body"].errors == ["请填写内容。"]
        assert 'aria-invalid="true"' in str(form["title"])
        bad_date = DateForm(data={"day": "明天"})
        assert not bad_date.is_valid()
        assert "2026-11-30" in bad_date["day"].errors[0]
    with translation.override("en"):
        form = NoticeForm(data={"title": "x" * 201, "body": "text"})
        form.is_valid()
        assert form["title"].errors == ["Title may be at most 200 characters; it is 201 now."]


def test_a_forms_own_message_is_kept(org: Any, discipline_user: Any) -> None:
    from supervision.forms import CaseOpenForm

    with translation.override("en"):
        form = CaseOpenForm(
            data={"source": "inspection", "subject_cadre": "NO-SUCH", "allegation": "x"}, user=discipline_user
        )
        form.is_valid()
        assert form["subject_cadre"].errors == ["No cadre has this staff number."]


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_the_cadre_search_offers_what_the_user_may_see(org: Any, discipline_user: Any) -> None:
    url = reverse("cadres:cadre_options")
    for user in (discipline_user, org.cadre.user, org.town_cadre.user):
        response = _client(user).get(url, {"field": "subject_cadre", "subject_cadre": "科员"})
        assert response.status_code == 200
        offered = set(re.findall(r'<option value="([^"]+)"', response.text))
        visible = Cadre.objects.visible_to(user).filter(Q(name__contains="科员") | Q(position__contains="科员"))
        assert offered == set(visible.values_list("staff_number", flat=True))
    everyone = _client(discipline_user).get(url, {"field": "q", "q": "李"}).text
    assert org.cadre.staff_number in everyone
    assert org.other.staff_number not in everyone  # 赵科员 does not match 李
    assert Client().get(url, {"q": "李"}).status_code == 302  # log in first


def test_the_case_form_searches_cadres_by_name(org: Any, discipline_user: Any) -> None:
    page = _client(discipline_user).get(reverse("supervision:case_open")).text
    field = re.search(r'<input[^>]*name="subject_cadre"[^>]*>', page)
    assert field is not None
    assert 'list="id_subject_cadre_options"' in field.group(0)
    assert "hx-get" in field.group(0)
    assert '<datalist id="id_subject_cadre_options">' in page
    assert org.cadre.name in page  # the first choices are in the page, for those without script


def test_the_department_list_follows_the_unit(org: Any, discipline_user: Any) -> None:
    client = _client(discipline_user)
    response = client.get(reverse("cadres:department_options"), {"unit": org.bureau.pk})
    assert "办公室" in response.text
    assert "档案科" in response.text
    assert "党政办" not in response.text
    assert "b-office" not in response.text  # names, never codes
    queue = client.get(reverse("complaints:queue"), {"unit": org.township.pk}).text
    department = re.search(r'<select name="department".*?</select>', queue, re.S)
    assert department is not None
    assert "党政办" in department.group(0)
    assert "办公室</option>" not in department.group(0)
    assert 'hx-get="{}"'.format(reverse("cadres:department_options")) in queue
    # The unit set back to "any": every department again, grouped by unit as the page drew them.
    everyone = client.get(reverse("cadres:department_options"), {"unit": ""}).text
    assert re.match(r'<option value="">', everyone)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', everyone, re.S)
    assert [label for label, _ in groups] == [org.bureau.name, org.township.name]
    assert "党政办" in groups[1][1]
    assert "办公室" in groups[0][1]


def test_unit_choices_are_grouped_by_kind(org: Any, discipline_user: Any, client: Client) -> None:
    """The public form, the queue's filter and the department list's filter group units by kind,
    the kinds in their order, with the empty choice first."""
    pages = [
        client.get(reverse("complaints:new")).text,
        _client(discipline_user).get(reverse("complaints:queue")).text,
    ]
    for page in pages:
        select = re.search(r'<select name="unit"[^>]*>(.*?)</select>', page, re.S)
        assert select is not None
        body = select.group(1)
        assert re.match(r'\s*<option value=""[^>]*>', body)
        groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', body, re.S)
        with translation.override("zh-hans"):
            kinds = [str(Unit.Kind(kind).label) for kind in ("party_organ", "government_organ", "township")]
        assert [label for label, _options in groups] == kinds
        assert org.city.name in groups[0][1]
        assert org.bureau.name in groups[1][1]
        assert org.township.name in groups[2][1]


def test_the_queue_filters_are_single_choices_with_any_first(org: Any, discipline_user: Any) -> None:
    client = _client(discipline_user)
    page = client.get(reverse("complaints:queue"), {"status": "submitted", "overdue": "true"}).text
    for name in ("status", "category"):
        select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
        assert select is not None, name
        assert "multiple" not in select.group(0).split(">")[0]
        assert re.match(r'\s*<option value=""[^>]*>不限</option>', select.group(1)), name
    assert re.search(r'<option value="submitted" selected>', page)
    overdue = re.search(r'<select name="overdue"[^>]*>(.*?)</select>', page, re.S)
    assert overdue is not None
    assert "未知" not in overdue.group(1)
    assert re.search(r'<option value="true" selected>超期</option>', overdue.group(1))
    # The API still takes several statuses at once.
    api = APIClient()
    api.force_authenticate(discipline_user)
    assert api.get("/api/v1/complaints/?status=submitted&status=accepted").status_code == 200


def test_org_pages_show_names_not_codes(org: Any, discipline_user: Any) -> None:
    client = _client(discipline_user)
    for url in (reverse("cadres:units"), reverse("cadres:departments"), reverse("cadres:unit", args=[org.bureau.pk])):
        assert "b-office" not in client.get(url).text, url
        assert ">bureau<" not in client.get(url).text, url


# --- home page ----------------------------------------------------------------------------------


def test_the_home_page_tells_what_happens_to_a_complaint(client: Client, settings: Any) -> None:
    settings.WORKSTYLE_CONTACT_PHONE = "0791-12388"
    settings.WORKSTYLE_CONTACT_LETTER = "江州市纪委信访室（江州市人民路 1 号）"
    settings.WORKSTYLE_CONTACT_VISIT = ""
    CategoryPolicy.objects.update(accept_days=15, reply_days=60)
    CategoryPolicy.objects.filter(pk=CategoryPolicy.objects.order_by("pk").first().pk).update(accept_days=10)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "10–15 日内决定是否受理" in page
    assert "受理后 60 日内答复您" in page
    assert "申请复查" in page
    assert "匿名" in page
    assert "0791-12388" in page
    assert "江州市人民路 1 号" in page
    assert "来访" not in re.sub(r"电话、来信、来访", "", page)  # the blank way is left out
    assert "最新通报" not in page  # no notice published yet


def test_the_home_page_lists_the_latest_published_notices(client: Client, discipline_user: Any) -> None:
    now = timezone.now()
    Notice.objects.create(
        kind=Notice.Kind.MODEL,
        title="扎根基层的好书记",
        body="事迹",
        status=Notice.Status.PUBLISHED,
        published_on=now.date(),
        published_at=now,
        created_at=now,
        created_by=discipline_user,
    )
    Notice.objects.create(
        kind=Notice.Kind.MODEL, title="草稿通报", body="x", created_at=now, created_by=discipline_user
    )
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "最新通报" in page
    assert "扎根基层的好书记" in page
    assert "草稿通报" not in page


# --- notifications ------------------------------------------------------------------------------


def _notices(user: Any, now: Any) -> None:
    services.notification_send(
        recipients=[user], kind="message", params={"title": "甲", "text": "正文"}, now=now, email=False
    )
    services.notification_send(
        recipients=[user], kind="message", params={"title": "乙", "text": "正文"}, now=now, email=False
    )
    services.notification_send(
        recipients=[user],
        kind="meeting_report_submitted",
        params={"unit": "某单位", "held_on": "2026-11-01"},
        now=now - timedelta(days=1),
        email=False,
    )


def test_mark_all_read_marks_only_the_users_own_and_keeps_first_reading(org: Any) -> None:
    now = timezone.now()
    me, other = UserFactory(), UserFactory()
    _notices(me, now)
    _notices(other, now)
    earlier = Notification.objects.filter(recipient=me, kind="meeting_report_submitted").get()
    services.notification_mark_read(user=me, ids=[earlier.pk], now=now - timedelta(hours=1))
    assert services.notification_mark_all_read(user=me, now=now, kind="message") == 2
    assert services.notification_mark_all_read(user=me, now=now) == 0
    earlier.refresh_from_db()
    assert earlier.read_at == now - timedelta(hours=1)
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 3


def test_the_notifications_page_groups_by_day_and_kind_and_marks_all_read() -> None:
    user = UserFactory()
    now = timezone.now()
    _notices(user, now)
    client = _client(user)
    page = client.get(reverse("notifications")).text
    days = re.findall(r'<section class="day-group"', page)
    assert len(days) == 2
    assert page.count('<div class="kind-group">') == 2
    assert "<h3>消息 <span" in page  # a kind by its label, never its code
    assert ">message<" not in page
    assert "3 条未读" in page
    client.post(reverse("notifications-read-all"), {"kind": "message"})
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 1
    client.post(reverse("notifications-read-all"))
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert "全部标为已读" not in client.get(reverse("notifications")).text  # nothing left to mark


def test_the_api_marks_all_read() -> None:
    user = UserFactory()
    _notices(user, timezone.now())
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/v1/notifications/read-all/?kind=message")
    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}


def _department_groups(page: str, name: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """A department select's first option and its groups: (unit, [department names])."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, name
    body = select.group(1)
    first = re.match(r'\s*(<option value=""[^>]*>[^<]*</option>)', body)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', body, re.S)
    return (first.group(1) if first else ""), [
        (label, re.findall(r"<option [^>]*>([^<]*)</option>", options)) for label, options in groups
    ]


# Units by kind (party organ, government organ, township), not by name (东湖镇 would come first);
# two units' 办公室 apart by their group.
GROUPED = [("市委", ["办公室"]), ("市住建局", ["办公室", "档案科"]), ("东湖镇", ["党政办"])]


def test_department_choices_are_grouped_by_unit(org: Any, discipline_user: Any) -> None:
    DepartmentFactory(unit=org.city, code="c-office", name="办公室")
    client = _client(discipline_user)
    first, groups = _department_groups(client.get(reverse("complaints:queue")).text, "department")
    assert first == '<option value="" selected>不限</option>'
    assert groups == GROUPED
    first, groups = _department_groups(client.get(reverse("stats:statistics")).text, "department")
    assert "不限" in first
    assert groups == GROUPED


def test_the_route_and_reroute_forms_group_departments_by_unit(org: Any, discipline_user: Any) -> None:
    DepartmentFactory(unit=org.city, code="c-office", name="办公室")
    client = _client(discipline_user)
    submitted = complaint_in_state("submitted", discipline=discipline_user)
    page = client.get(reverse("complaints:detail", args=[submitted.pk])).text
    assert _department_groups(page, "accept-department")[1] == GROUPED
    accepted = complaint_in_state("accepted", department=org.office, discipline=discipline_user)
    page = client.get(reverse("complaints:detail", args=[accepted.pk])).text
    # The department it is with is not offered again.
    assert _department_groups(page, "reroute-department")[1] == [
        ("市委", ["办公室"]),
        ("市住建局", ["档案科"]),
        ("东湖镇", ["党政办"]),
    ]


def test_the_statistics_unit_filter_is_grouped_with_any_first(org: Any, discipline_user: Any) -> None:
    page = _client(discipline_user).get(reverse("stats:statistics")).text
    select = re.search(r'<select name="unit"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    assert re.match(r'\s*<option value=""[^>]*>不限</option>', select.group(1))
    assert "---------" not in page
    groups = re.findall(r'<optgroup label="([^"]+)">', select.group(1))
    with translation.override("zh-hans"):
        assert groups == [str(Unit.Kind(kind).label) for kind in ("party_organ", "government_organ", "township")]


def test_the_escalation_filter_calls_level_0_not_escalated(org: Any, discipline_user: Any) -> None:
    page = _client(discipline_user).get(reverse("complaints:queue")).text
    select = re.search(r'<select name="escalation_level"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    assert re.findall(r"<option [^>]*>([^<]*)</option>", select.group(1)) == [
        "不限",
        "未升级",
        "部门负责人",
        "纪委办公室",
    ]
    with translation.override("en"):
        assert str(Complaint.Level(0).label) == "Not escalated"


def test_a_notification_group_has_a_readable_heading() -> None:
    user: Any = UserFactory()
    services.notification_send(
        recipients=[user],
        kind="complaint_extension_requested",
        params={"code": "TS-1", "days": 7},
        now=timezone.now(),
        email=False,
    )
    page = _client(user).get(reverse("notifications")).text
    heading = re.search(r"<h3>([^<]*) <span", page)
    assert heading is not None
    assert heading.group(1) == "申请延期"
    assert "…" not in page
    for kind in KINDS:
        assert KINDS[kind].group, f"{kind} has no group title"


def test_the_agenda_says_reply_not_the_replys_text() -> None:
    from complaints.dashboard import OWED

    with translation.override("zh-hans"):
        assert str(OWED[Complaint.Status.ASSIGNED]) == "答复"
