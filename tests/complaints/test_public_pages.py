from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import redis
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from complaints import codes
from complaints.models import Complaint
from complaints.public.serializers import citizen_status_label
from complaints.public.views import RECEIPT_SESSION_KEY, TRACKED_SESSION_KEY
from tests.complaints.public_helpers import REPLY_TEXT, docx_bytes, exe_bytes, png_bytes, reply, submit, upload

NEW = reverse("complaints:new")
SUBMITTED = reverse("complaints:submitted")
TRACK = reverse("complaints:track")
IDENTITY = ("张秘密", "13800000000", "zhang.secret@example.com")


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def captcha_test_mode(settings: Any) -> None:
    settings.CAPTCHA_TEST_MODE = True


@pytest.fixture
def private_media(settings: Any, tmp_path: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": "arbitrary_charges",
        "title": "学校收取补课费",
        "description": "每个学生每学期五百元，没有任何票据。",
        "complainant_name": IDENTITY[0],
        "complainant_phone": IDENTITY[1],
        "complainant_email": IDENTITY[2],
        "captcha_0": "hash",
        "captcha_1": "PASSED",
    }
    data.update(overrides)
    return data


def receipt_of(response: Any) -> tuple[str, str]:
    html = response.content.decode()
    code = re.search(r'id="tracking-code">([^<]+)<', html)
    key = re.search(r'id="access-key">([^<]+)<', html)
    assert code is not None
    assert key is not None
    return code.group(1), key.group(1)


def status_label(complaint: Complaint) -> str:
    with translation.override("en"):
        return citizen_status_label(complaint.status)


def look_up(client: Client, code: str, key: str) -> Any:
    return client.post(TRACK, {"action": "lookup", "tracking_code": code, "access_key": key})


# --- home and the form ------------------------------------------------------------------------


def test_home_links_to_filing_and_tracking(client: Client, db: Any) -> None:
    html = client.get(reverse("home")).content.decode()
    assert f'href="{NEW}"' in html
    assert f'href="{TRACK}"' in html


def test_the_form_has_categories_units_files_captcha_and_a_hidden_honeypot(client: Client, org: Any) -> None:
    response = client.get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Arbitrary charges" in html
    assert org.bureau.name in html
    assert re.search(r'<input type="file" name="attachments"[^>]* multiple', html)
    assert 'enctype="multipart/form-data"' in html
    assert "/captcha/image/" in html
    assert 'class="hp-field"' in html
    assert re.search(r'<div class="hp-field" aria-hidden="true">.*?name="website"', html, re.S)
    assert "anonymously" in html
    assert "<script>" not in html
    assert 'style="' not in html


def test_filing_a_complaint_shows_code_and_key_once(client: Client, db: Any, captcha_test_mode: None) -> None:
    response = client.post(NEW, form_data())
    assert response.status_code == 302
    assert response["Location"] == SUBMITTED
    complaint = Complaint.objects.get()
    assert complaint.channel == Complaint.Channel.WEB
    assert (complaint.complainant_name, complaint.complainant_phone, complaint.complainant_email) == IDENTITY

    page = client.get(SUBMITTED)
    assert "no-store" in page["Cache-Control"]
    code, key = receipt_of(page)
    assert code == complaint.tracking_code
    assert codes.access_key_matches(key, complaint.access_key_hash)
    assert "Write down" in page.content.decode()
    # Shown once: gone from the page and from the session.
    assert RECEIPT_SESSION_KEY not in client.session
    again = client.get(SUBMITTED).content.decode()
    assert key not in again
    assert code not in again


def test_anonymous_filing_is_allowed(client: Client, db: Any, captcha_test_mode: None) -> None:
    data = form_data(complainant_name="", complainant_phone="", complainant_email="")
    assert client.post(NEW, data).status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.complainant_name, complaint.complainant_phone, complaint.complainant_email) == ("", "", "")


