"""REAL_WORLD §3.5 — 高安市 2021年度: 功效系数法.

Each indicator: the largest value scores 100, the smallest 60, others
(值 − 最小值) ÷ (最大值 − 最小值) × 40 + 60; × the indicator's points ÷ 100.
1. 实际利用外资 (30) — here the 万元 of projects landed in the period, all units compared;
3. 新签约亿元以上项目 (10) — signed projects of ≥ 1亿, compared within 园区 and 乡镇 apart.
"""

import datetime as dt
from decimal import Decimal

from baton.assessment import services

from .helpers import Q1, project, run, scheme, scores


def test_it_scores_scheme_3_5_by_hand(w):
    s = scheme(
        w,
        "2024年度乡镇街道园区招商考核",
        period_kind="year",
        units={w.town: "乡镇", w.other_town: "乡镇", w.headquarters: "园区", w.department: "园区"},
    )
    services.indicator_add(
        scheme=s,
        name="实际利用外资",
        kind="efficacy",
        weight="30",
        config={"metric": "landed", "measure": "amount"},
    )
    services.indicator_add(
        scheme=s,
        name="新签约亿元以上项目",
        kind="efficacy",
        weight="10",
        config={"metric": "signed", "measure": "count", "min_amount": "10000", "scope": "group"},
    )
    day = dt.date(2024, 2, 1)
    project(w, w.town, "30000", admitted=day, landed=day)
    project(w, w.town, "5000", admitted=day, landed=day)
    project(w, w.other_town, "12000", admitted=day, landed=day)
    project(w, w.headquarters, "50000", admitted=day, landed=day)
    project(w, w.headquarters, "20000", admitted=day, landed=day)
    project(w, w.department, "8000", admitted=day)  # admitted, never landed

    lines = run(s, Q1)

    # 1. landed 万元: 马巷 35000, 新店 12000, 指挥部 70000, 工信局 0 → min 0, max 70000.
    #    马巷 35000÷70000×40+60 = 80 → ×30÷100 = 24
    #    新店 12000÷70000×40+60 = 66.857142857… → ×0.3 = 20.0571428… → 20.06
    #    指挥部 100 → 30; 工信局 60 → 18
    # 3. signed ≥ 1亿: 乡镇 {马巷 1 (30000), 新店 1 (12000)} all equal → 100 → 10 each;
    #    园区 {指挥部 2, 工信局 0} → 100 → 10 and 60 → 6.
    # Totals: 马巷 34, 新店 30.0571… → 30.06, 指挥部 40, 工信局 24.
    assert scores(lines["马巷街道"]) == [
        (Decimal("24.00"), "[(35000−0)÷(70000−0)×40+60]×30÷100"),
        (Decimal("10.00"), "100×10÷100"),
    ]
    assert scores(lines["新店街道"])[0] == (
        Decimal("20.06"),
        "[(12000−0)÷(70000−0)×40+60]×30÷100",
    )
    assert scores(lines["区工信局"]) == [
        (Decimal("18.00"), "[(0−0)÷(70000−0)×40+60]×30÷100"),
        (Decimal("6.00"), "[(0−0)÷(2−0)×40+60]×10÷100"),
    ]
    totals = {name: (line.rank, line.total) for name, line in lines.items()}
    assert totals == {
        "新机场片区指挥部": (1, Decimal("40.00")),
        "马巷街道": (2, Decimal("34.00")),
        "新店街道": (3, Decimal("30.06")),
        "区工信局": (4, Decimal("24.00")),
    }
