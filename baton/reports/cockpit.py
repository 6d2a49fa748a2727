"""领导驾驶舱: a scope's pipeline as of a date, every figure with the projects that make it.

Every figure is an aggregate over one of the point-in-time sets of
``baton.projects.asof`` (``library_at``, ``idle_at``, ``open_problem_at``, ``changes``,
``reached_next``, ``acts``), read from the derived period table (``ProjectPeriod``), the
append-only events and the dated leaders' acts, so that the cockpit of a past date shows
that date's truth, and the project list (``baton.projects.listing``), filtering through
the very same sets, shows exactly the projects a figure counts.
Everything is aggregated in the database; Python only shapes a few dozen result rows.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from baton.core.cache import kept
from baton.core.dates import end_of_day, local_date, start_of_day
from baton.leads.figures import LeadFigures, lead_figures_cached, lead_marks
from baton.leads.figures import user_covers as sees_all_leads
from baton.org.models import LEADER_ORDER, District, Person, Unit
from baton.outcomes.batches import Summary as OutcomeSummary
from baton.outcomes.batches import outcome_summary
from baton.projects.asof import (
    ADMITTED,
    CHANGES,
    IDLE_DAYS,
    NOT_ACTIVITY,
    change_sql,
    idle_at,
    library_at,
    project_ids,
    transitions,
)
from baton.projects.models import (
    Industry,
    Project,
    ProjectEvent,
    ProjectPeriod,
    Stage,
)
from baton.projects.page_cache import counters
from baton.projects.selectors import project_scope
from baton.supervision.asof import acts, open_problem_at, problems_at
from baton.supervision.models import Problem

from .pack import month_ends_up_to
from .selectors import ZERO, Figures, Scope, figures_as_of, user_covers
from .work import WorkRow, work_figures, year_start

MONTHS = 12
TOP = 15
#: Seconds a built cockpit is kept in the (shared) cache. Its project figures follow the
#: library's counters at once (every change of a project, its events, problems and
#: leaders' acts raises its district's counter) and its leads figures the leads' events;
#: only the work figures (activities, trips, receptions, claims) and the outcomes (results,
#: promises) may lag this long.
CACHE_SECONDS = 60
#: Seconds a cockpit older than ``CACHE_SECONDS`` is still shown while the next is built.
KEEP_SECONDS = 10 * 60
#: How long a request waits for another's build of the same cockpit before building it.
WAIT_SECONDS = 30


# --- the page's figures -------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    count: int
    investment: Decimal = ZERO


@dataclass(frozen=True)
class Month:
    first: dt.date
    last: dt.date
    changes: dict[str, int]
    stock: Cell  # the library at the month's end (or at D)

    @property
    def label(self) -> str:
        return f"{self.first.year}年{self.first.month}月"


@dataclass(frozen=True)
class Breakdown:
    """One unit's (district's, industry's) projects at ``D``, a cell per stage."""

    key: int | None
    name: str
    cells: list[Cell]

    @property
    def count(self) -> int:
        return sum(c.count for c in self.cells)

    @property
    def investment(self) -> Decimal:
        return sum((c.investment for c in self.cells), ZERO)


@dataclass(frozen=True)
class Conversion:
    stage: Stage
    entered: int
    reached: int
    quartiles: tuple[float, float, float] | None  # days: Q1, median, Q3

    @property
    def rate(self) -> float | None:
        return self.reached / self.entered if self.entered else None


@dataclass(frozen=True)
class IdleRow:
    project: Project
    stage: str
    stage_code: str
    unit: str
    district: str
    investment: Decimal
    last: dt.date
    days: int
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LeaderRow:
    person: Person
    acts: int
    projects: int


@dataclass(frozen=True)
class ProjectActs:
    project: Project
    acts: int
    leaders: int


