"""REAL_WORLD §3.3 — 2023年xx市招商引资工作考核办法: 分项计算、累计得分, 总分 100.

(一) 省域外签约项目投资额 = 签约额 ÷ 目标 × 50, 最高 50 (the engine's ratio, 亿元, capped);
(二) 对接行业龙头企业数量 = 数量 ÷ 目标 × 30, 最高 30 (counted here as the projects
     admitted into the library in the period: the library has no "对接" record);
(三) 其他事项 ≤ 20: a reviewer's score with a reason.
"""

import datetime as dt
from decimal import Decimal

from baton.assessment import services
from baton.testing import make_project

from .helpers import Q1, project, run, scheme, scores


def build(w):
    s = scheme(w, "2024年招商引资工作考核", units={w.town: "", w.other_town: ""})
    signed = services.indicator_add(
        scheme=s,
        name="省域外签约项目投资额",
        kind="ratio",
        weight="50",
        cap="50",
        config={"metric": "signed", "measure": "amount_yi"},
    )
    leaders = services.indicator_add(
        scheme=s,
        name="对接行业龙头企业数量",
        kind="ratio",
        weight="30",
        cap="30",
        config={"metric": "admitted", "measure": "count"},
    )
    other = services.indicator_add(scheme=s, name="其他事项", kind="manual", weight="20", config={})
    for indicator, unit, value in (
        (signed, w.town, "15"),
        (signed, w.other_town, "10"),
        (leaders, w.town, "4"),
        (leaders, w.other_town, "3"),
    ):
        services.target_set(indicator=indicator, unit=unit, value=value)

    # 马巷街道: three admitted in Q1, two of them signed in Q1 (8亿 + 9.77亿).
    project(w, w.town, "80000", admitted=dt.date(2024, 1, 5), landed=dt.date(2024, 2, 1))
    project(w, w.town, "97700", admitted=dt.date(2024, 1, 8), landed=dt.date(2024, 3, 30))
    project(w, w.town, "3000", admitted=dt.date(2024, 2, 8))
    # Not counted: signed after the quarter; a draft never admitted though signed in Q1.
    project(w, w.town, "50000", admitted=dt.date(2024, 3, 1), landed=dt.date(2024, 4, 2))
    make_project(w, unit=w.town, investment="90000")  # a draft
    # 新店街道: admitted in 2023 and signed in Q1 (4.5亿); two more admitted in Q1.
    project(w, w.other_town, "45000", admitted=dt.date(2023, 12, 15), landed=dt.date(2024, 2, 10))
    project(w, w.other_town, "2000", admitted=dt.date(2024, 1, 20))
    project(w, w.other_town, "2500", admitted=dt.date(2024, 3, 31))
    for unit, score in ((w.town, "8"), (w.other_town, "9.5")):
        services.manual_score_set(
            indicator=other,
            unit=unit,
            period_start=Q1[0],
            period_end=Q1[1],
            score=score,
            reason="有年度招商计划，积极参加招商活动",
            actor=w.office,
        )
    return s


def test_it_scores_scheme_3_3_by_hand(w):
    s = build(w)
    lines = run(s, Q1)
    town, other = lines["马巷街道"], lines["新店街道"]

    # 马巷街道: (一) 8 + 9.77 = 17.77亿 (the April signing is outside Q1, the draft is
    # not in the library); 17.77 ÷ 15 × 50 = 59.2333… → capped at 50.
    # (二) admitted in Q1: 80000, 97700, 3000 and 50000 (admitted 03-01, signed in
    # April) = 4 → 4 ÷ 4 × 30 = 30.
    # (三) 8.  Total 50 + 30 + 8 = 88.
    assert scores(town) == [
        (Decimal("50.00"), "(17.77÷15)×50，封顶50"),
        (Decimal("30.00"), "(4÷4)×30"),
        (Decimal("8.00"), "人工评分8"),
    ]
    assert town.total == Decimal("88.00")

    # 新店街道: (一) 4.5 ÷ 10 × 50 = 22.5; (二) admitted in Q1: 2 (the 2023 one is not)
    # → 2 ÷ 3 × 30 = 20; (三) 9.5.  Total 22.5 + 20 + 9.5 = 52.
    assert scores(other) == [
        (Decimal("22.50"), "(4.5÷10)×50"),
        (Decimal("20.00"), "(2÷3)×30"),
        (Decimal("9.50"), "人工评分9.5"),
    ]
    assert other.total == Decimal("52.00")
    assert (town.rank, other.rank) == (1, 2)
