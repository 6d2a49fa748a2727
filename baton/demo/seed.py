"""The demo: 厦门市 with its six districts, and 翔安区's project library since 2018.

Everything is written through the services with back-dated times, so the history is
the same kind of history users make. The data are deterministic and chosen so that the
library as of 2019-08-31 is the one the 2019-09-08 厦门日报 report describes:

    119 projects, 1126.106 亿元; 策划 8 / 118.15; 意向 6 / 42.22; 在谈 70 / 409.88;
    落地 35 / 555.85.

Around those 119 are projects that must not count on that date — drafts, returned,
submitted but not yet admitted, admitted later, stopped (中止) — and projects that
moved on after it, so the figure proves the counting rules. From 2020 on the library
goes on living up to the day the demo is loaded (``living``).
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from baton.org.models import Unit
from baton.projects import services
from baton.projects.models import Industry, Milestone, Project, Stage

from .activities import load_activities
from .assessment import load_assessment_demo
from .builder import Builder, ladder_path, moment, run_steps
from .chains import load_chains
from .companies import load_companies
from .intermediaries import load_intermediaries
from .land import load_land
from .leads import load_leads
from .living import load_living
from .meetings import load_meetings
from .names import PRODUCTS, Names, dates_between, split_amount
from .org import XIANGAN, seed_org, unit_actors
from .outcomes import load_outcomes
from .people import demo_accounts
from .policies import load_policies
from .supervision import load_supervision
from .visits import load_visits

SEED = 20190908
CUTOFF = dt.date(2019, 8, 31)

#: Stage → (count, total 万元) of 翔安区's library as of 2019-08-31.
TARGETS = {
    "planning": (8, 1_181_520),
    "intent": (6, 422_210),
    "negotiating": (70, 4_098_810),
    "landed": (35, 5_558_520),
}


@dataclass
class DemoResult:
    created: bool
    projects: int
    accounts: list[tuple[str, str, str, str]] = field(default_factory=list)


def _counted_history(b: Builder, project, investor, final_code, amount, created, after):
    """The history of a project in the library on CUTOFF at ``final_code`` with ``amount``."""
    rng, stages = b.rng, b.stages
    path = ladder_path(stages, project.stage.code, final_code)
    handoff_to = None
    town_held = project.unit.kind == Unit.Kind.TOWN
    if final_code in ("negotiating", "landed") and town_held and rng.random() < 0.45:
        handoff_to = rng.choice([*b.org["units"]["headquarters"], b.org["group"]])
    steps = ["submit", "approve", "admit"]
    steps += ["amount"] if project.investment != amount else []
    for stage in path:
        steps.append(("move", stage))
        if stage.code == "negotiating" and handoff_to:
            steps.append(("handoff", handoff_to, "talks"))
    if final_code == "landed":
        steps += [("milestone", Milestone.Kind.REGISTERED)]
        if rng.random() < 0.55:
            steps += [("milestone", Milestone.Kind.LAND_SUPPLIED)]
            steps += [("milestone", Milestone.Kind.STARTED)] if rng.random() < 0.8 else []
    steps += ["note"] * rng.randint(0, 2)
    days = dates_between(rng, created, CUTOFF - dt.timedelta(days=1), len(steps))
    run_steps(b, project, investor, steps, days, amount)
    run_steps(
        b,
        project,
        investor,
        after,
        dates_between(rng, dt.date(2019, 9, 2), dt.date(2019, 12, 20), len(after)),
        None,
    )


@transaction.atomic
def load_demo(today: dt.date | None = None) -> DemoResult:
    """Load the demo city and 翔安区's history up to the day before ``today`` (by default
    the real today); do nothing if it is there already."""
    org = seed_org()
    if Project.objects.filter(district=org["xa"]).exists():
        return DemoResult(created=False, projects=Project.objects.count())
    demo_accounts(reset_passwords=False)
    actors = unit_actors(org)
    rng = random.Random(SEED)
    stages = {s.code: s for s in Stage.objects.all()}
    industries = {i.name: i for i in Industry.objects.all()}
    b = Builder(rng, org, actors, stages)
    names = Names(rng)
    units = org["units"]
    holders = {
        "planning": units["town"] + units["department"] + [org["group"]],
        "intent": units["town"] + units["department"] + [org["group"]],
        "negotiating": units["town"] * 3
        + units["department"]
        + units["headquarters"] * 2
        + [org["group"]] * 2,
        "landed": units["town"] * 2
        + units["headquarters"] * 2
        + [org["group"]] * 2
        + units["department"],
    }

    plans = []
    for final_code, (count, total) in TARGETS.items():
        for amount in split_amount(rng, total, count):
            industry = rng.choice(list(PRODUCTS))
            start = "planning" if final_code == "planning" or rng.random() < 0.5 else "intent"
            if start == "intent" and final_code == "intent":
                start = rng.choice(["planning", "intent"])
            latest = dt.date(2019, 6, 30) if final_code != "planning" else dt.date(2019, 7, 20)
            created = dt.date(2018, 1, 8) + dt.timedelta(
                days=rng.randrange((latest - dt.date(2018, 1, 8)).days)
            )
            plans.append((created, final_code, amount, industry, start))
    plans.sort(key=lambda p: p[0])

    late_moves = {"negotiating": 6, "planning": 2, "intent": 2}
    stop_after = 1
    for created, final_code, amount, industry, start in plans:
        name, investor = names.next(industry)
        unit = rng.choice(holders[final_code])
        initial = (
            amount
            if rng.random() < 0.6
            else (amount * Decimal(rng.choice(["0.8", "1.25"]))).quantize(Decimal(10))
        )
        leader = rng.choice(org["leaders"]) if amount >= 100_000 else None
        project = b.create(
            unit=unit,
            name=name,
            investor=investor,
            industry=industries[industry],
            amount=initial,
            stage=stages[start],
            day=created,
            leader=leader,
        )
        after: list = []
        if late_moves.get(final_code):
            late_moves[final_code] -= 1
            nxt = ladder_path(stages, final_code, "landed")[0]
            after = [("move", nxt), "note"]
            if nxt.code == "landed":
                after.append(("milestone", Milestone.Kind.REGISTERED))
        elif final_code == "negotiating" and stop_after:
            stop_after -= 1
            after = [("move", stages["stopped"], "投资方战略调整，暂停在厦投资计划")]
        elif rng.random() < 0.1:
            after = [("amount", (amount * Decimal("1.1")).quantize(Decimal(10)))]
        _counted_history(b, project, investor, final_code, amount, created, after)

    _extras(b, names, industries, stages, holders)
    _other_districts(b, names, industries, stages, org)
    load_supervision(b, org)
    load_assessment_demo(org["xa"])
    load_land(org["xa"])
    load_living(b, org, names, industries, today or timezone.localdate())
    load_companies(org["xa"])
    load_chains(org["xa"])
    load_leads(org["xa"], today)
    load_visits(org["xa"], today)
    load_policies()
    load_intermediaries(org["xa"], today or timezone.localdate())
    load_activities(org["xa"], today)
    load_outcomes(org["xa"], today or timezone.localdate())
    load_meetings(org["xa"], today)
    return DemoResult(created=True, projects=Project.objects.count())


def _extras(b, names, industries, stages, holders):
    """Projects of 翔安区 that must not count in the figures for CUTOFF."""
    rng = b.rng

    def new(final_start, day, unit=None, industry=None):
        industry = industry or rng.choice(list(PRODUCTS))
        name, investor = names.next(industry)
        unit = unit or rng.choice(holders["intent"])
        project = b.create(
            unit=unit,
            name=name,
            investor=investor,
            industry=industries[industry],
            amount=Decimal(rng.choice([8000, 15000, 30000, 52000, 120000])),
            stage=stages[final_start],
            day=day,
        )
        return project, investor

    # Drafts, still being written up.
    for day in (dt.date(2019, 8, 12), dt.date(2019, 8, 26), dt.date(2019, 11, 18)):
        new("planning", day)
    # Returned by the district office, waiting to be completed.
    for day in (dt.date(2019, 7, 3), dt.date(2019, 8, 5)):
        project, inv = new("intent", day)
        run_steps(
            b,
            project,
            inv,
            ["submit", "return"],
            [day + dt.timedelta(2), day + dt.timedelta(6)],
            None,
        )
    # Submitted before the cutoff, still under review on it.
    project, inv = new("intent", dt.date(2019, 8, 20))
    run_steps(b, project, inv, ["submit"], [dt.date(2019, 8, 22)], None)
    project, inv = new("planning", dt.date(2019, 8, 14))
    run_steps(
        b, project, inv, ["submit", "approve"], [dt.date(2019, 8, 16), dt.date(2019, 8, 27)], None
    )
    # Admitted only after the cutoff, though talks began long before.
    for day in (dt.date(2019, 5, 6), dt.date(2019, 7, 22), dt.date(2019, 8, 19)):
        project, inv = new("intent", day)
        steps = [("move", stages["negotiating"]), "submit", "approve", "admit"]
        days = [
            day + dt.timedelta(9),
            dt.date(2019, 8, 29),
            dt.date(2019, 9, 4),
            dt.date(2019, 9, 12),
        ]
        run_steps(b, project, inv, steps, days, None)
    # Admitted and then stopped (中止) before the cutoff.
    for day, reason in (
        (dt.date(2018, 6, 11), "投资方资金链紧张，项目中止"),
        (dt.date(2018, 11, 2), "选址不符合国土空间规划，项目中止"),
        (dt.date(2019, 2, 25), "投资方转投其他城市"),
    ):
        project, inv = new("intent", day)
        steps = [
            "submit",
            "approve",
            "admit",
            ("move", stages["negotiating"]),
            ("move", stages["stopped"], reason),
        ]
        run_steps(
            b, project, inv, steps, dates_between(rng, day, dt.date(2019, 8, 20), len(steps)), None
        )
    # Possibly the same project as one already admitted, reported by another town.
    landed = (
        Project.objects.filter(
            district__code=XIANGAN, stage__code="negotiating", review_state="admitted"
        )
        .order_by("code")
        .first()
    )
    other_town = Unit.objects.get(district__code=XIANGAN, name="新店街道")
    if landed is not None and landed.unit_id != other_town.pk:
        dup = services.project_create(
            actor=b.actors[other_town.pk],
            district=landed.district,
            unit=other_town,
            name=landed.name.replace("项目", "（一期）项目"),
            investor=landed.investor,
            investment=landed.investment,
            industry=landed.industry,
            stage=stages["intent"],
            at=moment(dt.date(2019, 11, 25), 9),
        )
        b.submit(dup, dt.date(2019, 11, 26))


def _other_districts(b, names, industries, stages, org):
    """A small library for each other district, so the city's figures are the sum."""
    rng = b.rng
    for _code, (_district, district_units) in sorted(org["others"].items()):
        for _ in range(rng.randint(6, 12)):
            industry = rng.choice(list(PRODUCTS))
            name, investor = names.next(industry)
            unit = rng.choice(district_units)
            created = dt.date(2018, 3, 1) + dt.timedelta(days=rng.randrange(480))
            final = rng.choice(["planning", "intent", "negotiating", "negotiating", "landed"])
            amount = Decimal(rng.choice([5000, 12000, 26000, 48000, 90000, 150000, 300000]))
            project = b.create(
                unit=unit,
                name=name,
                investor=investor,
                industry=industries[industry],
                amount=amount,
                stage=stages["planning"],
                day=created,
            )
            steps = ["submit", "approve", "admit"]
            steps += [("move", s) for s in ladder_path(stages, "planning", final)]
            end = min(created + dt.timedelta(days=300), dt.date(2019, 12, 20))
            run_steps(
                b, project, investor, steps, dates_between(rng, created, end, len(steps)), None
            )
