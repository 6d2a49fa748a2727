"""Estimates of the shipped policies for hand-made projects equal hand computation."""

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from baton.policies.calculator import estimate, estimate_facts
from baton.policies.services import policy_load
from baton.projects.models import Milestone
from baton.testing import make_project

from .helpers import load_shipped, make_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped_policies(db):
    load_shipped()


def amounts(place, on, **facts):
    result = estimate_facts(place=place, on=dt.date.fromisoformat(on), facts=facts)
    return {(i.clause.policy.number, i.clause.number): i.amount for i in result.items}, result


def only(place, on, **facts):
    found, _ = amounts(place, on, **facts)
    assert len(found) == 1, found
    return next(iter(found.values()))


FJ = "待核-福建省民企产业项目第三方招商引资奖励办法(试行)"


@pytest.mark.usefixtures("shipped_policies")
@pytest.mark.parametrize(
    "fixed, amount",
    [("50000", "10"), ("99999", "10"), ("100000", "20"), ("350000", "40"), ("500000", "100")],
)
def test_fujian_third_party_reward_by_bands(fixed, amount):
    facts = {"fixed_investment": D(fixed), "started_on": dt.date(2019, 3, 1)}
    assert only("350103", "2019-06-01", **facts) == D(amount)


@pytest.mark.usefixtures("shipped_policies")
def test_fujian_below_the_threshold_is_a_near_miss_and_after_2020_nothing():
    facts = {"fixed_investment": D("48000"), "started_on": dt.date(2019, 3, 1)}
    found, result = amounts("350103", "2019-06-01", **facts)
    assert not found
    assert [m.reason for m in result.near] == ["固定资产投资再增加 2,000 万元即可适用"]
    later = {**facts, "fixed_investment": D("120000")}
    assert amounts("350103", "2021-01-04", **later)[0] == {}
    assert amounts("440103", "2019-06-01", **later)[0] == {}  # not in 福建


@pytest.mark.usefixtures("shipped_policies")
@pytest.mark.parametrize(
    "capital, amount", [("5000", "5"), ("19999.99", "5"), ("20000", "10"), ("100000", "20")]
)
def test_xiamen_torch_reward_by_registered_capital(capital, amount):
    facts = {"registered_capital": D(capital), "registered_on": dt.date(2023, 3, 1)}
    assert only("350213", "2023-06-01", **facts) == D(amount)


@pytest.mark.usefixtures("shipped_policies")
def test_yunnan_the_2015_rule_before_and_the_2016_rule_after():
    # 2015: 到位资金 1亿元以上，每1亿元1万元，最高100万元; 2016: 5000万元以上，0.5‰，最高150万元.
    assert only("530102", "2015-08-01", paid_in_capital=D("30000")) == D("3")
    assert only("530102", "2016-08-01", paid_in_capital=D("30000")) == D("15")
    assert amounts("530102", "2015-08-01", paid_in_capital=D("8000"))[0] == {}
    assert only("530102", "2016-08-01", paid_in_capital=D("8000")) == D("4")
    assert only("530102", "2015-08-01", paid_in_capital=D("4000000")) == D("100")  # 400 → cap
    _, result = amounts("530102", "2016-08-01", paid_in_capital=D("4000000"))
    assert result.items[0].amount == D("150")
    assert result.items[0].formula == (
        "实际到位资金 4,000,000 万元 × 0.5‰ = 2,000 万元，超过单项上限，按 150 万元计"
    )


@pytest.mark.usefixtures("shipped_policies")
def test_caidian_foreign_and_domestic_with_the_cap():
    foreign = {
        "project_type": "外资",
        "foreign_paid_in_usd": D("1500"),
        "paid_in_capital": D("10000"),
    }
    assert only("420114", "2024-01-01", **foreign) == D("20")
    domestic = {
        "project_type": "内资",
        "paid_in_capital": D("20000"),
        "fixed_investment": D("25000"),
    }
    assert only("420114", "2024-01-01", **domestic) == D("50")
    big = {**domestic, "fixed_investment": D("200000")}
    assert only("420114", "2024-01-01", **big) == D("300")  # 400 → 上限 300


@pytest.mark.usefixtures("shipped_policies")
def test_longnan_land_price_and_when_it_is_paid():
    facts = {"land_use": "工业", "land_mu": D("100"), "land_min_price_per_mu": D("9.6")}
    _, result = amounts("621202", "2024-06-01", **facts)
    (item,) = result.items
    assert item.amount == D("288")  # 100 亩 × 9.6 万元 × 30%
    assert item.as_json()["payments"] == [
        {"milestone": "land_supplied", "share": "1", "amount_wan": "288"}
    ]


