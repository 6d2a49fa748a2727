"""The monthly report pack (月例会材料): the data of one month for one scope.

Everything is "as of" the month end ``D`` the pack is for, read from the history: the
figures and the trend from ``figures_as_of``, the per-unit table from the periods
current at ``D``, the month's movements from the events dated in the month, the idle
projects as ``baton.projects.asof.idle_at`` defines them at ``D``, and the problems with
the status their own events gave them at ``D``. Each block is one query (the trend one
per month).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum

from baton.core.dates import end_of_day, local_date, month_end
from baton.leads.figures import LeadFigures, lead_figures
from baton.org.models import Unit
from baton.outcomes.batches import Summary as OutcomeSummary
from baton.outcomes.batches import outcome_summary
from baton.policies.analysis import PackFigures, area_for, pack_figures
from baton.projects.asof import last_activity
from baton.projects.models import (
    Project,
    ProjectEvent,
    ProjectPeriod,
    ReviewState,
    Stage,
)
from baton.projects.selectors import project_scope
from baton.supervision.models import Problem
from baton.supervision.selectors import problem_scope

from .publish import notes_get, published_get
from .selectors import (
    ZERO,
    Figures,
    Scope,
    figures_as_of,
    idle_as_of,
    periods_as_of,
    user_covers,
)
from .summary import summary_paragraph
from .work import Work, work_figures, year_start

TREND_MONTHS = 12
Kind = ProjectEvent.Kind
#: The events that pass the baton: the district office's handoff, a unit's once accepted.
HOLDER_CHANGES = (Kind.HANDED_OFF, Kind.HANDOFF_ACCEPTED)


@dataclass(frozen=True)
class UnitRow:
    """One unit's projects at ``D``: a (count, 万元) cell for each stage of the ladder."""

    name: str
    cells: list[tuple[int, Decimal]]

    @property
    def count(self) -> int:
        return sum(n for n, _ in self.cells)

    @property
    def investment(self) -> Decimal:
        return sum((amount for _, amount in self.cells), ZERO)


@dataclass(frozen=True)
class Movement:
    """An admission, a stage move or a handoff of the month."""

    day: dt.date
    code: str
    name: str
    unit: str
    investment: Decimal
    detail: str


@dataclass(frozen=True)
class IdleRow:
    code: str
    name: str
    unit: str
    stage: str
    investment: Decimal
    last_day: dt.date
    days: int


@dataclass(frozen=True)
class ProblemRow:
    code: str
    name: str
    category: str
    description: str
    unit: str
    deadline: dt.date
    status: str
    overdue: bool


@dataclass(frozen=True)
class TrendPoint:
    day: dt.date
    count: int
    investment: Decimal


