"""``baton.core.cache.kept``: one builder, the others wait for a missing value and are
shown a stale one while the next is built; and a Redis that does not answer never makes
a builder wait for a value that will not come."""

import threading
import time

import pytest
from django.core.cache import cache

from baton.core import cache as kept_cache
from baton.core.cache import ResilientRedisCache, keep, kept

KEY = "baton:test:kept"
TIMES = {"fresh_seconds": 60, "keep_seconds": 600, "wait_seconds": 5}


@pytest.fixture(autouse=True)
def _clean():
    cache.delete_many([f"{KEY}:kept", f"{KEY}:building"])
    yield
    cache.delete_many([f"{KEY}:kept", f"{KEY}:building"])


def builder(value):
    calls = []

    def build():
        calls.append(1)
        return value

    return build, calls


def test_a_missing_value_is_built_then_read_from_the_cache():
    build, calls = builder("第一次")
    assert kept(KEY, build, **TIMES) == "第一次"
    assert kept(KEY, build, **TIMES) == "第一次" and len(calls) == 1


def test_a_rebuild_builds_at_once():
    keep(KEY, "旧的", 60)
    build, calls = builder("新的")
    assert kept(KEY, build, rebuild=True, **TIMES) == "新的" and len(calls) == 1
    assert kept(KEY, build, **TIMES) == "新的" and len(calls) == 1


def test_a_stale_value_is_shown_while_another_request_builds_the_next(monkeypatch):
    keep(KEY, "旧的", 600)
    monkeypatch.setattr(kept_cache.time, "time", lambda: time.monotonic() + 10**9)  # aged
    cache.add(f"{KEY}:building", 1, 30)  # another request is building
    build, calls = builder("新的")
    assert kept(KEY, build, **TIMES) == "旧的" and calls == []


def test_a_stale_value_is_rebuilt_by_the_first_request_that_finds_it(monkeypatch):
    keep(KEY, "旧的", 600)
    real = time.time
    monkeypatch.setattr(kept_cache.time, "time", lambda: real() + 61)
    build, calls = builder("新的")
    assert kept(KEY, build, **TIMES) == "新的" and len(calls) == 1
    assert cache.get(f"{KEY}:building") is None  # the mark is given back


def test_a_missing_value_another_is_building_is_waited_for():
    cache.add(f"{KEY}:building", 1, 30)
    threading.Timer(0.3, lambda: keep(KEY, "另一个请求建好的", 60)).start()
    build, calls = builder("不该由我来建")
    assert kept(KEY, build, **TIMES) == "另一个请求建好的" and calls == []


def test_a_redis_that_does_not_answer_lets_the_caller_build_at_once(monkeypatch):
    """Unreachable, ``add`` says the key is free: a builder waiting for another's value
    that can never be stored would wait ``wait_seconds`` on every request."""
    monkeypatch.setattr(ResilientRedisCache, "_paused_until", 0.0)
    down = ResilientRedisCache(
        "redis://127.0.0.1:1/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )
    assert down.add(f"{KEY}:building", 1, 30) is True  # the failure
    assert down.add(f"{KEY}:building", 1, 30) is True  # paused after it
    assert down.get(f"{KEY}:kept") is None
    monkeypatch.setattr(kept_cache, "cache", down)
    build, calls = builder("自己建")
    started = time.monotonic()
    assert kept(KEY, build, **TIMES) == "自己建" and len(calls) == 1
    assert time.monotonic() - started < 1
