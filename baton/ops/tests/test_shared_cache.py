"""``CACHE_URL=redis://…``: two gunicorn servers on two ports share one cache — the page one
computed, the other serves from it; a write through one is read through the other at
once (the kept pages' keys carry the library's counters); and a Redis that does not
answer costs a page nothing."""

import pytest
import redis
import requests
from django.core.exceptions import ImproperlyConfigured

from baton.accounts.api_auth import token_create
from baton.core.cache import ResilientRedisCache
from baton.ops.servers import Server
from baton.testing import (
    database_url,
    make_project,
    redis_database,
    redis_test_url,
    signed_in_cookie,
)
from config.cache import REDIS_TIMEOUTS, cache_config

REDIS = redis_test_url(6)


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis 未在 127.0.0.1:6379 运行（{exc}），跳过两台服务器共用缓存的测试。")
    return client


def shown(response, server) -> str:
    """What went wrong: the answer's start and the server's log."""
    log = server.log.read_text(errors="replace")[-3000:] if server.log.exists() else ""
    return f"HTTP {response.status_code} {response.url}\n{response.text[:500]}\n{log}"


def hits(client: redis.Redis) -> int:
    return int(client.info("stats")["keyspace_hits"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_servers_share_one_cache_and_a_write_through_one_is_read_through_the_other(w, tmp_path):
    client = redis_or_skip()
    make_project(w, name="共享缓存甲项目")
    office = signed_in_cookie(w.office)
    promoter = signed_in_cookie(w.promoter)
    _, token = token_create(user=w.promoter, name="两台服务器")
    env = {"CACHE_URL": REDIS, "DATABASE_URL": database_url()}
    with (
        redis_database(REDIS),
        Server(1, 2, tmp_path / "a.log", env) as a,
        Server(1, 2, tmp_path / "b.log", env) as b,
    ):
        client.flushdb()
        first = requests.get(f"{a.base}/projects/", cookies=office, timeout=30)
        assert first.status_code == 200 and "共享缓存甲项目" in first.text, shown(first, a)
        kept = set(client.keys("baton:*"))
        assert kept, "server A kept nothing in the shared cache"

        before = hits(client)
        second = requests.get(f"{b.base}/projects/", cookies=office, timeout=30)
        assert second.status_code == 200 and "共享缓存甲项目" in second.text, shown(second, b)
        assert set(client.keys("baton:*")) == kept  # B computed nothing new …
        assert hits(client) > before  # … it read A's page

        created = requests.post(
            f"{a.base}/api/v1/projects",
            json={"name": "经甲服务器新建的项目", "investment_wan": "8000"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert created.status_code == 201, created.text
        for cookie in (office, promoter):
            page = requests.get(f"{b.base}/projects/", cookies=cookie, timeout=30)
            assert page.status_code == 200 and "经甲服务器新建的项目" in page.text


def test_a_redis_that_does_not_answer_reads_misses_and_skips_writes():
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": dict(REDIS_TIMEOUTS)})
    cache.set("a", 1)
    assert cache.get("a", "缺省") == "缺省" and cache.get_many(["a"]) == {}
    # add() takes the key as free: its caller does the work itself (baton.core.cache.kept).
    assert cache.add("a", 1) is True and cache.delete("a") is False
    with pytest.raises(redis.exceptions.ConnectionError):
        cache.ping()


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://127.0.0.1:6379/3", "baton.core.cache.ResilientRedisCache"),
        ("dummy://", "django.core.cache.backends.dummy.DummyCache"),
    ],
)
def test_cache_url_chooses_the_backend(url, backend):
    assert cache_config(url, entries=10)["BACKEND"] == backend


def test_an_unknown_cache_url_is_refused_in_chinese():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL 无法识别"):
        cache_config("memcached://127.0.0.1:11211", entries=10)
