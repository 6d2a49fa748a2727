"""Lead figures of a scope as of a date: counts, 万元 and response times, from ``asof``.

Every figure reads the leads' states at the end of D (``asof.states_at``), so a past
date's figures never change with later edits. Counted are the leads neither 储备 nor
merged at D (``LeadState.counted``); the 储备 are tallied apart.

- **Flows** in the window (``since`` to D; from the beginning without ``since``):
  登记 (registered in it), 研判 (first assessed in it), 转化 (converted in it, and still
  so at D), 不予跟进 (rejected in it, and still so at D) — each by 信息来源, by the unit
  holding the lead at D (跟进单位) and its 首报单位, by GB/T 4754 门类 and by the
  district's 行业.
- **Statuses**: the counted leads at D by their status then.
- **Timings** of 响应, 研判 and 反馈: among the counted leads whose deadline fell in the
  window (due by D), the share done by its deadline (the local day done ≤ the deadline),
  and the median working days from the day of 首报 to the day done, among those done by
  D. Not owed, and left out: a lead in 撞车 at D, one that lost its 撞车 at the office's
  ruling, and one rejected before the act (响应, 研判; feedback is owed after a
  rejection too).

A scope is ``baton.reports.selectors.Scope`` or anything with its ``city``,
``district``, ``unit`` and ``industry``: a unit's scope is the leads the unit held at D.
"""

import datetime as dt
import hashlib
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Q

from baton.accounts.areas import Level, area_of
from baton.companies.industry import SECTIONS, section_of
from baton.core.dates import local_date, start_of_day, working_days_between
from baton.core.money import wan_to_yi
from baton.org.models import Unit
from baton.projects.models import Industry

from .asof import LeadState, states_at
from .models import LeadEvent, Source, Status
from .rules import visible_leads

ZERO = Decimal("0.0000")

#: The flows counted in a window: code → label.
FLOWS = {"registered": "登记", "assessed": "研判", "converted": "转化", "rejected": "不予跟进"}
#: The statuses a counted lead may have (a merged one is not counted).
STATUSES = [s for s in Status if s != Status.MERGED]
#: The timed acts: code → (label, the moment done, the deadline).
TIMINGS = {
    "respond": ("响应", "responded_at", "respond_due"),
    "assess": ("研判", "assessed_at", "assess_due"),
    "feedback": ("反馈", "feedback_at", "feedback_due"),
}
#: Seconds a cached figure is kept (a new event changes the key before that).
CACHE_SECONDS = 15 * 60


@dataclass(frozen=True)
class Tally:
    """A number of leads and their 总投资 in 万元."""

    count: int = 0
    investment: Decimal = ZERO

    def plus(self, amount: Decimal) -> "Tally":
        return Tally(self.count + 1, self.investment + amount)

    @property
    def yi(self) -> Decimal:
        """The 总投资 in 亿元, exact (round only to print)."""
        return wan_to_yi(self.investment)


def _no_flows() -> dict[str, Tally]:
    return dict.fromkeys(FLOWS, Tally())


@dataclass
class Row:
    """One source, unit or industry: its flows in the window."""

    key: str | int | None
    name: str
    flows: dict[str, Tally] = field(default_factory=_no_flows)

    @property
    def registered(self) -> Tally:
        return self.flows["registered"]


