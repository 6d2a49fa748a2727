"""``/healthz``: each part's state, 200 while the database answers, 503 when it does not;
no sign-in, and nothing of the data in the answer."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from baton.ops import health

pytestmark = pytest.mark.django_db


def read(client):
    response = client.get(reverse("healthz"))
    return response.status_code, json.loads(response.content)


def test_every_part_answers(client):
    code, body = read(client)
    assert code == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "replica", "cache", "queue"}
    assert body["checks"]["replica"]["detail"] == "未配置（读写均走主库）"
    assert body["checks"]["queue"]["detail"].startswith("database：default 待办 0")
    assert client.post(reverse("healthz")).status_code == 405


def test_a_waiting_task_is_counted(client, settings):
    from baton.reports.tasks import build_pack

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}
    }
    build_pack.enqueue(0)
    code, body = read(client)
    assert (
        code == 200 and body["checks"]["queue"]["detail"] == "database：default 待办 0，bulk 待办 1"
    )


def test_a_cache_that_does_not_answer_degrades_but_serves(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(cache, "ping", refuse, raising=False)
    code, body = read(client)
    assert code == 200 and body["status"] == "degraded"
    assert body["checks"]["cache"] == {**body["checks"]["cache"], "ok": False}
    assert body["checks"]["cache"]["detail"] == "无法连接（ConnectionError）"


def test_a_database_that_does_not_answer_is_503(client, monkeypatch):
    def down():
        return health.Check(False, "OperationalError: 连接被拒绝")

    monkeypatch.setattr(health, "check_database", down)
    code, body = read(client)
    assert code == 503 and body["status"] == "down"
