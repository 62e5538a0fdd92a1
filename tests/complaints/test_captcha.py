"""The public form's captcha for everyone: its text box named by the field's label, other characters
without leaving the page, the characters read aloud by flite; and the site's icon."""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest
from captcha.conf import settings as captcha_settings
from captcha.models import CaptchaStore
from django.test import Client
from django.urls import reverse

NEW = reverse("complaints:new")


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def flite(monkeypatch: Any) -> str:
    path = shutil.which("flite")
    if path is None:
        pytest.skip("Debian's flite is not installed (scripts/test installs it)")
    # django-simple-captcha reads its settings once, at import.
    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", path)
    return path


def _key(html: str) -> str:
    match = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html)
    assert match, "no captcha key in the form"
    return match.group(1)


@pytest.mark.django_db
def test_the_label_names_the_text_box_and_the_picture_is_described(client: Client) -> None:
    html = client.get(NEW).content.decode()
    assert '<label for="id_captcha_1">Type the characters shown in the picture</label>' in html
    assert 'id="id_captcha_1"' in html
    assert 'alt="Verification picture: type the characters it shows"' in html
    # The button for other characters waits for captcha.js (hidden without JavaScript).
    assert re.search(r'<button type="button" class="captcha-refresh" hidden>Show other characters</button>', html)
    assert '<script src="/static/js/captcha.js" defer></script>' in html


@pytest.mark.django_db
def test_the_characters_are_read_aloud(client: Client, flite: str) -> None:
    html = client.get(NEW).content.decode()
    key = _key(html)
    audio = reverse("captcha-audio", kwargs={"key": key})
    assert f'<audio controls preload="none" src="{audio}"' in html
    assert "Or listen to the characters:" in html

    response = client.get(audio)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"RIFF"
    assert body[8:12] == b"WAVE"
    assert len(body) > 10_000  # several spoken letters, not an empty file


@pytest.mark.django_db
def test_without_flite_there_is_no_recording(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", None)
    html = client.get(NEW).content.decode()
    assert "<audio" not in html


@pytest.mark.django_db
def test_other_characters_come_from_the_refresh_view(client: Client, flite: str) -> None:
    old = _key(client.get(NEW).content.decode())
    response = client.get(reverse("captcha-refresh"), headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200
    data = response.json()
    assert data["key"] != old
    assert CaptchaStore.objects.filter(hashkey=data["key"]).exists()
    assert data["image_url"] == reverse("captcha-image", kwargs={"key": data["key"]})
    assert data["audio_url"] == reverse("captcha-audio", kwargs={"key": data["key"]})


def test_favicon_ico_leads_to_the_icon(client: Client) -> None:
    response = client.get("/favicon.ico", secure=True)
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"
