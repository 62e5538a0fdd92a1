"""The admin never reveals who complained: no filter, ordering, search, column or form field on the
complainant's identity or the access key's hash — on the complaint itself or through any related
model — and no token digest or password hash either. Tried through real admin URLs as a superuser:
each answer is a 400, or the same as without the attack; never narrowed by the hidden value."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory
from django.utils import timezone

from complaints.models import Attachment, Complaint
from complaints.services import complaint_request_extension, complaint_request_identity
from supervision.models import AccountabilityCase
from supervision.services import case_open
from tests.factories.complaints import COMPLAINANT, complaint_in_state
from tests.factories.org import UserFactory
from workstyle.admin import GuardedAdmin, touches_hidden
from workstyle.services import api_token_issue

NOW = dt.datetime(2025, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PHONE, NAME, EMAIL = COMPLAINANT["complainant_phone"], COMPLAINANT["complainant_name"], COMPLAINANT["complainant_email"]
pytestmark = pytest.mark.django_db


def _with_rows(org: Any, discipline_user: Any, *, anonymous: bool, file: str) -> Complaint:
    """A complaint with rows of every kind: an extension request, an identity request, an
    attachment, a case."""
    complaint = complaint_in_state(
        "assigned", department=org.office, handler=org.cadre, discipline=discipline_user, now=NOW, anonymous=anonymous
    )
    complaint_request_extension(actor=org.head.user, complaint=complaint, days=5, reason="调取档案", now=NOW)
    complaint_request_identity(actor=org.cadre.user, complaint=complaint, reason="需要核实", now=NOW)
    Attachment.objects.create(
        complaint=complaint,
        file=f"attachments/{file}",
        original_name=file,
        content_type="application/pdf",
        size=1,
        uploaded_at=NOW,
    )
    case_open(
        actor=discipline_user,
        source=AccountabilityCase.Source.LETTER,
        allegation="推诿",
        subject_cadre=org.head,
        complaint=complaint,
        now=NOW,
    )
    return complaint


@pytest.fixture
def named(org: Any, discipline_user: Any) -> Complaint:
    """A complaint whose complainant gave his name, phone and e-mail."""
    return _with_rows(org, discipline_user, anonymous=False, file="a.pdf")


@pytest.fixture
def anonymous(org: Any, discipline_user: Any) -> Complaint:
    """One without any identity: a filter that told the two apart would reveal the other's."""
    return _with_rows(org, discipline_user, anonymous=True, file="b.pdf")


@pytest.fixture
def root(named: Complaint, anonymous: Complaint) -> Client:
    client = Client()
    client.force_login(UserFactory(username="root-t", is_superuser=True, is_staff=True))
    return client


def secrets_in(content: bytes, complaint: Complaint) -> list[bytes]:
    values = [PHONE, NAME, EMAIL, complaint.access_key_hash]
    return [
        value.encode() for value in values if value.encode() in content or value.encode("unicode_escape") in content
    ]


def rows(response: Any) -> list[int]:
    return sorted(obj.pk for obj in response.context["cl"].result_list)


def assert_refused_or_ignored(client: Client, path: str, attack: dict[str, str], named: Complaint) -> None:
    """The attack answers 400, or exactly what the page answers without it."""
    response = client.get(path, attack)
    if response.status_code == 400:
        return
    assert response.status_code == 200, (path, attack, response.status_code)
    assert secrets_in(response.content, named) == [], (path, attack)
    assert rows(response) == rows(client.get(path)), (path, attack)


COMPLAINT_ATTACKS = [
    {"complainant_phone__startswith": "139"},
    {"complainant_phone": PHONE},
    {"complainant_phone__regex": "^1"},
    {"complainant_phone__isnull": "False"},
    {"complainant_phone__exact": ""},
    {"complainant_name__regex": "^张"},
    {"complainant_name__contains": "张"},
    {"complainant_name__in": NAME},
    {"complainant_email__icontains": "secret"},
    {"complainant_email__gt": "c"},
    {"access_key_hash__startswith": "p"},
    {"merged_into__complainant_phone__startswith": "1"},
    {"duplicates__complainant_name__regex": "."},
    {"events__complaint__complainant_phone__startswith": "139"},
    {"accused_cadre__complaints_against__complainant_phone__startswith": "1"},
    {"department__complaints__complainant_email__contains": "@"},
    {"_popup": "1", "_to_field": "complainant_phone"},
    {"_popup": "1", "_to_field": "access_key_hash"},
]