@dataclass
class Cockpit:
    scope: Scope
    as_of: dt.date
    since: dt.date
    idle_days: int
    figures: Figures
    ladder: list[Stage]  # every stage, exits included
    stages: list[Stage]  # the rungs a project in the library stands on
    months: list[Month]
    area_kind: str  # "unit", "district" or "" (a unit's own cockpit)
    areas: list[Breakdown]
    industries: list[Breakdown]
    conversions: list[Conversion]
    idle_count: int
    idle: list[IdleRow]
    paused_count: int
    paused: list[IdleRow]
    acts_count: int
    acted_projects: int
    leaders: list[LeaderRow]
    top_projects: list[ProjectActs]
    #: The leads (投资信息) of the scope at ``D``, their flows over the window.
    leads: LeadFigures | None = None
    #: 招商工作 (activities, trips, receptions, leads, intermediaries): the month of ``D``
    #: and the year to ``D``, each the scope's total.
    work_month: WorkRow | None = None
    work_year: WorkRow | None = None
    #: 履约与效益: the five batches at ``D``, the outcomes after 投产, the promises' states.
    outcomes: OutcomeSummary | None = None
    #: When the figures were read (a kept cockpit is shown for ``CACHE_SECONDS`` at most).
    built_at: dt.datetime = field(default_factory=timezone.now)


def cockpit_build(
    *, scope: Scope, as_of: dt.date, user=None, idle_days: int = IDLE_DAYS
) -> Cockpit:
    """Return every figure of the cockpit of ``scope`` as of the end of ``as_of``.

    ``user`` narrows to what the user may see, as ``figures_as_of`` does (a no-op, and
    skipped, when the user's scope covers ``scope``).
    """
    viewer = user  # the leads' own rule of who sees what (``leads.figures.user_covers``)
    if user is not None and user_covers(user, scope):
        user = None
    where = scope.period_filter()
    if user is not None:
        where &= Q(project_id__in=Project.objects.filter(project_scope(user)).values("pk"))
    ladder = list(Stage.objects.order_by("order"))
    stages = [s for s in ladder if not s.is_terminal]
    since = month_ends_up_to(as_of, MONTHS)[0].replace(day=1)
    library = library_at(as_of=as_of, where=where)
    paused = open_problem_at(as_of=as_of)
    area_kind = "unit" if scope.district else "district" if scope.city else ""
    areas, industries = _breakdowns(library, area_kind, stages)
    idle = idle_at(library, as_of=as_of, days=idle_days)
    # The idle count is the one the 工作台 and the monthly pack show; those waiting on an
    # open problem are part of it, counted and listed apart with their reasons.
    counts = idle.order_by().aggregate(paused=Count("id", filter=Q(paused)), idle=Count("id"))
    window_acts = acts(since=since, until=as_of, where=where)
    leaders, acted = _leaders(window_acts)
    figures = figures_as_of(as_of=as_of, scope=scope, user=user)
    return Cockpit(
        scope=scope,
        as_of=as_of,
        since=since,
        idle_days=idle_days,
        figures=figures,
        ladder=ladder,
        stages=stages,
        months=_months(scope, figures, user, where, ladder),
        area_kind=area_kind,
        areas=areas,
        industries=industries,
        conversions=_conversions(stages, since, as_of, where),
        idle_count=counts["idle"],
        idle=_idle_rows(idle, as_of),
        paused_count=counts["paused"],
        paused=_idle_rows(
            idle_at(library.filter(paused), as_of=as_of, days=idle_days), as_of, reasons=True
        ),
        acts_count=window_acts.count(),
        acted_projects=acted,
        leaders=leaders,
        top_projects=_top_projects(window_acts),
        leads=lead_figures_cached(scope=scope, as_of=as_of, since=since, user=viewer),
        work_month=work_figures(scope=scope, since=as_of.replace(day=1), as_of=as_of).total,
        work_year=work_figures(scope=scope, since=year_start(as_of), as_of=as_of).total,
        outcomes=outcome_summary(as_of=as_of, where=where),
    )


