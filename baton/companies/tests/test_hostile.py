"""A hostile insider against the company library's API (and its pages): each try is
refused with a Chinese reason, writes nothing, leaves the audit log as it was, and is one
line in the error log (status, method, path, user), as for the other APIs
(``baton/tests/test_hostile_api.py``)."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from baton.accounts.api_auth import token_create
from baton.audit.models import AuditRecord
from baton.companies import services
from baton.companies.models import Company, CompanyEvent
from baton.projects.tests.helpers_views import login
from baton.testing import add_coordinating

from .helpers import BYD, CATL

BASE = "/api/v1/companies"


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.WARNING)
    return caplog


@pytest.fixture
def firms(w):
    add_coordinating(w)
    xiangan = services.company_create(
        actor=w.office, district=w.district, name="翔安某某科技有限公司", uscc=CATL
    )
    dup = services.company_create(
        actor=w.office, district=w.district, name="翔安某某科技（厦门）", confirmed=True
    )
    tongan = services.company_create(
        actor=w.tongan_office,
        district=w.other_district,
        name="同安某某电子有限公司",
        uscc=BYD,
        contact_phone="13812345678",
    )
    return xiangan, dup, tongan


def state():
    return (
        list(Company.objects.order_by("pk").values()),
        list(CompanyEvent.objects.order_by("pk").values()),
        AuditRecord.objects.count(),
    )


_tokens: dict[int, str] = {}


def token(user) -> str:
    """One token a user (creating it is audited: not inside an attempt)."""
    if user.pk not in _tokens:
        _tokens[user.pk] = token_create(user=user, name="hostile")[1]
    return _tokens[user.pk]


def send(user, method, path, body=None):
    secret = token(user)
    return Client(raise_request_exception=False).generic(
        method,
        path,
        "" if body is None else json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def refused(log, response, status: int, path: str, user) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body
    lines = [r for r in log.records if r.name.startswith(("django.request", "django.security"))]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    line = lines[0].getMessage()
    assert not lines[0].exc_info and "\n" not in line
    assert line.startswith(f"{status} ") and path in line
    # A 协调部门's token is refused in the authentication itself (accounts.api_auth),
    # before the request knows its user: its line says 匿名 (the lead is told).
    shown = "匿名" if getattr(user, "is_coordinating", False) else user.username
    assert f"用户={shown}" in line, line
    return body


def attempts(w, firms):
    xiangan, dup, tongan = firms
    on_tongan = f"{BASE}/{tongan.pk}"
    merge = f"{BASE}/{xiangan.pk}/merge"
    return [
        # A promoter of 翔安 edits (and tries to take the credit code of) 同安's company.
        (w.promoter, "PATCH", on_tongan, {"contact_phone": "13900000000"}, 404),
        (w.promoter, "PATCH", on_tongan, {"name": "翔安的了", "confirmed": True}, 404),
        (w.office, "POST", f"{on_tongan}/merge", {"drop": xiangan.pk}, 404),
        # ... or merges 同安's company into one of 翔安's: not among the district's.
        (w.office, "POST", merge, {"drop": tongan.pk}, 422),
        # A unit promoter merges (its own district's companies).
        (w.promoter, "POST", merge, {"drop": dup.pk}, 403),
        (w.other_promoter, "POST", merge, {"drop": dup.pk}, 403),
        # The city reviewer posts: registers, edits, merges.
        (w.reviewer, "POST", BASE, {"name": "市里登记的公司"}, 403),
        (w.reviewer, "PATCH", f"{BASE}/{xiangan.pk}", {"note": "市里改的"}, 403),
        (w.reviewer, "POST", merge, {"drop": dup.pk}, 403),
        # A 协调部门's staff reads (and writes): no company, on any path.
        (w.coordinator, "GET", BASE, None, 403),
        (w.coordinator, "GET", f"{BASE}/{xiangan.pk}", None, 403),
        (w.coordinator, "PATCH", f"{BASE}/{xiangan.pk}", {"note": "x"}, 403),
        (w.coordinator, "POST", BASE, {"name": "自然资源局登记的公司"}, 403),
    ]


def test_every_attempt_is_refused_writes_nothing_and_logs_one_line(w, firms, log):
    _tokens.clear()
    for user, method, path, body, status in attempts(w, firms):
        token(user)
        before = state()
        log.clear()
        response = send(user, method, path, body)
        refused(log, response, status, path, user)
        assert state() == before, (user, method, path)
    tongan = Company.objects.get(pk=firms[2].pk)
    assert tongan.contact_phone == "13812345678" and tongan.events.count() == 1


def test_the_refusals_say_why(w, firms, log):
    _tokens.clear()
    xiangan, dup, _tongan = firms
    merge = f"{BASE}/{xiangan.pk}/merge"
    body = send(w.promoter, "POST", merge, {"drop": dup.pk}).json()
    assert body["detail"] == "只有企业所属区的区招商办可以合并重复的企业。"
    body = send(w.reviewer, "POST", BASE, {"name": "市里登记的公司"}).json()
    assert body["detail"] == "只有本区的单位招商员和区招商办可以登记、修改客商库中的企业。"
    body = send(w.promoter, "PATCH", f"{BASE}/{firms[2].pk}", {"note": "x"}).json()
    assert body["detail"] == "企业不存在，或不在您的查看范围内。"


def test_a_coordinating_units_staff_sees_no_company_page(client, w, firms):
    xiangan = firms[0]
    login(client, w.coordinator)
    for url in (
        reverse("companies:list"),
        reverse("companies:export"),
        reverse("companies:detail", args=[xiangan.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert xiangan.name not in response.content.decode()