@dataclass
class Pack:
    scope: Scope
    as_of: dt.date
    figures: Figures
    paragraph: str
    stage_names: list[str] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    admissions: list[Movement] = field(default_factory=list)
    advances: list[Movement] = field(default_factory=list)
    landings: list[Movement] = field(default_factory=list)
    handoffs: list[Movement] = field(default_factory=list)
    idle: list[IdleRow] = field(default_factory=list)
    problems: list[ProblemRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    #: The office's own text (``publish.notes_get``): 工作亮点 and 下步工作.
    highlights: str = ""
    next_steps: str = ""
    #: The day the month was published (its 成文日期), or None while it is not.
    published_on: dt.date | None = None
    #: The leads (投资信息) at ``D``: the month's flows, and the year's to ``D``.
    leads_month: LeadFigures | None = None
    leads_year: LeadFigures | None = None
    #: 政策兑现 at ``D``: the month's and the year's promised and paid, the landed share.
    policies: PackFigures | None = None
    #: 招商工作 by unit: the month's and the year's activities, trips, receptions, leads.
    work_month: Work | None = None
    work_year: Work | None = None
    #: 履约与效益 at ``D``: the five batches, the outcomes after 投产, the promises' states.
    outcomes: OutcomeSummary | None = None

    @property
    def title(self) -> str:
        return f"{self.scope.name}招商引资项目月报（{self.as_of.year}年{self.as_of.month}月）"

    @property
    def month_start(self) -> dt.date:
        return self.as_of.replace(day=1)

    @property
    def overdue_count(self) -> int:
        return sum(1 for p in self.problems if p.overdue)


def month_ends_up_to(day: dt.date, n: int = TREND_MONTHS) -> list[dt.date]:
    """Return ``n`` points ending with ``day``: the month ends before it, then ``day``."""
    days = [day]
    first = day.replace(day=1)
    while len(days) < n:
        first = (first - dt.timedelta(days=1)).replace(day=1)
        days.append(month_end(first))
    return days[::-1]


def pack_build(*, scope: Scope, as_of: dt.date, user=None) -> Pack:
    """Return the pack of the month that ends at ``as_of`` (its 1st to ``as_of``)."""
    viewer = user  # the leads' own rule of who sees what (``leads.figures.user_covers``)
    if user is not None and user_covers(user, scope):
        user = None
    figures = figures_as_of(as_of=as_of, scope=scope, user=user)
    ladder = list(Stage.objects.order_by("order"))
    pack = Pack(
        scope=scope,
        as_of=as_of,
        figures=figures,
        paragraph=summary_paragraph(figures),
        stage_names=[line.name for line in figures.stages],
    )
    pack.units = _units(scope, as_of, user, [s for s in ladder if not s.is_terminal])
    _movements(pack, user, {s.pk: s for s in ladder})
    pack.idle = _idle(scope, as_of, user)
    pack.problems = _problems(scope, as_of, user)
    pack.trend = [
        TrendPoint(day, f.count, f.investment)
        for day in month_ends_up_to(as_of)
        for f in [figures_as_of(as_of=day, scope=scope, user=user)]
    ]
    pack.highlights, pack.next_steps = notes_get(scope=scope, as_of=as_of)
    pack.leads_month = lead_figures(scope=scope, as_of=as_of, since=pack.month_start, user=viewer)
    pack.leads_year = lead_figures(
        scope=scope, as_of=as_of, since=as_of.replace(month=1, day=1), user=viewer
    )
    if scope.kind != "all":
        area = area_for(
            city=scope.city, district=scope.district, unit=scope.unit, industry=scope.industry
        )
        pack.policies = pack_figures(area=area, as_of=as_of)
        pack.work_month = work_figures(scope=scope, since=pack.month_start, as_of=as_of)
        pack.work_year = work_figures(scope=scope, since=year_start(as_of), as_of=as_of)
        pack.outcomes = outcome_summary(as_of=as_of, where=scope.period_filter() & _visible(user))
    published = published_get(scope=scope, as_of=as_of)
    if published is not None:
        pack.published_on = local_date(published.published_at)
    return pack


def _visible(user) -> Q:
    if user is None:
        return Q()
    return Q(project_id__in=Project.objects.filter(project_scope(user)).values("pk"))


def _units(scope, as_of, user, stages: list[Stage]) -> list[UnitRow]:
    rows = (
        periods_as_of(as_of=as_of, scope=scope, user=user)
        .filter(stage__is_terminal=False)
        .values("unit_id", "unit__name", "unit__order", "unit__district__code", "stage_id")
        .annotate(n=Count("id"), amount=Sum("investment"))
        .order_by()
    )
    cells: dict[tuple, dict[int, tuple[int, Decimal]]] = defaultdict(dict)
    for row in rows:
        key = (row["unit__district__code"], row["unit__order"], row["unit_id"], row["unit__name"])
        cells[key][row["stage_id"]] = (row["n"], row["amount"] or ZERO)
    return [
        UnitRow(key[3], [cells[key].get(s.pk, (0, ZERO)) for s in stages]) for key in sorted(cells)
    ]


def _month_bounds(as_of: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return end_of_day(as_of.replace(day=1) - dt.timedelta(days=1)), end_of_day(as_of)


def _movements(pack: Pack, user, stages: dict[int, Stage]) -> None:
    """Fill the admissions, advances, landings and handoffs dated in the month.

    Each counts when the project was in the scope and in the library right after the
    event (for a handoff: the receiving unit's scope).
    """
    start, end = _month_bounds(pack.as_of)
    after = ProjectPeriod.objects.filter(
        pack.scope.period_filter(),
        project_id=OuterRef("project_id"),
        review_state=ReviewState.ADMITTED,
        valid_from__lte=OuterRef("at"),
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=OuterRef("at")))
    investment = ProjectPeriod.objects.filter(
        project_id=OuterRef("project_id"), valid_from__lte=OuterRef("at")
    ).order_by("-valid_from", "-id")
    events = (
        ProjectEvent.objects.filter(
            Q(kind__in=(Kind.MOVED, *HOLDER_CHANGES)) | Q(new__review_state=ReviewState.ADMITTED),
            _visible(user),
            Exists(after),
            at__gte=start,
            at__lt=end,
        )
        .annotate(amount=Subquery(investment.values("investment")[:1]))
        .select_related("project", "project__unit")
        .order_by("at", "id")
    )
    units = {}
    for event in events:
        old, new = event.old or {}, event.new or {}
        row = {
            "day": local_date(event.at),
            "code": event.project.code,
            "name": event.project.name,
            "unit": event.project.unit.name,
            "investment": event.amount or ZERO,
        }
        if new.get("review_state") == ReviewState.ADMITTED and (
            old.get("review_state") != ReviewState.ADMITTED
        ):
            stage = stages.get(new.get("stage")) if "stage" in new else None
            pack.admissions.append(Movement(**row, detail=stage.name if stage else ""))
        if event.kind == Kind.MOVED and "stage" in new:
            before, to = stages.get(old.get("stage")), stages.get(new["stage"])
            if before is None or to is None or to.is_terminal or before.is_terminal:
                continue
            if to.order <= before.order:
                continue
            move = Movement(**row, detail=f"{before.name}→{to.name}")
            landed = to.allows_milestones and not before.allows_milestones
            (pack.landings if landed else pack.advances).append(move)
        if event.kind in HOLDER_CHANGES and "unit" in new:
            units.setdefault(old.get("unit"), None)
            units.setdefault(new["unit"], None)
            pack.handoffs.append(Movement(**row, detail=(old.get("unit"), new["unit"])))
    if units:
        names = dict(Unit.objects.filter(pk__in=units).values_list("pk", "name"))
        pack.handoffs = [
            Movement(
                m.day,
                m.code,
                m.name,
                m.unit,
                m.investment,
                f"{names.get(m.detail[0], '')}→{names.get(m.detail[1], '')}",
            )
            for m in pack.handoffs
        ]


def _idle(scope, as_of, user) -> list[IdleRow]:
    """Return the library's projects idle at ``D`` (``idle_at``), each with its last event
    before the end of ``D``, the longest idle first."""
    periods = (
        idle_as_of(as_of=as_of, scope=scope, user=user)
        .annotate(last=last_activity(as_of=as_of))
        .select_related("project", "unit", "stage")
        .order_by("last", "project_id")
    )
    rows = []
    for period in periods:
        day = local_date(period.last)
        rows.append(
            IdleRow(
                period.project.code,
                period.project.name,
                period.unit.name,
                period.stage.name,
                period.investment,
                day,
                (as_of - day).days,
            )
        )
    return rows


def _problems(scope, as_of, user) -> list[ProblemRow]:
    """Return the problems open at the end of ``D``, with the status they had then."""
    cutoff = end_of_day(as_of)
    where = Q(created_at__lt=cutoff)
    if scope.unit:
        where &= Q(project__unit_id=scope.unit.pk) | Q(responsible_unit_id=scope.unit.pk)
    elif scope.district:
        where &= Q(district_id=scope.district.pk)
    elif scope.city:
        where &= Q(district__city_id=scope.city.pk)
    if scope.industry:
        where &= Q(project__industry_id=scope.industry.pk)
    if user is not None:
        where &= problem_scope(user)
    problems = list(
        Problem.objects.filter(where)
        .select_related("project", "responsible_unit")
        .order_by("deadline", "id")
    )
    if not problems:
        return []
    status: dict[int, str] = {}
    for new in (
        ProjectEvent.objects.filter(
            kind=Kind.PROBLEM, project_id__in={p.project_id for p in problems}, at__lt=cutoff
        )
        .order_by("at", "id")
        .values_list("new", flat=True)
    ):
        if isinstance(new, dict) and "problem" in new and "status" in new:
            status[new["problem"]] = new["status"]
    rows = []
    for problem in problems:
        state = status.get(problem.pk, problem.status)
        if state not in Problem.OPEN_STATUSES:
            continue
        rows.append(
            ProblemRow(
                problem.project.code,
                problem.project.name,
                problem.get_category_display(),
                problem.description,
                problem.responsible_unit.name,
                problem.deadline,
                str(Problem.Status(state).label),
                problem.deadline < as_of,
            )
        )
    return rows
