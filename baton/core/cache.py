"""Django's Redis cache, kept from failing a request when Redis does not answer.

Everything Baton keeps in the cache can be computed again from the database, so a Redis
that is down or unreachable must cost time, not a page: a read is a miss, a write or a
delete is skipped, each logged once a minute at most. After a failure the process leaves
Redis alone for ``PAUSE_SECONDS`` (each request would otherwise wait out the connect
timeout again). ``ping`` lets the health check say whether the cache answers.
"""

import logging
import time

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
        if self._paused():
            return False
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            self._failed("写入", exc)
            return False

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