RELATED_ATTACKS = [
    ("/admin/complaints/complaintevent/", "complaint__complainant_phone__startswith", "1"),
    ("/admin/complaints/complaintevent/", "complaint__complainant_name__regex", "^张"),
    ("/admin/complaints/attachment/", "complaint__complainant_email__contains", "secret"),
    ("/admin/complaints/extensionrequest/", "complaint__complainant_phone__startswith", "139"),
    ("/admin/complaints/identityaccess/", "complaint__complainant_name", NAME),
    ("/admin/complaints/identityaccess/", "complaint__access_key_hash__startswith", "p"),
    ("/admin/supervision/accountabilitycase/", "complaint__complainant_phone__startswith", "139"),
    ("/admin/supervision/caseevent/", "case__complaint__complainant_phone__startswith", "139"),
    ("/admin/cadres/cadre/", "complaints_handled__complainant_phone__startswith", "139"),
    ("/admin/cadres/department/", "complaints__complainant_name__contains", "张"),
    ("/admin/cadres/unit/", "departments__complaints__complainant_email__contains", "secret"),
    ("/admin/workstyle/notification/", "recipient__identity_accesses__complaint__complainant_phone__startswith", "1"),
    ("/admin/auth/user/", "identity_accesses__complaint__complainant_phone__startswith", "139"),
]


@pytest.mark.parametrize("attack", COMPLAINT_ATTACKS, ids=lambda attack: "&".join(attack))
def test_the_complaint_list_cannot_be_filtered_by_the_identity(root: Client, named: Complaint, attack: dict) -> None:
    response = root.get("/admin/complaints/complaint/", attack)
    assert response.status_code == 400 or rows(response) == rows(root.get("/admin/complaints/complaint/"))
    assert secrets_in(response.content, named) == []


def test_every_identity_filter_on_the_complaint_list_is_a_400(root: Client) -> None:
    # Not merely ignored: refused, so that nobody mistakes an ignored filter for a result.
    for attack in COMPLAINT_ATTACKS:
        assert root.get("/admin/complaints/complaint/", attack).status_code == 400, attack


@pytest.mark.parametrize(("path", "lookup", "value"), RELATED_ATTACKS)
def test_no_related_model_filters_by_the_identity(
    root: Client, named: Complaint, path: str, lookup: str, value: str
) -> None:
    assert root.get(path).status_code == 200
    assert root.get(path, {lookup: value}).status_code == 400
    assert_refused_or_ignored(root, path, {lookup: value}, named)


def test_search_and_ordering_never_touch_the_identity(root: Client, named: Complaint, anonymous: Complaint) -> None:
    everything = rows(root.get("/admin/complaints/complaint/"))
    assert everything == sorted([named.pk, anonymous.pk])
    # A search by the right name, phone or e-mail answers like one by a wrong one: nothing.
    for right, wrong in ((NAME, "王某某"), (PHONE, "13800000000"), (EMAIL, "nobody@example.com"), ("139", "186")):
        found = root.get("/admin/complaints/complaint/", {"q": right})
        assert found.status_code == 200
        assert rows(found) == rows(root.get("/admin/complaints/complaint/", {"q": wrong})) == []
        # The search box shows what was typed; nothing else of the identity is on the page.
        assert secrets_in(found.content.replace(right.encode(), b""), named) == []
    for path in ("/admin/complaints/complaintevent/", "/admin/complaints/identityaccess/"):
        assert rows(root.get(path, {"q": PHONE})) == rows(root.get(path, {"q": "13800000000"}))
    # Every column, either way: the page is never ordered by a hidden field, and never shows one.
    columns = len(admin.site.get_model_admin(Complaint).get_list_display(RequestFactory().get("/")))
    for index in range(-1, columns + 2):
        for order in (str(index), f"-{index}"):
            response = root.get("/admin/complaints/complaint/", {"o": order})
            assert response.status_code == 200
            assert secrets_in(response.content, named) == []


def test_pages_of_the_complaint_and_its_rows_show_no_identity(root: Client, named: Complaint) -> None:
    pages = [
        "/admin/complaints/complaint/",
        f"/admin/complaints/complaint/{named.pk}/change/",
        f"/admin/complaints/complaint/{named.pk}/history/",
        "/admin/complaints/complaintevent/",
        "/admin/complaints/attachment/",
        "/admin/complaints/extensionrequest/",
        "/admin/complaints/identityaccess/",
        "/admin/supervision/accountabilitycase/",
        "/admin/complaints/complaint/?_popup=1&_to_field=id",
    ]
    for page in pages:
        response = root.get(page)
        assert response.status_code == 200, page
        assert secrets_in(response.content, named) == [], page


