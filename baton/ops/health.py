"""``/healthz``: whether this server can do its work — the database, the read replica, the
cache and the task queue — for a load balancer or a monitor to ask.

``200`` while the primary database answers (a cache or a replica that is down costs speed,
not pages: reads then go to the primary and pages are computed again); ``503`` when it
does not. The body says each part's state in a few words, and nothing about the data.
No sign-in: the answer names no host, user or figure of the library.
"""

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from baton.core import replica

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Check:
    ok: bool
    detail: str
    ms: float = 0.0

    def as_json(self) -> dict:
        return {"ok": self.ok, "detail": self.detail, "ms": round(self.ms, 1)}


#: What a failing part is said to be: the kind of failure, never the driver's text, which
#: names hosts, ports and users (the answer is open to anyone who can reach the server).
FAILURES = (
    (("OperationalError", "InterfaceError"), "无法连接"),
    (("ConnectionError", "TimeoutError", "ConnectionRefusedError"), "无法连接"),
    (("ProgrammingError", "DatabaseError"), "查询出错"),
)


def _failure(exc: Exception) -> str:
    names = {cls.__name__ for cls in type(exc).__mro__}
    for kinds, said in FAILURES:
        if names & set(kinds):
            return f"{said}（{type(exc).__name__}）"
    return f"出错（{type(exc).__name__}）"


def _timed(function) -> Check:
    start = time.perf_counter()
    try:
        ok, detail = function()
    except Exception as exc:
        log.warning("健康检查：%s", exc)  # the whole text for the operators' log only
        ok, detail = False, _failure(exc)
    return Check(ok, detail, (time.perf_counter() - start) * 1000)


def check_database() -> Check:
    def run():
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "正常"

    return _timed(run)


def check_replica() -> Check:
    if not replica.configured():
        return Check(True, "未配置（读写均走主库）")

    def run():
        usable, reason = replica.replica_state()
        return usable, reason if usable else f"{reason}；读请求改走主库"

    return _timed(run)


def check_cache() -> Check:
    def run():
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        if hasattr(cache, "ping"):
            cache.ping()
        token = str(time.time_ns())
        cache.set("healthz", token, 30)
        if backend != "DummyCache" and cache.get("healthz") != token:
            return False, f"{backend} 写入后读不回"
        return True, backend

    return _timed(run)


def queue_depths() -> dict[str, int]:
    """The tasks waiting in each queue (ready to run, not yet taken by a worker)."""
    if settings.BATON_TASKS == "rq":
        import django_rq

        return {name: len(django_rq.get_queue(name)) for name in settings.TASK_QUEUES}
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    return {name: ready.filter(queue_name=name).count() for name in settings.TASK_QUEUES}


def check_queue() -> Check:
    def run():
        waiting = "，".join(f"{name} 待办 {count}" for name, count in queue_depths().items())
        return True, f"{settings.BATON_TASKS}：{waiting}"

    return _timed(run)


def health() -> tuple[int, dict]:
    checks = {
        "database": check_database(),
        "replica": check_replica(),
        "cache": check_cache(),
        "queue": check_queue(),
    }
    status = "ok" if all(c.ok for c in checks.values()) else "degraded"
    if not checks["database"].ok:
        status = "down"
    body = {"status": status, "checks": {name: c.as_json() for name, c in checks.items()}}
    return (503 if status == "down" else 200), body


@never_cache
@require_safe
def healthz(request):
    code, body = health()
    return JsonResponse(body, status=code, json_dumps_params={"ensure_ascii": False})