def cockpit_key(*, scope: Scope, as_of: dt.date, user, idle_days: int = IDLE_DAYS) -> str:
    """The cache key of a cockpit: what it shows (scope, date, idle days), for whom (no one
    in particular when the user sees the whole scope), and the state it was read from (the
    library's counters, the leads' events, the day)."""
    covers = user is None or (user_covers(user, scope) and sees_all_leads(user, scope))
    marks = lead_marks(scope)
    text = "|".join(
        str(x)
        for x in (
            scope.kind,
            getattr(scope.city, "pk", None),
            getattr(scope.district, "pk", None),
            getattr(scope.unit, "pk", None),
            getattr(scope.industry, "pk", None),
            as_of,
            idle_days,
            None if covers else user.pk,
            *(counters(user) if user is not None else ()),
            marks["last"],
            marks["n"],
            marks["at"],
            local_date(timezone.now()),
        )
    )
    return "baton:cockpit:" + hashlib.sha256(text.encode()).hexdigest()


def cockpit_cached(
    *,
    scope: Scope,
    as_of: dt.date,
    user,
    idle_days: int = IDLE_DAYS,
    fresh: bool = False,
    key: str | None = None,
) -> Cockpit:
    """``cockpit_build``, kept in the cache under ``cockpit_key`` (``baton.core.cache.kept``):
    fresh for ``CACHE_SECONDS``, then shown while one request builds the next; a missing
    one is built by one request while the others asking wait for it, so that sixteen
    leaders opening the page together cost one build, not sixteen. ``fresh`` builds it
    anew (for a user who has just changed something). ``key``: ``cockpit_key``'s answer,
    when the caller has it already."""
    return kept(
        key or cockpit_key(scope=scope, as_of=as_of, user=user, idle_days=idle_days),
        lambda: cockpit_build(scope=scope, as_of=as_of, user=user, idle_days=idle_days),
        fresh_seconds=CACHE_SECONDS,
        keep_seconds=KEEP_SECONDS,
        wait_seconds=WAIT_SECONDS,
        rebuild=fresh,
    )


def _months(scope: Scope, figures: Figures, user, where: Q, ladder: list[Stage]) -> list[Month]:
    """Return the 12 months up to ``D``: the projects of each change (one grouped query)
    and the library at each month end (snapshots; the last point is ``D`` itself)."""
    as_of = figures.as_of
    ends = month_ends_up_to(as_of, MONTHS)
    firsts = [day.replace(day=1) for day in ends]
    bucket = SqlCase(
        *[
            When(valid_from__lt=start_of_day(first), then=Value(i - 1))
            for i, first in enumerate(firsts[1:], 1)
        ],
        default=Value(len(firsts) - 1),
        output_field=IntegerField(),
    )
    inner, params = (
        transitions(since=firsts[0], until=as_of, where=where)
        .annotate(month_index=bucket)
        .values("project_id", "month_index", "earlier_stage", "stage_id")
        .order_by()
        .query.sql_with_params()
    )
    counts_sql = ", ".join(
        f"COUNT(DISTINCT CASE WHEN {change_sql(kind, ladder)} THEN project_id END)"
        for kind in CHANGES
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT month_index, {counts_sql} FROM ({inner}) w GROUP BY month_index",  # noqa: S608
            params,
        )
        rows = [dict(zip(["month", *CHANGES], row, strict=True)) for row in cursor.fetchall()]
    counts = {row["month"]: row for row in rows}
    months = []
    for i, (first, last) in enumerate(zip(firsts, ends, strict=True)):
        stock = figures if last == as_of else figures_as_of(as_of=last, scope=scope, user=user)
        months.append(
            Month(
                first=first,
                last=last,
                changes={kind: counts.get(i, {}).get(kind, 0) for kind in CHANGES},
                stock=Cell(stock.count, stock.investment),
            )
        )
    return months