@pytest.mark.usefixtures("shipped_policies")
def test_zhuzhou_standard_plant_and_intensity():
    assert only("430211", "2024-01-01", fixed_investment=D("4000")) == D("8")
    land = {"fixed_investment": D("20000"), "land_mu": D("80"), "intensity_per_mu": D("250")}
    assert only("430211", "2024-01-01", **land) == D("60")
    thin = {**land, "intensity_per_mu": D("166.6667")}
    found, result = amounts("430211", "2024-01-01", **thin)
    assert not found
    assert "投资强度（固定资产投资/亩）再增加 33.3333 万元/亩即可适用" in [
        m.reason for m in result.near
    ]


@pytest.mark.usefixtures("shipped_policies")
def test_agreed_rewards_within_their_bounds_and_filing_before_signing():
    changsha = {"leads_given": D(12), "fixed_investment": D("50000"), "agreed_reward": D("1200")}
    assert only("430102", "2024-01-01", **changsha) == D("1000")
    assert only("440203", "2024-01-01", investment=D("5000"), agreed_reward=D("0.5")) == D("1")
    assert only("440203", "2024-01-01", investment=D("5000"), agreed_reward=D("500")) == D("300")
    filed = {
        "intermediary_filed_on": dt.date(2024, 1, 1),
        "signed_on": dt.date(2024, 2, 1),
        "agreed_reward": D("20"),
    }
    assert only("430302", "2024-03-01", **filed) == D("20")
    late = {**filed, "intermediary_filed_on": dt.date(2024, 2, 2)}
    assert amounts("430302", "2024-03-01", **late)[0] == {}
    same_day = {**filed, "intermediary_filed_on": dt.date(2024, 2, 1)}
    assert only("441802", "2024-03-01", **same_day) == D("20")
    assert amounts("430302", "2024-03-01", **same_day)[0] == {}  # 湘潭: 签约前


def test_a_missing_fact_is_listed_not_guessed(shipped_policies):
    _, result = amounts("530102", "2016-08-01")
    assert [m.reason for m in result.missing] == ["缺少数据：实际到位资金"]


# ── a project through the command: versions by date, staged payments, stacking ─


def project_signed(w, day, **fields):
    project = make_project(w, investment="30000", fixed_investment="12345.67", **fields)
    Milestone.objects.create(project=project, kind="signed", date=day)
    return project


def run_estimate(project, *args, capsys):
    call_command("policy", "estimate", "--project", project.code, "--format", "json", *args)
    return json.loads(capsys.readouterr().out)


def test_a_clause_changed_on_a_date_old_amount_before_new_after(w, capsys):
    policy_load(items=[make_policy()])
    before = project_signed(w, dt.date(2024, 6, 30))
    after = project_signed(w, dt.date(2024, 7, 1))
    old = run_estimate(before, capsys=capsys)
    assert old == {
        "project": before.code,
        "on": "2024-06-30",
        "items": [
            {
                "policy": "厦测〔2024〕1号",
                "clause": "第三条",
                "beneficiary": "企业",
                "amount_wan": "37.037",  # 12,345.67 × 3‰ = 37.03701 → 到元
                "formula": "固定资产投资 12,345.67 万元 × 3‰ = 37.037 万元",
                "payments": [
                    {"milestone": "started", "share": "0.3", "amount_wan": "11.1111"},
                    {"milestone": "in_production", "share": "0.7", "amount_wan": "25.9259"},
                ],
            },
            {
                "policy": "厦测〔2024〕1号",
                "clause": "第五条",
                "beneficiary": "企业",
                "amount_wan": "50",
                "formula": "50 万元",
                "payments": [{"milestone": "approved", "share": "1", "amount_wan": "50"}],
            },
        ],
        "total_wan": "87.037",
    }
    new = run_estimate(after, capsys=capsys)
    assert new["items"][0]["amount_wan"] == "61.7284"  # 12,345.67 × 5‰ = 61.72835
    # The same project on another day, by --on:
    assert run_estimate(after, "--on", "2024-06-01", capsys=capsys)["items"][0] == old["items"][0]


