"""The IDOR matrix: every page and API address that names an object — read from the URL
configuration and the API schema, not listed by hand — tried by every role on every object of the
city, in and out of his scope. In scope answers 200; out of scope answers 404 exactly like an object
that does not exist (or the same 403 for every object, when the role may not use the address at
all), never with the object's words; lists hold only what is in scope; no action changes an object
out of scope."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from cadres.dossier import dossier_may_view
from cadres.models import Cadre, Debriefing, Department, PersonalReport, Unit
from complaints.models import Attachment, Complaint
from ethos.models import AppraisalRound, Commitment
from meetings.models import Meeting, RectificationAttachment, RectificationItem
from supervision.models import AccountabilityCase, Conversation, Notice
from tests.security.city import City
from workstyle.models import Export

pytestmark = pytest.mark.django_db

# The pages that name an object by its id, and the model it is: a new one must be added here (the
# test below fails until it is), so that no page escapes the matrix.
PAGE_MODELS: dict[str, type[models.Model]] = {
    "cadres:unit": Unit,
    "cadres:department": Department,
    "cadres:cadre": Cadre,
    "complaints:detail": Complaint,
    "complaints:action": Complaint,
    "complaints:attachment": Attachment,
    "complaints:receipt": Complaint,
    "supervision:case_detail": AccountabilityCase,
    "supervision:case_action": AccountabilityCase,
    "meetings:detail": Meeting,
    "meetings:report": Meeting,
    "meetings:document": Meeting,
    "meetings:action": Meeting,
    "meetings:unit": Unit,
    "meetings:unit_action": Unit,
    "meetings:item": RectificationItem,
    "meetings:item_action": RectificationItem,
    "meetings:attachment": RectificationAttachment,
    "ethos:commitment_detail": Commitment,
    "ethos:commitment_print": Commitment,
    "ethos:commitment_action": Commitment,
    "ethos:round_detail": AppraisalRound,
    "ethos:rate": AppraisalRound,
    "ethos:round_action": AppraisalRound,
    "cadres:dossier": Cadre,
    "cadres:dossier_pdf": Cadre,
    "cadres:debriefing": Debriefing,
    "cadres:debriefing_action": Debriefing,
    "cadres:debriefing_attachment": Debriefing,
    "cadres:personal_report": PersonalReport,
    "cadres:personal_report_action": PersonalReport,
    "supervision:notice_detail": Notice,
    "supervision:notice_action": Notice,
    "notices:detail": Notice,
    "public-notice-detail": Notice,
    "exports:detail": Export,
    "exports:progress": Export,
    "exports:download": Export,
}


def _dossier_scope(user: Any) -> set[int]:
    """Whose integrity dossier a user reads: narrower than the cadres he sees."""
    if user is None:
        return set()
    return {cadre.pk for cadre in Cadre.objects.visible_to(user) if dossier_may_view(user, cadre)}


def _published_notices(user: Any) -> set[int]:
    return set(Notice.objects.published().values_list("pk", flat=True))


def _debriefings_with_attachment(user: Any) -> set[int]:
    return _visible(Debriefing, user) & set(Debriefing.objects.exclude(attachment="").values_list("pk", flat=True))


# Addresses whose scope is not their model's ``visible_to``, and the ids in it.
SCOPES: dict[str, Any] = {
    "cadres:dossier": _dossier_scope,
    "cadres:dossier_pdf": _dossier_scope,
    "cadres:debriefing_attachment": _debriefings_with_attachment,
    "notices:detail": _published_notices,
    "public-notice-detail": _published_notices,
    "/api/v1/cadres/{id}/dossier/": _dossier_scope,
    "/api/v1/cadres/{id}/dossier.pdf": _dossier_scope,
}
# Pages for everyone: no login asked.
PUBLIC_PAGES = {"notices:detail", "public-notice-detail"}


def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _api_paths() -> list[tuple[str, str]]:
    """(method, path) of every staff API operation on one object, from the schema."""
    return [
        (method, path)
        for path, operations in _schema()["paths"].items()
        if "{id}" in path and "/public/" not in path
        for method in operations
        if method in ("get", "post")
    ]


def _has_detail(path: str) -> bool:
    try:
        resolve(path + "1/")
    except Resolver404:
        return False
    return True


def _api_model(path: str) -> type[models.Model]:
    """The model an API path serves, asked of its viewset."""
    match = resolve(path.replace("{id}", "1"))
    request = Request(APIRequestFactory().get("/"))
    view = match.func.cls(request=request, kwargs=match.kwargs, format_kwarg=None, action="retrieve")
    return view.get_queryset().model


def _page_patterns() -> list[tuple[str, str]]:
    """(URL name, pattern) of every page whose address holds an object's id."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
            elif isinstance(pattern, URLPattern) and "<int:pk>" in str(pattern.pattern):
                found.append(
                    (f"{namespace}:{pattern.name}" if namespace else str(pattern.name), prefix + str(pattern.pattern))
                )

    walk(get_resolver().url_patterns, "", "")
    return found


