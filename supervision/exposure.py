"""The text of an exposure, drafted from the decided case alone: the unit, the cadre's post and
name, the facts and the forms of accountability. Nothing that came from the public goes in — not
the complainant's name, phone or e-mail, not the complaint's own words, not its tracking code (the
complainant holds it) — and a text that does is refused (``exposure_leaks``)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from supervision.models import AccountabilityCase

# A run of this many characters of the complaint's own words found in a notice counts as a quote.
QUOTE_CHARS = 8
_SENTENCE_END = re.compile(r"(?<=[。！？；;!?\n])")


def _complaint_fragments(case: AccountabilityCase) -> list[str]:
    """What identifies the complaint or its complainant, verbatim."""
    complaint = case.complaint
    if complaint is None:
        return []
    fragments = [
        complaint.complainant_name,
        complaint.complainant_phone,
        complaint.complainant_email,
        complaint.tracking_code,
        complaint.title,
    ]
    return [f.strip() for f in fragments if f and len(f.strip()) >= 2]


def _quotes(text: str, source: str) -> bool:
    """Whether ``text`` repeats a run of ``QUOTE_CHARS`` characters of ``source`` (spaces ignored)."""
    squeezed = re.sub(r"\s+", "", source)
    haystack = re.sub(r"\s+", "", text)
    if len(squeezed) < QUOTE_CHARS:
        return bool(squeezed) and squeezed in haystack
    return any(squeezed[i : i + QUOTE_CHARS] in haystack for i in range(len(squeezed) - QUOTE_CHARS + 1))


def exposure_leaks(case: AccountabilityCase, text: str) -> bool:
    """Whether ``text`` names the complainant or repeats the complaint behind ``case``."""
    if case.complaint is None:
        return False
    if any(fragment in text for fragment in _complaint_fragments(case)):
        return True
    return _quotes(text, case.complaint.description)


def _clean(case: AccountabilityCase, text: str) -> str:
    """``text`` less every sentence that would leak (see ``exposure_leaks``)."""
    kept = [s for s in _SENTENCE_END.split(text or "") if s.strip() and not exposure_leaks(case, s)]
    return "".join(kept).strip()


def _subject(case: AccountabilityCase) -> tuple[str, Any]:
    """Who is exposed, in words, and the unit the notice is filed under."""
    cadre = case.subject_cadre
    if cadre is not None:
        return f"{cadre.unit.name}{cadre.position}{cadre.name}", cadre.unit
    unit = case.subject_unit
    assert unit is not None
    return gettext("the party organization of %(unit)s") % {"unit": unit.name}, unit


def exposure_draft(case: AccountabilityCase) -> dict[str, Any]:
    """The title, text and unit of an exposure of ``case``, in the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        who, unit = _subject(case)
        facts = _clean(case, case.allegation)
        if case.complaint is not None and not facts:
            facts = gettext("A problem of %(category)s reported by the public was verified.") % {
                "category": case.complaint.get_category_display()
            }
        separator = "、" if (translation.get_language() or "").startswith("zh") else ", "
        forms = separator.join(str(AccountabilityCase.Form(f).label) for f in case.decision_forms)
        decision = _clean(case, case.decision_text)
        paragraphs = [
            gettext("%(who)s: %(facts)s") % {"who": who, "facts": facts},
            gettext("Decided on %(date)s under the Party's Accountability Regulations: %(forms)s.")
            % {"date": case.decision_date.isoformat() if case.decision_date else "", "forms": forms},
        ]
        if decision:
            paragraphs.append(decision)
        title = gettext("Exposure: %(who)s held accountable") % {"who": who}
    return {"title": title[:200], "body": "\n\n".join(paragraphs), "unit": unit}