def _breakdowns(library: QuerySet, area_kind: str, stages: list[Stage]) -> tuple[list, list]:
    """Return the by-area (unit or district) and by-industry tables of one grouped query."""
    columns = [f"{area_kind}_id"] if area_kind else []
    rows = (
        library.filter(stage__is_terminal=False)
        .order_by()
        .values(*columns, "industry_id", "stage_id")
        .annotate(n=Count("id"), amount=Sum("investment"))
    )
    by_area: dict = {}
    by_industry: dict = {}
    for row in rows:
        for table, key in (
            (by_area, columns[0] if columns else None),
            (by_industry, "industry_id"),
        ):
            if key is None:
                continue
            cells = table.setdefault(row[key], {})
            n, amount = cells.get(row["stage_id"], (0, ZERO))
            cells[row["stage_id"]] = (n + row["n"], amount + (row["amount"] or ZERO))
    areas = _table(by_area, {"unit": Unit, "district": District}.get(area_kind), stages)
    return areas, _table(by_industry, Industry, stages)


def _table(cells: dict, model, stages: list[Stage]) -> list[Breakdown]:
    if not cells:
        return []
    names = dict(model.objects.filter(pk__in=[k for k in cells if k]).values_list("pk", "name"))
    result = [
        Breakdown(
            key,
            names.get(key, "未填行业"),
            [Cell(*by.get(s.pk, (0, ZERO))) for s in stages],
        )
        for key, by in cells.items()
    ]
    result.sort(key=lambda b: (-b.count, -b.investment, b.name))
    return result


def _conversions(stages: list[Stage], since: dt.date, as_of: dt.date, where: Q) -> list:
    """Return, for each rung but the top one, the projects that entered it in the window,
    those that went on to a higher rung by ``D``, and the days that took."""
    rungs = [s for s in stages if any(t.order > s.order for t in stages)]
    stats = _conversion_stats(rungs, since, as_of, where) if rungs else {}
    result = []
    for stage in rungs:
        entered, reached, ranked = stats.get(stage.pk, (0, 0, {}))
        result.append(
            Conversion(
                stage=stage,
                entered=entered,
                reached=reached,
                quartiles=_quartiles(reached, ranked) if reached else None,
            )
        )
    return result


def _conversion_stats(rungs: list[Stage], since: dt.date, as_of: dt.date, where: Q) -> dict:
    """Return {stage: (entered, reached, {rank: days})} from one statement.

    Each project's first entry into a rung in the window (the sets of ``changes`` with a
    stage) and its first later period at a higher rung by ``D`` (``reached_next``) give
    the days it took; a window function ranks them per rung and only the (at most six)
    rows around each quartile position are returned, to interpolate as
    ``percentile_cont`` does.
    """
    window, params = (
        transitions(since=since, until=as_of, where=where)
        .filter(stage_id__in=[s.pk for s in rungs])
        .values("project_id", "stage_id", "valid_from", "earlier_stage")
        .order_by()
        .query.sql_with_params()
    )
    first = (
        f"SELECT project_id, stage_id, MIN(valid_from) AS entry FROM ({window}) w"  # noqa: S608
        " WHERE earlier_stage <> stage_id GROUP BY project_id, stage_id"
    )
    if connection.vendor == "postgresql":
        days = "EXTRACT(EPOCH FROM (x.reached - x.entry)) / 86400.0"
        false = "FALSE"
    else:
        days = "julianday(x.reached) - julianday(x.entry)"
        false = "0"
    quartile_ranks = ", ".join(f"(n - 1) * {k} / 4, ((n - 1) * {k} + 3) / 4" for k in (1, 2, 3))
    sql = (
        f"WITH c AS ({first}),"  # noqa: S608 — the inner query is the ORM's, values bound
        " x AS (SELECT c.stage_id, c.entry, (SELECT MIN(r.valid_from)"
        " FROM projects_projectperiod r JOIN projects_stage s ON s.id = r.stage_id"
        " WHERE r.project_id = c.project_id AND r.review_state = %s"
        f" AND s.is_terminal = {false} AND r.valid_from > c.entry AND r.valid_from < %s"
        ' AND s."order" > (SELECT t."order" FROM projects_stage t WHERE t.id = c.stage_id))'
        " AS reached FROM c),"
        f" d AS (SELECT stage_id, {days} AS days FROM x WHERE x.reached IS NOT NULL),"
        " r AS (SELECT stage_id, days,"
        " ROW_NUMBER() OVER (PARTITION BY stage_id ORDER BY days) - 1 AS i,"
        " COUNT(*) OVER (PARTITION BY stage_id) AS n FROM d)"
        " SELECT stage_id, -1, COUNT(*), COUNT(reached) FROM x GROUP BY stage_id"
        f" UNION ALL SELECT stage_id, i, n, days FROM r WHERE i IN ({quartile_ranks})"
    )
    cutoff = connection.ops.adapt_datetimefield_value(end_of_day(as_of))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ADMITTED.value, cutoff])
        rows = cursor.fetchall()
    totals, ranked = {}, {}
    for stage_id, i, a, b in rows:
        if i == -1:  # the rung's totals: entered, reached
            totals[stage_id] = (int(a), int(b))
        else:  # a ranked duration: n, days
            ranked.setdefault(stage_id, {})[int(i)] = float(b)
    return {k: (*totals[k], ranked.get(k, {})) for k in totals}


