"""NPC deputies' reads are logged (pages and API); bulk reading gets a 429 with the reason."""

import pytest
from django.test import override_settings

from audit.models import AuditEntry
from audit.services import oversight_read_take

# Each test counts in its own cache, not the shared Redis other test processes use.
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "reads"}}


def _reads(username):
    return AuditEntry.objects.filter(action=AuditEntry.Action.READ, actor_username=username).order_by("id")


@pytest.fixture
def local_cache():
    with override_settings(CACHES=LOCAL_CACHE):
        from django.core.cache import cache

        cache.clear()
        yield


def test_a_deputy_page_read_is_logged_with_path_query_time_and_status(city, client_for):
    client = client_for("deputy")
    assert client.get("/oversight/", {"q": "宗汉"}).status_code == 200
    assert client.get("/oversight/no-such-page/").status_code == 404
    first, second = _reads("deputy")
    assert first.path == "/oversight/?q=%E5%AE%97%E6%B1%89" and first.status_code == 200
    assert first.kind == AuditEntry.Kind.ACCESS and first.actor_id == city["deputy"].pk
    assert first.ip_address == "127.0.0.1" and first.created_at is not None
    assert (second.path, second.status_code) == ("/oversight/no-such-page/", 404)


def test_a_deputy_api_read_by_token_is_logged(city, api_for):
    assert api_for("deputy").get("/api/v1/me/", {"page": 1}).status_code == 200
    entry = _reads("deputy").get()
    assert (entry.path, entry.status_code, entry.actor_id) == ("/api/v1/me/?page=1", 200, city["deputy"].pk)


def test_other_roles_reads_are_not_logged_as_reads(city, client_for, api_for):
    for username in ("centre", "leader", "auditor"):
        client_for(username).get("/oversight/")
        api_for(username).get("/api/v1/me/")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.READ).exists()


def test_refused_writes_are_not_reads(city, client_for):
    client_for("deputy").post("/oversight/", {})
    assert not _reads("deputy").exists()


@override_settings(OVERSIGHT_READS_PER_MINUTE=3)
def test_beyond_the_limit_a_page_gets_429_with_the_reason(city, client_for, local_cache):
    client = client_for("deputy")
    client.cookies["django_language"] = "en"
    assert [client.get("/oversight/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/oversight/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.content.decode()
    assert "Too many reads" in body and "at most 3 pages" in body and 'data-testid="reason"' in body
    client.get("/oversight/")  # a second refusal in the same minute
    assert list(_reads("deputy").values_list("status_code", flat=True)) == [200, 200, 200, 429]


@override_settings(OVERSIGHT_READS_PER_MINUTE=2)
def test_beyond_the_limit_the_api_gets_429_json(city, api_for, local_cache):
    api = api_for("deputy")
    assert [api.get("/api/v1/me/").status_code for _ in range(2)] == [200, 200]
    refused = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Too many reads" in refused.json()["detail"]


@override_settings(OVERSIGHT_READS_PER_MINUTE=2)
def test_other_roles_are_not_rate_limited(city, client_for, api_for, local_cache):
    client, api = client_for("centre"), api_for("centre")
    assert {client.get("/oversight/").status_code for _ in range(5)} == {200}
    assert {api.get("/api/v1/me/").status_code for _ in range(5)} == {200}


@override_settings(OVERSIGHT_READS_PER_MINUTE=2)
def test_the_count_starts_again_each_minute(city, local_cache):
    deputy = city["deputy"]
    minute = 1_800_000_000 - 1_800_000_000 % 60
    taken = [oversight_read_take(user=deputy, now=minute + s) for s in (0, 10, 59)]
    assert [q.allowed for q in taken] == [True, True, False]
    assert taken[2].retry_after == 1 and taken[2].first_refusal
    assert oversight_read_take(user=deputy, now=minute + 60).allowed
