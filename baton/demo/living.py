"""The demo district's life after the seed: 2020 up to the day ``baton demo`` runs.

The seed stops late in 2019. From January 2020 on, 翔安区's library goes on living: every
month new projects are reported, reviewed (a few sent back first) and admitted; projects
move on through the stages after plausible stays, are handed on to a headquarters or the
group when talks begin, sign, and record their milestones; obstacles are reported and
resolved or get a 督办; now and then a project stops. The last weeks before the run hold
work in progress — reports waiting for review, a handoff waiting for its receiver, an
open obstacle under 督办, fresh notes — so the 工作台, the cockpit and the monthly trend
show life on first login. A project that goes nowhere for a year or two is mostly
stopped (中止), as offices do.

Everything is written through the services, back-dated (``Builder``). Each project's
life is planned whole from a random generator seeded by the project, then written up to
the day before the run: the history is the same whichever day it is loaded, only longer
the later, and nothing is dated today or later.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from baton.org.models import Unit
from baton.projects import services
from baton.projects.models import Milestone, Project, ProjectEvent, ReviewState
from baton.supervision import services as supervision_services
from baton.supervision.models import Problem

from .builder import Builder, moment
from .names import NOTES, PRODUCTS, Names

BEGIN = dt.date(2020, 1, 6)
LADDER = ["planning", "intent", "negotiating", "landed"]
#: Days a project stays at a stage before it moves on: (fewest, most).
STAY = {"planning": (45, 200), "intent": (60, 240), "negotiating": (90, 330)}
#: After signing, each milestone (kind, days after the one before), while they come.
MILESTONES = [
    (Milestone.Kind.REGISTERED, 15, 60),
    (Milestone.Kind.LAND_SUPPLIED, 40, 150),
    (Milestone.Kind.STARTED, 30, 150),
    (Milestone.Kind.IN_PRODUCTION, 200, 480),
    (Milestone.Kind.AT_CAPACITY, 150, 400),
]
#: The hour each kind of step is written at, so that one day's steps keep their order.
HOURS = {
    "submit": 10,
    "return": 15,
    "approve": 15,
    "admit": 16,
    "move": 11,
    "stop": 11,
    "handoff": 17,
    "note": 18,
    "milestone": 19,
    "problem": 20,
    "resolve": 20,
    "supervise": 21,
}
PROBLEMS = [
    (Problem.Category.LAND, "用地指标需区里统筹调剂，影响供地进度。", "自然资源和规划局翔安分局"),
    (Problem.Category.APPROVAL, "施工许可材料往返补正，审批周期偏长。", "区住房和建设局"),
    (Problem.Category.INFRASTRUCTURE, "厂区周边市政道路和供水管网尚未接通。", "区住房和建设局"),
    (Problem.Category.TALENT, "投资方提出人才公寓和子女入学需求。", "区教育局"),
    (Problem.Category.POLICY, "产业扶持资金申报口径需要明确。", "区财政局"),
]
STOP_REASONS = ["投资方战略调整，项目中止", "投资方融资未到位，项目中止"]
IDLE_STOP = "长期无实质进展，投资方无明确投资意向，项目中止"
RETURN_REASON = "项目信息不完整，请补充投资方基本情况和项目建设内容。"


@dataclass
class Life:
    """One project's planned steps: (day, kind, argument), in time order."""

    steps: list[tuple[dt.date, str, object]] = field(default_factory=list)

    def add(self, day: dt.date, kind: str, arg: object = None) -> dt.date:
        day = _working(day)
        self.steps.append((day, kind, arg))
        return day

    def ordered(self, until: dt.date) -> list[tuple[dt.date, str, object]]:
        """The steps before ``until``, in the order they are written; none after a stop."""
        kept = sorted((s for s in self.steps if s[0] < until), key=lambda s: (s[0], HOURS[s[1]]))
        stops = [i for i, s in enumerate(kept) if s[1] == "stop"]
        return kept[: stops[0] + 1] if stops else kept