def _client(user: Any, *, api: bool) -> Any:
    client = APIClient() if api else Client()
    if user is not None:
        client.force_login(user)
    return client


def _visible(model: type[models.Model], user: Any) -> set[int]:
    if user is None:
        return set()
    return set(model._default_manager.visible_to(user).values_list("pk", flat=True))


def _words(obj: models.Model) -> list[str]:
    """What must never appear in an answer about an object out of scope."""
    if isinstance(obj, Complaint):
        return [obj.tracking_code, obj.title]
    if isinstance(obj, AccountabilityCase):
        return [obj.allegation]
    if isinstance(obj, Meeting):
        return [problem.text for problem in obj.problems.all()]
    if isinstance(obj, RectificationItem):
        return [obj.measure]
    if isinstance(obj, Commitment):
        return [p.text for p in obj.pledges.all()]
    if isinstance(obj, Conversation):
        return [obj.reason]
    return []


def _sample(model: type[models.Model]) -> list[models.Model]:
    """The objects to try: every complaint and case of the city (each in or out of someone's
    scope for its own reason), and a few of each other kind, first and last by id."""
    rows = list(model._default_manager.order_by("pk"))
    if model in (Complaint, AccountabilityCase) or len(rows) <= 6:
        return rows
    return [*rows[:3], *rows[-3:]]


def _check_uniform_refusals(refusals: dict[tuple[str, str], set[int]], where: str) -> None:
    for (address, role), statuses in refusals.items():
        assert len(statuses) == 1, f"{where} {address} as {role}: refusals differ by object: {statuses}"
        assert statuses <= {401, 403, 404}, f"{where} {address} as {role}: {statuses}"


def test_every_page_that_names_an_object_is_in_the_matrix() -> None:
    assert {name for name, _pattern in _page_patterns()} == set(PAGE_MODELS)


ROLES = [
    "anonymous",
    "discipline",
    "leader",
    "orgdept",
    "superuser",
    "head",
    "handler",
    "other",
    "bureau_head",
    "town",
    "no_cadre",
    "named_officer",
    "named_superuser",
]


def test_the_matrix_tries_every_role_of_the_city(city: City) -> None:
    assert set(ROLES) == set(city.users)


@pytest.mark.slow
@pytest.mark.parametrize("only", ROLES)
def test_api_every_object_every_role(city: City, only: str) -> None:
    paths = _api_paths()
    assert len(paths) > 20  # the schema was read, actions included
    refusals: dict[tuple[str, str], set[int]] = defaultdict(set)
    for method, path in paths:
        model = _api_model(path)
        objects = _sample(model)
        assert objects, f"the city has no {model.__name__} for {path}"
        for role, user in [(only, city.users[only])]:
            client = _client(user, api=True)
            visible = SCOPES[path](user) if path in SCOPES else _visible(model, user)
            for obj in objects:
                url = path.replace("{id}", str(obj.pk))
                if method == "get":
                    response = client.get(url)
                    if obj.pk in visible:
                        assert response.status_code == 200, (url, role)
                        continue
                else:
                    if obj.pk in visible:
                        continue  # what an action does in scope is the workflow's tests' business
                    before = model._default_manager.filter(pk=obj.pk).values().first()
                    response = client.post(url, {}, format="json")
                    assert model._default_manager.filter(pk=obj.pk).values().first() == before, (url, role)
                refusals[(f"{method} {path}", role)].add(response.status_code)
                body = response.content.decode()
                for word in _words(obj):
                    assert word not in body, (url, role, word)
    _check_uniform_refusals(refusals, "api")


