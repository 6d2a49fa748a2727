"""/api/v1/companies: the pages' scope, masking and checks over HTTP."""

import json

import pytest

from baton.accounts.api_auth import token_create
from baton.companies import services
from baton.companies.models import Company

from .helpers import BYD, CATL, bad

BASE = "/api/v1/companies"


def call(client, user, method="get", path=BASE, body=None):
    _token, secret = token_create(user=user)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **kwargs)


@pytest.fixture
def catl(w):
    return services.company_create(
        actor=w.office, district=w.district, name="宁德时代", uscc=CATL, contact_phone="13812345678"
    )


def test_list_and_detail_in_scope_with_masked_phone(client, w, catl):
    other = services.company_create(
        actor=w.tongan_office, district=w.other_district, name="同安电子"
    )
    rows = call(client, w.promoter).json()["items"]
    assert [r["name"] for r in rows] == ["宁德时代"] and rows[0]["contact_phone"] == "13812345678"
    assert call(client, w.leader).json()["items"][0]["contact_phone"] == "138****5678"
    assert call(client, w.promoter, path=f"{BASE}/{other.pk}").status_code == 404
    detail = call(client, w.reviewer, path=f"{BASE}/{catl.pk}").json()
    assert detail["contact_phone"] == "138****5678" and detail["timeline"][0]["kind"] == "登记"
    assert call(client, w.sys_admin).json()["items"] == []


def test_register(client, w):
    response = call(
        client, w.promoter, "post", body={"name": "比亚迪", "uscc": BYD, "tags": ["listed"]}
    )
    assert response.status_code == 201 and response.json()["uscc"] == BYD
    assert Company.objects.get().district == w.district


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "比亚迪", "uscc": bad(BYD)}, "uscc"),
        ({"name": "比亚迪", "industry_code": "X1"}, "industry_code"),
        ({"name": "比亚迪", "tags": ["最好"]}, "tags"),
        ({"uscc": BYD}, "name"),
    ],
)
def test_bad_values_refused(client, w, body, field):
    response = call(client, w.office, "post", body=body)
    assert response.status_code == 422 and field in response.json()["errors"]
    assert not Company.objects.exists()


def test_duplicates_refused_or_confirmed(client, w, catl):
    taken = call(client, w.office, "post", body={"name": "另一家", "uscc": CATL})
    assert taken.status_code == 422 and "已登记为「宁德时代」" in taken.json()["errors"]["uscc"]
    alike = call(client, w.office, "post", body={"name": "宁德时代有限公司"})
    assert alike.status_code == 422 and "名称相近" in alike.json()["detail"]
    ok = call(client, w.office, "post", body={"name": "宁德时代有限公司", "confirmed": True})
    assert ok.status_code == 201 and Company.objects.count() == 2


def test_readers_and_administrators_may_not_register(client, w):
    for user in (w.leader, w.reviewer, w.sys_admin):
        response = call(client, user, "post", body={"name": "某公司"})
        assert response.status_code == 403, user
    assert not Company.objects.exists()
