"""Reads from a PostgreSQL streaming replica (``DATABASE_REPLICA_URL``), writes to the primary.

What may read the replica is decided per request, by ``ReplicaMiddleware``: a ``GET`` (or
``HEAD``) of a page whose figures a few seconds old are as good as current — the cockpit
and every report (the ``reports`` pages), the lists and the exports. Everything else
reads the primary: a form, a project's page, anything that writes or reads to write, the
API (a token's client keeps no cookie to carry the next rule), the background tasks and
the commands.

- **Read-your-writes.** A request that changed something (a successful ``POST``, ``PUT``,
  ``PATCH`` or ``DELETE`` of a signed-in user) sets a cookie that lives
  ``BATON_READ_YOUR_WRITES_SECONDS``; while the browser sends it, that user's pages read the
  primary, so nobody saves a change and then misses it on the list. (The cookie is set
  with or without a replica: the cockpit builds its figures anew for such a user rather
  than show a kept copy.)
- **A replica that lags or is down.** Before the first replica read and then at most every
  ``BATON_REPLICA_CHECK_SECONDS``, the process asks the replica how far its replay is
  behind; over ``BATON_REPLICA_LAG_LIMIT`` seconds, or no answer, every read goes to the
  primary until a later check finds it caught up. ``/healthz`` says which.
"""

import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
#: The cookie a write leaves: while it lives, its user reads the primary.
WROTE_COOKIE = "baton_wrote"
#: The pages that may read a replica: every page of these namespaces …
REPLICA_NAMESPACES = frozenset({"reports"})
#: … and every list and export (by the last part of the URL's name).
REPLICA_VIEW_SUFFIXES = ("list", "export", "xlsx", "csv")

#: The answer's header naming the database its reads came from (``replica`` when any did,
#: else ``primary``): for the access log, and the tests.
READ_FROM_HEADER = "X-Baton-Read-From"

_reading_replica: ContextVar[bool] = ContextVar("baton_reading_replica", default=False)
_read_replica: ContextVar[list | None] = ContextVar("baton_read_replica", default=None)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag() -> float | None:
    """Seconds the replica's last replayed change is behind the primary's (0 when it has
    replayed all it received); raises DatabaseError when it does not answer."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
        )
        value = cursor.fetchone()[0]
    return None if value is None else float(value)


class _State:
    checked_at = -1e9
    usable = False
    reason = "尚未检查"


def replica_usable() -> bool:
    """Whether reads may go to the replica now (checked at most every few seconds)."""
    now = time.monotonic()
    if now - _State.checked_at < settings.BATON_REPLICA_CHECK_SECONDS:
        return _State.usable
    _State.checked_at = now
    try:
        lag = replica_lag()
    except DatabaseError as exc:
        # The reason goes to /healthz, open to anyone: the kind only, the text to the log.
        log.warning("只读副本无法连接：%s", exc)
        usable, reason = False, f"无法连接（{type(exc).__name__}）"
        connections[REPLICA].close()
    else:
        limit = settings.BATON_REPLICA_LAG_LIMIT
        usable = lag is None or lag <= limit
        reason = f"延迟 {lag or 0:.1f} 秒" + ("" if usable else f"，超过 {limit} 秒")
    if usable != _State.usable:
        log.warning("只读副本%s：%s", "恢复使用" if usable else "暂停使用，读请求改走主库", reason)
    _State.usable, _State.reason = usable, reason
    return usable


def replica_state() -> tuple[bool, str]:
    """(usable, why) as of a fresh check, for the health check."""
    _State.checked_at = -1e9
    usable = replica_usable()
    return usable, _State.reason


def may_read_replica(request) -> bool:
    """Whether this request's reads may go to the replica (see the module's rules)."""
    if request.method not in ("GET", "HEAD") or WROTE_COOKIE in request.COOKIES:
        return False
    match = request.resolver_match
    if match is None or match.route.startswith("api/"):
        return False
    if match.namespace in REPLICA_NAMESPACES:
        return True
    return (match.url_name or "").endswith(REPLICA_VIEW_SUFFIXES)


class ReplicaRouter:
    """Reads go to the replica inside a request ``ReplicaMiddleware`` marked; all else to
    the primary. Migrations run on the primary only (the replica replays them)."""

    def db_for_read(self, model, **hints):
        if _reading_replica.get() and replica_usable():
            used = _read_replica.get()
            if used is not None:
                used.append(model)
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaMiddleware:
    """Mark the requests that may read the replica; remember a user's write in a cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            response = self.get_response(request)
            remember_write(request, response)  # the cockpit's cache reads it too
            return response
        used: list = []
        used_token = _read_replica.set(used)
        try:
            response = self.get_response(request)
        finally:
            _read_replica.reset(used_token)
            token = getattr(request, "_replica_token", None)
            if token is not None:
                _reading_replica.reset(token)
        response[READ_FROM_HEADER] = "replica" if used else "primary"
        remember_write(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if configured():
            request._replica_token = _reading_replica.set(may_read_replica(request))


#: Namespaces whose changes are the user's own session, not the library: signing in, the
#: second factor, a new password. After them nothing the user reads has changed, and a
#: morning of leaders signing in must not build the cockpit afresh for each of them.
SESSION_NAMESPACES = frozenset({"accounts"})


def remember_write(request, response) -> None:
    """Set the read-your-writes cookie after a successful change by a signed-in user."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if (
        request.method in ("POST", "PUT", "PATCH", "DELETE")
        and response.status_code < 400
        and user is not None
        and user.is_authenticated
        and getattr(match, "namespace", None) not in SESSION_NAMESPACES
    ):
        response.set_cookie(
            WROTE_COOKIE,
            "1",
            max_age=settings.BATON_READ_YOUR_WRITES_SECONDS,
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Lax",
        )
