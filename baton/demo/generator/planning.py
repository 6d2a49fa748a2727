"""Each generated project's history planned as the steps a user would take, in time."""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from baton.org.models import City
from baton.projects.models import Industry, Milestone, Stage

from ..fields import ledger_fields
from .names import (
    BACK_REASON,
    BRAND_FIRST,
    BRAND_SECOND,
    COMPANY_FORMS,
    CONTACTS,
    INVESTOR_CITIES,
    NOTES,
    PRODUCT_LIST,
    PRODUCTS,
    RETURN_REASONS,
    SOURCES,
    STOP_REASONS,
)
from .org import DistrictInfo, Org

UTC = dt.UTC
#: Histories run from START to END (UTC); nothing is generated after END.
START = dt.datetime(2018, 1, 1, tzinfo=UTC)
END = dt.datetime(2025, 12, 31, 8, tzinfo=UTC)
END_MINUTE = int((END - START).total_seconds() // 60)
LOCAL_OFFSET = 8 * 60  # Asia/Shanghai has no daylight saving time


@dataclass
class Step:
    minute: int
    kind: str  # submit approve admit return move handoff amount milestone note
    arg: object = None
    reason: str = ""


@dataclass
class Plan:
    district: DistrictInfo
    unit: int
    name: str
    investor: str  # as created ('' until the project needs one)
    full_investor: str  # given when a stage requires it
    industry: int
    leader: int | None
    yuan: int
    stage: str
    created: int
    info_source: str
    land_area_mu: int | None
    contact_name: str
    contact_phone: str
    steps: list[Step]
    ledger: dict = field(default_factory=dict)  # the fields real ledgers keep (demo.fields)


_TIME_OF_DAY = [h * 60 + m for h in range(0, 11) for m in (0, 7, 15, 23, 30, 41, 45, 52)]


def _later(rng: random.Random, minute: int, lo: float, hi: float) -> int:
    """Return a working-hours minute ``lo``–``hi`` days after ``minute``."""
    day = (minute + LOCAL_OFFSET) // 1440 + max(0, int(rng.uniform(lo, hi)))
    candidate = day * 1440 - LOCAL_OFFSET + rng.choice(_TIME_OF_DAY)
    return candidate if candidate > minute else minute + rng.randint(5, 90)


def _amount(rng: random.Random) -> int:
    """Return an amount in 元 with a long tail: median about 1 亿元, a few above 100 亿元."""
    wan = min(5_000_000, max(50, rng.lognormvariate(9.1, 1.35)))
    if wan >= 10_000:
        wan = round(wan / 100) * 100
    elif wan >= 1_000:
        wan = round(wan / 10) * 10
    else:
        wan = round(wan)
    yuan = int(wan) * 10_000
    if rng.random() < 0.05:
        yuan += 5_000  # half a 万元: amounts are not always whole
    return yuan


def plan_district(
    info: DistrictInfo,
    seed: int,
    stages: dict[str, int],
    industries: dict[str, int],
    pairs: Iterator[tuple[int, int]],
) -> list[Plan]:
    """Plan the histories of one district's projects, in creation order."""
    rng = random.Random(f"baton-district/{seed}/{info.code}")
    units = info.units
    holders = (
        units.get("town", []) * 4
        + units.get("department", []) * 2
        + units.get("headquarters", []) * 3
        + units.get("group", []) * 3
        + units.get("office", [])
    )
    relay = units.get("headquarters", []) + units.get("group", [])
    plans = []
    span = END_MINUTE - 60 * 1440
    for _ in range(info.projects):
        # More projects in later years: the library grows.
        created = int(span * rng.random() ** 0.8)
        created = _later(rng, created, 0, 0)
        brand_i, product_i = next(pairs)
        brand = (
            BRAND_FIRST[brand_i // len(BRAND_SECOND)] + BRAND_SECOND[brand_i % len(BRAND_SECOND)]
        )
        industry, product = PRODUCT_LIST[product_i]
        full_investor = f"{rng.choice(INVESTOR_CITIES)}{brand}{product}{rng.choice(COMPANY_FORMS)}"
        start = "planning" if rng.random() < 0.7 else "intent"
        yuan = _amount(rng)
        plan = Plan(
            district=info,
            unit=rng.choice(holders),
            name=f"{brand}{product}项目",
            investor=full_investor if start == "intent" and rng.random() < 0.5 else "",
            full_investor=full_investor,
            industry=industries[industry],
            leader=rng.choice(info.leaders) if yuan >= 500_000_000 else None,
            yuan=yuan,
            stage=start,
            created=created,
            info_source=rng.choice(SOURCES),
            land_area_mu=rng.choice([None, None, 30, 50, 80, 120, 200, 350]),
            contact_name=rng.choice(CONTACTS),
            contact_phone=f"1{rng.choice('35789')}{rng.randrange(10**8, 10**9)}",
            steps=[],
        )
        _plan_steps(rng, plan, relay)
        plan.ledger = ledger_fields(
            plan.name,
            Decimal(yuan).scaleb(-4),
            (START + dt.timedelta(minutes=created)).date(),
            investor=bool(plan.investor),
            land=plan.land_area_mu is not None,
        )
        plans.append(plan)
    plans.sort(key=lambda p: p.created)
    return plans


def _plan_steps(rng: random.Random, plan: Plan, relay: list[int]) -> None:
    steps = plan.steps
    t = plan.created
    holder = plan.unit

    def add(kind, lo, hi, arg=None, reason=""):
        nonlocal t
        t = _later(rng, t, lo, hi)
        steps.append(Step(t, kind, arg, reason))

    def notes(k):
        for _ in range(k):
            add("note", 3, 60, rng.choice(NOTES))

    review = rng.random()
    if review < 0.06:  # a draft, still being written up
        notes(rng.randint(0, 2))
        _truncate(plan)
        return
    add("submit", 1, 45)
    if review < 0.13:  # returned; half of them come back and are admitted
        if plan.district.review_levels == 2 and rng.random() < 0.5:
            add("approve", 1, 15)
        add("return", 1, 20, reason=rng.choice(RETURN_REASONS))
        if review < 0.095:
            notes(rng.randint(0, 1))
            _truncate(plan)
            return
        add("submit", 5, 60)
    if review > 0.97:  # still under review
        if plan.district.review_levels == 2 and rng.random() < 0.5:
            add("approve", 1, 15)
        _truncate(plan)
        return
    if plan.district.review_levels == 2:
        add("approve", 1, 15)
    add("admit", 1, 20)
    fate = rng.random()
    ladder = ["planning", "intent", "negotiating", "landed"]
    goal = 0 if fate < 0.30 else 1 if fate < 0.58 else 2 if fate < 0.80 else 3
    stage = ladder.index(plan.stage)
    if rng.random() < 0.2:
        factor = rng.choice([0.6, 0.8, 1.2, 1.5, 2.0])
        amount = max(100_000, round(plan.yuan * factor / 100_000) * 100_000)
        if amount != plan.yuan:
            add("amount", 10, 200, amount, "投资方调整投资计划")
    notes(rng.randint(0, 1))
    while stage < goal:
        stage = min(goal, stage + (2 if rng.random() < 0.15 else 1))
        add("move", 20, 300, ladder[stage])
        if ladder[stage] == "negotiating":
            notes(rng.randint(0, 1))
            if relay and rng.random() < 0.25:
                holder = _handoff(rng, add, relay, holder, "talks")
        if stage == 2 and goal == 2 and rng.random() < 0.04:
            add("move", 30, 200, "intent", BACK_REASON)
            stage = 1
            break
    if ladder[stage] == "landed":
        if relay and rng.random() < 0.15:
            holder = _handoff(rng, add, relay, holder, "landing")
        for kind, p, lo, hi in (
            (Milestone.Kind.REGISTERED, 0.8, 10, 90),
            (Milestone.Kind.LAND_SUPPLIED, 0.6, 30, 200),
            (Milestone.Kind.STARTED, 0.8, 30, 200),
            (Milestone.Kind.IN_PRODUCTION, 0.6, 100, 500),
            (Milestone.Kind.AT_CAPACITY, 0.5, 100, 500),
        ):
            if rng.random() >= p:
                break
            add("milestone", lo, hi, kind)
    if rng.random() < 0.045:
        add("move", 30, 400, "stopped", rng.choice(STOP_REASONS))
    notes(rng.choice([0, 0, 0, 1, 1]))
    _truncate(plan)


def _handoff(rng: random.Random, add, relay: list[int], holder: int, role: str) -> int:
    to_unit = rng.choice(relay)
    if to_unit == holder:
        return holder
    add("handoff", 3, 60, (to_unit, role))
    return to_unit


def _truncate(plan: Plan) -> None:
    """Drop the steps that would fall after END: recent projects have not got far yet."""
    steps = plan.steps
    while steps and steps[-1].minute > END_MINUTE:
        steps.pop()


def _pairs(seed: int, city_code: str, need: int) -> Iterator[tuple[int, int]]:
    """Yield distinct (brand, product) index pairs for one city."""
    rng = random.Random(f"baton-names/{seed}/{city_code}")
    brands = len(BRAND_FIRST) * len(BRAND_SECOND)
    total = brands * len(PRODUCT_LIST)
    if need > total:
        raise ValueError(f"a city can hold at most {total} generated projects")
    for k in rng.sample(range(total), need):
        yield divmod(k, len(PRODUCT_LIST))


def plans(org: Org, seed: int) -> Iterator[Plan]:
    """Yield every district's plans, district by district, in creation order within each."""
    stages = dict(Stage.objects.values_list("code", "pk"))
    industries = dict(Industry.objects.values_list("name", "pk"))
    missing = set(PRODUCTS) - set(industries)
    if missing or not {"planning", "intent", "negotiating", "landed", "stopped"} <= set(stages):
        raise ValueError("生成数据需要默认的阶段和行业（见 projects 迁移 0002）。")
    by_city: dict[int, list[DistrictInfo]] = defaultdict(list)
    for info in org.districts:
        by_city[info.city_id].append(info)
    codes = dict(City.objects.filter(pk__in=by_city).values_list("pk", "code"))
    for city_id in sorted(by_city, key=codes.get):
        infos = by_city[city_id]
        pairs = _pairs(seed, codes[city_id], sum(i.projects for i in infos))
        for info in infos:
            yield from plan_district(info, seed, stages, industries, pairs)