def _working(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _after(rng: random.Random, day: dt.date, lo: int, hi: int) -> dt.date:
    return _working(day + dt.timedelta(days=rng.randint(lo, hi)))


def plan_life(
    rng: random.Random,
    life: Life,
    *,
    stage: str,
    since: dt.date,
    relay: list[Unit],
    held_locally: bool,
    milestones_done: int = 0,
) -> None:
    """Plan a project's moves, handoff, milestones, notes and obstacles from ``since``."""
    at = LADDER.index(stage)
    fate = rng.random()
    goal = min(3, at + (0 if fate < 0.3 else 1 if fate < 0.6 else 2 if fate < 0.85 else 3))
    day = since
    reached = since if at >= 2 else None
    while at < goal:
        day = _after(rng, day, *STAY[LADDER[at]])
        at += 1
        life.add(day, "move", LADDER[at])
        if LADDER[at] == "negotiating":
            reached = day
            if held_locally and relay and rng.random() < 0.35:
                day = life.add(_after(rng, day, 3, 25), "handoff", rng.choice(relay))
    if LADDER[at] == "landed":
        for kind, lo, hi in MILESTONES[milestones_done:]:
            if rng.random() < 0.2:
                break
            day = life.add(_after(rng, day, lo, hi), "milestone", kind)
    elif LADDER[at] == "negotiating" and rng.random() < 0.07:
        day = life.add(_after(rng, day, 60, 300), "stop", rng.choice(STOP_REASONS))
    elif day == since and rng.random() < 0.6:  # nothing came of it: stopped after a while
        day = life.add(_after(rng, day, 300, 700), "stop", IDLE_STOP)
    for _ in range(rng.choice([0, 0, 1])):
        life.add(_after(rng, since, 5, max(6, (day - since).days + 30)), "note", rng.choice(NOTES))
    if reached is not None and rng.random() < 0.2:
        opened = _after(rng, reached, 10, 120)
        if not any(kind == "stop" and d <= opened for d, kind, _ in life.steps):
            life.add(opened, "problem", rng.randrange(len(PROBLEMS)))
            if rng.random() < 0.3:
                opened = life.add(_after(rng, opened, 3, 20), "supervise")
            life.add(_after(rng, opened, 15, 90), "resolve")


class Living:
    """Writes the planned lives through the services (``Builder``), up to ``until``."""

    def __init__(self, b: Builder, org: dict, until: dt.date):
        self.b, self.org, self.until = b, org, until
        self.units = {u.name: u for u in Unit.objects.filter(district=org["xa"])}
        self.office = b.offices[org["xa"].pk]
        self.relay = [*org["units"]["headquarters"], org["group"]]
        self.reporters = [*org["units"]["town"], *org["units"]["department"], org["group"]]

    def write(self, project: Project, investor: str, life: Life) -> None:
        b = self.b
        problem = None  # the obstacle the life opened last
        for day, kind, arg in life.ordered(self.until):
            if kind in ("submit", "approve", "admit", "note", "return"):
                if kind == "note":
                    services.note_add(
                        project=project, actor=b.actor(project), text=arg, at=moment(day, 18)
                    )
                elif kind == "return":
                    services.project_review(
                        project=project,
                        actor=self.office,
                        approve=False,
                        reason=RETURN_REASON,
                        at=moment(day, 15),
                    )
                else:
                    getattr(b, kind)(project, day)
            elif kind == "move":
                b.move(project, b.stages[arg], day, investor)
            elif kind == "stop":
                b.move(project, b.stages["stopped"], day, investor, arg)
            elif kind == "handoff":
                if arg.pk != project.unit_id:
                    b.handoff(project, arg, day, "talks")
            elif kind == "milestone":
                b.milestone(project, arg, day)
            elif kind == "problem":
                category, text, unit_name = PROBLEMS[arg]
                problem = supervision_services.problem_open(
                    project=project,
                    actor=b.actor(project),
                    category=category,
                    description=text,
                    responsible_unit=self.units[unit_name],
                    deadline=day + dt.timedelta(days=30),
                    at=moment(day, 20),
                )
            elif kind == "resolve" and (arg or problem) is not None:
                supervision_services.problem_update(
                    problem=arg or problem,
                    actor=self.office,
                    status="resolved",
                    note="已协调解决，投资方确认。",
                    at=moment(day, 20),
                )
            elif kind == "supervise" and problem is not None:
                supervision_services.supervision_issue(
                    project=project,
                    actor=self.office,
                    leader=project.leader or self.org["leaders"][1],
                    problem=problem,
                    instruction="请责任单位两周内拿出解决方案，报区招商办。",
                    deadline=day + dt.timedelta(days=14),
                    at=moment(day, 21),
                )


def load_living(b: Builder, org: dict, names: Names, industries: dict, today: dt.date) -> int:
    """Continue 翔安区's library from 2020 up to the day before ``today``; return the
    number of projects reported after the seed."""
    living = Living(b, org, today)
    _existing(living)
    created = _new_projects(living, names, industries, today)
    _recent(living, today)
    _follow_ups(living, today)
    return created


def _existing(living: Living) -> None:
    """The seed's admitted projects go on from where 2019 left them."""
    projects = (
        Project.objects.filter(
            district=living.org["xa"],
            review_state=ReviewState.ADMITTED,
            stage__code__in=LADDER,
        )
        .select_related("stage", "unit")
        .order_by("code")
    )
    for project in projects:
        rng = random.Random(f"living/{project.code}")
        life = Life()
        plan_life(
            rng,
            life,
            stage=project.stage.code,
            since=BEGIN,
            relay=living.relay,
            held_locally=project.unit.kind in (Unit.Kind.TOWN, Unit.Kind.DEPARTMENT),
            milestones_done=project.milestones.exclude(kind=Milestone.Kind.SIGNED).count(),
        )
        # An obstacle the seed left open is resolved early in 2020.
        problem = project.problems.filter(status__in=Problem.OPEN_STATUSES).first()
        if problem is not None:
            life.add(_after(rng, BEGIN, 10, 60), "resolve", problem)
        investor = project.investor or f"厦门{project.name.removesuffix('项目')}有限公司"
        living.write(project, investor, life)


def _new_projects(living: Living, names: Names, industries: dict, today: dt.date) -> int:
    """Most months one to three new projects, reported, reviewed and then living."""
    b, count = living.b, 0
    month = BEGIN.replace(day=1)
    while month < today:
        rng = random.Random(f"living/{month:%Y-%m}")
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            created = _working(month + dt.timedelta(days=rng.randrange(28)))
            if created >= today:
                continue
            industry = rng.choice(list(PRODUCTS))
            name, investor = names.next(industry)
            unit = rng.choice(living.reporters)
            start = rng.choice(["planning", "planning", "intent"])
            amount = Decimal(rng.choice([6000, 12000, 20000, 35000, 50000, 80000, 150000]))
            project = b.create(
                unit=unit,
                name=name,
                investor=investor,
                industry=industries[industry],
                amount=amount,
                stage=b.stages[start],
                day=created,
                leader=rng.choice(living.org["leaders"]) if amount >= 100_000 else None,
            )
            count += 1
            life = Life()
            day = life.add(_after(rng, created, 1, 10), "submit")
            if rng.random() < 0.1:
                day = life.add(_after(rng, day, 2, 6), "return")
                day = life.add(_after(rng, day, 3, 12), "submit")
            day = life.add(_after(rng, day, 1, 6), "approve")
            day = life.add(_after(rng, day, 1, 8), "admit")
            plan_life(
                rng,
                life,
                stage=start,
                since=day,
                relay=living.relay,
                held_locally=unit.kind in (Unit.Kind.TOWN, Unit.Kind.DEPARTMENT),
            )
            living.write(project, investor, life)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return count


def _recent(living: Living, today: dt.date) -> None:
    """Work in progress in the weeks before ``today``: fresh notes, a handoff waiting
    for its receiver, an open obstacle under 督办, a few projects moving up a stage."""
    b = living.b
    rng = random.Random(f"living/recent/{today.isoformat()}")
    days = [_working(today - dt.timedelta(days=d)) for d in (12, 9, 6, 3)]
    days = [d for d in days if d < today]
    if not days:
        return
    candidates = list(
        Project.objects.filter(
            district=living.org["xa"],
            review_state=ReviewState.ADMITTED,
            stage__code__in=["negotiating", "landed"],
        )
        .exclude(handoffs__state="pending")
        .select_related("unit", "stage")
        .order_by("code")
    )
    rng.shuffle(candidates)
    quiet = [p for p in candidates if _last_day(p) < days[0]]
    for project, day in zip(quiet[:4], days, strict=False):
        b.note(project, day)
    towns = [
        p for p in quiet[4:] if p.unit.kind == Unit.Kind.TOWN and p.stage.code == "negotiating"
    ]
    handed = None
    if towns:
        project = handed = towns[0]
        services.project_handoff(
            project=project,
            to_unit=rng.choice(living.relay),
            actor=b.actor(project),
            reason="项目进入实质洽谈，请接收并牵头推进。",
            relay_role="talks",
            keep_as_co_unit=True,
            at=moment(days[-1], 17),
        )
    # Not the project just handed on: its history has moved past the obstacle's day.
    open_now = [
        p for p in quiet[5:] if p != handed and not p.problems.exclude(status="resolved").exists()
    ]
    if open_now:
        project = open_now[0]
        category, text, unit_name = PROBLEMS[rng.randrange(len(PROBLEMS))]
        problem = supervision_services.problem_open(
            project=project,
            actor=b.actor(project),
            category=category,
            description=text,
            responsible_unit=living.units[unit_name],
            deadline=today + dt.timedelta(days=10),
            at=moment(days[0], 20),
        )
        supervision_services.supervision_issue(
            project=project,
            actor=living.office,
            leader=project.leader or living.org["leaders"][1],
            problem=problem,
            instruction="请责任单位本周内拿出解决方案，报区招商办。",
            deadline=today + dt.timedelta(days=7),
            at=moment(days[-1], 21),
        )
    # A few projects move up a stage in these weeks, so the month's trend shows changes.
    early = list(
        Project.objects.filter(
            district=living.org["xa"],
            review_state=ReviewState.ADMITTED,
            stage__code__in=["planning", "intent"],
        )
        .exclude(handoffs__state="pending")
        .select_related("stage")
        .order_by("code")
    )
    rng.shuffle(early)
    early = [p for p in early if _last_day(p) < days[0]]
    for project, day in zip(early[:3], days[1:], strict=False):
        investor = project.investor or f"厦门{project.name.removesuffix('项目')}有限公司"
        following = LADDER[LADDER.index(project.stage.code) + 1]
        b.move(project, b.stages[following], day, investor)


def _follow_ups(living: Living, today: dt.date) -> None:
    """Most projects of the library were followed up in the month before ``today``; the
    rest show on the 工作台 as idle — each unit's longest-quiet project among them, so
    that every unit's promoter has one to see whatever the day."""
    rng = random.Random(f"living/follow-ups/{today.isoformat()}")
    first = today - dt.timedelta(days=28)
    last_at = dict(
        ProjectEvent.objects.filter(district=living.org["xa"])
        .values_list("project")
        .annotate(last=Max("at"))
        .values_list("project", "last")
    )
    projects = (
        Project.objects.filter(
            district=living.org["xa"], review_state=ReviewState.ADMITTED, stage__code__in=LADDER
        )
        .exclude(handoffs__state="pending")
        .order_by("code")
    )
    quietest: dict[int, Project] = {}
    for project in projects:
        held = quietest.get(project.unit_id)
        if held is None or last_at[project.pk] < last_at[held.pk]:
            quietest[project.unit_id] = project
    left_idle = {project.pk for project in quietest.values()}
    for project in projects:
        since = max(first, timezone.localtime(last_at[project.pk]).date() + dt.timedelta(days=1))
        if since >= today - dt.timedelta(days=1) or project.pk in left_idle or rng.random() < 0.2:
            continue
        day = _working(since + dt.timedelta(days=rng.randrange((today - since).days)))
        if day < today:
            living.b.note(project, day)


def _last_day(project: Project) -> dt.date:
    last = ProjectEvent.objects.filter(project=project).order_by("-at").values_list("at", flat=True)
    return timezone.localtime(last[0]).date() if last else dt.date.min
