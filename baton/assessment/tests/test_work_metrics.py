"""The relay's everyday work as facts (REAL_WORLD §3.9, 德清: 外出拜访 10 and 来访接待 10,
each 本人绝对值 ÷ 本组最高绝对值 × 本项得分): trips and receptions counted per unit from the
records, as recorded by the period's end."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from baton.assessment import services
from baton.testing import at
from baton.visits import services as visits
from baton.visits.tests.helpers import people, two_companies

from .helpers import run, scheme, scores

MARCH = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))


def trip(w, actor, members, day):
    return visits.trip_create(
        actor=actor,
        title="赴深圳拜访新能源企业",
        start=day,
        end=day + dt.timedelta(days=1),
        destinations="深圳",
        members=members,
        leaders=[],
        companies=[w.catl],
        at=at(day.year, day.month, day.day + 2),
    )


def reception(w, actor, day):
    return visits.reception_create(
        actor=actor,
        date=day,
        visitors="客商一行",
        companies=[w.byd],
        at=at(day.year, day.month, day.day),
    )


def test_trips_and_receptions_score_against_the_groups_best(w):
    two_companies(people(w))
    s = scheme(
        w, "驻点招商月度比拼", period_kind="month", units={w.town: "驻点", w.other_town: "驻点"}
    )
    for name, metric in (("外出拜访", "trips"), ("来访接待", "receptions")):
        services.indicator_add(
            scheme=s,
            name=name,
            kind="group_share",
            weight="10",
            config={"metric": metric, "measure": "count"},
        )
    trip(w, w.promoter, [w.zhang], dt.date(2024, 3, 4))
    trip(w, w.promoter, [w.li], dt.date(2024, 3, 11))
    trip(w, w.other_promoter, [w.wang], dt.date(2024, 3, 18))
    trip(w, w.promoter, [w.zhang], dt.date(2024, 4, 2))  # April: not in March
    reception(w, w.promoter, dt.date(2024, 3, 6))
    reception(w, w.other_promoter, dt.date(2024, 3, 7))
    reception(w, w.other_promoter, dt.date(2024, 3, 20))

    lines = run(s, MARCH)

    assert [score for score, _ in scores(lines["马巷街道"])] == [Decimal("10.00"), Decimal("5.00")]
    assert [score for score, _ in scores(lines["新店街道"])] == [Decimal("5.00"), Decimal("10.00")]


@pytest.mark.parametrize(
    ("kind", "config", "message"),
    [
        ("ratio", {"metric": "trips", "measure": "amount"}, "只能按个数计量"),
        (
            "tiers",
            {"metric": "receptions", "by": "amount", "tiers": [{"min": "0", "points": "1"}]},
            "只能按个数",
        ),
        (
            "deduction",
            {"metric": "leads_reported", "per": "1", "min_amount": "100"},
            "不能按金额或行业筛选",
        ),
    ],
)
def test_a_work_metric_is_counted_only(w, kind, config, message):
    s = scheme(w, "比拼", units={w.town: "驻点"})
    with pytest.raises(ValidationError, match=message):
        services.indicator_add(scheme=s, name="指标", kind=kind, weight="10", config=config)
