"""The kinds of item real 考核办法 need beyond REAL_WORLD §3 (issue 20), by hand.

- per-shortfall deduction by bracket: "3–10亿元 ≥ 7, 10–20亿元 ≥ 4, > 20亿元 ≥ 1; 0.1 off
  for each one short", from the item's base 0.5;
- base minus several counted deductions floored at 0: 0.5 − 超时限未开工×0.1 − 弄虚作假×0.2,
  弄虚作假 entered (the library cannot know it);
- a time window: signed in the period and not started within 180 days of signing;
- a weighted sum of counts n₁×0.2 + n₂×0.2 + n₃×0.1, uncapped (above its weight);
- a capped bonus item (加分项) outside the scheme's stated total.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from baton.assessment import services
from baton.assessment.describe import describe

from .helpers import leader_acts, project, run, scheme, scores

YEAR = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
BRACKETS = {
    "metric": "signed",
    "per": "0.1",
    "brackets": [
        {"min": "30000", "max": "100000", "required": 7},
        {"min": "100000", "max": "200000", "required": 4},
        {"min": "200000", "required": 1},
    ],
}


def signed(w, unit, amount, day, started=None):
    # Only a landed project records its start (落地 with its signing date).
    landed = day if started else None
    return project(
        w, unit, amount, admitted=dt.date(2023, 1, 2), signed=day, landed=landed, started=started
    )


def two_towns(w, name):
    return scheme(w, name, units={w.town: "", w.other_town: ""}, period_kind="year")


def test_one_short_in_a_bracket_scores_04_not_048(w):
    s = two_towns(w, "重大项目考核")
    item = services.indicator_add(
        scheme=s, name="新签约重大项目", kind="bracket_shortfall", weight="0.5", config=BRACKETS
    )
    may = dt.date(2024, 5, 6)
    # 马巷街道: 7 of 3–10亿 (one exactly 3亿: ≥ min), 4 of 10–20亿 (one exactly 10亿 goes
    # to 10–20), 1 above 20亿 — all met.
    for amount in ("30000", "40000", "50000", "60000", "70000", "80000", "90000"):
        signed(w, w.town, amount, may)
    for amount in ("100000", "120000", "150000", "199999"):
        signed(w, w.town, amount, may)
    signed(w, w.town, "250000", may)
    # 新店街道: six of 3–10亿 (a 2.9亿 one is below every bracket; one signed in 2023 is
    # outside the period), four of 10–20亿, one above 20亿: one short.
    for amount in ("30000", "40000", "50000", "60000", "70000", "80000"):
        signed(w, w.other_town, amount, may)
    signed(w, w.other_town, "29000", may)
    signed(w, w.other_town, "90000", dt.date(2023, 12, 20))
    for amount in ("100000", "110000", "120000", "130000"):
        signed(w, w.other_town, amount, may)
    signed(w, w.other_town, "300000", may)

    lines = run(s, YEAR)
    assert scores(lines["马巷街道"]) == [
        (Decimal("0.50"), "0.5−0.1×0（3–10亿元7/7，10–20亿元4/4，≥20亿元1/1）")
    ]
    assert scores(lines["新店街道"]) == [
        (Decimal("0.40"), "0.5−0.1×1（3–10亿元6/7，10–20亿元4/4，≥20亿元1/1）")
    ]
    assert describe(item) == (
        "本期签约项目按总投资分档：3–10亿元 ≥ 7个、10–20亿元 ≥ 4个、≥20亿元 ≥ 1个；"
        "0.5分起，每少一个扣0.1分，最低0分"
    )
    # A unit's target of part i replaces bracket i's count (a city sets each its own).
    services.target_set(indicator=item, unit=w.other_town, value="6", part=0)
    assert scores(run(s, YEAR)["新店街道"])[0][0] == Decimal("0.50")


def _fraud(w, unit, n):
    services.entered_fact_set(
        unit=unit,
        name="弄虚作假",
        period_start=YEAR[0],
        period_end=YEAR[1],
        value=n,
        source="文件",
        reason="区督查通报〔2024〕3号",
        actor=w.office,
    )


def test_base_minus_several_counted_deductions_in_a_window_floored_at_0(w):
    s = two_towns(w, "项目推进考核")
    late = {"metric": "not_started", "days": 180, "window": "period", "per": "0.1"}
    fraud = {"metric": "entered", "name": "弄虚作假", "per": "0.2"}
    item = services.indicator_add(
        scheme=s, name="项目推进", kind="deduction", weight="0.5", config={"cases": [late, fraud]}
    )
    services.indicator_add(
        scheme=s,
        name="逾期未开工（不限签约时间）",
        kind="deduction",
        weight="0.5",
        config={"metric": "not_started", "days": 180, "per": "0.1"},
    )
    # 马巷街道: signed 2024-01-10 and 2024-03-01, never started: 2 late by 31 December;
    # signed 2024-03-01 and started 2024-06-01: not late; signed 2024-09-01: not yet 180
    # days; signed 2023-05-01, never started: outside the window (counted by the second item).
    signed(w, w.town, "20000", dt.date(2024, 1, 10))
    signed(w, w.town, "20000", dt.date(2024, 3, 1))
    signed(w, w.town, "20000", dt.date(2024, 3, 1), started=dt.date(2024, 6, 1))
    signed(w, w.town, "20000", dt.date(2024, 9, 1))
    signed(w, w.town, "20000", dt.date(2023, 5, 1))
    _fraud(w, w.town, 1)
    # 新店街道: two late and two cases of fraud: 0.5 − 0.2 − 0.4 = −0.1 → 0.
    signed(w, w.other_town, "20000", dt.date(2024, 2, 1))
    signed(w, w.other_town, "20000", dt.date(2024, 6, 1))
    _fraud(w, w.other_town, 2)

    lines = run(s, YEAR)
    assert scores(lines["马巷街道"]) == [
        (Decimal("0.10"), "0.5−0.1×2−0.2×1"),
        (Decimal("0.20"), "0.5−0.1×3"),
    ]
    assert scores(lines["新店街道"]) == [
        (Decimal("0.00"), "0.5−0.1×2−0.2×2，保底0"),
        (Decimal("0.30"), "0.5−0.1×2"),
    ]
    assert lines["新店街道"].scores[0]["raw"] == "-0.10"
    assert [e["reason"] for e in lines["新店街道"].scores[0]["entered"]] == [
        "区督查通报〔2024〕3号"
    ]
    assert describe(item) == (
        "0.5分起，签约后逾期未开工项目（签约满180天，签约本考核期内）每个扣0.1分；"
        "录入数据“弄虚作假”每个扣0.2分，最低0分；归责任单位"
    )


def test_a_weighted_sum_may_exceed_its_weight_and_a_bonus_is_capped_outside_the_total(w):
    s = two_towns(w, "招商工作考核")
    services.indicator_add(
        scheme=s,
        name="招商成效",
        kind="weighted_sum",
        weight="0.8",
        config={
            "terms": [
                {"metric": "signed", "credit": "holder", "points": "0.2"},
                {"metric": "entered", "name": "外资项目", "points": "0.2"},
                {"metric": "leader_acts", "credit": "holder", "points": "0.1"},
            ]
        },
    )
    bonus = services.indicator_add(
        scheme=s,
        name="提请领导走访外地企业",
        kind="weighted_sum",
        weight="3",
        cap="3",
        is_bonus=True,
        config={"terms": [{"metric": "leader_acts", "credit": "holder", "points": "0.5"}]},
    )
    services.indicator_add(scheme=s, name="其他工作", kind="manual", weight="1", config={})
    # 马巷街道: 3 signed in 2024, 1 foreign project entered, 7 leader acts.
    first = signed(w, w.town, "20000", dt.date(2024, 2, 1))
    signed(w, w.town, "20000", dt.date(2024, 3, 1))
    signed(w, w.town, "20000", dt.date(2024, 4, 1))
    leader_acts(w, first, dt.date(2024, 5, 1), 7)
    services.entered_fact_set(
        unit=w.town,
        name="外资项目",
        period_start=YEAR[0],
        period_end=YEAR[1],
        value="1",
        source="商务局",
        reason="",
        actor=w.office,
    )
    lines = run(s, YEAR)
    town = lines["马巷街道"]
    # 3×0.2 + 1×0.2 + 7×0.1 = 1.5 (above the weight 0.8: uncapped);
    # bonus 7×0.5 = 3.5 → capped at 3; total 1.5 + 3 + 0 = 4.5.
    assert scores(town) == [
        (Decimal("1.50"), "3×0.2+1×0.2+7×0.1"),
        (Decimal("3.00"), "7×0.5，封顶3"),
        (Decimal("0"), "未评分"),
    ]
    assert town.scores[1]["raw"] == "3.50" and town.total == Decimal("4.50")
    assert scores(lines["新店街道"])[:2] == [
        (Decimal("0.00"), "0×0.2+0×0.2+0×0.1"),
        (Decimal("0.00"), "0×0.5"),
    ]
    # The stated total (满分) is the items' weights, the bonus not included.
    assert s.stated_total() == Decimal("1.8")
    assert describe(bonus) == "本期领导招商活动×0.5分（分值3分）；加分项，不计入总分值，最高3分"


@pytest.mark.parametrize(
    "kind, config, message",
    [
        ("bracket_shortfall", {**BRACKETS, "brackets": [{"min": "1"}]}, "须以 required 写明"),
        ("bracket_shortfall", {**BRACKETS, "metric": "trips"}, "统计口径须是项目"),
        ("weighted_sum", {"terms": []}, "须列出计数项"),
        ("weighted_sum", {"terms": [{"metric": "signed", "points": 0.2}]}, "不能是浮点数"),
        ("deduction", {"cases": [{"metric": "entered", "per": "0.2"}]}, "须以 name 写明"),
        ("ratio", {"metric": "signed", "window": "decade"}, "只能是 period、year 或 all"),
    ],
)
def test_a_bad_config_of_a_new_kind_is_refused_in_chinese(w, kind, config, message):
    s = two_towns(w, "错误配置")
    with pytest.raises(ValidationError, match=message):
        services.indicator_add(scheme=s, name="x", kind=kind, weight="1", config=config)