def test_marginal_tiers_caps_and_the_highest_of_a_group(w, capsys):
    policy_load(items=[make_policy()])
    project = project_signed(w, dt.date(2024, 8, 1), is_global500=True)
    items = {i["clause"]: i for i in run_estimate(project, capsys=capsys)["items"]}
    # 第四条: 10000×1% + 20000×0.5% = 200 beats 第五条's 50 in the group 落户奖励.
    assert set(items) == {"第三条", "第四条"}
    assert items["第四条"]["amount_wan"] == "200"
    assert items["第四条"]["formula"] == (
        "总投资 30,000 万元 分段累进：(10,000 × 1% + 20,000 × 0.5%) = 200 万元"
    )
    big = project_signed(w, dt.date(2024, 8, 1), is_global500=True)
    big.investment = D("900000")
    big.save()
    # 100 + 200 + 850000 × 0.1% = 1150 → 单个项目上限 500.
    assert {i["clause"]: i["amount_wan"] for i in run_estimate(big, capsys=capsys)["items"]}[
        "第四条"
    ] == "500"


def test_a_clause_that_does_not_stack_is_taken_alone_when_it_is_worth_more(w):
    data = make_policy()
    data["clauses"][3].update(exclusive_group="", stackable=False, amount="1000")
    policy_load(items=[data])
    project = project_signed(w, dt.date(2024, 8, 1))
    result = estimate(project=project)
    assert [i.clause.number for i in result.items] == ["第五条"]
    assert {i.clause.number for i in result.excluded} == {"第三条"}


def test_the_facts_come_from_the_project_and_its_investor(w):
    from baton.policies.calculator import project_facts

    project = make_project(
        w, investment="30000", fixed_investment="20000", land_area_mu="80", is_listed=True
    )
    facts = project_facts(project, on=dt.date(2024, 1, 1))
    assert facts["intensity_per_mu"] == D("250")
    assert facts["tags"] == ["上市"] and facts["district"] == "350213"
    assert facts["industry"] == "新能源" or facts["industry"] is None


def test_the_investor_is_named_to_the_rules_by_name_and_credit_code(w):
    from baton.policies.calculator import project_facts

    project = make_project(
        w, investor="宁德时代新能源科技股份有限公司", investor_uscc="91350900587527783P"
    )
    facts = project_facts(project, on=dt.date(2024, 1, 1))
    assert facts["company_name"] == "宁德时代新能源科技股份有限公司"
    assert facts["credit_code"] == "91350900587527783P"
    assert project_facts(make_project(w), on=dt.date(2024, 1, 1))["company_name"] is None


def test_the_text_output_lists_items_near_misses_and_missing_facts(w, capsys):
    load_shipped()
    policy_load(items=[make_policy()])
    project = make_project(w, investment="3000", fixed_investment="4000")
    Milestone.objects.create(project=project, kind="signed", date=dt.date(2024, 8, 1))
    call_command("policy", "estimate", "--project", project.code)
    out = capsys.readouterr().out
    assert "按 2024-08-01 有效的政策" in out
    assert "差一点：厦测〔2024〕1号 第三条：固定资产投资再增加 1,000 万元即可适用" in out
    assert "（一）：缺少数据：注册日期" in out  # 厦门火炬高新区, not guessed
    assert out.rstrip().endswith("合计 0 万元")
    call_command(
        "policy",
        "estimate",
        "--project",
        project.code,
        "--fact",
        "registered_capital=30000",
        "--fact",
        "registered_on=2024-05-01",
        "--format",
        "json",
    )
    items = json.loads(capsys.readouterr().out)["items"]
    assert [(i["clause"], i["amount_wan"], i["beneficiary"]) for i in items] == [
        ("（一）", "10", "中介")
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--project", "350213-2099-9999"], "没有编号为 350213-2099-9999 的项目"),
        (["--on", "2024-02-30"], "2024-02-30 不是有效的日期"),
        (["--fact", "colour=red"], "应为“数据名称=值”"),
        (["--fact", "registered_capital=many"], "不是有效的数值"),
    ],
)
def test_the_command_refuses_bad_arguments(w, args, message):
    from django.core.management import CommandError

    project = make_project(w)
    base = ["policy", "estimate", "--project", project.code]
    with pytest.raises(CommandError, match=message):
        call_command(*base, *args)


def test_a_fact_may_be_named_as_people_name_it():
    from baton.policies.calculator import parse_fact

    assert parse_fact("注册资本＝30,000") == ("registered_capital", D("30000"))
    assert parse_fact("registered_capital=30000") == ("registered_capital", D("30000"))
    with pytest.raises(ValueError, match="如 注册资本=30000"):
        parse_fact("资本=1")