def test_an_admin_that_declares_a_hidden_field_still_never_uses_it(root: Client, named: Complaint) -> None:
    """Declaring a hidden field in an admin's columns, search, ordering, filters or form is a
    mistake the mixin makes harmless."""

    class CarelessAdmin(GuardedAdmin):
        list_display = ("tracking_code", "complainant_phone", "complainant_name", "status")
        list_display_links = ("complainant_name", "tracking_code")
        search_fields = ("tracking_code", "^complainant_phone", "=complainant_email", "merged_into__complainant_name")
        ordering = ("complainant_phone", "-submitted_at")
        list_filter = ("complainant_email", "status", ("complainant_name", admin.AllValuesFieldListFilter))
        fields = ("tracking_code", "title", "complainant_name", "complainant_phone", "access_key_hash")
        readonly_fields = ("complainant_email",)

    careless = CarelessAdmin(Complaint, admin.AdminSite(name="careless"))
    request: Any = RequestFactory().get("/admin/complaints/complaint/", {"q": PHONE[:3]})
    request.user = UserFactory(username="root-t")
    request.session = {}
    request._messages = FallbackStorage(request)
    assert careless.get_list_display(request) == ["tracking_code", "status"]
    assert careless.get_list_display_links(request, careless.get_list_display(request)) == ["tracking_code"]
    assert careless.get_search_fields(request) == ["tracking_code"]
    assert careless.get_ordering(request) == ["-submitted_at"]
    assert careless.get_list_filter(request) == ["status"]
    assert careless.get_fields(request, named) == ["tracking_code", "title"]
    assert careless.get_readonly_fields(request, named) == []
    assert not careless.lookup_allowed("complainant_phone__startswith", "1", request)
    assert not careless.to_field_allowed(request, "complainant_phone")
    response = careless.changelist_view(request)
    response.render()
    assert response.status_code == 200
    assert secrets_in(response.content, named) == []
    assert list(response.context_data["cl"].result_list) == []  # the "139" search found nothing
    response = careless.change_view(request, str(named.pk))
    response.render()
    assert secrets_in(response.content, named) == []


def test_what_counts_as_touching_a_hidden_field() -> None:
    assert touches_hidden(Complaint, "complainant_phone")
    assert touches_hidden(Complaint, "-complainant_name")
    assert touches_hidden(Complaint, "^complainant_email")
    assert touches_hidden(Complaint, "complainant_phone__regex")
    assert touches_hidden(AccountabilityCase, "complaint__complainant_phone__startswith")
    assert touches_hidden(Complaint, "events__complaint__access_key_hash")
    assert not touches_hidden(Complaint, "tracking_code__startswith")
    assert not touches_hidden(Complaint, "department__name")
    assert not touches_hidden(AccountabilityCase, "complaint__title")


def test_no_admin_filters_or_shows_a_token_digest_or_a_password_hash(root: Client, org: Any) -> None:
    issued = api_token_issue(user=org.cadre.user, now=timezone.now())
    digest, secret = issued.row.digest, issued.token.split(".", 1)[1]
    assert root.get("/admin/workstyle/apitoken/", {"digest__startswith": digest[:2]}).status_code == 400
    assert root.get("/admin/workstyle/apitoken/", {"digest": digest}).status_code == 400
    assert root.get("/admin/auth/user/", {"api_tokens__digest__startswith": digest[:2]}).status_code == 400
    assert root.get("/admin/auth/user/", {"password__startswith": "md5"}).status_code == 400
    assert root.get("/admin/workstyle/apitoken/", {"_popup": "1", "_to_field": "digest"}).status_code == 400
    for page in ("/admin/workstyle/apitoken/", f"/admin/workstyle/apitoken/{issued.row.pk}/change/"):
        response = root.get(page)
        assert response.status_code == 200
        assert digest.encode() not in response.content
        assert secret.encode() not in response.content
        assert issued.row.key_id.encode() in response.content


def test_every_admin_of_the_portal_obeys_the_rules() -> None:
    """Each model of the portal's apps, and the accounts, is registered with the guarded admin, and
    each of their inlines uses the mixin: none is a way around visibility or hidden fields."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from workstyle.admin import GuardedAdminMixin

    portal = {"workstyle", "cadres", "complaints", "meetings", "supervision"}
    registered = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in portal or model is get_user_model()
    }
    assert len(registered) >= 15
    request: Any = RequestFactory().get("/")
    request.user = UserFactory(username="root-t", is_superuser=True, is_staff=True)
    for model, model_admin in registered.items():
        assert isinstance(model_admin, GuardedAdmin), model
        for inline in model_admin.get_inline_instances(request):
            assert isinstance(inline, GuardedAdminMixin), (model, inline)
