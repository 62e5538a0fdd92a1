import pytest


@pytest.mark.django_db
def test_home_and_healthz_answer(client):
    assert client.get("/").status_code == 200
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
