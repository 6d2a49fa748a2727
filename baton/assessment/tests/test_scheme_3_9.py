"""REAL_WORLD §3.9 — 德清县驻点招商员月度绩效比拼表 (per unit here, not per person).

- 项目 (15) and 领导 (20): 本人得分 = 本人绝对值 ÷ 本组最高绝对值 × 本项得分;
- 外资项目: 每一个签约外资项目加 20 分, 两人介绍的平分分值 — the relay split with the
  scheme's shares 信息 50% / 洽谈 50% / 落地 0;
- 驻点天数 (10): no attendance record in Baton, so a reviewer's score with a reason.
"""

import datetime as dt
from decimal import Decimal

from baton.assessment import services

from .helpers import leader_acts, project, run, scheme, scores

MARCH = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))


def test_it_scores_scheme_3_9_by_hand(w):
    s = scheme(
        w,
        "驻点招商月度绩效比拼",
        period_kind="month",
        units={w.town: "驻点", w.other_town: "驻点", w.headquarters: "驻点"},
        share_info="0.5",
        share_talks="0.5",
        share_landing="0",
    )
    services.indicator_add(
        scheme=s,
        name="项目",
        kind="group_share",
        weight="15",
        config={"metric": "admitted", "measure": "count", "credit": "holder"},
    )
    services.indicator_add(
        scheme=s,
        name="领导",
        kind="group_share",
        weight="20",
        config={"metric": "leader_acts", "measure": "count", "credit": "holder"},
    )
    services.indicator_add(
        scheme=s,
        name="外资项目",
        kind="tiers",
        weight="0",
        config={"metric": "signed", "by": "each", "points": "20"},
    )
    days = services.indicator_add(scheme=s, name="驻点天数", kind="manual", weight="10", config={})

    day = dt.date(2024, 3, 5)
    # 马巷 brought the information, 新店 pushed the talks: the signing is split.
    shared = project(w, w.town, "20000", admitted=day, landed=day, talks_unit=w.other_town)
    a2 = project(w, w.town, "3000", admitted=day)
    project(w, w.town, "4000", admitted=day)
    project(w, w.other_town, "5000", admitted=day)
    project(w, w.other_town, "6000", admitted=day)
    c1 = project(w, w.headquarters, "7000", admitted=day)
    project(w, w.headquarters, "9000", admitted=dt.date(2024, 2, 20))  # February: not counted
    leader_acts(w, shared, dt.date(2024, 3, 8), 1)
    leader_acts(w, a2, dt.date(2024, 3, 9), 1)
    leader_acts(w, c1, dt.date(2024, 3, 10), 4)
    leader_acts(w, c1, dt.date(2024, 4, 1), 3)  # April: not counted
    for unit, score, reason in (
        (w.town, "10", "驻点 21 天"),
        (w.other_town, "9", "驻点 17 天"),
        (w.headquarters, "8", "驻点 12 天"),
    ):
        services.manual_score_set(
            indicator=days,
            unit=unit,
            period_start=MARCH[0],
            period_end=MARCH[1],
            score=score,
            reason=reason,
            actor=w.office,
        )

    lines = run(s, MARCH)

    # 项目: admitted in March 马巷 3, 新店 2, 指挥部 1 → max 3: 15, 10, 5.
    # 领导: acts in March 马巷 2, 新店 0, 指挥部 4 → max 4: 10, 0, 20.
    # 外资项目: one signing, 马巷 0.5 and 新店 0.5 → 20 × 0.5 = 10 each, 指挥部 0.
    # 驻点天数: 10, 9, 8.
    # Totals: 马巷 15+10+10+10 = 45; 新店 10+0+10+9 = 29; 指挥部 5+20+0+8 = 33.
    assert scores(lines["马巷街道"]) == [
        (Decimal("15.00"), "(3÷3)×15"),
        (Decimal("10.00"), "(2÷4)×20"),
        (Decimal("10.00"), "20×0.5"),
        (Decimal("10.00"), "人工评分10"),
    ]
    assert scores(lines["新店街道"]) == [
        (Decimal("10.00"), "(2÷3)×15"),
        (Decimal("0.00"), "(0÷4)×20"),
        (Decimal("10.00"), "20×0.5"),
        (Decimal("9.00"), "人工评分9"),
    ]
    assert scores(lines["新机场片区指挥部"])[2] == (Decimal("0.00"), "0")
    totals = {name: (line.rank, line.total) for name, line in lines.items()}
    assert totals == {
        "马巷街道": (1, Decimal("45.00")),
        "新机场片区指挥部": (2, Decimal("33.00")),
        "新店街道": (3, Decimal("29.00")),
    }