def test_the_captcha_is_required(client: Client, db: Any) -> None:
    # Outside the test mode the word "PASSED" is just a wrong answer.
    assert not django_settings.CAPTCHA_TEST_MODE
    response = client.post(NEW, form_data())
    assert response.status_code == 200
    assert "The code you typed does not match the picture. Please try again." in response.content.decode()
    response = client.post(NEW, form_data(captcha_1=""))
    assert response.status_code == 200
    assert 'name="captcha_1"' in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_real_captcha_answer_passes(client: Client, db: Any) -> None:
    from captcha.models import CaptchaStore

    client.get(NEW)
    store = CaptchaStore.objects.latest("expiration")
    response = client.post(NEW, form_data(captcha_0=store.hashkey, captcha_1=store.response))
    assert response.status_code == 302
    assert Complaint.objects.count() == 1
    # One answer per picture.
    assert client.post(NEW, form_data(captcha_0=store.hashkey, captcha_1=store.response)).status_code == 200


def test_the_honeypot_pretends_success_and_stores_nothing(client: Client, db: Any, captcha_test_mode: None) -> None:
    response = client.post(NEW, form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == SUBMITTED
    code, key = receipt_of(client.get(SUBMITTED))
    assert codes.format_tracking_code(code) == code
    assert key
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "bribery"}, "category"),
        ({"unit": "999999"}, "unit"),
        ({"unit": "abc"}, "unit"),
        ({"complainant_email": "nope"}, "complainant_email"),
        ({"complainant_phone": "ring me"}, "complainant_phone"),
        ({"title": ""}, "title"),
        ({"description": "x" * 10001}, "description"),
    ],
)
def test_bad_input_reshows_the_form_with_messages(
    client: Client, db: Any, captcha_test_mode: None, overrides: dict[str, Any], field: str
) -> None:
    response = client.post(NEW, form_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'class="error"' in response.content.decode()
    assert not Complaint.objects.exists()


def test_attachments_through_the_form(client: Client, db: Any, captcha_test_mode: None, private_media: Any) -> None:
    files = [upload("照片.png", png_bytes()), upload("说明.docx", docx_bytes())]
    assert client.post(NEW, {**form_data(), "attachments": files}).status_code == 302
    complaint = Complaint.objects.get()
    assert sorted(complaint.attachments.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]


def test_a_bad_attachment_reshows_the_form(
    client: Client, db: Any, captcha_test_mode: None, private_media: Any
) -> None:
    response = client.post(NEW, {**form_data(), "attachments": [upload("scan.pdf", exe_bytes())]})
    assert response.status_code == 200
    assert "scan.pdf" in response.context["form"].errors["attachments"][0]
    six = [upload(f"p{i}.png", png_bytes()) for i in range(6)]
    response = client.post(NEW, {**form_data(), "attachments": six})
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not Complaint.objects.exists()


def test_the_form_is_rate_limited_per_client_in_redis(client: Client, db: Any, settings: Any) -> None:
    settings.CAPTCHA_TEST_MODE = True
    settings.WORKSTYLE_PUBLIC_FORM_LIMIT = 2
    for _ in range(2):
        assert client.post(NEW, form_data(), REMOTE_ADDR="10.0.0.7").status_code == 302
    response = client.post(NEW, form_data(title="第三次"), REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many complaints" in html
    assert "第三次" in html  # what he typed is kept
    assert Complaint.objects.count() == 2
    # A forwarded-for header is not a new client.
    forged = client.post(NEW, form_data(), REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="8.8.8.8")
    assert forged.status_code == 429
    # Another client is counted apart.
    assert client.post(NEW, form_data(), REMOTE_ADDR="10.0.0.8").status_code == 302
    assert Complaint.objects.count() == 3
    keys = redis.Redis.from_url(settings.REDIS_URL).keys("*ratelimit:complaint_form*")
    assert len(keys) == 2
    # The next hour opens a new window.
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, minutes=1)):
        assert client.post(NEW, form_data(), REMOTE_ADDR="10.0.0.7").status_code == 302


