"""The API: the register and the claims scoped as the pages, the refusals as the services
say them (422, nothing written), a stale version 409."""

import json

import pytest

from baton.accounts.api_auth import token_create
from baton.intermediaries import rules, services
from baton.intermediaries.models import Claim, Intermediary

from .helpers import moment, person, project, register, sign, state

pytestmark = pytest.mark.django_db
BASE = "/api/v1/intermediaries"


def call(client, user, method="get", path=BASE, body=None):
    _token, secret = token_create(user=user)
    headers = {"Authorization": f"Bearer {secret}"}
    if body is None:
        return getattr(client, method)(path, headers=headers)
    return getattr(client, method)(
        path, json.dumps(body), content_type="application/json", headers=headers
    )


def test_the_register_is_the_districts(client, w):
    row = register(w)
    for user in (w.office, w.promoter, w.leader, w.reviewer):
        data = call(client, user).json()
        assert [i["code"] for i in data["items"]] == [row.code]
    assert call(client, w.tongan_office).json()["items"] == []
    assert call(client, w.sys_admin).json()["items"] == []
    assert call(client, w.tongan_office, path=f"{BASE}/{row.code}").status_code == 404
    office = call(client, w.office, path=f"{BASE}/{row.code}").json()
    assert office["contact_phone"] == "13800001234"
    masked = call(client, w.promoter, path=f"{BASE}/{row.code}").json()
    assert masked["contact_phone"] == "138****1234"


def test_the_office_registers_and_the_ineligible_are_refused_by_rule(client, w):
    body = {
        "kind": "person", "name": "林引荐", "filed_on": moment(5).date().isoformat(),
        "declared_on": moment(5).date().isoformat(),
    }  # fmt: skip
    assert call(client, w.promoter, "post", BASE, body).status_code == 403
    before = state()
    refused = call(client, w.office, "post", BASE, {**body, "relative": True})
    assert refused.status_code == 422
    assert rules.RULE_RELATIVE in refused.json()["detail"]
    assert state() == before
    made = call(client, w.office, "post", BASE, body)
    assert made.status_code == 201 and Intermediary.objects.get().name == "林引荐"


def test_a_claim_before_signing_and_one_after_is_refused(client, w):
    agency, late = register(w), person(w)
    p = project(w)
    body = {"intermediary": agency.code, "project": p.code, "account": "引荐考察"}
    made = call(client, w.promoter, "post", f"{BASE}/claims", body)
    assert made.status_code == 201 and made.json()["status"] == "filed"
    sign(p, 0)
    before = state()
    refused = call(
        client, w.promoter, "post", f"{BASE}/claims", {**body, "intermediary": late.code}
    )
    assert refused.status_code == 422 and rules.RULE_BEFORE_SIGNING in refused.json()["detail"]
    assert state() == before
    assert call(client, w.other_promoter, "post", f"{BASE}/claims", body).status_code == 404
    assert call(client, w.leader, "post", f"{BASE}/claims", body).status_code == 403


def test_the_office_confirms_with_the_version(client, w):
    agency = register(w)
    claim = services.claim_file(
        actor=w.promoter, intermediary=agency, project=project(w), account="甲", at=moment(1)
    )
    path = f"{BASE}/claims/{claim.code}/confirm"
    assert call(client, w.promoter, "post", path, {"version": 1}).status_code == 403
    assert call(client, w.office, "post", path, {"version": 9}).status_code == 409
    done = call(client, w.office, "post", path, {"version": 1, "reason": "材料齐全"})
    assert done.status_code == 200 and done.json()["share"] == "100"
    assert Claim.objects.get().status == "confirmed"
    listed = call(client, w.other_promoter, path=f"{BASE}/claims").json()
    assert listed["items"] == []
    assert call(client, w.promoter, path=f"{BASE}/claims").json()["count"] == 1
