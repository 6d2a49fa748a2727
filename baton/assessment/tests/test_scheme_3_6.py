"""REAL_WORLD §3.6 — 延安 2017年1-5月 重点项目建设考核: points per project.

1 开工数量: 每新开 1 个项目加 5 分; 2 规模: 10亿以上 20、5-10亿 10、1-5亿 6、亿元以下 3;
3 类型: 产业 15、民生 8、功能 6 (here by industry: 先进制造 / 教育医疗 / 城市建设);
6 投产加 20 分. Plus a deduction the engine offers (not in 3.6): 签约 90 天后仍未开工,
每个扣 6 分, 最多扣 10 分. Scored on the projects that started in the period.
"""

import datetime as dt
from decimal import Decimal

from baton.assessment import services

from .helpers import project, run, scheme, scores

JAN_MAY = (dt.date(2024, 1, 1), dt.date(2024, 5, 31))
STARTED = {"metric": "started", "credit": "holder"}


def test_it_scores_scheme_3_6_by_hand(w):
    s = scheme(w, "重点项目建设考核", units={w.town: "", w.headquarters: ""}, period_kind="month")
    add = services.indicator_add
    add(
        scheme=s,
        name="开工数量",
        kind="tiers",
        weight="0",
        config={**STARTED, "by": "each", "points": "5"},
    )
    add(
        scheme=s,
        name="规模",
        kind="tiers",
        weight="0",
        config={
            **STARTED,
            "by": "amount",
            "tiers": [
                {"min": "100000", "points": "20"},
                {"min": "50000", "points": "10"},
                {"min": "10000", "points": "6"},
                {"min": "0", "points": "3"},
            ],
        },
    )
    add(
        scheme=s,
        name="类型",
        kind="tiers",
        weight="0",
        config={
            **STARTED,
            "by": "industry",
            "points": {"先进制造": "15", "教育医疗": "8", "城市建设": "6"},
            "default": "0",
        },
    )
    add(
        scheme=s,
        name="投产",
        kind="tiers",
        weight="0",
        config={"metric": "in_production", "credit": "holder", "by": "each", "points": "20"},
    )
    add(
        scheme=s,
        name="逾期未开工",
        kind="deduction",
        weight="0",
        floor="-10",
        config={"metric": "not_started", "days": 90, "per": "6"},
    )
    d = dt.date
    # 马巷街道
    project(w, w.town, "150000", admitted=d(2024, 1, 5), landed=d(2024, 1, 10),
            started=d(2024, 2, 1), in_production=d(2024, 5, 20), industry="先进制造")  # fmt: skip
    project(w, w.town, "8000", admitted=d(2024, 2, 1), landed=d(2024, 2, 5),
            started=d(2024, 3, 1), industry="教育医疗")  # fmt: skip
    project(w, w.town, "30000", admitted=d(2023, 9, 1), landed=d(2023, 10, 1))
    # 新机场片区指挥部
    hq = w.headquarters
    project(w, hq, "60000", admitted=d(2024, 2, 1), landed=d(2024, 3, 1),
            started=d(2024, 4, 1), industry="城市建设")  # fmt: skip
    project(w, hq, "20000", admitted=d(2024, 1, 2), landed=d(2024, 1, 15),
            started=d(2024, 5, 10), industry="先进制造")  # fmt: skip
    project(w, hq, "5000", admitted=d(2023, 10, 1), landed=d(2023, 11, 1))
    project(w, hq, "6000", admitted=d(2023, 11, 1), landed=d(2023, 12, 1))
    project(w, hq, "7000", admitted=d(2024, 4, 1), landed=d(2024, 4, 20))  # within 90 days

    lines = run(s, JAN_MAY)

    # Overdue: signed on or before 05-31 − 90 days = 2024-03-02 and not started by 05-31.
    # 马巷街道: started 2 → 5×2 = 10; 规模 150000 → 20, 8000 → 3 = 23; 类型 15 + 8 = 23;
    #   投产 1 → 20; overdue 1 (signed 2023-10-01) → −6×1 = −6.  Total 70.
    assert scores(lines["马巷街道"]) == [
        (Decimal("10.00"), "5×2"),
        (Decimal("23.00"), "20×1+3×1"),
        (Decimal("23.00"), "15×1+8×1"),
        (Decimal("20.00"), "20×1"),
        (Decimal("-6.00"), "−6×1"),
    ]
    assert lines["马巷街道"].total == Decimal("70.00")
    # 指挥部: started 2 → 10; 规模 60000 → 10, 20000 → 6 = 16; 类型 6 + 15 = 21; 投产 0;
    #   overdue 2 (2023-11-01, 2023-12-01; 2024-04-20 is within 90 days) → −12 → floor −10.
    #   Total 10 + 16 + 21 + 0 − 10 = 37.
    assert scores(lines["新机场片区指挥部"]) == [
        (Decimal("10.00"), "5×2"),
        (Decimal("16.00"), "10×1+6×1"),
        (Decimal("21.00"), "15×1+6×1"),
        (Decimal("0.00"), "0"),
        (Decimal("-10.00"), "−6×2，保底-10"),
    ]
    assert lines["新机场片区指挥部"].total == Decimal("37.00")