def test_the_rate_limit_holds_under_concurrent_requests() -> None:
    """cache.add + cache.incr are atomic in Redis: eight threads at once still get exactly the limit."""
    from concurrent.futures import ThreadPoolExecutor

    from django.test import RequestFactory

    from complaints.public.ratelimit import ratelimit_hit

    request = RequestFactory().post(NEW, REMOTE_ADDR="10.9.9.9")
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: ratelimit_hit(request, scope="burst", limit=5), range(40)))
    assert results.count(True) == 5


# --- tracking ---------------------------------------------------------------------------------


def test_tracking_shows_status_and_deadlines(client: Client, db: Any) -> None:
    complaint, key = submit()
    response = look_up(client, complaint.tracking_code, key)
    assert response.status_code == 302
    assert response["Location"] == TRACK
    page = client.get(TRACK)
    html = page.content.decode()
    assert status_label(complaint) in html
    assert complaint.tracking_code in html
    assert "Decision on acceptance due" in html
    assert "no-store" in page["Cache-Control"]
    for value in IDENTITY:
        assert value not in html
    # The session holds the code, never the key.
    assert key not in str(dict(client.session))
    assert client.session[TRACKED_SESSION_KEY]["tracking_code"] == complaint.tracking_code


def test_a_wrong_key_and_an_unknown_code_get_the_same_answer(client: Client, db: Any) -> None:
    complaint, key = submit()
    _other, other_key = submit()
    wrong_key = look_up(client, complaint.tracking_code, other_key)
    unknown_code = look_up(client, complaint.tracking_code.replace(complaint.tracking_code[:4], "ZZZZ"), key)
    assert wrong_key.status_code == unknown_code.status_code == 200

    def normalised(response: Any, code: str) -> str:
        html = response.content.decode().replace(code, "CODE")
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r'nonce="[^"]+"', "", html)

    assert normalised(wrong_key, complaint.tracking_code) == normalised(
        unknown_code, complaint.tracking_code.replace(complaint.tracking_code[:4], "ZZZZ")
    )
    assert "No complaint matches" in wrong_key.content.decode()
    assert other_key not in wrong_key.content.decode()
    assert TRACKED_SESSION_KEY not in client.session


def test_the_key_never_appears_in_a_url(
    client: Client, org: Any, discipline_user: Any, captcha_test_mode: None
) -> None:
    html = client.get(TRACK).content.decode()
    assert re.search(r'<form method="post" action="/complaints/track/"', html)
    response = client.post(NEW, form_data())
    code, key = receipt_of(client.get(response["Location"]))
    assert key not in response["Location"]
    # A key in the query string opens nothing.
    page = client.get(f"{TRACK}?tracking_code={code}&access_key={key}").content.decode()
    assert 'name="access_key"' in page
    lookup = look_up(client, code, key)
    assert key not in lookup["Location"]
    assert code not in lookup["Location"]
    complaint = reply(Complaint.objects.get(), org, discipline_user)
    html = client.get(TRACK).content.decode()
    assert key not in html
    for action in re.findall(r'action="([^"]+)"', html):
        assert key not in action
        assert complaint.tracking_code not in action


