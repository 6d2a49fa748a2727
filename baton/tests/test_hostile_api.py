"""What a hostile tester saw of the API and the error log (issue 13, point 10).

An ordinary refusal — a 403 out of scope, a CSRF failure, a lockout, a refused htmx
action, an API 403 — writes one line to the error log (status, method, path, user), not
a traceback; a real 500 keeps its traceback. The OpenAPI document states the
constraints the server enforces, so that a client (or schemathesis) reading it sends
what the server accepts.
"""

import logging
import re

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


# --- the OpenAPI document states what the server enforces -------------------------------

CONTROL_CHARS = ["\x00", "\x08", "\x0b", "\x0c", "\x1f", "\x7f"]


@pytest.fixture
def document(w) -> dict:
    token = token_create(user=w.promoter)[1]
    response = Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    return response.json()["components"]["schemas"]


def _field(document: dict, schema: str, name: str) -> dict:
    """The field's own schema, the non-null branch of an optional one."""
    field = document[schema]["properties"][name]
    branches = [b for b in field.get("anyOf", [field]) if b.get("type") != "null"]
    assert len(branches) == 1, field
    return branches[0]


def _matches(field: dict, value: str) -> bool:
    # JSON Schema's pattern is a search; every pattern here is anchored.
    return re.search(field["pattern"], value) is not None and len(value) <= field.get(
        "maxLength", len(value)
    )


def _limit(field: dict) -> int:
    """The limit a field states, checked against its pattern: the services count the
    characters once the blanks around them are stripped."""
    limit = field["x-max-length-stripped"]
    assert _matches(field, "字" * limit) and _matches(field, f"  {'字' * limit}\n")
    assert not _matches(field, "字" * (limit + 1))
    return limit


def test_the_document_states_version_and_id_bounds(document):
    for schema in ("VersionIn", "MoveIn", "ReviewIn", "HandoffIn", "ProjectUpdateIn"):
        version = _field(document, schema, "version")
        assert (version["minimum"], version["maximum"]) == (1, 2**31 - 1), schema
        assert "ge" not in version and "le" not in version  # not JSON Schema words
    for schema, name in (("HandoffIn", "to_unit"), ("ProjectCreateIn", "industry")):
        assert _field(document, schema, name)["minimum"] == 1


@pytest.mark.parametrize(
    ("schema", "name"),
    [
        ("ProjectCreateIn", "name"),
        ("ProjectCreateIn", "investor"),
        ("ProjectUpdateIn", "reason"),
        ("MoveIn", "reason"),
        ("NoteIn", "text"),
        ("MilestoneIn", "note"),
        ("ReserveIn", "note"),
        ("ReleaseIn", "reason"),
        ("ProjectFilters", "q"),
    ],
)
def test_the_document_refuses_control_characters_in_text(document, schema, name):
    field = _field(document, schema, name)
    assert _matches(field, "翔安 新能源\t项目\n第二行")
    for char in CONTROL_CHARS:
        assert not _matches(field, f"项目{char}名称"), (schema, name, repr(char))


def test_the_document_states_lengths_patterns_and_ranges(document):
    assert _limit(_field(document, "ProjectCreateIn", "name")) == 200
    assert not _matches(_field(document, "ProjectCreateIn", "name"), " \t")
    assert _limit(_field(document, "ProjectCreateIn", "investor")) == 200
    assert _limit(_field(document, "ProjectCreateIn", "contact_name")) == 50
    assert _limit(_field(document, "ProjectCreateIn", "remarks")) == 5000
    assert _limit(_field(document, "NoteIn", "text")) == 2000
    assert not _matches(_field(document, "NoteIn", "text"), "   ")
    assert _limit(_field(document, "MilestoneIn", "note")) == 200
    assert _limit(_field(document, "ReserveIn", "note")) == 500
    money = _field(document, "ProjectCreateIn", "investment_wan")
    for good in ("0", "12345.6", "100000000", "99999999.9999", "007"):
        assert _matches(money, good), good
    for bad in ("100000000.01", "123456789", "1.23456", "-5", "1e3", " 5"):
        assert not _matches(money, bad), bad
    phone = _field(document, "ProjectCreateIn", "contact_phone")
    for good in ("", "13812345678", " 0592-1234567转8 ", "+86 (592) 1234567"):
        assert _matches(phone, good), good
    for bad in ("1234", " 1 ", "call me", "1" * 31, "\x0b12345"):
        assert not _matches(phone, bad), bad
    area = _field(document, "ProjectCreateIn", "land_area_mu")
    assert _matches(area, "80.25") and not _matches(area, "80.255")
    date = _field(document, "MilestoneIn", "date")
    assert date["format"] == "date" and re.search(date["pattern"], "2019-05-01")
    assert _field(document, "MoveIn", "stage")["pattern"] == r"^[-a-zA-Z0-9_]*$"
    assert _field(document, "ProjectFilters", "district")["pattern"] == r"^[0-9]{6}$"


@pytest.mark.parametrize(
    ("path", "body", "field", "message"),
    [
        ("notes", {"text": "跟进\x00记录"}, "text", "不能包含控制字符。"),
        ("notes", {"text": "  "}, "text", "内容不能为空。"),
        ("notes", {"text": "记" * 2001}, "text", "内容不能超过 2000 个字。"),
        ("submit", {"version": 0}, "version", "不能小于 1。"),
        ("move", {"version": 1, "stage": "x\x7f"}, "stage", "不能包含控制字符。"),
    ],
)
def test_the_server_keeps_its_chinese_messages_for_the_stated_rules(w, path, body, field, message):
    project = make_project(w)
    token = token_create(user=w.promoter)[1]
    response = Client().post(
        f"/api/v1/projects/{project.code}/{path}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field] == message


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "名" * 201}, "name", "不能超过 200 个字。"),
        ({"name": " "}, "name", "项目名称不能为空。"),
        (
            {"investment_wan": "100000000.5"},
            "investment_wan",
            "金额超出合理范围（不超过 1 万亿元）。",
        ),
        (
            {"contact_phone": "call me"},
            "contact_phone",
            "联系电话格式不正确，只能包含数字、空格、+、-、括号。",
        ),
        ({"land_area_mu": "80.255"}, "land_area_mu", "拟用地面积最多保留 2 位小数。"),
    ],
)
def test_the_server_keeps_its_messages_for_a_project(w, body, field, message):
    token = token_create(user=w.promoter)[1]
    payload = {"name": "翔安新能源项目", "investment_wan": "1000", **body}
    response = Client().post(
        "/api/v1/projects",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][field] == message


def test_a_bad_host_logs_one_line_per_logger_without_traceback(w, log):
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    records = _lines(log)
    assert records, "nothing logged"
    for record in records:
        assert not record.exc_info, record.getMessage()
        assert record.getMessage().startswith("400 GET / "), record.getMessage()
