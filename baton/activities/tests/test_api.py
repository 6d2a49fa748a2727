"""/api/v1/activities: the pages' scope and rules over HTTP, and the signed list's credits."""

import json

import pytest

from baton.accounts.api_auth import token_create
from baton.testing import make_project

from .. import services
from .helpers import activity, company, state

pytestmark = pytest.mark.django_db
BASE = "/api/v1/activities"


def call(client, user, method="get", path=BASE, body=None):
    _token, secret = token_create(user=user)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **kwargs)


NEW = {
    "kind": "promotion",
    "title": "深圳新能源产业推介会",
    "organizer": "翔安区人民政府",
    "place": "深圳",
    "start_on": "2026-04-01",
    "budget_wan": "30",
}


def test_the_list_holds_the_units_own(client, w):
    mine = activity(w)
    activity(w, actor=w.other_promoter, unit=w.other_town, title="新店推介会")
    page = call(client, w.promoter).json()
    assert [row["code"] for row in page["items"]] == [mine.code] and page["count"] == 1
    assert call(client, w.office).json()["count"] == 2
    assert call(client, w.tongan_office).json()["count"] == 0


def test_registering_and_reading(client, w):
    firm = company(w)
    body = {**NEW, "unit": w.town.pk, "companies": [firm.pk], "leaders": [w.leader_person.pk]}
    done = call(client, w.promoter, "post", body=body)
    assert done.status_code == 201, done.content
    data = done.json()
    assert data["budget_wan"] == "30" and data["companies"][0]["id"] == firm.pk
    assert call(client, w.promoter, path=f"{BASE}/{data['code']}").status_code == 200
    assert call(client, w.other_promoter, path=f"{BASE}/{data['code']}").status_code == 404


def test_bad_input_is_a_chinese_422_and_writes_nothing(client, w):
    before = state()
    blank = call(client, w.promoter, "post", body={**NEW, "unit": w.town.pk, "title": " "})
    assert blank.status_code == 422 and blank.json()["errors"]["title"] == "请填写活动名称。"
    other = call(client, w.promoter, "post", body={**NEW, "unit": w.other_town.pk})
    assert other.status_code == 403
    alien = call(client, w.promoter, "post", body={**NEW, "unit": w.town.pk, "companies": [999]})
    assert alien.status_code == 422 and "客商库" in alien.json()["errors"]["companies"]
    money = call(client, w.promoter, "post", body={**NEW, "unit": w.town.pk, "budget_wan": 1.5})
    assert money.status_code == 422
    assert call(client, w.leader, "post", body={**NEW, "unit": w.town.pk}).status_code == 403
    assert state() == before


def test_editing_needs_the_version(client, w):
    a = activity(w)
    path = f"{BASE}/{a.code}"
    ok = call(client, w.promoter, "patch", path, {"version": 1, "cost_wan": "18"})
    assert ok.status_code == 200 and ok.json()["cost_wan"] == "18"
    before = state()
    stale = call(client, w.promoter, "patch", path, {"version": 1, "title": "再改"})
    assert stale.status_code == 409 and state() == before
    assert call(client, w.other_promoter, "patch", path, {"version": 2}).status_code == 404
    assert call(client, w.leader, "patch", path, {"version": 2}).status_code == 403


def test_the_signed_list_says_how_each_line_counts(client, w):
    first = activity(w, title="首场")
    project = make_project(w)
    services.signing_add(
        activity=first, actor=w.promoter, project=project, kind="contract", amount="5000"
    )
    later = activity(w, title="第二场", start_on=first.start_on.replace(day=20))
    path = f"{BASE}/{later.code}/signings"
    done = call(
        client,
        w.promoter,
        "post",
        path,
        {"project": project.pk, "kind": "contract", "amount_wan": "6000"},
    )
    assert done.status_code == 201, done.content
    line = done.json()["signings"][0]
    assert (line["credit"], line["counted"], line["counted_amount_wan"], line["credited_to"]) == (
        "increase", False, "1000", first.code
    )  # fmt: skip
    assert done.json()["counted"] == 0
    before = state()
    none = call(client, w.promoter, "post", path, {"kind": "contract", "amount_wan": "1"})
    assert none.status_code == 422 and state() == before