def test_the_reply_is_shown_and_rated_once(client: Client, org: Any, discipline_user: Any) -> None:
    complaint, key = submit()
    look_up(client, complaint.tracking_code, key)
    assert 'value="feedback"' not in client.get(TRACK).content.decode()
    complaint = reply(complaint, org, discipline_user)
    html = client.get(TRACK).content.decode()
    assert REPLY_TEXT in html
    assert status_label(complaint) in html
    assert f"{org.bureau.name} · {org.office.name}" in html
    for name in (org.head.name, org.cadre.name):
        assert name not in html
    assert 'value="feedback"' in html
    assert 'value="review"' in html

    response = client.post(TRACK, {"action": "feedback", "rating": "basically_satisfied", "comment": "满意"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.feedback_comment) == ("basically_satisfied", "满意")
    html = client.get(TRACK).content.decode()
    assert "You rated the reply: Basically satisfied." in html
    assert 'value="feedback"' not in html
    # A replayed form changes nothing.
    client.post(TRACK, {"action": "feedback", "rating": "dissatisfied"})
    complaint.refresh_from_db()
    assert complaint.rating == "basically_satisfied"


def test_feedback_without_an_answer_reshows_the_form(client: Client, org: Any, discipline_user: Any) -> None:
    complaint, key = submit()
    reply(complaint, org, discipline_user)
    look_up(client, complaint.tracking_code, key)
    response = client.post(TRACK, {"action": "feedback", "comment": "?"})
    assert response.status_code == 200
    assert response.context["feedback_form"].errors["rating"]
    complaint.refresh_from_db()
    assert complaint.feedback_at is None


def test_asking_for_a_review_within_the_window(client: Client, org: Any, discipline_user: Any) -> None:
    complaint, key = submit()
    reply(complaint, org, discipline_user)
    with time_machine.travel(timezone.now() + dt.timedelta(days=20)):
        look_up(client, complaint.tracking_code, key)
        assert client.post(TRACK, {"action": "review", "reason": "没有退钱"}).status_code == 302
        html = client.get(TRACK).content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REVIEW_REQUESTED
    assert complaint.review_reason == "没有退钱"
    assert status_label(complaint) in html
    assert "The answer to the review is due on" in html
    assert 'value="review"' not in html


def test_no_review_after_the_window(client: Client, org: Any, discipline_user: Any) -> None:
    complaint, key = submit()
    reply(complaint, org, discipline_user)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31, hours=12)):
        look_up(client, complaint.tracking_code, key)
        assert 'value="review"' not in client.get(TRACK).content.decode()
        response = client.post(TRACK, {"action": "review", "reason": "太晚了"}, follow=True)
    assert "A review can no longer be asked" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REPLIED


def test_follow_up_forms_need_a_recent_lookup(client: Client, org: Any, discipline_user: Any) -> None:
    complaint, key = submit()
    reply(complaint, org, discipline_user)
    # Without a lookup in this session a rating is refused.
    response = client.post(TRACK, {"action": "feedback", "rating": "satisfied"}, follow=True)
    assert "enter your tracking code and access key again" in response.content.decode()
    look_up(client, complaint.tracking_code, key)
    # The lookup expires.
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert 'name="access_key"' in client.get(TRACK).content.decode()
        client.post(TRACK, {"action": "feedback", "rating": "satisfied"})
    complaint.refresh_from_db()
    assert complaint.feedback_at is None


def test_forgetting_the_complaint(client: Client, db: Any) -> None:
    complaint, key = submit()
    look_up(client, complaint.tracking_code, key)
    client.post(TRACK, {"action": "forget"})
    assert TRACKED_SESSION_KEY not in client.session
    assert 'name="access_key"' in client.get(TRACK).content.decode()


def test_the_extension_is_announced(client: Client, org: Any, discipline_user: Any) -> None:
    from complaints import services

    complaint, key = submit()
    now = timezone.now()
    complaint = services.complaint_accept(actor=discipline_user, complaint=complaint, department=org.office, now=now)
    services.complaint_request_extension(actor=org.head.user, complaint=complaint, days=20, reason="需要调查", now=now)
    services.complaint_approve_extension(actor=discipline_user, complaint=complaint, now=now)
    complaint.refresh_from_db()
    look_up(client, complaint.tracking_code, key)
    html = client.get(TRACK).content.decode()
    assert "extended by 20 days" in html
    with translation.override("en"):
        from django.template.defaultfilters import date

        assert str(date(timezone.localtime(complaint.reply_due_at), "DATE_FORMAT")) in html


