"""The rule language: parsing, checking, evaluation with its trace, explanation."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baton.policies.evaluate import explain_rule, run, shortfalls, tiers_flat, tiers_marginal
from baton.policies.expr import (
    FIELDS,
    BinOp,
    Call,
    ExprError,
    List,
    MissingFact,
    Name,
    Num,
    Str,
    Unary,
    compile_rule,
    parse,
    to_text,
)

TIERS = "[[5000, 2‰], [30000, 3‰], [inf, 1‰]]"


def refused(**rule) -> str:
    with pytest.raises(ExprError) as exc:
        compile_rule(**rule)
    return str(exc.value)


def test_it_computes_a_rate_and_shows_the_formula_with_its_numbers():
    rule = compile_rule(amount="fixed_investment * 3‰")
    out = run(rule, {"fixed_investment": D("12000")})
    assert out.amount == D("36")
    assert out.formula == "固定资产投资 12,000 万元 × 3‰ = 36 万元"
    assert explain_rule(rule)["amount"] == "固定资产投资的3‰"


def test_it_computes_marginal_tiers_and_explains_them():
    rule = compile_rule(amount=f"tiers_marginal(fixed_investment, {TIERS})")
    out = run(rule, {"fixed_investment": D("40000")})
    assert out.amount == D("95")  # 5000×2‰ + 25000×3‰ + 10000×1‰
    assert out.steps[1] == "5,000–30,000 部分 25,000 × 3‰ = 75"
    assert explain_rule(rule)["amount"] == (
        "按固定资产投资分段累进计算：5,000万元以内部分按2‰，"
        "5,000万元至30,000万元部分按3‰，超过30,000万元部分按1‰"
    )


def test_flat_tiers_and_steps_take_the_band_of_the_base():
    flat = compile_rule(amount="tiers_flat(fixed_investment, [[5000, 2‰], [30000, 3‰]])")
    assert run(flat, {"fixed_investment": D("5000")}).amount == D("10")
    assert run(flat, {"fixed_investment": D("5001")}).amount == D("15.003")
    assert run(flat, {"fixed_investment": D("30001")}).amount == 0
    steps = compile_rule(amount="steps(fixed_investment, [[30000, 10], [100000, 20]])")
    assert run(steps, {"fixed_investment": D("29999")}).amount == 0
    assert run(steps, {"fixed_investment": D("100000")}).amount == D("20")


def test_conditions_membership_and_variables():
    rule = compile_rule(
        condition='industry_code in ["C39", "C38"] and "世界500强" in tags and base >= 5000',
        amount='if(project_type == "外资", base * 2‰, base * 1‰)',
        variables={"base": "fixed_investment - 1000"},
    )
    facts = {"industry_code": "C3911", "tags": ["世界500强"], "fixed_investment": D(7000)}
    assert run(rule, {**facts, "project_type": "外资"}).amount == D("12")
    assert run(rule, {**facts, "project_type": "内资"}).amount == D("6")
    assert not run(rule, {**facts, "industry_code": "C40", "project_type": "内资"}).applies
    explained = explain_rule(rule)["condition"]
    assert "行业代码以“C39”、“C38”开头" in explained and "企业标签含“世界500强”" in explained


def test_a_missing_fact_is_named():
    rule = compile_rule(amount="fixed_investment * 3‰")
    with pytest.raises(MissingFact) as exc:
        run(rule, {})
    assert exc.value.label == "固定资产投资"


def test_a_near_miss_says_how_much_is_missing():
    rule = compile_rule(condition="fixed_investment >= 5000", amount="1")
    assert shortfalls(rule, {"fixed_investment": D(3000)}) == [("固定资产投资", D(2000), "万元")]
    other = compile_rule(condition='industry_code in ["C39"]', amount="1")
    assert shortfalls(other, {"industry_code": "A01"}) is None


@pytest.mark.parametrize(
    "rule, message",
    [
        (
            {"amount": "fixed_investmnt * 2"},
            "金额 第 1 行第 1 列“fixed_investmnt”：未知的字段或变量",
        ),
        ({"amount": "foo(1)"}, "金额 第 1 行第 1 列“foo”：未知的函数"),
        ({"amount": "investment / (2 - 2)"}, "金额 第 1 行第 12 列“/”：除数为零。"),
        ({"amount": "a", "variables": {"a": "b * 2", "b": "a + 1"}}, "循环引用：a → b → a"),
        ({"amount": "tiers_marginal(investment, [[5000, 120%]])"}, "第 1 段的费率超过 100%"),
        ({"amount": "tiers_flat(investment, [[5000, 1%], [3000, 2%]])"}, "分段须递增"),
        ({"condition": "investment >", "amount": "1"}, "条件 第 1 行第 13 列"),
        ({"condition": "investment", "amount": "1"}, "条件应为逻辑值，这里是数值"),
        ({"amount": "min（1, 2)"}, "请改用半角“(”"),
        ({"amount": '"abc" + 1'}, "应为数值"),
        ({"condition": "1 < 2 < 3", "amount": "1"}, "比较不能连写"),
        ({"amount": "1", "variables": {"investment": "2"}}, "重名"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_place(rule, message):
    assert message in refused(**rule)


def test_division_by_zero_at_evaluation_is_a_clear_error():
    rule = compile_rule(amount="fixed_investment / land_mu")
    with pytest.raises(ExprError, match="除数为零（用地面积 0 亩）"):
        run(rule, {"fixed_investment": D(1), "land_mu": D(0)})


def test_the_line_is_counted():
    assert "第 2 行第 3 列" in refused(amount="1 +\n  bogus")


# ── properties ──────────────────────────────────────────────────────────────────

amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)
rates = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False)


@st.composite
def bands(draw):
    bounds = sorted(draw(st.sets(st.integers(1, 10**6), min_size=1, max_size=5)))
    return [(D(b), draw(rates)) for b in bounds]


@given(amounts, bands())
def test_marginal_tiers_equal_the_hand_sum(base, tiers):
    total, _ = tiers_marginal(base, tiers)
    hand, lower = D(0), D(0)
    for upto, rate in tiers:
        hand += max(D(0), min(base, upto) - lower) * rate
        lower = upto
    assert total == hand


@given(amounts, bands())
def test_flat_tiers_apply_one_rate_to_all(base, tiers):
    total, band = tiers_flat(base, tiers)
    assert total == (base * band[2] if band else 0)


leaves = st.one_of(
    st.builds(Num, st.decimals(min_value=0, max_value=10**6, places=3), st.just("")),
    st.builds(Num, st.integers(0, 999).map(lambda n: D(n) / 1000), st.just("‰")),
    st.builds(Name, st.sampled_from(sorted(FIELDS))),
    st.builds(Str, st.sampled_from(["C39", "世界500强", ""])),
)
ops = ["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "and", "or", "in", "notin"]
trees = st.recursive(
    leaves,
    lambda kids: st.one_of(
        st.builds(BinOp, st.sampled_from(ops), kids, kids),
        st.builds(Unary, st.sampled_from(["-", "not"]), kids),
        st.builds(Call, st.sampled_from(["min", "max", "if"]), st.tuples(kids, kids)),
        st.builds(List, st.lists(kids, max_size=3).map(tuple)),
    ),
    max_leaves=12,
)


@given(trees)
def test_printing_then_parsing_gives_the_same_tree(tree):
    assert parse(to_text(tree)) == tree


def test_deep_nesting_is_refused_not_a_crash():
    assert "嵌套过深" in refused(amount="(" * 500 + "1" + ")" * 500)
    assert "嵌套过深" in refused(amount="-" * 500 + "1")
    assert "嵌套过深" in refused(condition="not " * 500 + "true", amount="1")
    assert compile_rule(amount="(" * 30 + "1" + ")" * 30)


@given(st.text(alphabet='0123456789.%‰+-*/()[],<>=! "abcdefinorstx_\n（', max_size=60))
def test_any_text_is_a_tree_or_a_chinese_error_never_a_crash(text):
    try:
        compile_rule(condition=text, amount=text)
    except ExprError as exc:
        assert str(exc)


@given(
    st.integers(1, 10**6),
    st.integers(1, 10**6),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
)
def test_adding_what_a_near_miss_lacks_makes_the_clause_apply(need_fixed, need_land, fixed, land):
    rule = compile_rule(
        condition=f"fixed_investment >= {need_fixed} and land_mu >= {need_land}", amount="1"
    )
    facts = {"fixed_investment": D(fixed), "land_mu": D(land)}
    if run(rule, facts).applies:
        return
    gaps = dict((label, gap) for label, gap, _ in shortfalls(rule, facts))
    topped = {
        "fixed_investment": facts["fixed_investment"] + gaps.get("固定资产投资", 0),
        "land_mu": facts["land_mu"] + gaps.get("用地面积", 0),
    }
    assert run(rule, topped).applies
    assert all(gap > 0 for gap in gaps.values())


def test_inf_is_only_a_band_bound_and_an_amount_has_a_bound():
    assert "inf 只能用作分段的上限" in refused(amount="inf")
    rule = compile_rule(amount="fixed_investment * 1000000")
    with pytest.raises(ExprError, match="金额超出合理范围"):
        run(rule, {"fixed_investment": D("1000000")})
