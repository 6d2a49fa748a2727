"""What a hostile tester saw of the API and the error log (issue 13, point 10).

An ordinary refusal — a 403 out of scope, a CSRF failure, a lockout, a refused htmx
action, an API 403 — writes one line to the error log (status, method, path, user), not
a traceback; a real 500 keeps its traceback. The OpenAPI document states the
constraints the server enforces, so that a client (or schemathesis) reading it sends
what the server accepts.
"""

import logging

import pytest
from django.test import Client
from django.urls import path

from baton.accounts.api_auth import token_create
from baton.testing import make_project, test_password


def _boom(request):
    raise RuntimeError("a real bug")


urlpatterns = [path("boom/", _boom)]


def _lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(("django.request", "django.security"))]


def _assert_one_line(caplog, status: int, path_: str, user: str) -> None:
    records = _lines(caplog)
    assert len(records) == 1, [r.getMessage() for r in records]
    record = records[0]
    assert not record.exc_info and not record.exc_text, "a refusal logged a traceback"
    line = record.getMessage()
    assert "\n" not in line
    assert line.startswith(f"{status} ") and path_ in line and f"用户={user}" in line, line


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.WARNING)
    return caplog


def test_a_permission_denied_page_logs_one_line(w, log):
    client = Client()
    client.force_login(w.promoter)
    assert client.get("/audit/").status_code == 403
    _assert_one_line(log, 403, "/audit/", "mx_promoter")
    assert "审计日志仅审计管理员可以查看" in _lines(log)[0].getMessage()


def test_a_project_out_of_scope_logs_one_line(w, log):
    project = make_project(w)
    client = Client()
    client.force_login(w.tongan_office)
    assert client.get(f"/projects/{project.code}/").status_code == 404
    _assert_one_line(log, 404, f"/projects/{project.code}/", "ta_office")


def test_a_csrf_failure_logs_one_line(w, log):
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.promoter)
    assert client.post("/projects/new/", {}).status_code == 403
    _assert_one_line(log, 403, "/projects/new/", "mx_promoter")


def test_a_refused_htmx_action_logs_one_line(w, log):
    project = make_project(w)
    client = Client()
    client.force_login(w.promoter)
    response = client.post(f"/projects/{project.code}/review/", {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    _assert_one_line(log, 403, f"/projects/{project.code}/review/", "mx_promoter")


def test_a_lockout_logs_one_line(w, log):
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "mx_promoter", "password": "wrong-Pass1"})
    log.clear()
    response = client.post(
        "/accounts/login/", {"username": "mx_promoter", "password": test_password()}
    )
    assert response.status_code in (403, 429)
    _assert_one_line(log, response.status_code, "/accounts/login/", "匿名")


def test_an_api_refusal_logs_one_line(w, log):
    project = make_project(w)
    token = token_create(user=w.office)[1]
    response = Client().post(
        f"/api/v1/projects/{project.code}/submit",
        {"version": project.version},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403, response.content
    _assert_one_line(log, 403, f"/api/v1/projects/{project.code}/submit", "xa_office")


@pytest.mark.urls("baton.tests.test_hostile_api")
def test_a_server_error_keeps_its_traceback(w, log):
    client = Client(raise_request_exception=False)
    client.force_login(w.promoter)
    assert client.get("/boom/").status_code == 500
    records = _lines(log)
    assert len(records) == 1
    assert records[0].levelno == logging.ERROR and records[0].exc_info
    assert "a real bug" in str(records[0].exc_info[1])