def test_lookups_are_rate_limited(client: Client, db: Any, settings: Any) -> None:
    settings.WORKSTYLE_PUBLIC_FORM_LIMIT = 1  # six look-ups an hour
    for _ in range(6):
        assert look_up(client, "AAAA", "BBBB").status_code == 200
    response = look_up(client, "AAAA", "BBBB")
    assert response.status_code == 429
    assert "Too many look-ups" in response.content.decode()


# --- what a citizen reads: plain states, late answers, errors he can find ---------------------


def test_the_category_select_prompts_for_a_choice(client: Client, db: Any) -> None:
    html = client.get(NEW).content.decode()
    assert re.search(r'<select name="category"[^>]*>\s*<option value="" selected>Choose a category</option>', html)
    assert "---------" not in html
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(NEW).content.decode()
    assert '<option value="" selected>请选择类别</option>' in zh


def test_a_wrong_captcha_brings_the_form_back_with_a_summary_of_its_errors(client: Client, db: Any) -> None:
    # Outside the test mode "PASSED" is a wrong answer; the e-mail is wrong too.
    response = client.post(NEW, form_data(complainant_email="nope", title="路灯坏了三个月"))
    assert response.status_code == 200
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert summary is not None, "no error summary"
    assert html.index('class="error-summary"') < html.index('name="category"')  # at the top of the form
    body = summary.group(1)
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', body)
    assert [target for target, _text in links] == ["id_complainant_email", "id_captcha_1"]
    for target, _text in links:
        assert f'id="{target}"' in html  # each link leads to its field
    assert "The code you typed does not match the picture. Please try again." in links[1][1]
    assert "Invalid CAPTCHA" not in html
    assert "<title>Error: File a complaint" in html
    # Focused by a static script, never an inline one (CSP).
    assert '<script src="/static/js/form-errors.js" defer></script>' in html
    assert "<script>" not in html
    assert 'style="' not in html
    # What he typed is kept; only the captcha starts over.
    assert 'value="路灯坏了三个月"' in html
    assert form_data()["description"] in html
    assert 'value="nope"' in html
    assert re.search(r'<option value="arbitrary_charges" selected>', html)
    assert not Complaint.objects.exists()


def test_the_captcha_error_reads_the_same_in_chinese(db: Any) -> None:
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").post(NEW, form_data()).content.decode()
    assert "验证码不正确，请重新输入。" in html
    assert "认证码" not in html


def test_a_valid_form_has_no_error_summary(client: Client, db: Any) -> None:
    html = client.get(NEW).content.decode()
    assert "error-summary" not in html
    assert "form-errors.js" not in html


def _assigned(org: Any, discipline_user: Any, *, now: dt.datetime) -> Complaint:
    from tests.factories.complaints import complaint_in_state

    return complaint_in_state(
        Complaint.Status.ASSIGNED, department=org.office, handler=org.cadre, discipline=discipline_user, now=now
    )


def test_tracking_says_when_the_reply_is_overdue_and_escalated(client: Client, org: Any, discipline_user: Any) -> None:
    from complaints.escalation import escalate_overdue
    from supervision.models import AccountabilityCase

    complaint = _assigned(org, discipline_user, now=timezone.now() - dt.timedelta(days=200))
    due = complaint.reply_due_at
    assert due is not None
    assert due < timezone.now() - dt.timedelta(days=10)
    # The ladder as it runs: the head the day after the deadline, the discipline office a week on.
    escalate_overdue(now=due + dt.timedelta(days=1))
    escalate_overdue(now=timezone.now())
    complaint.refresh_from_db()
    assert complaint.escalation_level == Complaint.Level.DISCIPLINE_OFFICE
    assert AccountabilityCase.objects.exists()

    look_up(client, complaint.tracking_code, complaint.access_key)
    html = client.get(TRACK).content.decode()
    with translation.override("en"):
        from django.template.defaultfilters import date

        day = str(date(timezone.localtime(due), "DATE_FORMAT"))
    assert f"The reply to your complaint is overdue: it was due on {day}." in html
    assert "escalated to the discipline inspection office for supervision" in html
    # The state in words a citizen knows, not the office's own.
    assert '<span class="status" id="complaint-status">Being handled</span>' in html
    assert ">Assigned<" not in html
    for name in (org.head.name, org.cadre.name, discipline_user.username):
        assert name not in html

    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    look_up(zh, complaint.tracking_code, complaint.access_key)
    html = zh.get(TRACK).content.decode()
    assert "正在办理" in html
    assert "已分派" not in html
    assert "答复已逾期" in html
    assert "已升级至纪委督办" in html


