"""Fair competition review: each flag on a hand-written rule, read from the tree; loading
refuses a new policy's unresolved flag, keeps a 存量 one with its note."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from baton.policies import fair
from baton.policies.expr import compile_rule
from baton.policies.models import Clause, Policy
from baton.policies.services import PolicyError, policy_load

from .helpers import DATA, load_shipped, make_policy, shipped, state

REVIEW = "依据第十二条第（二）项：该奖励用于引进研发机构，促进科学技术进步，无影响更小的替代方案，实施期限三年。"


def codes(condition="", amount="100", variables=None, region="3502"):
    rule = compile_rule(condition=condition, amount=amount, variables=variables or {})
    return [f["code"] for f in fair.flags(rule, region=region)]


# --- the flags, on hand-written rules ------------------------------------------------


def test_a_reward_computed_from_tax_is_flagged_under_article_10_1():
    rule = compile_rule(condition="", amount="annual_tax * 50%")
    [flag] = fair.flags(rule)
    assert flag["code"] == "tax_amount"
    assert "第十条第（一）项" in flag["text"] and "预计年税收" in flag["text"]


def test_tax_as_a_condition_is_flagged():
    assert codes("annual_tax >= 500", "fixed_investment * 1%") == ["tax_condition"]


def test_a_variable_named_for_tax_is_flagged_even_without_the_field():
    # 地方留成, written in pinyin (names are ASCII); its value is given, not computed.
    assert codes(
        amount="difang_liucheng * 50%", variables={"difang_liucheng": "agreed_reward"}
    ) == ["tax_amount"]
    assert codes(amount="localTaxRetained", variables={"localTaxRetained": "agreed_reward"}) == [
        "tax_amount"
    ]


def test_tax_read_through_a_chain_of_variables_is_flagged():
    variables = {"share": "base * 40%", "base": "annual_tax"}
    assert codes(amount="share * 50%", variables=variables) == ["tax_amount"]


def test_the_word_tax_in_a_comment_or_text_is_not_a_flag():
    # Not a string search: a comment and a text value are not what the rule reads.
    assert codes('industry == "tax"  # 税收', "fixed_investment * 3‰") == []
    # A name that only contains "shui" inside a word (水利, shuili) is not tax.
    assert codes(amount="shuili", variables={"shuili": "fixed_investment * 1%"}) == []


def test_a_named_company_is_flagged_under_article_10_2():
    rule = compile_rule(condition='company_name == "厦门某某科技有限公司"', amount="100")
    [flag] = fair.flags(rule)
    assert flag["code"] == "specific_operator" and "厦门某某科技有限公司" in flag["text"]
    assert "第十条第（二）项" in flag["text"]
    assert codes('credit_code in ["91350200MA2Y0000X1"]') == ["specific_operator"]
    assert codes('not (credit_code != "91350200MA2Y0000X1")') == ["specific_operator"]


def test_a_land_price_for_a_named_company_is_also_article_11():
    found = codes('company_name == "某公司"', "land_mu * land_min_price_per_mu * 30%")
    assert found == ["specific_operator", "specific_price"]


def test_rewarding_only_local_investors_is_flagged_under_article_9():
    rule = compile_rule(condition='investor_region in ["3502"]', amount="100")
    [flag] = fair.flags(rule, region="3502")
    assert flag["code"] == "investor_origin" and "第九条第（三）项" in flag["text"]
    assert "只奖励本地（3502）" in flag["text"]
    assert codes("investor_region == district") == ["investor_origin"]
    assert codes('not (investor_region not in ["35"])') == ["investor_origin"]
    assert codes(amount='if(investor_region in ["3502"], 20, 10)') == ["investor_origin"]


def test_shutting_out_some_outside_investors_is_flagged_but_requiring_outside_investment_is_not():
    assert codes('investor_region != "44"') == ["investor_origin"]
    assert codes('investor_region not in ["3502"]') == []  # 外来投资: what 招商 rewards are for
    assert codes('not (investor_region in ["35"])') == []


def test_an_ordinary_investment_reward_has_no_flag():
    assert (
        codes(
            "fixed_investment >= 5000", "tiers_marginal(fixed_investment, [[5000, 2‰], [inf, 3‰]])"
        )
        == []
    )


# --- loading ------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def taxed(**changes):
    """A 2025 district policy with one tax-linked clause."""
    data = make_policy(
        number="翔测〔2025〕7号", level="区", region="350213", effective_on="2025-03-01"
    )
    data["clauses"] = [
        {
            "number": "第五条",
            "title": "税收贡献奖励",
            "amount": "annual_tax * 30%",
            "cap_year_wan": "200",
        }
    ]
    data.update(changes)
    return data


@pytestmark_db
def test_a_new_tax_linked_policy_is_refused_and_nothing_is_written():
    load_shipped()
    before = state()
    with pytest.raises(PolicyError) as refused:
        policy_load(items=[make_policy(), taxed()])
    [message] = refused.value.messages
    assert message.startswith("翔测〔2025〕7号 › 第五条：奖励金额按纳税额计算")
    assert "第十条第（一）项" in message and "尚无公平竞争审查结论" in message
    assert state() == before


@pytestmark_db
def test_it_loads_as_a_draft_with_its_flags_and_is_not_estimated():
    policy_load(items=[taxed(draft=True)])
    policy = Policy.objects.get(number="翔测〔2025〕7号")
    assert policy.is_draft and policy.published_at is None
    clause = policy.clauses.get()
    assert [f["code"] for f in clause.fair_flags] == ["tax_amount"] and clause.fair_review == ""


@pytestmark_db
def test_it_loads_published_with_a_review_conclusion():
    data = taxed()
    data["clauses"][0]["fair_review"] = REVIEW
    policy_load(items=[data])
    policy = Policy.objects.get(number="翔测〔2025〕7号")
    assert not policy.is_draft and policy.published_at is not None
    assert policy.clauses.get().fair_review == REVIEW


@pytestmark_db
@pytest.mark.parametrize("review", ["同意", "x" * 200, "经审查可以。"])
def test_a_conclusion_that_is_not_a_sentence_is_refused(review):
    data = taxed(draft=True)
    data["clauses"][0]["fair_review"] = review
    with pytest.raises(PolicyError) as refused:
        policy_load(items=[data])
    assert "第五条：fair_review：公平竞争审查结论应写明" in refused.value.messages[0]
    assert not Policy.objects.exists()


@pytestmark_db
def test_an_old_policy_loads_with_the_legacy_note(tmp_path, capsys):
    path = tmp_path / "old.json"
    path.write_text(json.dumps(taxed(effective_on="2019-01-01"), ensure_ascii=False), "utf-8")
    call_command("policy", "load", str(path))
    captured = capsys.readouterr()
    assert captured.out.strip() == "翔测〔2025〕7号"
    assert "翔测〔2025〕7号 › 第五条：存量政策需清理——奖励金额按纳税额计算" in captured.err
    policy = Policy.objects.get()
    assert not policy.is_draft and policy.clauses.get().fair_flags


def test_an_old_policy_took_effect_before_the_day_and_a_new_one_on_it():
    assert fair.is_legacy(dt.date(2024, 7, 31))
    assert not fair.is_legacy(dt.date(2024, 8, 1))
    assert not fair.is_legacy(None)  # no date given: reviewed like a new one


@pytestmark_db
def test_the_shipped_files_load_and_none_is_flagged():
    """None of the shipped rules reads tax, names a company or sorts investors by region:
    陇南's 70 % land price applies to every qualifying project (a national rule allows it),
    the intermediary rewards are paid by a published scale or the signed agreement."""
    load_shipped()
    assert Policy.objects.filter(is_draft=True).count() == 0
    assert [c.number for c in Clause.objects.exclude(fair_flags=[])] == []
    for path in sorted(DATA.glob("*.json")):
        assert "draft" not in shipped(path.name)


@pytestmark_db
def test_a_reload_keeps_the_publication_time_and_a_draft_reload_withdraws_it():
    data = taxed()
    data["clauses"][0]["fair_review"] = REVIEW
    policy_load(items=[data])
    first = Policy.objects.get().published_at
    assert policy_load(items=[data]).unchanged == ["翔测〔2025〕7号"]
    assert Policy.objects.get().published_at == first
    data["draft"] = True
    assert policy_load(items=[data]).changed == ["翔测〔2025〕7号"]
    assert Policy.objects.get().published_at is None