def test_api_lists_hold_only_what_is_in_scope(city: City) -> None:
    schema = _schema()
    lists = [path for path, operations in schema["paths"].items() if "{" not in path and "get" in operations]
    hidden_words: dict[str, list[str]] = {role: [] for role in city.users}
    for role, user in city.users.items():
        visible = _visible(Complaint, user)
        hidden_words[role] = [w for c in Complaint.objects.exclude(pk__in=visible) for w in _words(c)]
    for path in lists:
        if "/public/" in path or path.startswith("/api/schema"):
            continue
        # A list with a detail route of its own: its rows must be ids the user may see. (A report
        # such as the statistics has no rows of a model: its words are checked below all the same.)
        model = _api_model(path + "{id}/") if re.search(r"/v1/[a-z-]+/$", path) and _has_detail(path) else None
        for role, user in city.users.items():
            response = _client(user, api=True).get(path, {"page_size": 200})
            if response.status_code != 200:
                assert response.status_code in (401, 403), (path, role)
                continue
            body = response.json()
            rows = body["results"] if isinstance(body, dict) and "results" in body else body
            if model is not None and rows and isinstance(rows[0], dict) and "id" in rows[0]:
                assert {row["id"] for row in rows} <= _visible(model, user), (path, role)
            text = response.content.decode()
            for word in hidden_words[role]:
                assert word not in text, (path, role, word)


@pytest.mark.parametrize("only", ROLES)
def test_pages_every_object_every_role(city: City, only: str) -> None:
    refusals: dict[tuple[str, str], set[int]] = defaultdict(set)
    for name, pattern in _page_patterns():
        model = PAGE_MODELS[name]
        objects = _sample(model)
        for role, user in [(only, city.users[only])]:
            client = _client(user, api=False)
            visible = SCOPES[name](user) if name in SCOPES else _visible(model, user)
            for obj in objects:
                if model is Attachment:
                    url = f"/workbench/complaints/{obj.complaint_id}/attachments/{obj.pk}/"
                else:
                    url = "/" + pattern.replace("<int:pk>", str(obj.pk)).replace("<slug:action>", "close")
                if "<slug:action>" in pattern:
                    if obj.pk in visible:
                        continue
                    before = model._default_manager.filter(pk=obj.pk).values().first()
                    response = client.post(url, {})
                    assert model._default_manager.filter(pk=obj.pk).values().first() == before, (url, role)
                else:
                    response = client.get(url)
                    if obj.pk in visible:
                        assert response.status_code == 200, (url, role)
                        continue
                if user is None and name not in PUBLIC_PAGES:
                    assert response.status_code == 302, (url, role)
                    assert "/accounts/login/" in response["Location"], (url, role)
                    continue
                refusals[(name, role)].add(response.status_code)
                body = response.content.decode()
                for word in _words(obj):
                    assert word not in body, (url, role, word)
    _check_uniform_refusals(refusals, "page")


OWN_APPS = ("workstyle", "cadres", "complaints", "meetings", "supervision")


def _admin_models() -> list[tuple[type[models.Model], Any]]:
    from django.contrib import admin

    return [
        (model, model_admin) for model, model_admin in admin.site._registry.items() if model._meta.app_label in OWN_APPS
    ]


@pytest.mark.parametrize("only", ROLES)
def test_admin_every_object_every_role(city: City, only: str) -> None:
    """Every admin page of the portal's records: only an administrator gets in, and he never opens
    a record his own lists leave out."""
    from django.test import RequestFactory

    user = city.users[only]
    client = _client(user, api=False)
    refusals: set[int] = set()
    for model, model_admin in _admin_models():
        objects = _sample(model)
        listed: set[Any] = set()
        if user is not None and user.is_superuser:
            request = RequestFactory().get("/admin/")
            request.user = user
            listed = set(model_admin.get_queryset(request).values_list("pk", flat=True))
        for obj in objects:
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
            response = client.get(url)
            if user is None or not user.is_staff:
                assert response.status_code == 302, (url, only)
                assert "/admin/login/" in response["Location"], (url, only)
                continue
            if obj.pk in listed:
                assert response.status_code == 200, (url, only)
                continue
            # Like a record that does not exist: the admin sends him back to its index.
            refusals.add(response.status_code)
            body = response.content.decode()
            for word in _words(obj):
                assert word not in body, (url, only, word)
    assert refusals <= {302}, refusals
    if only == "named_superuser":
        assert refusals == {302}  # the complaint that names him, and its rows, were tried and refused