def _quartiles(n: int, ranked: dict[int, float]) -> tuple[float, float, float]:
    def quantile(k: int) -> float:
        low, rest = divmod((n - 1) * k, 4)
        if not rest:
            return ranked[low]
        return ranked[low] + (ranked[low + 1] - ranked[low]) * rest / 4

    return quantile(1), quantile(2), quantile(3)


def _idle_rows(periods: QuerySet, as_of: dt.date, *, reasons: bool = False) -> list[IdleRow]:
    """Return the ``TOP`` largest (by amount at ``D``) of the periods, each with its last
    event before the end of ``D`` and, if asked, its problems open then."""
    # Choose on the period table alone, then read the rows shown with their joins.
    ids = list(periods.order_by("-investment", "project_id").values_list("id", flat=True)[:TOP])
    chosen = ProjectPeriod.objects.select_related("project", "stage", "unit", "district").in_bulk(
        ids
    )
    top = [chosen[pk] for pk in ids]
    lasts = dict(
        ProjectEvent.objects.filter(
            project_id__in=[p.project_id for p in top], at__lt=end_of_day(as_of)
        )
        .exclude(kind__in=NOT_ACTIVITY)
        .order_by()
        .values("project_id")
        .annotate(last=Max("at"))
        .values_list("project_id", "last")
    )
    why: dict[int, list[str]] = {}
    if reasons and top:
        open_then = problems_at(as_of=as_of).filter(
            project_id__in=[p.project_id for p in top], status_then__in=Problem.OPEN_STATUSES
        )
        for problem in open_then.order_by("deadline", "id"):
            why.setdefault(problem.project_id, []).append(
                f"{problem.get_category_display()}：{problem.description}"
            )
    rows = []
    for period in top:
        day = local_date(lasts[period.project_id])
        rows.append(
            IdleRow(
                project=period.project,
                stage=period.stage.name,
                stage_code=period.stage.code,
                unit=period.unit.name,
                district=period.district.name,
                investment=period.investment,
                last=day,
                days=(as_of - day).days,
                reasons=why.get(period.project_id, []),
            )
        )
    return rows


def _leaders(window: QuerySet) -> tuple[list[LeaderRow], int]:
    """Return the acts and projects per leader, in protocol order, and the projects acted on."""
    rows = {
        row["leader_id"]: row
        for row in window.order_by()
        .values("leader_id")
        .annotate(n=Count("id"), projects=Count("project_id", distinct=True))
    }
    people = Person.objects.filter(pk__in=rows).order_by(*LEADER_ORDER)
    leaders = [LeaderRow(p, rows[p.pk]["n"], rows[p.pk]["projects"]) for p in people]
    return leaders, project_ids(window).count()


def _top_projects(window: QuerySet) -> list[ProjectActs]:
    rows = list(
        window.order_by()
        .values("project_id")
        .annotate(n=Count("id"), leaders=Count("leader_id", distinct=True))
        .order_by("-n", "-leaders", "project_id")[:10]
    )
    projects = Project.objects.select_related("unit", "stage").in_bulk(
        [row["project_id"] for row in rows]
    )
    return [ProjectActs(projects[row["project_id"]], row["n"], row["leaders"]) for row in rows]
