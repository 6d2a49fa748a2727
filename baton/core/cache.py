"""Django's Redis cache, kept from failing a request when Redis does not answer.

Everything Baton keeps in the cache can be computed again from the database, so a Redis
that is down or unreachable must cost time, not a page: a read is a miss, a write or a
delete is skipped, each logged once a minute at most. After a failure the process leaves
Redis alone for ``PAUSE_SECONDS`` (each request would otherwise wait out the connect
timeout again). ``ping`` lets the health check say whether the cache answers.

``kept`` keeps a value that is costly to build (the cockpit's figures and board): one
request builds it while the others wait, and once it is no longer fresh the others are
shown it while one request builds the next.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

#: Seconds between two log lines about the same failure.
QUIET_SECONDS = 60
#: Seconds the process reads misses without asking Redis after a failure.
PAUSE_SECONDS = 5


class ResilientRedisCache(RedisCache):
    _last_logged = 0.0
    _paused_until = 0.0

    def _failed(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        ResilientRedisCache._paused_until = now + PAUSE_SECONDS
        if now - ResilientRedisCache._last_logged >= QUIET_SECONDS:
            ResilientRedisCache._last_logged = now
            log.warning("缓存服务不可用（%s）：%s；本次按未命中处理。", operation, exc)

    def _paused(self) -> bool:
        return time.monotonic() < ResilientRedisCache._paused_until

    def get(self, key, default=None, version=None):
        if self._paused():
            return default
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            self._failed("读取", exc)
            return default

    def get_many(self, keys, version=None):
        if self._paused():
            return {}
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            self._failed("读取", exc)
            return {}

    def set(self, key, value, timeout=None, version=None):
        if self._paused():
            return
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            self._failed("写入", exc)

    def add(self, key, value, timeout=None, version=None):
        # Unasked, the key is taken as free: the caller does the work itself, as with no
        # cache at all (``kept``'s builders would otherwise wait for a value never stored).
        if self._paused():
            return True
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            self._failed("写入", exc)
            return True

    def delete(self, key, version=None):
        if self._paused():
            return False
        try:
            return super().delete(key, version)
        except RedisError as exc:
            self._failed("删除", exc)
            return False

    def ping(self) -> None:
        """Raise RedisError when the server does not answer."""
        self._cache.get_client(write=True).ping()


#: How often a request waiting for another's build looks for its value (seconds).
POLL_SECONDS = 0.05


def keep(key: str, value: Any, seconds: float) -> None:
    """Store ``value`` for ``kept`` under ``key``, built now, for ``seconds``."""
    cache.set(f"{key}:kept", (time.time(), value), seconds)


def kept(
    key: str,
    build: Callable[[], Any],
    *,
    fresh_seconds: float,
    keep_seconds: float,
    wait_seconds: float,
    rebuild: bool = False,
) -> Any:
    """Return the value ``build`` gives, kept in the cache under ``key``.

    A value younger than ``fresh_seconds`` is returned as it is. An older one (kept up to
    ``keep_seconds``) is returned too while one request — the one that takes the key's
    building mark — builds the next: nobody waits for a rebuild of something shown
    before. A missing value is built by one request while the others asking wait for it,
    up to ``wait_seconds``, then build it themselves. ``rebuild`` builds afresh at once
    (a user who has just changed something must see the change).
    """
    building = f"{key}:building"
    entry = None if rebuild else cache.get(f"{key}:kept")
    if entry is not None:
        built, value = entry
        if time.time() - built < fresh_seconds or not cache.add(building, 1, wait_seconds):
            return value
    elif not rebuild and not cache.add(building, 1, wait_seconds):
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            entry = cache.get(f"{key}:kept")
            if entry is not None:
                return entry[1]
    try:
        value = build()
        keep(key, value, keep_seconds)
    finally:
        if not rebuild:
            cache.delete(building)
    return value
