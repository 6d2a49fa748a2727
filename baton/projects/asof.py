"""Point-in-time sets of projects, read from the period table and the events.

The cockpit's figures (``baton.reports.cockpit``) and the project list's drill-downs
(``baton.projects.listing``) filter through these very sets, so that a list shows exactly
the projects a figure counts:

- ``library_at``: the admitted projects' periods current at the end of ``D``;
- ``idle_at``: of those, the ones idle at ``D`` — the one definition of 无进展 that the
  工作台, the cockpit, the monthly pack and the to-do list all count by;
- ``changes``: the library's transitions in a window — a project entering the library
  (入库), moving up the ladder (推进; into 落地 counts as 落地, apart), or entering a stage;
- ``reached_next``: of the entries into a stage, those that later reached a higher one.

The sets of problems and leaders' acts (a project paused by an open problem, the projects
a leader acted on) are ``baton.supervision.asof``'s; the list reaches them through
``hooks.drill``.

Each set takes ``where``, a condition on ``ProjectPeriod`` (a scope's ``period_filter``,
or the project list's own filters).
"""

import datetime as dt

from django.db.models import (
    BigIntegerField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from baton.core.dates import end_of_day, start_of_day

from .models import Milestone, ProjectEvent, ProjectPeriod, ReviewState, Stage

ADMITTED = ReviewState.ADMITTED
EVERYWHERE = Q()

#: A project with no activity in this many days up to a date is idle (无进展).
IDLE_DAYS = 30

#: What is not activity: a leader's 督办 is an order to get an idle project going, not
#: progress of it, and so is the leader's closing it or sending it back. Every other
#: event of the timeline is (a note, an edit, a move, a handoff, a milestone, a review
#: decision, a problem, the unit's report on a 督办, a leader's own act, a parcel reserved).
NOT_ACTIVITY = (
    ProjectEvent.Kind.SUPERVISED,
    ProjectEvent.Kind.SUPERVISION_CLOSED,
    ProjectEvent.Kind.SUPERVISION_RETURNED,
)

#: The library's transitions a month is counted by: code → label.
CHANGES = {"admitted": "新入库", "advanced": "阶段推进", "landed": "新落地"}


def library_at(*, as_of: dt.date, where: Q = EVERYWHERE) -> QuerySet[ProjectPeriod]:
    """Return the admitted projects' periods current at the end of ``as_of``."""
    cutoff = end_of_day(as_of)
    return ProjectPeriod.objects.filter(
        where,
        Q(valid_to__isnull=True) | Q(valid_to__gte=cutoff),
        review_state=ADMITTED,
        valid_from__lt=cutoff,
    )


def idle_at(periods: QuerySet, *, as_of: dt.date, days: int = IDLE_DAYS) -> QuerySet[ProjectPeriod]:
    """Narrow periods current at ``as_of`` to the projects idle then: still on the way
    (a stage of the ladder that is not terminal, such as 中止, and not yet 投产 by
    ``as_of``) with no activity (``NOT_ACTIVITY``) in the ``days`` days up to the end of
    ``as_of`` (the ledgers' 一月内无进度更新). A project waiting on an open problem is
    idle too; the cockpit shows how many of the idle wait so."""
    cutoff = end_of_day(as_of)
    recent = ProjectEvent.objects.filter(
        project_id=OuterRef("project_id"),
        at__gte=cutoff - dt.timedelta(days=days),
        at__lt=cutoff,
    ).exclude(kind__in=NOT_ACTIVITY)
    producing = Milestone.objects.filter(
        project_id=OuterRef("project_id"),
        kind=Milestone.Kind.IN_PRODUCTION,
        date__lte=as_of,
    )
    return (
        periods.filter(stage__is_terminal=False).exclude(Exists(recent)).exclude(Exists(producing))
    )


def last_activity(*, as_of: dt.date) -> Subquery:
    """Return, for periods (``OuterRef("project_id")``), the time of the project's last
    activity before the end of ``as_of``: where an idle project's idle days count from."""
    return Subquery(
        ProjectEvent.objects.filter(project_id=OuterRef("project_id"), at__lt=end_of_day(as_of))
        .exclude(kind__in=NOT_ACTIVITY)
        .order_by("-at", "-id")
        .values("at")[:1]
    )


def changes(
    *, kind: str | int, until: dt.date, since: dt.date | None = None, where: Q = EVERYWHERE
) -> QuerySet[ProjectPeriod]:
    """Return the periods that begin with a transition of the library in the window.

    ``kind``: ``"admitted"`` (entered the library), ``"advanced"`` (moved up the ladder,
    not into 落地), ``"landed"`` (moved up into 落地 — a stage that allows milestones), or
    a stage's pk (entered that stage while in the library: admitted at it, or moved to it).
    The window runs from the start of ``since`` (or the beginning) to the end of ``until``;
    ``where`` applies to the period the transition began, i.e. the scope at that moment.
    """
    ladder = list(Stage.objects.all())
    return transitions(since=since, until=until, where=where).filter(change_condition(kind, ladder))


def transitions(*, until: dt.date, since: dt.date | None, where: Q) -> QuerySet[ProjectPeriod]:
    """Return the admitted periods that begin in the window, each annotated ``earlier_stage``:
    the stage of the period just before it if the project was in the library then, else 0,
    and ``step``: the pair as one number, ``stage * STEP + earlier_stage``.

    Each condition below reads ``earlier_stage`` once, so the database looks the earlier period
    up once a row (an annotation is repeated wherever the SQL names it).
    """
    periods = ProjectPeriod.objects.filter(
        where, review_state=ADMITTED, valid_from__lt=end_of_day(until)
    )
    if since is not None:
        periods = periods.filter(valid_from__gte=start_of_day(since))
    # At most one period ends where another begins; no ordering (the model's default
    # would join the project table to sort a single row).
    earlier = (
        ProjectPeriod.objects.filter(
            project_id=OuterRef("project_id"),
            valid_to=OuterRef("valid_from"),
            review_state=ADMITTED,
        )
        .order_by()
        .values("stage_id")[:1]
    )
    before = Coalesce(Subquery(earlier), Value(0), output_field=BigIntegerField())
    return periods.annotate(earlier_stage=before, step=F("stage_id") * STEP + before)


#: ``step`` = stage * STEP + the stage before it (stage ids are far below STEP).
STEP = 1 << 20


def change_steps(kind: str, ladder: list[Stage]) -> list[int]:
    """Return the (stage, stage before) steps, as ``step`` numbers, that make a change of
    ``kind`` ("advanced" or "landed"): the ladder is a handful of rows, so which rung is
    lower is worked out here rather than by joining the ladder for every period."""
    rungs = [s for s in ladder if not s.is_terminal]
    steps = []
    for stage in rungs:
        lower = [s for s in rungs if s.order < stage.order]
        if kind == "landed":
            if not stage.allows_milestones:
                continue
            lower = [s for s in lower if not s.allows_milestones]
        elif stage.allows_milestones:
            lower = [s for s in lower if s.allows_milestones]  # into 落地 is a landing
        steps += [stage.pk * STEP + s.pk for s in lower]
    return steps


def change_condition(kind: str | int, ladder: list[Stage]) -> Q:
    """Return the condition that a period of ``transitions`` begins with a change of ``kind``."""
    if kind == "admitted":
        return Q(earlier_stage=0)
    if isinstance(kind, int) and not isinstance(kind, bool):
        return Q(stage_id=kind) & ~Q(earlier_stage=kind)
    if kind in ("advanced", "landed"):
        return Q(step__in=change_steps(kind, ladder) or [-1])
    raise ValueError(f"unknown change {kind!r}")


def change_sql(kind: str | int, ladder: list[Stage]) -> str:
    """``change_condition`` over the columns ``earlier_stage`` and ``stage_id`` of
    ``transitions``'s rows read as a derived table (every value an integer from the ladder)."""
    if kind == "admitted":
        return "earlier_stage = 0"
    if isinstance(kind, int):
        return f"stage_id = {int(kind)} AND earlier_stage <> {int(kind)}"
    steps = ", ".join(str(int(n)) for n in change_steps(kind, ladder) or [-1])
    return f"stage_id * {STEP} + earlier_stage IN ({steps})"


def reached_next(entries: QuerySet, *, stage: Stage, until: dt.date) -> QuerySet[ProjectPeriod]:
    """Narrow entries into ``stage`` to those followed, by the end of ``until``, by a
    period at a higher rung of the ladder (jumping a rung counts)."""
    later = ProjectPeriod.objects.filter(
        project_id=OuterRef("project_id"),
        review_state=ADMITTED,
        stage__is_terminal=False,
        stage__order__gt=stage.order,
        valid_from__gt=OuterRef("valid_from"),
        valid_from__lt=end_of_day(until),
    )
    return entries.filter(Exists(later))


def project_ids(rows: QuerySet) -> QuerySet:
    """Return the distinct projects of a set of periods or acts, for ``pk__in``."""
    return rows.order_by().values("project_id").distinct()
