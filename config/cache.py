"""The cache every server process reads, chosen by ``CACHE_URL``.

- unset or ``locmem://`` — each process's own memory (the embedded default of ``make demo``);
- ``redis://host:port/db`` (or ``rediss://``, ``unix://``) — Django's Redis cache, shared by
  every worker of every server: the 项目库's kept pages, the leads' figures and the menu
  counts are then computed once for all of them. The kept pages stay correct either way —
  their keys carry the library's counters, read from the database on every request
  (baton/projects/page_cache.py) — so sharing only saves work. A Redis that stops answering
  costs speed, not pages: ``baton.core.cache.ResilientRedisCache`` reads a miss and skips
  the write, and ``/healthz`` says the cache is down;
- ``dummy://`` — keep nothing (for measuring the uncached cost).
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

REDIS_SCHEMES = frozenset({"redis", "rediss", "unix"})
#: How long a connection or a command may wait before the page goes on without the cache.
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}


def cache_config(url: str, *, entries: int) -> dict:
    """Return ``CACHES["default"]`` for ``url``; raise ImproperlyConfigured for anything else."""
    scheme = urlsplit(url).scheme if url else "locmem"
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "baton",
            "OPTIONS": {"MAX_ENTRIES": entries},
        }
    if scheme in REDIS_SCHEMES:
        return {
            "BACKEND": "baton.core.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "baton",
            "OPTIONS": dict(REDIS_TIMEOUTS),
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL 无法识别：{url}（可用 redis://主机:端口/库号、locmem:// 或 dummy://）。"
    )
