"""REAL_WORLD §3.2 — 产业专班招商引资绩效评价(季度), with relay credit 20/30/50.

1 新引进亿元项目数量 (30) = 个数 ÷ 时序目标 × 30 (admitted, ≥ 10000 万元);
2 实际到位资金 (20) = 到位资金 ÷ 目标 × 20 (here the 亿元 of projects landed);
3 产业契合度 (20) = 新引进产业项目 ÷ 新引进项目 × 20 (新能源/先进制造 over all admitted);
4 捆绑载体单位打分 (15): 园区 70%、乡镇 30%; 5 捆绑招商工作队打分 (15): 平均值;
6 加分项: 提请县领导走访 每个 0.5 最高 3; 超目标每个亿元项目 2 最高 6;
  10亿元以上 4 / 50亿元以上 8 (不重复); 每提供 1 个项目信息 0.5.
"""

import datetime as dt
from decimal import Decimal

from baton.assessment import services

from .helpers import Q1, leader_acts, project, run, scheme, scores

BIG = {"metric": "admitted", "min_amount": "10000"}


def rate(w, indicator, unit, score, rater=""):
    services.manual_score_set(
        indicator=indicator,
        unit=unit,
        period_start=Q1[0],
        period_end=Q1[1],
        score=score,
        reason="按评分细则打分",
        actor=w.office,
        rater=rater,
    )


def test_it_scores_scheme_3_2_by_hand(w):
    s = scheme(w, "产业专班招商引资绩效评价", units={w.town: "乡镇", w.other_town: "乡镇"})
    add = services.indicator_add
    count = add(scheme=s, name="新引进亿元项目数量", kind="ratio", weight="30", config=BIG)
    funds = add(
        scheme=s,
        name="实际到位资金",
        kind="ratio",
        weight="20",
        config={"metric": "landed", "measure": "amount_yi"},
    )
    add(
        scheme=s,
        name="产业契合度",
        kind="ratio",
        weight="20",
        config={
            "metric": "admitted",
            "industries": ["新能源", "先进制造"],
            "over": {"metric": "admitted"},
        },
    )
    carrier = add(
        scheme=s,
        name="捆绑载体单位打分",
        kind="manual",
        weight="15",
        config={"combine": "weighted", "weights": {"园区": "0.7", "乡镇": "0.3"}},
    )
    team = add(
        scheme=s, name="捆绑招商工作队打分", kind="manual", weight="15", config={"combine": "mean"}
    )
    add(
        scheme=s,
        name="提请县领导走访",
        kind="tiers",
        weight="3",
        cap="3",
        config={"metric": "leader_acts", "by": "each", "points": "0.5", "credit": "holder"},
    )
    beyond = add(
        scheme=s,
        name="超目标引进亿元项目",
        kind="tiers",
        weight="6",
        cap="6",
        config={**BIG, "by": "each", "points": "2", "beyond_target": True},
    )
    add(
        scheme=s,
        name="重大招商项目",
        kind="tiers",
        weight="0",
        config={
            "metric": "admitted",
            "by": "amount",
            "tiers": [{"min": "500000", "points": "8"}, {"min": "100000", "points": "4"}],
        },
    )
    add(
        scheme=s,
        name="提供招商项目信息",
        kind="tiers",
        weight="0",
        config={"metric": "info_provided", "by": "each", "points": "0.5"},
    )
    for indicator, town, other in ((count, "3", "2"), (funds, "10", "5"), (beyond, "3", "1")):
        services.target_set(indicator=indicator, unit=w.town, value=town)
        services.target_set(indicator=indicator, unit=w.other_town, value=other)

    jan, feb = dt.date(2024, 1, 10), dt.date(2024, 2, 10)
    a1 = project(w, w.town, "120000", admitted=jan, landed=feb, industry="新能源")
    project(w, w.town, "20000", admitted=jan, landed=feb, industry="先进制造")
    project(w, w.town, "15000", admitted=jan, industry="商贸服务")
    project(w, w.town, "600000", admitted=jan, industry="新能源")
    project(w, w.town, "3000", admitted=jan, industry="新能源")
    # 新店's project on 马巷's information: 马巷 earns the 20% information share.
    project(w, w.other_town, "8000", admitted=jan, info_unit=w.town)
    project(w, w.other_town, "50000", admitted=jan, landed=feb, industry="先进制造")
    leader_acts(w, a1, dt.date(2024, 3, 1), 7)
    rate(w, carrier, w.town, "12", "园区")
    rate(w, carrier, w.town, "10", "乡镇")
    rate(w, carrier, w.other_town, "10", "园区")
    for score, rater in (("13", "一队"), ("14", "二队"), ("12", "三队")):
        rate(w, team, w.town, score, rater)

    lines = run(s, Q1)

    # 马巷街道 (the 8000 project credits it 0.2 wherever relay credit applies):
    # 1 亿元 projects 120000, 20000, 15000, 600000 = 4 → (4÷3)×30 = 40
    # 2 landed 12 + 2 = 14亿 → (14÷10)×20 = 28
    # 3 industrial 4 (120000, 20000, 600000, 3000) over admitted 5 + 0.2 = 5.2
    #   → (4÷5.2)×20 = 15.384615… → 15.38
    # 4 12×70% + 10×30% = 11.4; 5 (13+12+14)÷3 = 13 (raters in name order: 一队 三队 二队)
    # 6 7 acts × 0.5 = 3.5 → capped 3; beyond: 2×(4−3) = 2; 60亿 → 8, 12亿 → 4 = 12;
    #   information: its 5 projects and 新店's one = 6 × 0.5 = 3.
    # Total 40+28+15.384615…+11.4+13+3+2+12+3 = 127.784615… → 127.78
    assert scores(lines["马巷街道"]) == [
        (Decimal("40.00"), "(4÷3)×30"),
        (Decimal("28.00"), "(14÷10)×20"),
        (Decimal("15.38"), "(4÷5.2)×20"),
        (Decimal("11.40"), "12×70%+10×30%"),
        (Decimal("13.00"), "(13+12+14)÷3"),
        (Decimal("3.00"), "0.5×7，封顶3"),
        (Decimal("2.00"), "2×(4−3)"),
        (Decimal("12.00"), "8×1+4×1"),
        (Decimal("3.00"), "0.5×6"),
    ]
    assert lines["马巷街道"].total == Decimal("127.78")

    # 新店街道: 1 only the 50000 project is ≥ 1亿 → (1÷2)×30 = 15
    # 2 landed 5亿 → (5÷5)×20 = 20
    # 3 industrial 1 over admitted 0.8 + 1 = 1.8 → (1÷1.8)×20 = 11.111… → 11.11
    # 4 园区 10 × 70%, 乡镇 not yet scored → 7; 5 not scored → 0
    # 6 none; beyond 1 − 1 = 0; no 10亿 project; information: the 50000 project → 0.5
    # Total 15 + 20 + 11.111… + 7 + 0.5 = 53.6111… → 53.61
    assert scores(lines["新店街道"]) == [
        (Decimal("15.00"), "(1÷2)×30"),
        (Decimal("20.00"), "(5÷5)×20"),
        (Decimal("11.11"), "(1÷1.8)×20"),
        (Decimal("7.00"), "10×70%+0×30%"),
        (Decimal("0.00"), "未评分"),
        (Decimal("0.00"), "0"),
        (Decimal("0.00"), "0"),
        (Decimal("0.00"), "0"),
        (Decimal("0.50"), "0.5×1"),
    ]
    assert lines["新店街道"].total == Decimal("53.61")
