"""The projects' HTTP API: scope, permissions, every action, validation and conflicts."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baton.accounts.api_auth import token_create
from baton.projects import services
from baton.projects.models import Milestone, Project, ProjectEvent
from baton.testing import admit, make_project, stage

INVESTOR = "厦门示例新能源科技有限公司"


class Api:
    """Call /api/v1 as a persona, with a token of its own."""

    def __init__(self, client):
        self.client = client
        self.secrets = {}

    def _headers(self, user):
        if user.pk not in self.secrets:
            self.secrets[user.pk] = token_create(user=user)[1]
        return {"Authorization": f"Bearer {self.secrets[user.pk]}"}

    def get(self, user, path, **query):
        return self.client.get(f"/api/v1{path}", query, headers=self._headers(user))

    def send(self, user, method, path, body=None, *, raw=None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return getattr(self.client, method)(
            f"/api/v1{path}", data, content_type="application/json", headers=self._headers(user)
        )

    def post(self, user, path, body=None, **kwargs):
        return self.send(user, "post", path, body, **kwargs)

    def patch(self, user, path, body=None, **kwargs):
        return self.send(user, "patch", path, body, **kwargs)


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def project(w):
    return make_project(w, name="锂电池隔膜生产基地", investor=INVESTOR, industry=w.industry)


def refused(response, status, text=""):
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert isinstance(body["detail"], str) and re.search(r"[\u4e00-\u9fff]", body["detail"])
    assert text in json.dumps(body, ensure_ascii=False)
    return body


ADMINS = ("sys_admin", "sec_admin", "audit_admin")


# --- list ------------------------------------------------------------------------------


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content.decode()
    return {row["code"] for row in response.json()["items"]}


def test_it_lists_only_what_the_role_may_see(api, w):
    mine = make_project(w)
    theirs = make_project(w, unit=w.other_town, actor=w.other_promoter)
    assert codes(api.get(w.promoter, "/projects")) == {mine.code}
    assert codes(api.get(w.other_promoter, "/projects")) == {theirs.code}
    for persona in ("office", "reviewer", "leader"):
        assert codes(api.get(getattr(w, persona), "/projects")) == {mine.code, theirs.code}
    assert codes(api.get(w.tongan_office, "/projects")) == set()
    for persona in ADMINS:
        response = api.get(getattr(w, persona), "/projects")
        assert response.json() == {
            "items": [],
            "next_cursor": None,
            "page": None,
            "pages": 1,
            "count": 0,
            "investment_wan": "0",
        }


def test_it_gives_rows_with_money_as_decimal_strings(api, w):
    make_project(w, name="精确金额项目", investment="12345.6789")
    body = api.get(w.promoter, "/projects").json()
    assert body["count"] == 1 and body["investment_wan"] == "12345.6789"
    row = body["items"][0]
    assert row["investment_wan"] == "12345.6789"
    assert row["stage"] == {"code": "planning", "name": "策划"}
    assert row["unit"] == {"id": w.town.pk, "name": "马巷街道"}
    assert row["review_state"] == "draft" and row["review_state_label"] == "草稿"
    assert row["version"] == 1 and row["updated_at"].endswith("+08:00")


def test_it_filters_like_the_web_list(api, w):
    small = make_project(w, name="小型仓储", investment="500")
    big = make_project(
        w, name="大型基地", investor=INVESTOR, investment="80000", industry=w.industry
    )
    other = make_project(w, unit=w.other_town, actor=w.other_promoter, investment="3000")
    services.project_move(project=big, stage=stage("negotiating"), actor=w.promoter)
    admit(w, other)
    office = w.office
    assert codes(api.get(office, "/projects", stage="negotiating")) == {big.code}
    assert codes(api.get(office, "/projects", report_group="策划")) == {small.code, other.code}
    assert codes(api.get(office, "/projects", review_state="admitted")) == {other.code}
    assert codes(api.get(office, "/projects", unit=w.other_town.pk)) == {other.code}
    assert codes(api.get(office, "/projects", industry=w.industry.pk)) == {big.code}
    assert codes(api.get(office, "/projects", amount_min="1000", amount_max="5000")) == {other.code}
    assert codes(api.get(office, "/projects", q="示例新能源")) == {big.code}
    assert codes(api.get(office, "/projects", q="仓储")) == {small.code}
    assert codes(api.get(office, "/projects", q="大型 基地")) == {big.code}
    assert codes(api.get(office, "/projects", district="350213")) == {
        small.code,
        big.code,
        other.code,
    }
    body = api.get(office, "/projects", amount_min="1000").json()
    assert body["count"] == 2 and body["investment_wan"] == "83000"


def test_it_pages_with_a_cursor_in_every_sort(api, w):
    amounts = ["300", "100", "100", "500", "200", "100.5"]
    made = {make_project(w, investment=amount).code for amount in amounts}
    for sort in ("recent", "investment_desc", "investment_asc", "code", "stage"):
        seen, cursor, pages = [], None, 0
        while True:
            query = {"size": 2, "sort": sort, **({"cursor": cursor} if cursor else {})}
            body = api.get(w.promoter, "/projects", **query).json()
            assert body["count"] == 6 and body["investment_wan"] == "1300.5"
            seen += [row["code"] for row in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert pages == 3 and len(seen) == 6 and set(seen) == made, sort
    body = api.get(w.promoter, "/projects", sort="investment_asc", size=6).json()
    values = [Decimal(row["investment_wan"]) for row in body["items"]]
    assert values == sorted(values)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"stage": "nowhere"}, "stage", "没有代码"),
        ({"district": "999999"}, "district", "没有区划代码"),
        ({"report_group": "火星"}, "report_group", "报表分组"),
        ({"review_state": "deleted"}, "review_state", "只能是"),
        ({"sort": "-secret"}, "sort", "只能是"),
        ({"size": "0"}, "size", "不能小于"),
        ({"size": "100000"}, "size", "不能大于"),
        ({"size": "ten"}, "size", "整数"),
        ({"unit": "99999999999999999999999"}, "unit", ""),
        ({"unit": "-3"}, "unit", "不能小于"),
        ({"amount_min": "1.23456"}, "amount_min", "4 位小数"),
        ({"amount_min": "-5"}, "amount_min", "负数"),
        ({"amount_max": "1e400"}, "amount_max", "超出"),
        ({"amount_max": "NaN"}, "amount_max", "有效的金额"),
        ({"amount_min": "500", "amount_max": "100"}, "amount_max", "下限"),
        ({"cursor": "!!!not-base64"}, "cursor", "分页参数"),
        ({"cursor": "WzEsMiwzXQ"}, "cursor", "分页参数"),
        ({"q": "x" * 51}, "q", "50"),
        ({"q": "a b c d e f"}, "q", "5"),
        ({"q": "名称\x00"}, "q", "控制字符"),
    ],
)
def test_it_refuses_bad_filters_in_chinese(api, w, query, field, message):
    body = refused(api.get(w.office, "/projects", **query), 422, message)
    assert field in body["errors"]


def test_an_unknown_parameter_is_refused_not_ignored(api, w):
    # A misspelt filter must not silently return the whole library.
    body = refused(api.get(w.office, "/projects", min_amount="5000"), 422, "不认识的参数")
    assert set(body["errors"]) == {"min_amount"}


def test_a_filter_given_twice_is_refused_not_half_read(api, w):
    # q=甲&q=乙 used to answer the last one silently.
    body = refused(api.get(w.office, "/projects", q=["鹭岛", "华芯"]), 422, "只能给出一个值")
    assert set(body["errors"]) == {"q"}
    body = refused(
        api.get(w.office, "/report", district=["350213", "350212"]), 422, "只能给出一个值"
    )
    assert set(body["errors"]) == {"district"}


def test_a_filter_outside_the_area_finds_nothing(api, w):
    make_project(w)
    assert codes(api.get(w.tongan_office, "/projects", unit=w.town.pk)) == set()
    assert codes(api.get(w.promoter, "/projects", district="350212")) == set()


def test_a_cursor_of_another_sort_is_refused(api, w):
    for amount in ("1", "2", "3"):
        make_project(w, investment=amount)
    cursor = api.get(w.promoter, "/projects", size=1, sort="code").json()["next_cursor"]
    refused(api.get(w.promoter, "/projects", size=1, sort="investment_desc", cursor=cursor), 422)


def test_the_list_rejects_the_wrong_method(api, w):
    assert api.send(w.promoter, "put", "/projects", {}).status_code == 405
    response = api.send(w.promoter, "delete", "/projects")
    assert response.status_code == 405
    assert response.json() == {"detail": "不支持该请求方法。"}
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


# --- detail ----------------------------------------------------------------------------


def test_it_shows_a_project_with_its_version_and_actions(api, w, project):
    services.project_update(
        project=project,
        actor=w.promoter,
        changes={"contact_name": "林先生", "contact_phone": "13812341234", "land_area_mu": "50.5"},
    )
    body = api.get(w.promoter, f"/projects/{project.code}").json()
    assert body["code"] == project.code and body["version"] == 2
    assert body["investor"] == INVESTOR and body["industry"]["name"] == "新能源"
    assert body["investment_wan"] == "10000" and body["land_area_mu"] == "50.5"
    assert body["contact_phone"] == "13812341234"
    assert body["info_unit"]["id"] == w.town.pk and body["co_units"] == []
    assert body["actions"] == {
        "edit": True,
        "submit": True,
        "review": False,
        "move": True,
        "hand_off": True,
        "accept_handoff": False,
        "withdraw_handoff": False,
        "record_milestone": True,
        "add_note": True,
    }
    assert body["pending_handoff"] is None and body["handoff_pending_to"] is None
    # Roles without the right to the contact's number see it masked.
    body = api.get(w.reviewer, f"/projects/{project.code}").json()
    assert body["contact_phone"] == "138****1234"
    assert body["actions"]["edit"] is False and body["actions"]["add_note"] is True


def test_the_reviewer_sees_possible_duplicates(api, w, project):
    twin = make_project(w, unit=w.other_town, actor=w.other_promoter, name=project.name)
    services.project_submit(project=project, actor=w.promoter)
    services.project_submit(project=twin, actor=w.other_promoter)
    body = api.get(w.office, f"/projects/{twin.code}").json()
    assert body["actions"]["review"] is True
    assert [d["code"] for d in body["duplicates"]] == [project.code]
    assert api.get(w.other_promoter, f"/projects/{twin.code}").json()["duplicates"] == []


@pytest.mark.parametrize(
    "persona", ["other_promoter", "tongan_office", "sys_admin", "sec_admin", "audit_admin"]
)
def test_it_denies_a_project_outside_the_scope_with_404(api, w, project, persona):
    user = getattr(w, persona)
    for response in (
        api.get(user, f"/projects/{project.code}"),
        api.get(user, f"/projects/{project.code}/events"),
        api.patch(user, f"/projects/{project.code}", {"version": 1, "name": "改名"}),
        api.post(user, f"/projects/{project.code}/submit", {"version": 1}),
        api.post(user, f"/projects/{project.code}/notes", {"text": "看看"}),
    ):
        refused(response, 404, "项目不存在或您无权查看")
    assert ProjectEvent.objects.filter(project=project).count() == 1


@pytest.mark.parametrize(
    "code", ["350213-2099-9999", "不存在", "%00", "a%00b", "%E2%80%AE", "a" * 300, "' OR 1=1 --"]
)
def test_an_unknown_code_is_a_404(api, w, code):
    refused(api.get(w.office, f"/projects/{code}"), 404)


def test_the_detail_rejects_the_wrong_method(api, w, project):
    assert api.send(w.promoter, "delete", f"/projects/{project.code}").status_code == 405
    assert api.send(w.promoter, "put", f"/projects/{project.code}", {}).status_code == 405
    assert api.get(w.promoter, f"/projects/{project.code}/submit").status_code == 405


# --- create ----------------------------------------------------------------------------


def test_a_promoter_creates_a_draft_of_its_unit(api, w):
    response = api.post(
        w.promoter,
        "/projects",
        {
            "name": "  新型储能电站  ",
            "investment_wan": "12345.6789",
            "investor": INVESTOR,
            "industry": w.industry.pk,
            "leader": w.leader_person.pk,
            "co_units": [w.department.pk],
            "land_area_mu": "120.25",
        },
    )
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert re.fullmatch(r"350213-\d{4}-\d{4}", body["code"])
    assert body["name"] == "新型储能电站" and body["investment_wan"] == "12345.6789"
    assert body["unit"]["id"] == w.town.pk and body["review_state"] == "draft"
    assert body["leader"]["id"] == w.leader_person.pk
    assert [u["id"] for u in body["co_units"]] == [w.department.pk]
    project = Project.objects.get(code=body["code"])
    assert project.investment == Decimal("12345.6789") and project.created_by == w.promoter
    assert project.events.get().kind == ProjectEvent.Kind.CREATED


def test_a_project_may_be_created_landed_with_its_signing_date(api, w):
    response = api.post(
        w.promoter,
        "/projects",
        {
            "name": "落地项目",
            "investment_wan": "500",
            "investor": INVESTOR,
            "stage": "landed",
            "signed_on": "2024-03-01",
        },
    )
    assert response.status_code == 201, response.content.decode()
    assert response.json()["milestones"] == [
        {"kind": "signed", "label": "签约", "date": "2024-03-01", "note": ""}
    ]


@pytest.mark.parametrize("persona", ["office", "reviewer", "leader", *ADMINS])
def test_only_unit_staff_create(api, w, persona):
    response = api.post(getattr(w, persona), "/projects", {"name": "x", "investment_wan": "1"})
    refused(response, 403, "只有单位招商员")
    assert not Project.objects.exists()


GOOD = {"name": "测试项目", "investment_wan": "100"}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"investment_wan": "100"}, "name", "必须填写"),
        ({"name": "x"}, "investment_wan", "必须填写"),
        ({**GOOD, "name": "   "}, "name", "不能为空"),
        ({**GOOD, "name": "名" * 201}, "name", "200"),
        ({**GOOD, "name": 12}, "name", "文本"),
        ({**GOOD, "investment_wan": 100}, "investment_wan", "字符串"),
        ({**GOOD, "investment_wan": 1.5}, "investment_wan", "浮点数"),
        ({**GOOD, "investment_wan": "1.23456"}, "investment_wan", "4 位小数"),
        ({**GOOD, "investment_wan": "-1"}, "investment_wan", "负数"),
        ({**GOOD, "investment_wan": "1e30"}, "investment_wan", "超出"),
        ({**GOOD, "investment_wan": "一百"}, "investment_wan", "有效的金额"),
        ({**GOOD, "investment_wan": "Infinity"}, "investment_wan", "有效的金额"),
        ({**GOOD, "investment_wan": "1,000"}, "investment_wan", "十进制数"),
        ({**GOOD, "investment_wan": "100\n"}, "investment_wan", "十进制数"),
        ({**GOOD, "investment_wan": None}, "investment_wan", ""),
        ({**GOOD, "land_area_mu": "-3"}, "land_area_mu", "面积"),
        ({**GOOD, "land_area_mu": 3}, "land_area_mu", "文本"),
        ({**GOOD, "industry": 999999}, "industry", "行业不存在"),
        ({**GOOD, "industry": True}, "industry", "整数"),
        ({**GOOD, "industry": "1"}, "industry", "整数"),
        ({**GOOD, "industry": 10**30}, "industry", "不能大于"),
        ({**GOOD, "leader": 999999}, "leader", "挂钩领导不存在"),
        ({**GOOD, "co_units": [999999]}, "co_units", "单位"),
        ({**GOOD, "co_units": "1,2"}, "co_units", "列表"),
        ({**GOOD, "talks_unit": 0}, "talks_unit", "不能小于"),
        ({**GOOD, "contact_phone": "call me maybe"}, "contact_phone", "联系电话"),
        ({**GOOD, "stage": "stopped"}, "", "不能直接处于"),
        ({**GOOD, "stage": "mars"}, "stage", "没有代码"),
        ({**GOOD, "stage": "landed"}, "", "投资方"),
        ({**GOOD, "signed_on": "2024-02-30"}, "signed_on", "不是有效的日期"),
        ({**GOOD, "signed_on": "01/03/2024"}, "signed_on", "YYYY-MM-DD"),
        ({**GOOD, "signed_on": 20240301}, "signed_on", "YYYY-MM-DD"),
        ({**GOOD, "signed_on": "2024-03-01\n"}, "signed_on", "YYYY-MM-DD"),
        ({**GOOD, "signed_on": "2999-01-01"}, "", "晚于今天"),
        ({**GOOD, "name": "a\x00b"}, "name", "控制字符"),
        ({**GOOD, "code": "350213-2019-0001"}, "code", "不认识的字段"),
        ({**GOOD, "unit": 1}, "unit", "不认识的字段"),
    ],
)
def test_create_refuses_bad_input_in_chinese(api, w, body, field, message):
    response = api.post(w.promoter, "/projects", body)
    result = refused(response, 422, message)
    if field:
        assert field in result["errors"], result
    assert not Project.objects.exists()


def test_create_refuses_a_unit_of_another_district(api, w):
    body = refused(api.post(w.promoter, "/projects", {**GOOD, "co_units": [w.tongan_unit.pk]}), 422)
    assert "翔安区" in body["errors"]["co_units"]


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("{not json", 400),
        ('"just a string"', 422),
        ("[1, 2, 3]", 422),
        ("null", 422),
        ('{"name": "\\ud800", "investment_wan": "1"}', 422),
        ("[" * 5000 + "]" * 5000, 400),
    ],
)
def test_create_refuses_a_malformed_body(api, w, raw, status):
    refused(api.post(w.promoter, "/projects", raw=raw), status)


def test_create_refuses_bytes_that_are_not_utf8(api, w):
    response = api.client.post(
        "/api/v1/projects",
        b'{"name": "\xff\xfe", "investment_wan": "1"}',
        content_type="application/json",
        headers=api._headers(w.promoter),
    )
    refused(response, 400)


# --- update ----------------------------------------------------------------------------


def test_a_patch_changes_only_the_given_fields(api, w, project):
    response = api.patch(
        w.promoter,
        f"/projects/{project.code}",
        {"version": 1, "investment_wan": "20000.5", "progress": "已完成首轮洽谈", "leader": None},
    )
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["version"] == 2 and body["investment_wan"] == "20000.5"
    assert body["progress"] == "已完成首轮洽谈" and body["investor"] == INVESTOR
    event = project.events.latest("id")
    assert event.kind == ProjectEvent.Kind.UPDATED
    assert event.old == {"investment": "10000", "progress": ""}
    assert event.new == {"investment": "20000.5", "progress": "已完成首轮洽谈"}


def test_a_stale_version_is_a_409_and_changes_nothing(api, w, project):
    first = api.patch(w.promoter, f"/projects/{project.code}", {"version": 1, "name": "甲"})
    assert first.status_code == 200
    second = api.patch(w.office, f"/projects/{project.code}", {"version": 1, "name": "乙"})
    refused(second, 409, "已被他人修改")
    project.refresh_from_db()
    assert project.name == "甲" and project.version == 2


def test_a_patch_needs_a_version(api, w, project):
    body = refused(api.patch(w.promoter, f"/projects/{project.code}", {"name": "甲"}), 422)
    assert body["errors"] == {"version": "必须填写。"}
    refused(api.patch(w.promoter, f"/projects/{project.code}", {"version": "1"}), 422, "整数")
    refused(api.patch(w.promoter, f"/projects/{project.code}", {"version": 2**40}), 422)


def test_a_patch_without_changes_keeps_the_version(api, w, project):
    response = api.patch(w.promoter, f"/projects/{project.code}", {"version": 1})
    assert response.status_code == 200 and response.json()["version"] == 1


def test_the_district_office_may_correct_a_project(api, w, project):
    response = api.patch(w.office, f"/projects/{project.code}", {"version": 1, "remarks": "核实"})
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["leader", "reviewer"])
def test_readers_may_not_patch(api, w, project, persona):
    response = api.patch(getattr(w, persona), f"/projects/{project.code}", {"version": 1})
    refused(response, 403, "只有责任单位或区招商办")


def test_a_project_under_review_cannot_be_patched(api, w, project):
    services.project_submit(project=project, actor=w.promoter)
    response = api.patch(w.promoter, f"/projects/{project.code}", {"version": 2, "name": "新"})
    refused(response, 422, "审核期间不能修改")


def test_service_errors_name_the_api_fields(api, w, project):
    admit(w, project)
    response = api.patch(
        w.promoter, f"/projects/{project.code}", {"version": 4, "investment_wan": "0"}
    )
    body = refused(response, 422, "必须大于 0")
    assert set(body["errors"]) == {"investment_wan"}


@pytest.mark.parametrize(
    "body",
    [
        {"version": 1, "stage": "landed"},
        {"version": 1, "review_state": "admitted"},
        {"version": 1, "name": None},
        {"version": 1, "investment_wan": "abc"},
        {"version": 1, "co_units": [None]},
    ],
)
def test_a_patch_refuses_what_it_cannot_change(api, w, project, body):
    refused(api.patch(w.promoter, f"/projects/{project.code}", body), 422)
    project.refresh_from_db()
    assert project.version == 1


# --- submit and review -----------------------------------------------------------------


def test_the_relay_from_submission_to_admission(api, w, project):
    code = project.code
    response = api.post(w.promoter, f"/projects/{code}/submit", {"version": 1})
    assert response.status_code == 200 and response.json()["review_state"] == "submitted"
    response = api.post(w.office, f"/projects/{code}/review", {"version": 2, "decision": "approve"})
    assert response.json()["review_state"] == "district_approved"
    # The district's step is done; the city's is next.
    refused(
        api.post(w.office, f"/projects/{code}/review", {"version": 3, "decision": "approve"}),
        403,
        "不是该项目当前的审核人",
    )
    response = api.post(
        w.reviewer, f"/projects/{code}/review", {"version": 3, "decision": "approve"}
    )
    assert response.status_code == 200 and response.json()["review_state"] == "admitted"
    assert response.json()["admitted_at"] is not None


def test_submit_refusals(api, w, project):
    code = project.code
    refused(api.post(w.office, f"/projects/{code}/submit", {"version": 1}), 403, "责任单位")
    refused(api.post(w.promoter, f"/projects/{code}/submit", {"version": 9}), 409, "已被他人修改")
    refused(api.post(w.promoter, f"/projects/{code}/submit", {}), 422, "version")
    assert api.post(w.promoter, f"/projects/{code}/submit", {"version": 1}).status_code == 200
    refused(api.post(w.promoter, f"/projects/{code}/submit", {"version": 2}), 422, "只有草稿")


def test_a_return_needs_a_reason(api, w, project):
    services.project_submit(project=project, actor=w.promoter)
    path = f"/projects/{project.code}/review"
    body = refused(api.post(w.office, path, {"version": 2, "decision": "return"}), 422)
    assert body["errors"] == {"reason": "退回必须说明原因。"}
    response = api.post(w.office, path, {"version": 2, "decision": "return", "reason": "补材料"})
    assert response.status_code == 200 and response.json()["review_state"] == "returned"
    assert project.events.latest("id").reason == "补材料"


def test_review_refusals(api, w, project):
    path = f"/projects/{project.code}/review"
    refused(api.post(w.office, path, {"version": 1, "decision": "approve"}), 422, "不在待审核")
    services.project_submit(project=project, actor=w.promoter)
    for persona in ("promoter", "leader", "reviewer"):
        response = api.post(getattr(w, persona), path, {"version": 2, "decision": "approve"})
        refused(response, 403)
    refused(api.post(w.office, path, {"version": 2, "decision": "maybe"}), 422, "approve")
    refused(api.post(w.office, path, {"version": 1, "decision": "approve"}), 409)


def test_possible_duplicates_need_the_reviewers_word(api, w, project):
    admit(w, project)
    twin = make_project(w, unit=w.other_town, actor=w.other_promoter, name=project.name)
    services.project_submit(project=twin, actor=w.other_promoter)
    path = f"/projects/{twin.code}/review"
    refused(api.post(w.office, path, {"version": 2, "decision": "approve"}), 422, project.code)
    response = api.post(
        w.office, path, {"version": 2, "decision": "approve", "not_duplicate": True}
    )
    assert response.status_code == 200 and response.json()["review_state"] == "district_approved"


# --- move, handoff, milestones, notes --------------------------------------------------


def test_a_move_asks_for_what_the_stage_requires(api, w):
    project = make_project(w)
    path = f"/projects/{project.code}/move"
    refused(api.post(w.promoter, path, {"version": 1, "stage": "negotiating"}), 422, "投资方")
    response = api.post(
        w.promoter,
        path,
        {"version": 1, "stage": "negotiating", "fields": {"investor": INVESTOR}},
    )
    assert response.status_code == 200, response.content.decode()
    assert response.json()["stage"]["code"] == "negotiating" and response.json()["version"] == 2
    response = api.post(
        w.promoter,
        path,
        {"version": 2, "stage": "landed", "fields": {"signed_on": "2024-03-01"}},
    )
    assert response.status_code == 200
    assert Milestone.objects.get(project=project).date == dt.date(2024, 3, 1)


def test_landing_with_the_recorded_signing_date_keeps_its_note(api, w):
    project = make_project(w, investor=INVESTOR, stage=stage("negotiating"))
    path = f"/projects/{project.code}"
    body = {"kind": "signed", "date": "2024-01-05", "note": "合同已签"}
    assert api.post(w.promoter, f"{path}/milestones", body).status_code == 200
    events = project.events.count()
    body = {"version": 1, "stage": "landed", "fields": {"signed_on": "2024-01-05"}}
    response = api.post(w.promoter, f"{path}/move", body)
    assert response.status_code == 200, response.content.decode()
    assert [(m["date"], m["note"]) for m in response.json()["milestones"]] == [
        ("2024-01-05", "合同已签")
    ]
    kinds = project.events.order_by("id").values_list("kind", flat=True)[events:]
    assert list(kinds) == [ProjectEvent.Kind.MOVED]


def test_move_refusals(api, w, project):
    path = f"/projects/{project.code}/move"
    services.project_move(project=project, stage=stage("intent"), actor=w.promoter)
    refused(api.post(w.promoter, path, {"version": 2, "stage": "planning"}), 422, "必须说明原因")
    refused(api.post(w.promoter, path, {"version": 2, "stage": "intent"}), 422, "已处于")
    refused(api.post(w.promoter, path, {"version": 2, "stage": "moon"}), 422, "没有代码")
    refused(api.post(w.promoter, path, {"version": 1, "stage": "planning", "reason": "冷"}), 409)
    refused(api.post(w.leader, path, {"version": 2, "stage": "negotiating"}), 403)
    refused(api.post(w.reviewer, path, {"version": 2, "stage": "negotiating"}), 403)
    response = api.post(
        w.promoter, path, {"version": 2, "stage": "negotiating", "fields": {"stage": "x"}}
    )
    refused(response, 422, "不认识的字段")
    response = api.post(
        w.promoter, path, {"version": 2, "stage": "landed", "fields": {"signed_on": "昨天"}}
    )
    refused(response, 422, "YYYY-MM-DD")
    response = api.post(w.office, path, {"version": 2, "stage": "planning", "reason": "洽谈降温"})
    assert response.status_code == 200 and response.json()["stage"]["code"] == "planning"


def test_the_offices_handoff_passes_the_baton(api, w, project):
    response = api.post(
        w.office,
        f"/projects/{project.code}/handoff",
        {
            "version": 1,
            "to_unit": w.headquarters.pk,
            "reason": "进入洽谈，由指挥部推进",
            "relay_role": "talks",
            "keep_as_co_unit": True,
        },
    )
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["unit"]["id"] == w.headquarters.pk and body["talks_unit"]["id"] == w.headquarters.pk
    assert [unit["id"] for unit in body["co_units"]] == [w.town.pk]
    event = project.events.latest("id")
    assert event.kind == "handed_off" and event.new["unit"] == w.headquarters.pk


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"to_unit": "TONGAN", "reason": "x"}, "不是翔安区的单位"),
        ({"to_unit": 999999, "reason": "x"}, "单位不存在"),
        ({"to_unit": "TOWN", "reason": "x"}, "已由"),
        ({"to_unit": "HQ", "reason": "  "}, "交接必须说明原因"),
        ({"to_unit": "HQ"}, "必须填写"),
        ({"to_unit": "HQ", "reason": "x", "relay_role": "boss"}, "talks"),
    ],
)
def test_handoff_refusals(api, w, project, body, message):
    ids = {"TONGAN": w.tongan_unit.pk, "TOWN": w.town.pk, "HQ": w.headquarters.pk}
    body = {**body, "version": 1, "to_unit": ids.get(body["to_unit"], body["to_unit"])}
    refused(api.post(w.promoter, f"/projects/{project.code}/handoff", body), 422, message)
    project.refresh_from_db()
    assert project.unit == w.town


def test_only_the_holder_or_the_office_hands_off(api, w, project):
    body = {"version": 1, "to_unit": w.headquarters.pk, "reason": "x"}
    for persona in ("reviewer", "leader"):
        refused(api.post(getattr(w, persona), f"/projects/{project.code}/handoff", body), 403)
    refused(api.post(w.other_promoter, f"/projects/{project.code}/handoff", body), 404)


def test_milestones_are_recorded_once_and_corrected(api, w):
    project = make_project(
        w, investor=INVESTOR, stage=stage("landed"), signed_on=dt.date(2024, 1, 5)
    )
    path = f"/projects/{project.code}/milestones"
    response = api.post(w.promoter, path, {"kind": "started", "date": "2024-05-01", "note": "奠基"})
    assert response.status_code == 200, response.content.decode()
    assert response.json() == {
        "kind": "started",
        "label": "开工",
        "date": "2024-05-01",
        "note": "奠基",
        "changed": True,
    }
    again = api.post(w.promoter, path, {"kind": "started", "date": "2024-05-01", "note": "奠基"})
    assert again.json()["changed"] is False
    refused(api.post(w.promoter, path, {"kind": "in_production", "date": "2024-04-01"}), 422)
    refused(api.post(w.promoter, path, {"kind": "party", "date": "2024-04-01"}), 422, "只能是")
    refused(api.post(w.promoter, path, {"kind": "started", "date": "2999-01-01"}), 422, "晚于")
    refused(api.post(w.reviewer, path, {"kind": "started", "date": "2024-05-02"}), 403)


def test_the_milestone_kinds_are_the_models(api, w):
    from baton.projects.api import MilestoneIn

    kinds = MilestoneIn.model_json_schema()["properties"]["kind"]["enum"]
    assert kinds == list(Milestone.Kind.values)


def test_a_milestone_before_landing_is_refused(api, w, project):
    response = api.post(
        w.promoter,
        f"/projects/{project.code}/milestones",
        {"kind": "started", "date": "2024-01-01"},
    )
    refused(response, 422, "落地后才能记录")


def test_anyone_on_the_relay_adds_a_note(api, w, project):
    response = api.post(w.leader, f"/projects/{project.code}/notes", {"text": "请加快推进"})
    assert response.status_code == 201
    assert response.json()["kind"] == "note" and response.json()["reason"] == "请加快推进"
    refused(api.post(w.leader, f"/projects/{project.code}/notes", {"text": " "}), 422, "不能为空")
    response = api.post(w.leader, f"/projects/{project.code}/notes", {"text": "长" * 2001})
    refused(response, 422, "2000")


# --- events ----------------------------------------------------------------------------


def test_the_timeline_lists_every_event(api, w, project):
    services.project_submit(project=project, actor=w.promoter)
    services.project_review(project=project, actor=w.office, approve=False, reason="补充材料")
    response = api.get(w.promoter, f"/projects/{project.code}/events")
    assert response.status_code == 200
    events = response.json()
    assert [e["kind"] for e in events] == ["created", "submitted", "returned"]
    assert events[2]["actor"] == str(w.office) and events[2]["reason"] == "补充材料"
    assert events[2]["old"] == {"review_state": "submitted"}
    assert events[0]["new"]["investment"] == "10000"
    assert events[0]["kind_label"] == "创建" and events[0]["at"].endswith("+08:00")


# --- reference data --------------------------------------------------------------------


def test_the_stages_list_the_ladder(api, w):
    stages = api.get(w.promoter, "/stages").json()
    assert [s["code"] for s in stages] == ["planning", "intent", "negotiating", "landed", "stopped"]
    landed = stages[3]
    assert landed["required_fields"] == [
        {"field": "investor", "label": "投资方"},
        {"field": "signed_on", "label": "签约日期"},
    ]
    assert stages[4]["is_terminal"] is True


def test_the_units_follow_the_area(api, w):
    def ids(user):
        return {unit["id"] for unit in api.get(user, "/units").json()}

    xiangan = {w.town.pk, w.other_town.pk, w.department.pk, w.headquarters.pk, w.office_unit.pk}
    assert ids(w.promoter) == xiangan
    assert ids(w.office) == xiangan
    assert ids(w.reviewer) == xiangan | {w.tongan_unit.pk}
    assert ids(w.tongan_office) == {w.tongan_unit.pk}
    for persona in ADMINS:
        assert ids(getattr(w, persona)) == set()


def test_the_industries_are_listed(api, w):
    names = [industry["name"] for industry in api.get(w.promoter, "/industries").json()]
    assert "新能源" in names


# --- the document and the docs page ----------------------------------------------------

ROUTES = {
    ("get", "/api/v1/projects"),
    ("post", "/api/v1/projects"),
    ("get", "/api/v1/projects/{code}"),
    ("patch", "/api/v1/projects/{code}"),
    ("post", "/api/v1/projects/{code}/submit"),
    ("post", "/api/v1/projects/{code}/review"),
    ("post", "/api/v1/projects/{code}/move"),
    ("post", "/api/v1/projects/{code}/handoff"),
    ("post", "/api/v1/projects/{code}/handoff/accept"),
    ("post", "/api/v1/projects/{code}/handoff/decline"),
    ("post", "/api/v1/projects/{code}/handoff/withdraw"),
    ("post", "/api/v1/projects/{code}/milestones"),
    ("post", "/api/v1/projects/{code}/notes"),
    ("get", "/api/v1/projects/{code}/events"),
    ("post", "/api/v1/projects/{code}/contact-phone"),
    ("get", "/api/v1/report"),
    ("get", "/api/v1/stages"),
    ("get", "/api/v1/units"),
    ("get", "/api/v1/industries"),
    ("get", "/api/v1/land/parcels"),
    ("get", "/api/v1/land/parcels/{code}"),
    ("post", "/api/v1/land/parcels/{code}/reserve"),
    ("post", "/api/v1/land/parcels/{code}/release"),
    ("post", "/api/v1/land/parcels/{code}/status"),
    ("get", "/api/v1/land/buildings"),
    ("get", "/api/v1/land/buildings/{code}"),
    ("get", "/api/v1/land/match"),
    ("get", "/api/v1/todo"),
    ("get", "/api/v1/projects/{code}/attachments"),
    ("post", "/api/v1/projects/{code}/attachments"),
    ("get", "/api/v1/attachments/{attachment_id}"),
    ("get", "/api/v1/activities"),
    ("post", "/api/v1/activities"),
    ("get", "/api/v1/activities/{code}"),
    ("patch", "/api/v1/activities/{code}"),
    ("post", "/api/v1/activities/{code}/signings"),
    ("get", "/api/v1/companies"),
    ("post", "/api/v1/companies"),
    ("get", "/api/v1/companies/{pk}"),
    ("patch", "/api/v1/companies/{pk}"),
    ("post", "/api/v1/companies/{pk}/merge"),
    ("get", "/api/v1/leads"),
    ("post", "/api/v1/leads"),
    ("get", "/api/v1/leads/{code}"),
    ("patch", "/api/v1/leads/{code}"),
    ("post", "/api/v1/leads/{code}/respond"),
    ("post", "/api/v1/leads/{code}/assess"),
    ("post", "/api/v1/leads/{code}/feedback"),
    ("post", "/api/v1/leads/{code}/notes"),
    ("post", "/api/v1/leads/{code}/reject"),
    ("post", "/api/v1/leads/{code}/arbitrate"),
    ("post", "/api/v1/leads/{code}/reassign"),
    ("post", "/api/v1/leads/{code}/convert"),
    ("get", "/api/v1/intermediaries/claims"),
    ("post", "/api/v1/intermediaries/claims"),
    ("get", "/api/v1/intermediaries/claims/{code}"),
    ("post", "/api/v1/intermediaries/claims/{code}/confirm"),
    ("post", "/api/v1/intermediaries/claims/{code}/refuse"),
    ("get", "/api/v1/intermediaries"),
    ("post", "/api/v1/intermediaries"),
    ("get", "/api/v1/intermediaries/{code}"),
    ("get", "/api/v1/visits"),
    ("get", "/api/v1/visits/{pk}"),
    ("get", "/api/v1/receptions"),
    ("get", "/api/v1/receptions/{pk}"),
    ("post", "/api/v1/visits"),
    ("post", "/api/v1/visits/{pk}/report"),
    ("post", "/api/v1/receptions"),
    ("get", "/api/v1/projects/{code}/promises"),
    ("post", "/api/v1/projects/{code}/promises"),
    ("patch", "/api/v1/projects/{code}/promises"),
    ("get", "/api/v1/projects/{code}/results"),
    ("post", "/api/v1/projects/{code}/results"),
    ("get", "/api/v1/meetings"),
    ("post", "/api/v1/meetings"),
    ("get", "/api/v1/meetings/{pk}"),
    ("post", "/api/v1/meetings/{pk}/decisions"),
    ("post", "/api/v1/meetings/decisions/{pk}/close"),
}


def test_the_openapi_document_lists_every_route(api, w):
    response = api.get(w.promoter, "/openapi.json")
    assert response.status_code == 200
    document = response.json()
    routes = {(method, path) for path, item in document["paths"].items() for method in item}
    assert routes == ROUTES
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        for operation in item.values():
            assert operation["security"] == [{"TokenAuth": []}], path
            assert re.search(r"[\u4e00-\u9fff]", operation["summary"]), path


def test_the_openapi_document_needs_a_login_or_a_token(client, w):
    assert client.get("/api/v1/openapi.json").status_code == 401
    client.force_login(w.office)
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_the_docs_page_works_offline_under_the_csp(client, w):
    client.force_login(w.office)
    url = reverse("api-1.0.0:openapi-view")
    assert url == "/api/v1/docs"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.I), "an external URL"
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attributes, content in scripts:
        # Every script is a static file, or a JSON data block, which CSP does not run.
        assert "src=" in attributes or 'type="application/json"' in attributes
        if "src=" in attributes:
            assert not content.strip()
    assert "style=" not in html and "<style" not in html
    assert '"validatorUrl": null' in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_docs_page_needs_a_login(client, w):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_an_administrator_passes_the_second_factor_before_the_docs(client, w):
    client.force_login(w.sys_admin)
    response = client.get("/api/v1/docs")
    assert response.status_code == 302


def test_the_side_menu_links_to_the_docs(client, w):
    from baton.accounts.context_processors import navigation

    class Request:
        user = w.office
        resolver_match = None

    assert {"url": "/api/v1/docs", "label": "接口文档", "active": False} in navigation(Request())[
        "nav"
    ]


# --- garbage in, never a 500 -----------------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = [
    "name",
    "investment_wan",
    "investor",
    "industry",
    "leader",
    "land_area_mu",
    "contact_phone",
    "co_units",
    "talks_unit",
    "stage",
    "signed_on",
    "version",
    "decision",
    "reason",
    "not_duplicate",
    "to_unit",
    "relay_role",
    "keep_as_co_unit",
    "kind",
    "date",
    "text",
    "fields",
    "on",
]
BODIES = st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=6) | JSON
ACTIONS = [
    "",
    "/submit",
    "/review",
    "/move",
    "/handoff",
    "/handoff/accept",
    "/handoff/decline",
    "/handoff/withdraw",
    "/milestones",
    "/notes",
]


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=BODIES, action=st.sampled_from(ACTIONS))
def test_no_body_makes_a_500(api, w, project, body, action):
    path = f"/projects/{project.code}{action}" if action else "/projects"
    for user in (w.promoter, w.office):
        response = api.post(user, path, body)
        assert response.status_code in (200, 201, 400, 403, 409, 422), response.content.decode()
    response = api.patch(w.promoter, f"/projects/{project.code}", body)
    assert response.status_code in (200, 400, 409, 422), response.content.decode()


QUERY_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30
) | st.sampled_from(["-1", "0", "1e999", "99999999999999999999", "1.00001", "NaN", " "])


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "district",
                "unit",
                "stage",
                "report_group",
                "review_state",
                "industry",
                "leader",
                "amount_min",
                "amount_max",
                "q",
                "sort",
                "cursor",
                "size",
            ]
        ),
        QUERY_TEXT,
        max_size=4,
    )
)
def test_no_query_makes_a_500(api, w, project, query):
    response = api.get(w.office, "/projects", **query)
    assert response.status_code in (200, 422), response.content.decode()
