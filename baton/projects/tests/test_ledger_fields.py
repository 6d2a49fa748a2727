"""The fields real ledgers keep (项目类型, 500强 tags, 投资方所在地, 统一社会信用代码,
固定资产投资, 预计年产值/年税收, 计划开工/投产日期, 用地性质): one rule each, the same
through the service, the web form, the API and the library's filters; a bad value
changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from baton.core.uscc import check_character, clean_uscc
from baton.org.divisions import clean_division, name_of
from baton.projects import services
from baton.projects.events import Names, describe
from baton.projects.models import Project, Stage
from baton.testing import make_project

from .helpers import db_state, refused
from .helpers_views import login
from .test_api import Api
from .test_views_project_form import edit_url, form_data

#: Real codes as their companies publish them (宁德时代, 华为技术, 深圳市腾讯计算机系统,
#: 阿里巴巴(中国), 小米科技).
REAL_CODES = [
    "91350900587527783P",
    "914403001922038216",
    "91440300708461136T",
    "91330100799655058B",
    "91110108551385082Q",
]
GOOD = {
    "project_type": "foreign",
    "is_global500": True,
    "is_listed": True,
    "investor_region": "440300",
    "investor_uscc": REAL_CODES[0],
    "fixed_investment": "30000",
    "annual_output": "120000.5",
    "annual_tax": "6000",
    "planned_start_on": dt.date(2030, 3, 1),
    "planned_production_on": dt.date(2031, 6, 30),
    "land_use": "industrial",
}


@pytest.fixture
def api(client):
    return Api(client)


# --- the rules ------------------------------------------------------------------------


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass_the_check_character(code):
    assert check_character(code[:17]) == code[17]
    assert clean_uscc(f" {code.lower()} ") == code


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350900587527783X", "统一社会信用代码校验位不正确，请核对是否抄错。"),
        ("914403001922038217", "统一社会信用代码校验位不正确，请核对是否抄错。"),
        ("9135090058752778", "统一社会信用代码应为 18 位（现为 16 位）。"),
        ("91350900587527783P1", "统一社会信用代码应为 18 位（现为 19 位）。"),
        (
            "913509005875277O3P",
            "统一社会信用代码只能由数字和大写字母（不含 I、O、Z、S、V）组成，第 3–8 位为行政区划码。",
        ),
        (
            "91AB0900587527783P",
            "统一社会信用代码只能由数字和大写字母（不含 I、O、Z、S、V）组成，第 3–8 位为行政区划码。",
        ),
    ],
)
def test_a_bad_code_is_refused_with_its_reason(code, message):
    with pytest.raises(ValidationError) as info:
        clean_uscc(code)
    assert info.value.messages == [message]


def test_a_region_is_a_province_or_city_by_code_or_name():
    assert clean_division("440300") == clean_division("深圳市") == "440300"
    assert clean_division("广东省深圳市") == clean_division("4403") == "440300"
    assert clean_division("广东") == "440000" and clean_division("香港特别行政区") == "810000"
    assert name_of("350200") == "福建省厦门市"
    for bad in ("999900", "350213", "火星", "77", "1"):
        with pytest.raises(ValidationError):
            clean_division(bad)


# --- the service and the timeline -----------------------------------------------------


def test_an_update_records_old_and_new_and_the_timeline_words_them(w):
    project = make_project(w)
    assert services.project_update(project=project, actor=w.promoter, changes=GOOD)
    project.refresh_from_db()
    assert project.fixed_investment == Decimal("30000")
    assert project.investor_region == "440300" and project.is_global500
    event = project.events.latest("id")
    assert event.new["project_type"] == "foreign" and event.old["project_type"] == ""
    assert event.new["planned_start_on"] == "2030-03-01"
    lines = describe(event, Names([event]))["lines"]
    assert "项目类型：（空） → 外资" in lines
    assert "世界500强：否 → 是" in lines
    assert "投资方所在地：（空） → 广东省深圳市" in lines
    assert "固定资产投资：（空） → 30,000 万元" in lines
    assert "用地性质：（空） → 工业" in lines
    assert "计划开工日期：（空） → 2030-03-01" in lines


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("investor_uscc", "91350900587527783X", "统一社会信用代码校验位不正确，请核对是否抄错。"),
        ("investor_region", "999900", "“999900”不是省或地级市的行政区划代码（如 440300 深圳市）。"),
        ("fixed_investment", "-1", "金额不能为负数。"),
        ("annual_output", "100000001", "金额超出合理范围（不超过 1 万亿元）。"),
        ("annual_tax", "1.00001", "金额以万元为单位，最多保留 4 位小数（精确到元）。"),
        ("project_type", "joint", "只能是：内资、外资、港澳台资。"),
        ("land_use", "housing", "只能是：工业、仓储物流、商业、商务办公、科研、其他。"),
        ("is_listed", "yes", "只能是“是”或“否”。"),
        ("planned_start_on", dt.date(2101, 1, 1), "计划日期须在 1990 年到 2100 年之间。"),
    ],
)
def test_the_service_refuses_a_bad_value_and_changes_nothing(w, field, value, message):
    project = make_project(w)
    with refused(message, project=project, field=field):
        services.project_update(project=project, actor=w.promoter, changes={field: value})


def test_a_planned_production_before_the_start_is_refused(w):
    project = make_project(w, planned_start_on=dt.date(2030, 3, 1))
    message = "计划投产日期（2030-01-01）不能早于计划开工日期（2030-03-01）。"
    with refused(message, project=project, field="planned_production_on"):
        services.project_update(
            project=project,
            actor=w.promoter,
            changes={"planned_production_on": dt.date(2030, 1, 1)},
        )
    with pytest.raises(ValidationError):
        make_project(
            w, planned_start_on=dt.date(2030, 3, 1), planned_production_on=dt.date(2029, 1, 1)
        )


# --- the web form and page ------------------------------------------------------------


def _typed(project, **changes) -> dict:
    typed = {
        "project_type": "hmt",
        "is_china500": "on",
        "investor_region": "350200",
        "investor_uscc": REAL_CODES[1],
        "fixed_investment": "8,000",
        "annual_output": "",
        "annual_tax": "500.5",
        "planned_start_on": "2030-01-15",
        "planned_production_on": "",
        "land_use": "warehousing",
    }
    return form_data(project, **{**typed, **changes})


def test_the_edit_form_saves_the_fields_and_the_page_shows_them(client, w):
    project = make_project(w)
    login(client, w.promoter)
    response = client.post(edit_url(project), _typed(project))
    assert response.status_code == 302, response.content.decode()
    project.refresh_from_db()
    assert project.project_type == "hmt" and project.is_china500 and not project.is_global500
    assert project.fixed_investment == Decimal("8000") and project.annual_output is None
    assert project.investor_uscc == REAL_CODES[1] and project.land_use == "warehousing"
    page = client.get(reverse("projects:detail", args=[project.code])).content.decode()
    for shown in ("港澳台资", "中国500强", "福建省厦门市", REAL_CODES[1], "8,000 万元", "仓储物流"):
        assert shown in page
    assert "2030-01-15" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"investor_uscc": "91350900587527783X"}, "统一社会信用代码校验位不正确"),
        ({"investor_region": "999900"}, "所选项不存在或不可选"),
        ({"fixed_investment": "-5"}, "金额不能为负数"),
        ({"annual_tax": "1e30"}, "金额超出合理范围"),
        ({"planned_production_on": "2029-01-01"}, "不能早于计划开工日期"),
    ],
)
def test_the_edit_form_refuses_bad_input_and_changes_nothing(client, w, changes, message):
    project = make_project(w)
    login(client, w.promoter)
    before = db_state()
    response = client.post(edit_url(project), _typed(project, **changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert db_state() == before


# --- the API --------------------------------------------------------------------------


def test_the_api_writes_and_reads_the_fields(api, w):
    project = make_project(w)
    body = {
        "version": 1,
        "project_type": "domestic",
        "is_china500": True,
        "investor_region": "330100",
        "investor_uscc": REAL_CODES[3].lower(),
        "fixed_investment_wan": "45000",
        "annual_tax_wan": "1200.5",
        "planned_start_on": "2030-05-01",
        "planned_production_on": "2031-05-01",
        "land_use": "research",
    }
    response = api.patch(w.promoter, f"/projects/{project.code}", body)
    assert response.status_code == 200, response.content.decode()
    out = response.json()
    assert out["project_type"] == "domestic" and out["project_type_label"] == "内资"
    assert out["is_china500"] is True and out["is_global500"] is False
    assert out["investor_region"] == {"code": "330100", "name": "浙江省杭州市"}
    assert out["investor_uscc"] == REAL_CODES[3]
    assert out["fixed_investment_wan"] == "45000" and out["annual_output_wan"] is None
    assert out["annual_tax_wan"] == "1200.5"
    assert out["planned_start_on"] == "2030-05-01" and out["land_use_label"] == "科研"
    again = api.get(w.promoter, f"/projects/{project.code}").json()
    assert again["fixed_investment_wan"] == "45000"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"investor_uscc": "91350900587527783X"}, "investor_uscc"),
        ({"investor_uscc": "91350900587527783"}, "investor_uscc"),
        ({"investor_region": "999900"}, "investor_region"),
        ({"investor_region": "深圳"}, "investor_region"),
        ({"fixed_investment_wan": "-1"}, "fixed_investment_wan"),
        ({"annual_output_wan": "100000001"}, "annual_output_wan"),
        ({"annual_tax_wan": 12.5}, "annual_tax_wan"),
        ({"is_listed": "true"}, "is_listed"),
        ({"project_type": "joint"}, "project_type"),
        ({"planned_start_on": "2101-01-01"}, "planned_start_on"),
        (
            {"planned_start_on": "2030-05-01", "planned_production_on": "2030-01-01"},
            "planned_production_on",
        ),
    ],
)
def test_the_api_refuses_bad_input_and_changes_nothing(api, w, body, field):
    project = make_project(w)
    before = db_state()
    response = api.patch(w.promoter, f"/projects/{project.code}", {"version": 1, **body})
    assert response.status_code == 422, response.content.decode()
    assert field in response.json().get("errors", {}), response.json()
    assert db_state() == before


# --- the library's filters ------------------------------------------------------------


def test_the_library_filters_by_project_type_and_tag(client, api, w):
    foreign = make_project(w, name="外资五百强项目", project_type="foreign", is_global500=True)
    listed = make_project(w, name="内资上市项目", project_type="domestic", is_listed=True)
    make_project(w, name="未分类项目")
    codes = lambda response: [row["code"] for row in response.json()["items"]]  # noqa: E731
    assert codes(api.get(w.promoter, "/projects", project_type="foreign")) == [foreign.code]
    assert codes(api.get(w.promoter, "/projects", tag="listed")) == [listed.code]
    assert codes(api.get(w.promoter, "/projects", tag="global500", project_type="domestic")) == []
    assert api.get(w.promoter, "/projects", tag="top10").status_code == 422
    login(client, w.promoter)
    page = client.get(reverse("projects:list"), {"tag": "global500"}).content.decode()
    assert "外资五百强项目" in page and "内资上市项目" not in page
    page = client.get(reverse("projects:list"), {"project_type": "domestic"}).content.decode()
    assert "内资上市项目" in page and "外资五百强项目" not in page
    assert client.get(reverse("projects:list"), {"project_type": "x"}).status_code == 400


# --- creating with them ---------------------------------------------------------------


def test_a_new_project_takes_them_from_the_web_form_and_the_api(client, api, w):
    login(client, w.promoter)
    data = {
        "name": "厦门新能源项目",
        "investment": "50000",
        "project_type": "foreign",
        "is_global500": "on",
        "fixed_investment": "40000",
        "planned_start_on": "2030-01-01",
    }
    data["stage"] = Stage.objects.order_by("order").first().pk
    response = client.post(reverse("projects:create"), data)
    assert response.status_code == 302, response.content.decode()
    project = Project.objects.get(name="厦门新能源项目")
    assert project.project_type == "foreign" and project.is_global500
    assert project.fixed_investment == Decimal("40000")
    assert project.events.get().new["planned_start_on"] == "2030-01-01"

    body = {
        "name": "接口新建项目",
        "investment_wan": "100",
        "is_listed": True,
        "land_use": "office",
    }
    response = api.post(w.promoter, "/projects", body)
    assert response.status_code in (200, 201), response.content.decode()
    assert response.json()["is_listed"] is True and response.json()["land_use_label"] == "商务办公"
    before = db_state()
    bad = {**body, "name": "坏项目", "investor_uscc": "91350900587527783X"}
    assert api.post(w.promoter, "/projects", bad).status_code == 422
    assert db_state() == before
