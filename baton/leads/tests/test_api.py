"""/api/v1/leads: the pages' scope and rules over HTTP, every endpoint, and the conversion."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from baton.accounts.api_auth import token_create
from baton.leads import services
from baton.leads.models import Lead, LeadEvent
from baton.projects.models import Project
from baton.testing import add_coordinating

from .helpers import POINTS, byd, company, register

pytestmark = pytest.mark.django_db
BASE = "/api/v1/leads"


def call(client, user, method="get", path=BASE, body=None):
    _token, secret = token_create(user=user)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **kwargs)


def state():
    """What a refused request must leave as it was."""
    return (
        list(Lead.objects.order_by("pk").values()),
        LeadEvent.objects.count(),
        Project.objects.count(),
    )


NEW = {
    "title": "动力电池生产基地",
    "source": "referrer",
    "source_detail": "李某（厦门商会）",
    "investment_wan": "200000",
    "fixed_investment_wan": "150000",
    "industry_code": "C3841",
    "land_mu": "300",
}


def test_register_by_a_promoter_and_read_it_back(client, w):
    comp = company(w)
    response = call(client, w.promoter, "post", body={"company": comp.pk, **NEW})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"].startswith("XS350213-") and body["status"] == "registered"
    assert body["unit"]["id"] == w.town.pk == body["first_unit"]["id"]
    assert body["investment_wan"] == "200000" and body["fixed_investment_wan"] == "150000"
    assert body["land_mu"] == "300" and body["company"]["id"] == comp.pk
    assert set(body["deadlines"]) == {"respond", "assess", "feedback", "hold_until", "provisional"}
    assert [event["kind"] for event in body["events"]] == ["registered"]
    assert body["actions"]["respond"] and not body["actions"]["arbitrate"]
    detail = call(client, w.promoter, path=f"{BASE}/{body['code']}").json()
    assert detail["code"] == body["code"] and detail["reported_by"] == w.promoter.display_name


def test_the_deadlines_skip_the_holiday_and_say_when_provisional(client, w):
    at = timezone.make_aware(dt.datetime(2026, 9, 30, 10), timezone.get_default_timezone())
    lead = register(w, at=at)
    body = call(client, w.promoter, path=f"{BASE}/{lead.code}").json()
    assert body["deadlines"]["respond"] == "2026-10-08"
    assert body["deadlines"]["provisional"] is False
    Lead.objects.filter(pk=lead.pk).update(feedback_due=dt.date(2099, 10, 9))  # no schedule yet
    assert call(client, w.promoter, path=f"{BASE}/{lead.code}").json()["deadlines"]["provisional"]


def test_the_office_registers_for_a_unit_it_names(client, w):
    comp = company(w)
    body = {"company": comp.pk, **NEW}
    missing = call(client, w.office, "post", body=body)
    assert missing.status_code == 422 and "unit" in missing.json()["errors"]
    foreign = call(client, w.office, "post", body={**body, "unit": w.tongan_unit.pk})
    assert foreign.status_code == 422 and "unit" in foreign.json()["errors"]
    assert not Lead.objects.exists()
    done = call(client, w.office, "post", body={**body, "unit": w.other_town.pk})
    assert done.status_code == 201 and done.json()["unit"]["id"] == w.other_town.pk


def test_a_promoter_registers_only_for_its_own_unit(client, w):
    body = {"company": company(w).pk, "unit": w.other_town.pk, **NEW}
    assert call(client, w.promoter, "post", body=body).status_code == 403
    assert not Lead.objects.exists()


def test_the_company_must_be_of_the_users_district(client, w):
    other = company(w)
    other.district = w.other_district
    other.save(update_fields=["district"])
    for pk in (other.pk, 999999):
        response = call(client, w.promoter, "post", body={"company": pk, **NEW})
        assert response.status_code == 422 and "company" in response.json()["errors"]
    assert not Lead.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"investment_wan": "abc"}, "investment_wan"),
        ({"investment_wan": 200000.5}, "investment_wan"),
        ({"investment_wan": "0"}, "investment_wan"),
        ({"fixed_investment_wan": "300000"}, "fixed_investment_wan"),
        ({"title": "   "}, "title"),
        ({"source": "rumour"}, "source"),
        ({"industry_code": "Z99"}, "industry_code"),
        ({"land_mu": "many"}, "land_mu"),
        ({"kind": "demolition"}, "kind"),
        ({"industry": 999999}, "industry"),
        ({"color": "red"}, "color"),
        ({"summary": "x" * 5001}, "summary"),
        ({"title": "a\x00b"}, "title"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_written(client, w, change, field):
    comp = company(w)
    before = state()
    response = call(client, w.promoter, "post", body={"company": comp.pk, **NEW, **change})
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert state() == before


def test_a_body_that_is_not_json_is_refused(client, w):
    _token, secret = token_create(user=w.promoter)
    response = client.post(
        BASE, data=b"\xff{", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code in (400, 422) and not Lead.objects.exists()


def test_a_second_lead_of_the_unit_needs_confirmation_another_units_collides(client, w):
    comp = company(w)
    first = register(w, comp=comp)
    body = {"company": comp.pk, **NEW, "title": "二期项目"}
    again = call(client, w.promoter, "post", body=body)
    assert again.status_code == 422 and first.code in again.json()["detail"]
    assert Lead.objects.count() == 1
    assert call(client, w.promoter, "post", body={**body, "confirmed": True}).status_code == 201
    other = call(client, w.other_promoter, "post", body={**body, "title": "储能项目"}).json()
    assert other["status"] == "conflict" and other["conflict_with"] == first.code
    assert [e["kind"] for e in other["events"]] == ["registered", "conflict"]


def test_who_may_not_register(client, w):
    add_coordinating(w)
    body = {"company": company(w).pk, **NEW}
    for user in (w.leader, w.reviewer, w.sys_admin, w.coordinator):
        response = call(client, user, "post", body=body)
        assert response.status_code == 403, user
        assert "detail" in response.json()
    elsewhere = call(client, w.tongan_office, "post", body=body)  # 同安: not its library's
    assert elsewhere.status_code == 422 and "company" in elsewhere.json()["errors"]
    assert not Lead.objects.exists()


# --- scope ---------------------------------------------------------------------------------


def test_the_list_and_a_lead_are_in_scope(client, w):
    add_coordinating(w)
    mine = register(w)
    theirs = register(w, actor=w.other_promoter, comp=byd(w))
    seen = {
        w.promoter: {mine.code},
        w.other_promoter: {theirs.code},
        w.office: {mine.code, theirs.code},
        w.leader: {mine.code, theirs.code},
        w.reviewer: {mine.code, theirs.code},
        w.tongan_office: set(),
        w.sys_admin: set(),
    }
    for user, codes in seen.items():
        body = call(client, user).json()
        assert {row["code"] for row in body["items"]} == codes, user
        assert body["count"] == len(codes)
        for lead in (mine, theirs):
            status = call(client, user, path=f"{BASE}/{lead.code}").status_code
            assert status == (200 if lead.code in codes else 404), (user, lead.code)
    assert call(client, w.coordinator).status_code == 403
    assert call(client, w.coordinator, path=f"{BASE}/{mine.code}").status_code == 403


def test_a_unit_keeps_seeing_the_lead_it_first_reported_but_cannot_work_it(client, w):
    lead = register(w)
    Lead.objects.filter(pk=lead.pk).update(last_progress_at=timezone.now() - dt.timedelta(days=40))
    services.lead_reassign(lead=lead, actor=w.office, unit=w.other_town, reason="无进展")
    body = call(client, w.promoter, path=f"{BASE}/{lead.code}").json()
    assert body["unit"]["id"] == w.other_town.pk and not any(body["actions"].values())
    before = state()
    response = call(client, w.promoter, "post", f"{BASE}/{lead.code}/notes", {"text": "再联系"})
    assert response.status_code == 403 and state() == before
    assert call(client, w.other_promoter, path=f"{BASE}/{lead.code}").status_code == 200


def test_a_malformed_or_unknown_code_is_404(client, w):
    for code in ("nope", "XS350213-2026-9999", "XS%00-1-1"):
        response = call(client, w.office, path=f"{BASE}/{code}")
        assert response.status_code == 404 and "投资信息" in response.json()["detail"]


def test_the_list_filters_and_pages(client, w):
    catl = register(w)
    low = register(w, comp=byd(w), investment="8000", fixed_investment="", source="news")
    Lead.objects.filter(pk=low.pk).update(respond_due=dt.date(2020, 1, 2))
    services.lead_respond(lead=catl, actor=w.promoter)

    def codes(query):
        response = call(client, w.office, path=f"{BASE}?{query}")
        assert response.status_code == 200, response.content
        return {row["code"] for row in response.json()["items"]}

    assert codes("status=following") == {catl.code}
    assert codes("source=news") == {low.code}
    assert codes("reserve=true") == {low.code} and codes("reserve=false") == {catl.code}
    assert codes("overdue=true") == {low.code} and codes("overdue=false") == {catl.code}
    assert codes(f"unit={w.town.pk}") == {catl.code, low.code}
    assert codes(f"unit={w.other_town.pk}") == set()
    Lead.objects.filter(pk=low.pk).update(unit=w.other_town)  # reassigned: both units list it
    assert codes(f"unit={w.other_town.pk}") == {low.code}
    assert codes(f"unit={w.town.pk}") == {catl.code, low.code}
    assert codes("q=比亚迪") == {low.code} and codes(f"q={catl.code}") == {catl.code}
    page = call(client, w.office, path=f"{BASE}?size=1&page=2").json()
    assert page["count"] == 2 and page["pages"] == 2 and page["page"] == 2
    assert len(page["items"]) == 1
    overdue = call(client, w.office, path=f"{BASE}?overdue=true").json()["items"][0]["overdue"]
    assert overdue == ["respond"]
    for query in ("status=nope", "colour=red", "size=0", "status=registered&status=following"):
        assert call(client, w.office, path=f"{BASE}?{query}").status_code == 422, query


# --- the steps -----------------------------------------------------------------------------


def test_edit_with_the_version_stale_is_409(client, w):
    lead = register(w)
    path = f"{BASE}/{lead.code}"
    change = {"version": 1, "investment_wan": "8000", "fixed_investment_wan": "5000"}
    done = call(client, w.promoter, "patch", path, change)
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["investment_wan"] == "8000" and body["is_reserve"] and body["version"] == 2
    assert body["events"][-1]["kind"] == "updated"
    before = state()
    stale = call(client, w.promoter, "patch", path, {"version": 1, "title": "改名"})
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    bad = call(client, w.promoter, "patch", path, {"version": 2, "fixed_investment_wan": "9000"})
    assert bad.status_code == 422 and "fixed_investment_wan" in bad.json()["errors"]
    no_version = call(client, w.promoter, "patch", path, {"title": "改名"})
    assert no_version.status_code == 422 and "version" in no_version.json()["errors"]
    assert state() == before
    assert call(client, w.office, "patch", path, {"version": 2, "title": "改名"}).status_code == 200


def test_readers_may_not_write(client, w):
    lead = register(w)
    path = f"{BASE}/{lead.code}"
    steps = [
        ("patch", path, {"version": 1, "title": "改名"}),
        ("post", f"{path}/respond", {}),
        ("post", f"{path}/assess", {"points": POINTS, "conclusion": "follow"}),
        ("post", f"{path}/feedback", {"text": "已反馈"}),
        ("post", f"{path}/notes", {"text": "已联系"}),
        ("post", f"{path}/reject", {"reason": "不符合"}),
        ("post", f"{path}/arbitrate", {"decision": "merge", "reason": "同一项目"}),
        ("post", f"{path}/reassign", {"unit": w.other_town.pk, "reason": "无进展"}),
        ("post", f"{path}/convert", {"stage": "planning"}),
    ]
    before = state()
    for user in (w.leader, w.reviewer):
        for method, url, body in steps:
            response = call(client, user, method, url, body)
            assert response.status_code == 403, (user, url, response.content)
    for method, url, body in steps:
        assert call(client, w.other_promoter, method, url, body).status_code == 404, url
        assert call(client, w.tongan_office, method, url, body).status_code == 404, url
    for method, url, body in steps[6:8]:  # the office's alone
        assert call(client, w.promoter, method, url, body).status_code == 403, url
    assert state() == before


def test_respond_assess_feedback_note_and_reject(client, w):
    lead = register(w)
    path = f"{BASE}/{lead.code}"
    body = call(client, w.promoter, "post", f"{path}/respond", {"follower": "张三"}).json()
    assert body["status"] == "following" and body["follower"] == "张三" and body["responded_at"]
    again = call(client, w.promoter, "post", f"{path}/respond", {})
    assert again.status_code == 422 and "已响应" in again.json()["detail"]
    note = call(client, w.promoter, "post", f"{path}/notes", {"text": "已电话联系投资方"})
    assert note.status_code == 201 and note.json()["kind"] == "note"
    assert note.json()["reason"] == "已电话联系投资方"
    before = state()
    blank = call(client, w.promoter, "post", f"{path}/notes", {"text": "  "})
    assert blank.status_code == 422 and state() == before
    half = {"points": {"direction": "符合"}, "conclusion": "follow"}
    bad = call(client, w.promoter, "post", f"{path}/assess", half)
    assert bad.status_code == 422 and {"market", "benefit"} <= set(bad.json()["errors"])
    odd = call(client, w.promoter, "post", f"{path}/assess", {"points": POINTS, "conclusion": "?"})
    assert odd.status_code == 422 and "conclusion" in odd.json()["errors"]
    assert state() == before
    body = call(
        client, w.promoter, "post", f"{path}/assess", {"points": POINTS, "conclusion": "follow"}
    ).json()
    assert body["status"] == "assessed" and body["assessment"]["market"] == POINTS["market"]
    assert body["actions"]["convert"]
    fed = call(client, w.promoter, "post", f"{path}/feedback", {"text": "已告知引荐人"}).json()
    assert fed["feedback_at"] and fed["events"][-1]["kind"] == "feedback"
    blank = call(client, w.promoter, "post", f"{path}/reject", {"reason": ""})
    assert blank.status_code == 422
    body = call(client, w.office, "post", f"{path}/reject", {"reason": "投资方放弃"}).json()
    assert body["status"] == "rejected" and not body["actions"]["note"]
    closed = call(client, w.promoter, "post", f"{path}/notes", {"text": "再联系"})
    assert closed.status_code == 422 and "不予跟进" in closed.json()["detail"]


def test_arbitrate_a_collision(client, w):
    comp = company(w)
    first = register(w, comp=comp)
    second = register(w, actor=w.other_promoter, comp=comp, title="储能电池项目")
    path = f"{BASE}/{second.code}"
    body = call(client, w.other_promoter, path=path).json()
    assert body["status"] == "conflict" and not body["actions"]["respond"]
    assert call(client, w.office, path=path).json()["actions"]["arbitrate"]
    before = state()
    busy = call(client, w.other_promoter, "post", f"{path}/respond", {})
    assert busy.status_code == 422 and "撞车" in busy.json()["detail"]
    odd = call(client, w.office, "post", f"{path}/arbitrate", {"decision": "x", "reason": "r"})
    assert odd.status_code == 422 and "decision" in odd.json()["errors"]
    blank = call(
        client, w.office, "post", f"{path}/arbitrate", {"decision": "assign", "reason": ""}
    )
    assert blank.status_code == 422 and state() == before
    body = call(
        client, w.office, "post", f"{path}/arbitrate", {"decision": "assign", "reason": "对接更深"}
    ).json()
    assert body["status"] == "registered" and body["conflict_with"] is None
    earlier = call(client, w.office, path=f"{BASE}/{first.code}").json()
    assert earlier["status"] == "merged" and earlier["merged_into"] == second.code
    again = call(
        client, w.office, "post", f"{path}/arbitrate", {"decision": "merge", "reason": "r"}
    )
    assert again.status_code == 422


def test_reassign_after_a_month_without_progress(client, w):
    lead = register(w)
    path = f"{BASE}/{lead.code}/reassign"
    body = {"unit": w.other_town.pk, "reason": "一个月无进展"}
    before = state()
    early = call(client, w.office, "post", path, body)
    assert early.status_code == 422 and "满 30 天" in early.json()["detail"]
    Lead.objects.filter(pk=lead.pk).update(last_progress_at=timezone.now() - dt.timedelta(days=31))
    before = state()
    for unit in (w.tongan_unit.pk, w.town.pk, 999999):
        bad = call(client, w.office, "post", path, {**body, "unit": unit})
        assert bad.status_code == 422 and "unit" in bad.json()["errors"], unit
    assert state() == before
    assert call(client, w.office, path=f"{BASE}/{lead.code}").json()["actions"]["reassign"]
    done = call(client, w.office, "post", path, body).json()
    assert done["unit"]["id"] == w.other_town.pk and done["first_unit"]["id"] == w.town.pk
    assert done["events"][-1]["kind"] == "reassigned"
    assert done["events"][-1]["reason"] == "一个月无进展"


def test_convert_end_to_end(client, w):
    comp = company(w)
    created = call(client, w.promoter, "post", body={"company": comp.pk, **NEW}).json()
    path = f"{BASE}/{created['code']}"
    before = state()
    early = call(client, w.promoter, "post", f"{path}/convert", {"stage": "planning"})
    assert early.status_code == 422 and "研判" in early.json()["detail"]
    call(client, w.promoter, "post", f"{path}/respond", {})
    call(client, w.promoter, "post", f"{path}/assess", {"points": POINTS, "conclusion": "follow"})
    before = state()
    odd = call(client, w.promoter, "post", f"{path}/convert", {"stage": "landed"})
    assert odd.status_code == 422 and "stage" in odd.json()["errors"]
    assert state() == before
    response = call(client, w.promoter, "post", f"{path}/convert", {"stage": "intent"})
    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get(code=body["code"])
    assert body["url"] == f"/projects/{project.code}/"
    assert body["api_url"] == f"/api/v1/projects/{project.code}"
    assert project.stage.code == "intent" and project.info_unit == w.town
    assert project.lead.code == created["code"] and project.investor == comp.name
    assert body["lead"]["status"] == "converted" and body["lead"]["project"]["code"] == project.code
    seen = call(client, w.promoter, path=body["api_url"])
    assert seen.status_code == 200 and seen.json()["info_unit"]["id"] == w.town.pk
    again = call(client, w.promoter, "post", f"{path}/convert", {})
    assert again.status_code == 422
    fed = call(client, w.promoter, "post", f"{path}/feedback", {"text": "已告知已转化"})
    assert fed.status_code == 200


def test_the_office_converts_for_the_holder(client, w):
    lead = register(w)
    services.lead_assess(lead=lead, actor=w.promoter, points=POINTS, conclusion="follow")
    response = call(client, w.office, "post", f"{BASE}/{lead.code}/convert", {})
    assert response.status_code == 201, response.content
    project = Project.objects.get(code=response.json()["code"])
    assert project.stage.code == "planning" and project.unit == w.town


def test_anonymous_is_401(client, w):
    lead = register(w)
    assert client.get(BASE).status_code == 401
    response = client.post(f"{BASE}/{lead.code}/notes", {"text": "x"}, "application/json")
    assert response.status_code == 401 and "令牌" in response.json()["detail"]