def test_a_complaint_escalated_once_says_so_without_naming_anyone(
    client: Client, org: Any, discipline_user: Any
) -> None:
    from complaints.escalation import escalate_overdue

    complaint = _assigned(org, discipline_user, now=timezone.now() - dt.timedelta(days=200))
    assert complaint.reply_due_at is not None
    escalate_overdue(now=complaint.reply_due_at + dt.timedelta(days=1))
    look_up(client, complaint.tracking_code, complaint.access_key)
    html = client.get(TRACK).content.decode()
    assert "escalated to a higher level for supervision" in html
    assert "discipline inspection office" not in html
    assert org.head.name not in html


def test_tracking_an_answer_still_in_time_shows_no_alarm(client: Client, org: Any, discipline_user: Any) -> None:
    complaint = _assigned(org, discipline_user, now=timezone.now())
    look_up(client, complaint.tracking_code, complaint.access_key)
    html = client.get(TRACK).content.decode()
    assert "Being handled" in html
    assert "Reply due" in html
    assert "overdue" not in html
    assert "escalated" not in html
    assert 'id="overdue"' not in html
    assert "Decision on acceptance due" not in html


def test_an_overdue_decision_on_acceptance_is_named_as_such(client: Client, db: Any) -> None:
    complaint, key = submit(now=timezone.now() - dt.timedelta(days=40))
    look_up(client, complaint.tracking_code, key)
    html = client.get(TRACK).content.decode()
    assert "Waiting for the decision on acceptance" in html
    assert "The decision on whether to accept your complaint is overdue" in html


def test_the_public_api_keeps_the_state_and_gives_the_citizens_label(org: Any, discipline_user: Any) -> None:
    complaint = _assigned(org, discipline_user, now=timezone.now())
    body = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        f"/api/v1/public/complaints/{complaint.tracking_code}/", HTTP_X_ACCESS_KEY=complaint.access_key
    )
    assert body.status_code == 200
    assert body.json()["status"] == "assigned"
    assert body.json()["status_label"] == "Being handled"


def test_the_api_tells_a_tracking_client_what_the_page_tells(client: Client, org: Any, discipline_user: Any) -> None:
    from complaints.escalation import escalate_overdue

    late = _assigned(org, discipline_user, now=timezone.now() - dt.timedelta(days=200))
    assert late.reply_due_at is not None
    escalate_overdue(now=late.reply_due_at + dt.timedelta(days=1))
    on_time = _assigned(org, discipline_user, now=timezone.now())
    api = APIClient()
    body = api.get(f"/api/v1/public/complaints/{late.tracking_code}/", HTTP_X_ACCESS_KEY=late.access_key).json()
    assert dt.datetime.fromisoformat(body["overdue_since"]) == late.reply_due_at
    assert body["overdue_deadline"] == "reply_due_at"
    assert body["escalation_level"] == 1
    assert body["status"] == "assigned"  # the state itself; the label is the citizen's
    fine = api.get(f"/api/v1/public/complaints/{on_time.tracking_code}/", HTTP_X_ACCESS_KEY=on_time.access_key).json()
    assert (fine["overdue_since"], fine["overdue_deadline"], fine["escalation_level"]) == (None, "", 0)
