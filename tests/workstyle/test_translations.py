"""Chinese is the portal's first language: every string the user sees has a zh-hans translation,
and the compiled catalogue is the one the sources describe."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
SOURCES = ["manage.py", "workstyle", "cadres", "complaints", "meetings", "supervision", "ethos", "templates", "locale"]


def _entries(po_text: str) -> list[str]:
    """The entries of a PO text, the header left out."""
    return [block for block in po_text.strip().split("\n\n") if block.strip() and "Project-Id-Version" not in block]


def _untranslated(po: Path) -> list[str]:
    """Entries without a translation, or marked fuzzy (msgattrib is GNU gettext's)."""
    missing: list[str] = []
    for flags in (["--untranslated"], ["--only-fuzzy"]):
        result = subprocess.run(["msgattrib", *flags, str(po)], capture_output=True, text=True, check=True)
        missing += _entries(result.stdout)
    return missing


def test_the_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    assert _untranslated(PO) == []


def test_every_translatable_string_in_the_sources_is_in_the_catalogue(tmp_path: Path) -> None:
    """makemessages over a copy of the sources and the catalogue adds nothing untranslated
    (makemessages writes beside the sources it reads, hence the copy)."""
    base = Path(settings.BASE_DIR)
    for name in SOURCES:
        if (base / name).is_dir():
            shutil.copytree(base / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
        else:
            shutil.copy(base / name, tmp_path / name)
    env = {**os.environ, "WORKSTYLE_TESTING": "1", "WORKSTYLE_VAR_DIR": str(tmp_path / "var")}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        env=env,
        check=True,
    )
    missing = _untranslated(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert missing == [], "run makemessages -l zh_Hans and translate:\n" + "\n".join(missing)


def test_the_compiled_catalogue_matches_its_source(tmp_path: Path) -> None:
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(PO)], check=True)
    assert compiled.read_bytes() == MO.read_bytes(), "run compilemessages -l zh_Hans"


@pytest.mark.django_db
def test_pages_speak_chinese_by_default_and_english_on_request(client) -> None:
    zh = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="zh-hans"' in zh
    assert "作风" in zh
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get("/").content.decode()
    assert 'lang="en"' in en
    assert "Work Style Supervision Portal" in en
