from rest_framework.test import APIClient

from conftest import PASSWORD


def test_token_for_good_credentials_works_as_authorization_header(city):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "centre", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "centre"
    assert me.json()["roles"] == ["centre_staff"]


def test_token_refuses_wrong_credentials_with_a_clear_message(city):
    response = APIClient().post("/api/v1/auth/token/", {"username": "centre", "password": "nope"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] in ("用户名或密码错误。", "Wrong username or password.")
    assert body["errors"]["password"]


def test_validation_errors_name_the_field(city):
    response = APIClient().post("/api/v1/auth/token/", {"username": "centre"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
    assert "password" in response.json()["errors"]


def test_unauthenticated_api_is_401_or_403_with_detail(db):
    response = APIClient().get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert response.json()["detail"]


def test_service_errors_reach_the_api_as_field_errors(city, api_for):
    response = api_for("sysadmin").post(
        "/api/v1/users/",
        {"username": "x1", "password": "short", "unit": city["centre"].unit_id, "roles": ["centre_staff"]},
        format="json",
    )
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_a_missing_object_is_a_json_404(city, api_for):
    response = api_for("sysadmin").get("/api/v1/users/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"], "errors": {}}


def test_openapi_schema_and_offline_swagger_ui(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/auth/token/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html


def test_the_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_token_exchange_answers_429_after_twenty_attempts_a_minute(city):
    client = APIClient()
    answers = [
        client.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json").status_code
        for _ in range(21)
    ]
    assert 429 not in answers[:20]  # refused as wrong (400), then as locked out (403)
    assert answers[20] == 429
    assert client.post("/api/v1/auth/token/", {"username": "centre", "password": PASSWORD}).status_code == 429
