"""The demo's 考核办法: 翔安区's scheme as the district's published 考核办法 words it, and its published 1–8月 ranking.

Written through the assessment services, back-dated: the scheme published early in 2019,
the manual scores of 1–8月 entered, the ranking computed and published on 2019-09-06
from the projects' history as it stood on 2019-08-31. Deterministic (seeded).
"""

import datetime as dt
import random

from django.utils import timezone

from baton.accounts.models import User
from baton.assessment import services
from baton.assessment.models import Scheme
from baton.org.models import District, Unit

NAME = "翔安区产业招商绩效评价"
SEED = 20190906
PERIOD = (dt.date(2019, 1, 1), dt.date(2019, 8, 31))  # 2019年1-8月, against 时序目标
MAIN_INDUSTRIES = [
    "先进制造",
    "电子信息",
    "半导体与集成电路",
    "新材料",
    "新能源",
    "生物医药",
    "航空航天",
    "数字经济",
]
BIG = {"metric": "admitted", "min_amount": "10000"}
#: 时序目标 for 1–8月 by kind of unit: new 亿元 projects (个) and landed investment (亿元).
TARGETS = {
    Unit.Kind.TOWN: ("4", "4"),
    Unit.Kind.DEPARTMENT: ("2", "2"),
    Unit.Kind.HEADQUARTERS: ("3", "5"),
    Unit.Kind.GROUP: ("5", "20"),
}
CARRIER_REASONS = [
    "主导产业研究较深入，产业链招商信息提供及时有效。",
    "与载体单位协调配合较好，项目对接会按期召开。",
    "产业链招商信息数量偏少，协调推进力度有待加强。",
    "能主动研究主导产业，但招商信息有效性一般。",
]
TEAM_REASONS = [
    "工作队驻点招商积极，客商接待和跟进记录完整。",
    "按月报送在谈项目进展，项目跟踪较为扎实。",
    "外出招商次数偏少，在谈项目推进偏慢。",
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def load_assessment_demo(district: District | None = None) -> Scheme | None:
    """Create the demo scheme and its published ranking; do nothing if it is there."""
    district = district or District.objects.get(code="350213")
    if Scheme.objects.filter(district=district, name=NAME).exists():
        return None
    office = User.objects.filter(role=User.Role.DISTRICT_OFFICE, district=district).first()
    scheme = services.scheme_create(district=district, name=NAME, period_kind="month")
    units = list(Unit.objects.promotion().filter(district=district).exclude(kind=Unit.Kind.OFFICE))
    services.scheme_units_set(scheme=scheme, members={u: u.get_kind_display() for u in units})
    indicators = _indicators(scheme)
    for unit in units:
        count, funds = TARGETS[unit.kind]
        for key, value in (("count", count), ("funds", funds), ("beyond", count)):
            services.target_set(indicator=indicators[key], unit=unit, value=value)
    services.scheme_publish(scheme=scheme, actor=office, at=_at(dt.date(2019, 1, 10)))
    _manual_scores(scheme, indicators, units, office)
    ranking = services.ranking_compute(
        scheme=scheme, period_start=PERIOD[0], period_end=PERIOD[1], at=_at(dt.date(2019, 9, 5))
    )
    services.ranking_publish(ranking=ranking, actor=office, at=_at(dt.date(2019, 9, 6), 16))
    return scheme


def _indicators(scheme: Scheme) -> dict:
    add = services.indicator_add
    made = {
        "count": add(
            scheme=scheme,
            name="新引进亿元项目数量",
            kind="ratio",
            weight="30",
            cap="30",
            config=BIG,
        ),
        "funds": add(
            scheme=scheme,
            name="项目实际到位资金",
            kind="ratio",
            weight="20",
            cap="20",
            config={"metric": "landed", "measure": "amount_yi"},
        ),
    }
    add(
        scheme=scheme,
        name="产业契合度",
        kind="ratio",
        weight="20",
        config={
            "metric": "admitted",
            "industries": MAIN_INDUSTRIES,
            "over": {"metric": "admitted"},
        },
    )
    made["carrier"] = add(
        scheme=scheme,
        name="捆绑载体单位打分",
        kind="manual",
        weight="15",
        config={"combine": "weighted", "weights": {"园区": "0.7", "乡镇": "0.3"}},
    )
    made["team"] = add(
        scheme=scheme,
        name="捆绑招商工作队打分",
        kind="manual",
        weight="15",
        config={"combine": "mean"},
    )
    add(
        scheme=scheme,
        name="提请区领导走访企业",
        kind="tiers",
        weight="3",
        cap="3",
        config={"metric": "leader_acts", "by": "each", "points": "0.5", "credit": "holder"},
    )
    made["beyond"] = add(
        scheme=scheme,
        name="超目标引进亿元项目",
        kind="tiers",
        weight="6",
        cap="6",
        config={**BIG, "by": "each", "points": "2", "beyond_target": True},
    )
    add(
        scheme=scheme,
        name="引进10亿元以上重大项目",
        kind="tiers",
        weight="0",
        config={
            "metric": "admitted",
            "by": "amount",
            "tiers": [{"min": "500000", "points": "8"}, {"min": "100000", "points": "4"}],
        },
    )
    add(
        scheme=scheme,
        name="提供有效招商项目信息",
        kind="tiers",
        weight="0",
        config={"metric": "info_provided", "by": "each", "points": "0.5"},
    )
    return made


def _manual_scores(scheme, indicators, units, office) -> None:
    rng = random.Random(SEED)
    start, end = PERIOD
    for unit in units:
        for rater, low in (("园区", 9), ("乡镇", 8)):
            services.manual_score_set(
                indicator=indicators["carrier"],
                unit=unit,
                period_start=start,
                period_end=end,
                rater=rater,
                score=f"{rng.randint(low * 2, 29) / 2:.1f}",
                reason=rng.choice(CARRIER_REASONS),
                actor=office,
            )
        for team in ("一队", "二队", "三队"):
            services.manual_score_set(
                indicator=indicators["team"],
                unit=unit,
                period_start=start,
                period_end=end,
                rater=team,
                score=f"{rng.randint(20, 29) / 2:.1f}",
                reason=rng.choice(TEAM_REASONS),
                actor=office,
            )
