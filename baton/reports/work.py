"""招商工作: what each unit did in a window, as of a date — the relay's everyday work beside
the library's figures.

For a scope and a window (a month, or the year to ``D``) each unit's row counts, as
recorded by the end of ``D``: the promotion activities it held, the companies it invited
and the projects signed there and counted (``baton.activities.counting``: a project
signed again is not counted twice), the outbound trips it made with their 人次, 天数 and
companies met, the visitors it received, the leads it reported first and those converted,
and the intermediaries' claims filed and projects introduced on its projects. Each part
is read by its own app's figures; this module only lays them side by side, one row per
unit, and totals them. The cockpit, the monthly pack and the 招商工作 page read it.

``work_records`` lists the records behind a count (an activity, a trip, a company met, a
reception, a lead, a claim confirmed), read from the same app functions the figures count
from; the assessment counts a unit's work as the number of its records.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models

from baton.activities.figures import activity_figures, held_activities
from baton.activities.models import Activity
from baton.core.dates import local_date
from baton.intermediaries.figures import figures as intermediary_figures
from baton.intermediaries.figures import window_events
from baton.leads.figures import figure_lead_states, lead_figures_cached
from baton.leads.models import Lead
from baton.org.models import District, Unit
from baton.visits.figures import unit_window, window_receptions, window_trips

from .selectors import ZERO, Scope

#: The columns of a row: name → heading (the page, the pack's table and its workbook).
COLUMNS = {
    "activities": "举办活动",
    "invited": "邀请企业",
    "signed": "签约计入项目",
    "signed_wan": "计入签约额（万元）",
    "trips": "外出招商",
    "person_times": "人次",
    "days": "天数",
    "companies_met": "拜访企业",
    "receptions": "来访接待",
    "leads": "首报线索",
    "converted": "线索转化",
    "claims": "中介申报",
    "introduced": "中介引进项目",
}


@dataclass
class WorkRow:
    """One unit's work in the window (or the scope's total, ``unit_id`` None)."""

    unit_id: int | None
    name: str
    activities: int = 0
    invited: int = 0
    signed: int = 0
    signed_wan: Decimal = ZERO
    trips: int = 0
    person_times: int = 0
    days: int = 0
    companies_met: int = 0
    receptions: int = 0
    leads: int = 0
    converted: int = 0
    claims: int = 0
    introduced: int = 0

    @property
    def cells(self) -> list:
        return [getattr(self, name) for name in COLUMNS]

    @property
    def labelled(self) -> list[tuple[str, object, bool]]:
        """Each cell with its heading, and whether it is money (万元): for the pages."""
        return [(h, getattr(self, n), n == "signed_wan") for n, h in COLUMNS.items()]

    @property
    def is_empty(self) -> bool:
        return not any(self.cells)

    def add(self, other: "WorkRow") -> None:
        for name in COLUMNS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Work:
    scope: Scope
    since: dt.date
    as_of: dt.date
    rows: list[WorkRow] = field(default_factory=list)
    total: WorkRow = field(default_factory=lambda: WorkRow(None, "合计"))

    @property
    def columns(self) -> list[str]:
        return list(COLUMNS.values())


def _districts(scope: Scope):
    if scope.unit is not None:
        return District.objects.filter(pk=scope.unit.district_id)
    if scope.district is not None:
        return District.objects.filter(pk=scope.district.pk)
    if scope.city is not None:
        return District.objects.filter(city=scope.city)
    return District.objects.all()


def _activities(scope: Scope):
    found = Activity.objects.filter(district__in=_districts(scope))
    return found.filter(unit=scope.unit) if scope.unit is not None else found


def work_figures(*, scope: Scope, since: dt.date, as_of: dt.date) -> Work:
    """Return each unit's work from ``since`` to ``as_of`` (both in the same year or
    not), as recorded by the end of ``as_of``; units with nothing are left out."""
    work = Work(scope=scope, since=since, as_of=as_of)
    rows: dict[int, WorkRow] = {}

    def row(unit_id: int) -> WorkRow:
        return rows.setdefault(unit_id, WorkRow(unit_id, ""))

    for line in activity_figures(activities=_activities(scope), as_of=as_of, since=since).values():
        r = row(line.unit_id)
        r.activities += line.held
        r.invited += line.invited
        r.signed += line.counted
        r.signed_wan += line.amount_counted
    for unit_id, line in unit_window(scope=scope, first=since, last=as_of, as_of=as_of).items():
        r = row(unit_id)
        r.trips += line.visits
        r.person_times += line.person_times
        r.days += line.days
        r.companies_met += line.companies
        r.receptions += line.receptions
    # A unit's first reports stay its own after the lead is passed on: read the district's
    # leads and keep the unit's row.
    lead_scope = Scope(district=scope.unit.district) if scope.unit is not None else scope
    leads = lead_figures_cached(scope=lead_scope, as_of=as_of, since=since)
    for lead_row in leads.by_first_unit:
        if isinstance(lead_row.key, int):
            r = row(lead_row.key)
            r.leads += lead_row.flows["registered"].count
            r.converted += lead_row.flows["converted"].count
    for district in _districts(scope):
        found = intermediary_figures(district=district, since=since, as_of=as_of)
        for unit_id, counts in found.by_unit.items():
            if scope.unit is None or unit_id == scope.unit.pk:
                r = row(unit_id)
                r.claims += counts.get("claims_filed", 0)
                r.introduced += counts.get("projects_introduced", 0)
    if scope.unit is not None:
        rows = {k: v for k, v in rows.items() if k == scope.unit.pk}
    units = Unit.objects.filter(pk__in=rows).select_related("district")
    many = scope.unit is None and scope.district is None
    for unit in sorted(units, key=lambda u: (u.district.code, u.order, u.pk)):
        r = rows[unit.pk]
        r.name = f"{unit.district.name}{unit.name}" if many else unit.name
        if not r.is_empty:
            work.rows.append(r)
            work.total.add(r)
    return work


@dataclass(frozen=True)
class WorkRecord:
    """One thing a count of the work counts: the unit credited, its day, what it was, and
    the record it is (an activity, a trip, a reception, a lead or an intermediary's claim)."""

    unit_id: int
    day: dt.date
    title: str
    record: models.Model


#: The counts of a row that ``work_records`` lists, one record a thing counted.
RECORDED = (
    *("activities", "signed", "trips", "companies_met", "receptions"),
    *("leads", "converted", "introduced"),
)


def work_records(*, scope: Scope, since: dt.date, as_of: dt.date, column: str) -> list[WorkRecord]:
    """Return the records behind one column of ``work_figures`` (one of ``RECORDED``), read
    by the same app figures with the same window: a unit's count is its records' number."""
    found = _records(scope, since, as_of, column)
    if scope.unit is not None:
        found = [r for r in found if r.unit_id == scope.unit.pk]
    return sorted(found, key=lambda r: (r.day, r.unit_id, r.record.pk))


def _records(scope: Scope, since: dt.date, as_of: dt.date, column: str) -> list[WorkRecord]:
    if column in ("activities", "signed"):
        held = held_activities(activities=_activities(scope), as_of=as_of, since=since)
        if column == "activities":
            return [WorkRecord(a.unit_id, a.start_on, a.title, a) for a in held.activities]
        return [
            WorkRecord(a.unit_id, a.start_on, f"{s.title}（{a.title}）", a)
            for s in held.counted()
            for a in [s.activity]
        ]
    if column in ("trips", "companies_met", "receptions"):
        return _visit_records(scope, since, as_of, column)
    if column in ("leads", "converted"):
        return _lead_records(scope, since, as_of, column)
    if column == "introduced":
        return [
            WorkRecord(
                unit_id,
                local_date(e.at),
                f"{claim.project.name}（{claim.intermediary.name}）",
                claim,
            )
            for district in _districts(scope)
            for e, unit_id in window_events(district=district, since=since, as_of=as_of)
            if e.kind == e.Kind.CONFIRMED and (claim := e.claim) is not None
        ]
    raise ValueError(f"no records of the column {column!r}")


def _visit_records(scope: Scope, since: dt.date, as_of: dt.date, column: str) -> list[WorkRecord]:
    if column == "receptions":
        receptions = window_receptions(scope=scope, first=since, last=as_of, as_of=as_of)
        return [WorkRecord(r.unit_id, r.date, r.visitors, r) for r in receptions]
    trips = window_trips(scope=scope, first=since, last=as_of, as_of=as_of)
    if column == "trips":
        return [WorkRecord(t.unit_id, t.start, t.title, t) for t in trips]
    # 家次: a company met on two trips counts twice.
    return [
        WorkRecord(t.unit_id, t.start, f"{c.name}（{t.title}）", t)
        for t in trips.prefetch_related("companies")
        for c in t.companies.all()
    ]


def _lead_records(scope: Scope, since: dt.date, as_of: dt.date, column: str) -> list[WorkRecord]:
    # A unit's first reports stay its own after the lead is passed on.
    lead_scope = Scope(district=scope.unit.district) if scope.unit is not None else scope
    flow = "registered" if column == "leads" else "converted"
    states = [
        s
        for s in figure_lead_states(scope=lead_scope, as_of=as_of, since=since, flow=flow)
        if isinstance(s.first_unit, int)
    ]
    leads = Lead.objects.in_bulk([s.lead_id for s in states])
    found = []
    for s in states:
        moment = s.reported_at if flow == "registered" else s.converted_at
        assert moment is not None  # a flow in the window has its moment
        lead = leads[s.lead_id]
        found.append(WorkRecord(s.first_unit, local_date(moment), str(lead), lead))
    return found


def year_start(as_of: dt.date) -> dt.date:
    return as_of.replace(month=1, day=1)
