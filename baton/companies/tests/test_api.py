"""/api/v1/companies: the pages' scope, masking and checks over HTTP."""

import json

import pytest

from baton.accounts.api_auth import token_create
from baton.companies import services
from baton.companies.models import Company, CompanyEvent

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


# --- PATCH /companies/{pk} and POST /companies/{pk}/merge ------------------------------


def state():
    return (
        list(Company.objects.order_by("pk").values()),
        list(CompanyEvent.objects.order_by("pk").values()),
    )


def test_edit_changes_only_the_fields_given(client, w, catl):
    response = call(
        client,
        w.promoter,
        "patch",
        f"{BASE}/{catl.pk}",
        {"industry_code": "C3841", "tags": ["listed"], "size": "large"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["industry_code"] == "C3841" and body["tags"] == ["listed"]
    assert body["name"] == "宁德时代" and body["contact_phone"] == "13812345678"
    catl.refresh_from_db()
    assert catl.size == "large" and catl.uscc == CATL
    event = catl.events.get(kind=CompanyEvent.Kind.UPDATED)
    assert event.actor == w.promoter and set(event.new) == {"industry_code", "tags", "size"}


def test_edit_with_nothing_changed_writes_nothing(client, w, catl):
    before = state()
    response = call(client, w.office, "patch", f"{BASE}/{catl.pk}", {"name": "宁德时代"})
    assert response.status_code == 200 and state() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"uscc": bad(BYD)}, "uscc"),
        ({"name": "  "}, "name"),
        ({"name": None}, "name"),
        ({"tags": ["最好"]}, "tags"),
        ({"region": "火星"}, "region"),
        ({"size": "巨大"}, "size"),
        ({"industry_code": "X1"}, "industry_code"),
        ({"version": 1}, "version"),
        ({"contact_phone": "1\x00"}, "contact_phone"),
    ],
)
def test_edit_bad_values_refused_nothing_written(client, w, catl, body, field):
    before = state()
    response = call(client, w.office, "patch", f"{BASE}/{catl.pk}", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert "\u4e00" <= response.json()["detail"][0] <= "\u9fff"
    assert state() == before


def test_edit_duplicates_refused_or_confirmed(client, w, catl):
    byd = services.company_create(actor=w.office, district=w.district, name="比亚迪", uscc=BYD)
    before = state()
    taken = call(client, w.office, "patch", f"{BASE}/{byd.pk}", {"uscc": CATL})
    assert taken.status_code == 422 and "已登记为「宁德时代」" in taken.json()["errors"]["uscc"]
    alike = call(client, w.office, "patch", f"{BASE}/{byd.pk}", {"name": "宁德时代有限公司"})
    assert alike.status_code == 422 and "名称相近" in alike.json()["detail"]
    assert state() == before
    ok = call(
        client,
        w.office,
        "patch",
        f"{BASE}/{byd.pk}",
        {"name": "宁德时代有限公司", "confirmed": True},
    )
    assert ok.status_code == 200 and ok.json()["name"] == "宁德时代有限公司"


def test_edit_refused_to_readers_and_out_of_scope(client, w, catl):
    before = state()
    for user in (w.leader, w.reviewer):
        response = call(client, user, "patch", f"{BASE}/{catl.pk}", {"note": "x"})
        assert response.status_code == 403 and "区招商办" in response.json()["detail"], user
    for user in (w.tongan_office, w.sys_admin):
        response = call(client, user, "patch", f"{BASE}/{catl.pk}", {"note": "x"})
        assert response.status_code == 404, user
    assert state() == before


def test_merge_by_the_office(client, w, catl):
    dup = services.company_create(
        actor=w.promoter, district=w.district, name="宁德时代（厦门）", confirmed=True
    )
    response = call(client, w.office, "post", f"{BASE}/{catl.pk}/merge", {"drop": dup.pk})
    assert response.status_code == 200, response.content
    assert "宁德时代（厦门）" in response.json()["former_names"]
    dup.refresh_from_db()
    assert dup.merged_into == catl
    assert call(client, w.office, path=f"{BASE}/{dup.pk}").status_code == 404
    assert {e.kind for e in catl.events.all()} == {"created", "merged"}


@pytest.mark.parametrize("drop", ["self", "merged", "other_district", "missing", "text"])
def test_merge_of_a_bad_record_refused(client, w, catl, drop):
    dup = services.company_create(actor=w.office, district=w.district, name="另一条记录")
    gone = services.company_create(actor=w.office, district=w.district, name="已合并的记录")
    services.company_merge(keep=dup, drop=gone, actor=w.office)
    other = services.company_create(
        actor=w.tongan_office, district=w.other_district, name="同安电子"
    )
    pk = {
        "self": catl.pk,
        "merged": gone.pk,
        "other_district": other.pk,
        "missing": 999_999,
        "text": str(dup.pk),
    }[drop]
    before = state()
    response = call(client, w.office, "post", f"{BASE}/{catl.pk}/merge", {"drop": pk})
    assert response.status_code == 422 and "drop" in response.json()["errors"]
    assert state() == before


def test_merge_refused_to_all_but_the_office(client, w, catl):
    dup = services.company_create(
        actor=w.office, district=w.district, name="宁德时代（厦门）", confirmed=True
    )
    before = state()
    for user in (w.promoter, w.leader, w.reviewer):
        response = call(client, user, "post", f"{BASE}/{catl.pk}/merge", {"drop": dup.pk})
        assert response.status_code == 403 and "区招商办" in response.json()["detail"], user
    for user in (w.tongan_office, w.sys_admin):
        response = call(client, user, "post", f"{BASE}/{catl.pk}/merge", {"drop": dup.pk})
        assert response.status_code == 404, user
    assert state() == before


def test_the_list_finds_a_former_name(client, w, catl):
    services.company_update(company=catl, actor=w.office, former_names=["宁德新能源"])
    rows = call(client, w.office, path=f"{BASE}?q=宁德新能源").json()["items"]
    assert [r["name"] for r in rows] == ["宁德时代"]
