"""Kinds of notification and how they read. Each app registers its kinds at import time (in its
``notifications.py``, loaded by its AppConfig.ready). The text is a translatable format string
filled from the notification's params, rendered in the reader's language when read; e-mails are
rendered in the portal's default language when queued. A kind also has a short title of its own
(``group``), which heads a list of such notices ("Extension requested (3)"): a subject with its
particulars left out does not read as a heading."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    subject: Promise | str
    body: Promise | str
    group: Promise | str = ""


KINDS: dict[str, Kind] = {}


def register_kind(kind: str, *, subject: Promise | str, body: Promise | str, group: Promise | str = "") -> None:
    KINDS[kind] = Kind(subject=subject, body=body, group=group)


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "…"


def _render(template: Promise | str, params: Mapping[str, Any]) -> str:
    return str(template).format_map(_Params(params))


def render_title(kind: str, params: Mapping[str, Any]) -> str:
    entry = KINDS.get(kind)
    return _render(entry.subject, params) if entry else kind


def kind_label(kind: str) -> str:
    """What a kind of notice is, for headings, lists and filters: its ``group`` title, or failing
    one its subject with the particulars left out."""
    entry = KINDS.get(kind)
    if entry is None:
        return kind
    if entry.group:
        return str(entry.group)
    text = _render(entry.subject, {})
    if _CJK.search(text):
        # "新投诉举报 …" reads "新投诉举报": no spaces around a left-out code in Chinese, and none
        # at either end.
        text = _CJK_SPACE.sub("", text.replace(" … ", "…").replace(" …", "…").replace("… ", "…"))
        text = text.strip(" …：:·")
    return text if text.strip(" …") else str(_("Message"))


_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+|\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def render_body(kind: str, params: Mapping[str, Any]) -> str:
    entry = KINDS.get(kind)
    return _render(entry.body, params) if entry else ""


class Renderer:
    """``render_title`` and ``render_body`` for many notices in one language: each kind's texts are
    translated once, not once per notice (a sweep renders thousands of the same few kinds)."""

    def __init__(self) -> None:
        self._texts: dict[str, tuple[str, str] | None] = {}

    def _pair(self, kind: str) -> tuple[str, str] | None:
        if kind not in self._texts:
            entry = KINDS.get(kind)
            self._texts[kind] = (str(entry.subject), str(entry.body)) if entry else None
        return self._texts[kind]

    def title(self, kind: str, params: Mapping[str, Any]) -> str:
        pair = self._pair(kind)
        return pair[0].format_map(_Params(params)) if pair else kind

    def body(self, kind: str, params: Mapping[str, Any]) -> str:
        pair = self._pair(kind)
        return pair[1].format_map(_Params(params)) if pair else ""


register_kind(
    "message",
    subject=_("{title}"),
    body=_("{text}"),
    group=_("Messages"),
)
