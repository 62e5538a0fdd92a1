"""What people see in zh-hans is Chinese: every model, field and choice has a Chinese name, and no
page of the demo city — the admin's change lists and change forms, every page a role reaches from
its workbench, the public pages — shows a message of the portal's catalogue untranslated, or an
event verb, a state or a notice kind by its code."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from workstyle.models import EventBase, Notification
from workstyle.notifications import KINDS
from workstyle.workflow import workflows

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PROJECT_APPS = ("workstyle", "cadres", "complaints", "meetings", "supervision", "ethos")
# Names that read the same in both languages.
SAME_IN_BOTH = {"ID", "API", "PDF", "CSV", "URL", "IP", "E-mail", "HTTP Accept"}
PASSWORD = "translated-demo-1"


def _po_entries(text: str) -> Iterator[tuple[str, str]]:
    """(msgid, msgstr) of the catalogue's singular entries (plural and header left out)."""
    for block in text.split("\n\n"):
        if "msgid_plural" in block or "\nmsgid " not in "\n" + block:
            continue
        parts: dict[str, list[str]] = {"msgid": [], "msgstr": []}
        current = None
        for line in block.splitlines():
            key = line.split(" ", 1)[0]
            if key in parts:
                current = key
                line = line[len(key) + 1 :]
            elif key in ("msgctxt",) or line.startswith("#"):
                current = None
                continue
            if current and line.startswith('"'):
                parts[current].append(line[1:-1].encode().decode("unicode_escape").encode("latin-1").decode())
        msgid, msgstr = "".join(parts["msgid"]), "".join(parts["msgstr"])
        if msgid:
            yield msgid, msgstr


def test_no_entry_of_the_catalogue_is_left_empty() -> None:
    empty = [msgid for msgid, msgstr in _po_entries(PO.read_text()) if not msgstr]
    assert empty == []


def _models() -> Iterator[type[models.Model]]:
    for app in PROJECT_APPS:
        yield from apps.get_app_config(app).get_models()
    yield from admin.site._registry


def _english_and_chinese(value: Any) -> tuple[str, str]:
    with translation.override("en"):
        english = str(value)
    with translation.override("zh-hans"):
        chinese = str(value)
    return english, chinese


def test_every_model_field_and_choice_has_a_chinese_name() -> None:
    untranslated = []
    for model in set(_models()):
        names = [("model", model._meta.verbose_name), ("plural", model._meta.verbose_name_plural)]
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or field.name == "id":
                continue
            names.append((field.name, field.verbose_name))
            for value, label in getattr(field, "flatchoices", None) or ():
                names.append((f"{field.name}={value}", label))
        for where, name in names:
            english, chinese = _english_and_chinese(name)
            if english == chinese and english not in SAME_IN_BOTH:
                untranslated.append(f"{model._meta.label}.{where}: {english!r}")
    assert untranslated == []


# --- rendered pages -----------------------------------------------------------------------------