@dataclass(frozen=True)
class Timing:
    """The deadline kept for one act: how many were due, done in time, done; the median."""

    code: str
    label: str
    due: int
    on_time: int
    done: int
    median: float | None  # working days from 首报 to done

    @property
    def share(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def share_text(self) -> str:
        return "—" if self.share is None else f"{self.share * 100:.1f}%"

    @property
    def median_text(self) -> str:
        if self.median is None:
            return "—"
        return f"{self.median:g}个工作日"


@dataclass
class LeadFigures:
    scope: object
    as_of: dt.date
    since: dt.date | None
    flows: dict[str, Tally]
    statuses: list[tuple[str, str, Tally]]
    reserve: Tally
    by_source: list[Row]
    by_unit: list[Row]
    by_first_unit: list[Row]
    by_section: list[Row]
    by_industry: list[Row]
    timings: list[Timing]

    @property
    def counted(self) -> Tally:
        """The counted leads at D, whatever their status."""
        return Tally(
            sum(t.count for _, _, t in self.statuses),
            sum((t.investment for _, _, t in self.statuses), ZERO),
        )

    def timing(self, code: str) -> Timing:
        return next(t for t in self.timings if t.code == code)


# --- scope -------------------------------------------------------------------------------


def scope_where(scope) -> Q:
    """The condition on ``Lead`` of the scope's districts (no event changes a district)."""
    if scope.unit is not None:
        return Q(district_id=scope.unit.district_id)
    if scope.district is not None:
        return Q(district_id=scope.district.pk)
    if scope.city is not None:
        return Q(district__city_id=scope.city.pk)
    return Q()


def scope_keeps(scope) -> Callable[[LeadState], bool]:
    """Whether a lead's state at D is in the scope (its unit and industry then)."""
    unit = scope.unit.pk if scope.unit is not None else None
    industry = scope.industry.pk if getattr(scope, "industry", None) is not None else None

    def keep(state: LeadState) -> bool:
        return (unit is None or state.unit == unit) and (
            industry is None or state.industry == industry
        )

    return keep


def user_covers(user, scope) -> bool:
    """Whether ``user`` sees every lead of ``scope``: a district's or city's area over it,
    or a unit's own scope (the leads it held; it held them, whoever holds them now)."""
    area = area_of(user)
    if scope.unit is not None:
        if area.level is Level.UNIT:
            return area.unit_id == scope.unit.pk and not getattr(user, "is_coordinating", False)
        return area.covers_district(scope.unit.district)
    if scope.district is not None:
        return area.covers_district(scope.district)
    return area.level is Level.CITY and scope.city is not None and scope.city.pk == area.city_id


def scope_states(*, scope, as_of: dt.date, user=None) -> list[LeadState]:
    """The states at D of the leads in ``scope``, narrowed to what ``user`` may see."""
    states = states_at(as_of=as_of, where=scope_where(scope))
    keep = scope_keeps(scope)
    chosen = [s for s in states.values() if keep(s)]
    if user is not None and not user_covers(user, scope):
        seen = set(
            visible_leads(user)
            .filter(pk__in=[s.lead_id for s in chosen])
            .values_list("pk", flat=True)
        )
        chosen = [s for s in chosen if s.lead_id in seen]
    return chosen


# --- the figures -------------------------------------------------------------------------


def _flows_of(state: LeadState, start: dt.datetime | None) -> list[str]:
    def within(moment: dt.datetime | None) -> bool:
        return moment is not None and (start is None or moment >= start)

    flows = []
    if within(state.reported_at):
        flows.append("registered")
    if within(state.assessed_at):
        flows.append("assessed")
    if state.status == Status.CONVERTED and within(state.converted_at):
        flows.append("converted")
    if state.status == Status.REJECTED and within(state.status_at):
        flows.append("rejected")
    return flows


def _owed(state: LeadState, code: str, done: dt.datetime | None) -> bool:
    if state.status == Status.CONFLICT or state.arbitrated_out:
        return False
    return not (code != "feedback" and state.status == Status.REJECTED and done is None)


def _timing(code: str, states: list[LeadState], as_of: dt.date, since: dt.date | None) -> Timing:
    label, moment, deadline = TIMINGS[code]
    due = on_time = 0
    days: list[int] = []
    for state in states:
        limit: dt.date = getattr(state, deadline)
        if limit > as_of or (since is not None and limit < since):
            continue
        done = getattr(state, moment)
        if not _owed(state, code, done):
            continue
        due += 1
        if done is None:
            continue
        day = local_date(done)
        on_time += day <= limit
        days.append(working_days_between(local_date(state.reported_at), day))
    median = float(statistics.median(days)) if days else None
    return Timing(code, label, due, on_time, len(days), median)


def _rows(tallies: dict, names: dict, order: list) -> list[Row]:
    return [Row(key, names.get(key, ""), tallies[key]) for key in order if key in tallies]


def lead_figures(*, scope, as_of: dt.date, since: dt.date | None = None, user=None) -> LeadFigures:
    """Return the lead figures of ``scope`` at the end of ``as_of`` (flows since ``since``)."""
    states = scope_states(scope=scope, as_of=as_of, user=user)
    start = start_of_day(since) if since is not None else None
    flows = _no_flows()
    statuses = {s.value: Tally() for s in STATUSES}
    reserve = Tally()
    groups: dict[str, dict] = {g: {} for g in ("source", "unit", "first", "section", "industry")}
    counted = []
    for state in states:
        if state.status == Status.MERGED:
            continue
        if state.is_reserve:
            if start is None or state.reported_at >= start:
                reserve = reserve.plus(state.investment)
            continue
        counted.append(state)
        statuses[state.status] = statuses[state.status].plus(state.investment)
        keys = {
            "source": state.source,
            "unit": state.unit,
            "first": state.first_unit,
            "section": (state.industry_code or "")[:1],
            "industry": state.industry,
        }
        for flow in _flows_of(state, start):
            flows[flow] = flows[flow].plus(state.investment)
            for group, key in keys.items():
                row = groups[group].setdefault(key, _no_flows())
                row[flow] = row[flow].plus(state.investment)
    unit_ids = set(groups["unit"]) | set(groups["first"])
    units = list(
        Unit.objects.filter(pk__in=unit_ids)
        .order_by("district__code", "order", "pk")
        .values_list("pk", "name")
    )
    unit_names, unit_order = dict(units), [pk for pk, _ in units]
    industries = list(
        Industry.objects.filter(pk__in=[k for k in groups["industry"] if k]).values_list(
            "pk", "name"
        )
    )
    sources = [s.value for s in Source]
    sections = [*SECTIONS, ""]
    return LeadFigures(
        scope=scope,
        as_of=as_of,
        since=since,
        flows=flows,
        statuses=[(s.value, str(s.label), statuses[s.value]) for s in STATUSES],
        reserve=reserve,
        by_source=_rows(groups["source"], {s.value: str(s.label) for s in Source}, sources),
        by_unit=_rows(groups["unit"], unit_names, unit_order),
        by_first_unit=_rows(groups["first"], unit_names, unit_order),
        by_section=_rows(
            groups["section"],
            {**{code: section_of(code) for code in SECTIONS}, "": "未填行业代码"},
            sections,
        ),
        by_industry=_rows(
            groups["industry"],
            {**dict(industries), None: "未填行业"},
            [pk for pk, _ in industries] + [None],
        ),
        timings=[_timing(code, counted, as_of, since) for code in TIMINGS],
    )


def figure_lead_states(
    *,
    scope,
    as_of: dt.date,
    since: dt.date | None = None,
    user=None,
    status: str = "",
    flow: str = "",
    source: str = "",
    holder: int | None = None,
    first_unit: int | None = None,
) -> list[LeadState]:
    """The states at D of the leads behind one count of ``lead_figures`` (the same states,
    the same tests): a status at D, or a flow in the window, narrowed by source, holder at
    D and 首报单位 (``by_first_unit``)."""
    start = start_of_day(since) if since is not None else None
    found = []
    for state in scope_states(scope=scope, as_of=as_of, user=user):
        if not state.counted:
            continue
        if status and state.status != status:
            continue
        if flow and flow not in _flows_of(state, start):
            continue
        if (source and state.source != source) or (holder and state.unit != holder):
            continue
        if first_unit and state.first_unit != first_unit:
            continue
        found.append(state)
    return found


def figure_lead_ids(**narrowing) -> set[int]:
    """The ids of ``figure_lead_states`` (the same arguments)."""
    return {state.lead_id for state in figure_lead_states(**narrowing)}


def lead_figures_cached(
    *, scope, as_of: dt.date, since: dt.date | None = None, user=None
) -> LeadFigures:
    """``lead_figures``, kept in the cache under the scope's events: any new event of the
    scope's districts (a later change, or one dated back) changes the key."""
    narrowing = None if user is None or user_covers(user, scope) else user.pk
    marks = lead_marks(scope)
    text = "|".join(
        str(x)
        for x in (
            getattr(scope.city, "pk", None),
            getattr(scope.district, "pk", None),
            getattr(scope.unit, "pk", None),
            getattr(getattr(scope, "industry", None), "pk", None),
            as_of,
            since,
            narrowing,
            marks["last"],
            marks["n"],
            marks["at"],
        )
    )
    key = "baton:leads:figures:" + hashlib.sha256(text.encode()).hexdigest()
    figures = cache.get(key)
    if figures is None:
        figures = lead_figures(scope=scope, as_of=as_of, since=since, user=user)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def lead_marks(scope) -> dict:
    """The newest, the count and the latest time of the scope's lead events: any new event
    (a later change, or one dated back) changes one of them."""
    return LeadEvent.objects.filter(_event_where(scope)).aggregate(
        last=Max("id"), n=Count("id"), at=Max("at")
    )


def _event_where(scope) -> Q:
    if scope.unit is not None:
        return Q(district_id=scope.unit.district_id)
    if scope.district is not None:
        return Q(district_id=scope.district.pk)
    if scope.city is not None:
        return Q(district__city_id=scope.city.pk)
    return Q()
