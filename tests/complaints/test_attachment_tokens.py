"""An attachment's ``download_url`` works for an API client with its token, under the rules of the
page: whoever may see the complaint gets the file, anyone else a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from tests.complaints.public_helpers import png_bytes, reply, submit, upload
from workstyle.services import api_token_issue

User = get_user_model()


@pytest.fixture
def private_media(settings: Any, tmp_path: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


@pytest.fixture
def routed(org: Any, discipline_user: Any, private_media: Any) -> Any:
    complaint, _key = submit(attachments=[upload("证据.png", png_bytes())])
    return reply(complaint, org, discipline_user)


def token_client(username: str) -> APIClient:
    client = APIClient()
    token = api_token_issue(user=User.objects.get(username=username), now=timezone.now()).token
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.mark.parametrize("username", ["inspector-t", "head-t", "cadre-t"])
def test_the_download_url_the_api_gives_works_with_the_token(routed: Any, username: str) -> None:
    client = token_client(username)
    detail = client.get(f"/api/v1/complaints/{routed.pk}/")
    assert detail.status_code == 200
    (attachment,) = detail.json()["attachments"]
    response = client.get(attachment["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == png_bytes()


@pytest.mark.parametrize("username", ["other-t", "town-t"])
def test_a_token_of_someone_out_of_scope_gets_a_404(routed: Any, username: str) -> None:
    url = f"/workbench/complaints/{routed.pk}/attachments/{routed.attachments.get().pk}/"
    assert token_client(username).get(url).status_code == 404
    # The same as the page gives him.
    client = APIClient()
    client.force_login(User.objects.get(username=username))
    assert client.get(url).status_code == 404


def test_a_wrong_token_is_refused_not_taken_for_no_token(routed: Any) -> None:
    url = f"/workbench/complaints/{routed.pk}/attachments/{routed.attachments.get().pk}/"
    client = APIClient()
    client.force_login(User.objects.get(username="inspector-t"))
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "message" in response.json()


def test_without_token_or_session_the_page_still_sends_to_the_login(routed: Any) -> None:
    url = f"/workbench/complaints/{routed.pk}/attachments/{routed.attachments.get().pk}/"
    response = APIClient().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