class _Text(HTMLParser):
    """The text nodes of a page and the texts of its labelling attributes, scripts left out."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "pre", "code", "textarea"):
            self._skip += 1
        values = dict(attrs)
        for name in ("title", "placeholder", "aria-label", "alt"):
            if values.get(name):
                self.texts.append(str(values[name]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "pre", "code", "textarea"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def _forbidden() -> dict[str, str]:
    """Lower-cased texts that must never be a whole text of a zh-hans page, with why: the English
    messages of the catalogue, the codes of event verbs, states and notice kinds."""
    forbidden: dict[str, str] = {}
    for msgid, msgstr in _po_entries(PO.read_text()):
        # Whole-text matches of a message with letters in it; single short words ("case", "due")
        # are too often data (a user name, a JSON key) to tell apart.
        if msgstr != msgid and re.search(r"[A-Za-z]{3}", msgid) and (" " in msgid or len(msgid) > 6):
            forbidden[msgid.lower().rstrip(".:")] = "message"
    for workflow in workflows():
        for verb, label in workflow.verb_labels.items():
            if str(label) != verb:
                forbidden[verb] = "event verb"
        for state in workflow.states:
            if "_" in state or len(state) > 6:
                forbidden[state] = "state"
    for kind in KINDS:
        forbidden[kind] = "notice kind"
    return forbidden


def _untranslated(html: str, forbidden: dict[str, str]) -> tuple[list[str], list[str]]:
    parser = _Text()
    parser.feed(html)
    found = []
    for text in parser.texts:
        key = text.lower().rstrip(".:")
        if key in forbidden:
            found.append(f"{forbidden[key]}: {text!r}")
        elif HALF_WIDTH_COLON.search(text):
            found.append(f"an English colon after Chinese: {text!r}")
    return found, parser.links


# "角色: 干部": a label in Chinese followed by the English colon (the Chinese one is "：").
HALF_WIDTH_COLON = re.compile(r"[\u4e00-\u9fff]: ")


@pytest.fixture
def demo(db: Any) -> None:
    call_command("seed_demo", password=PASSWORD, stdout=io.StringIO())


def _client(username: str | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def _admin_urls() -> Iterator[str]:
    yield reverse("admin:index")
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        yield reverse("admin:{}_{}_changelist".format(*info))
        yield reverse("admin:{}_{}_add".format(*info))
        obj = model._default_manager.order_by("-pk").first()
        if obj is not None:
            yield reverse("admin:{}_{}_change".format(*info), args=[obj.pk])


# Not followed: other languages, downloads, the API, log-out, the admin (tested above).
SKIPPED = re.compile(
    r"^/(i18n|api|open311|admin|accounts/logout|captcha|static|media)/|\.(pdf|csv|xlsx|zip)$|/download"
)


def _pattern(path: str) -> str:
    """Pages of one kind are read once: ``/complaints/12/`` and ``/complaints/13/`` alike."""
    return re.sub(r"\d+", "N", re.sub(r"[A-Z0-9]{4}-[A-Z0-9]{4}(-[A-Z0-9]{4})*", "CODE", path))


def _walk(client: Client, start: list[str], forbidden: dict[str, str], limit: int = 80) -> tuple[list[str], int]:
    queue, problems = list(start), []
    seen: set[str] = set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if _pattern(path) in seen:
            continue
        seen.add(_pattern(path))
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        found, links = _untranslated(response.content.decode(), forbidden)
        problems += [f"{url}: {item}" for item in found]
        for link in links:
            link = urldefrag(link)[0]
            if link.startswith("/") and not link.startswith("//") and not SKIPPED.search(urlsplit(link).path):
                queue.append(link)
    return problems, len(seen)


def _start() -> list[str]:
    return ["/", reverse("workbench"), reverse("notifications"), reverse("me")]


def _admin_problems(forbidden: dict[str, str]) -> tuple[list[str], int]:
    client = _client("admin")
    problems, pages = [], 0
    for url in _admin_urls():
        response = client.get(url, follow=True)
        if response.status_code != 200:
            continue  # the add page of a read-only record answers 403
        pages += 1
        html = response.content.decode()
        found, _links = _untranslated(html, forbidden)
        problems += [f"{url}: {item}" for item in found]
        # Column headers: a property or method without a description is headed by its own name.
        for header in COLUMN_HEADER.findall(html):
            if header.strip() and not CJK.search(header) and header.strip() not in SAME_IN_BOTH:
                problems.append(f"{url}: column {header!r}")
    return problems, pages


COLUMN_HEADER = re.compile(r'<div class="text">\s*(?:<a[^>]*>|<span>)([^<]*)<')
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.slow
def test_the_admin_and_every_page_a_role_reaches_speak_chinese(demo: None) -> None:
    forbidden = _forbidden()
    problems, pages = _admin_problems(forbidden)
    assert pages > 2 * len(admin.site._registry)  # change lists and change forms were read
    for username in ("inspector", "leader", "orgdept", "head", "cadre", "director", None):
        found, walked = _walk(_client(username), _start() if username else ["/"], forbidden)
        assert walked > (3 if username is None else 8), username
        problems += found
    assert problems == [], "\n".join(problems)


@pytest.mark.slow
def test_the_admin_would_show_codes_without_their_labels(demo: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above notices an event verb shown by its code."""
    from workstyle import admin as workstyle_admin

    monkeypatch.setattr(workstyle_admin, "code_labeller", lambda model, name: None)
    problems, _pages = _admin_problems(_forbidden())
    assert any("event verb" in problem for problem in problems)


def test_the_forbidden_texts_cover_codes_and_messages() -> None:
    """The check above would notice an event verb, a notice kind or an English message."""
    forbidden = _forbidden()
    assert forbidden.get("route_past") == "event verb"
    assert any(kind in forbidden for kind in KINDS)
    found, _ = _untranslated("<p>route_past</p><td>Replied by</td><th>答复人</th>", forbidden)
    assert found == ["event verb: 'route_past'", "message: 'Replied by'"]


@pytest.mark.django_db
def test_event_verbs_states_and_notice_kinds_are_labelled_in_the_admin() -> None:
    """The admin's columns and filters show labels, not codes (a regression check without the demo)."""
    from workstyle.admin import code_labeller

    for model in admin.site._registry:
        if issubclass(model, EventBase):
            assert code_labeller(model, "verb") is not None
            assert code_labeller(model, "to_state") is not None
    assert code_labeller(Notification, "kind") is not None
