"""What the pages read: the monthly 考勤 table and the calendar's items.

The 考勤 table (阿拉尔's "组别|外出人数|外出天数|工作开展情况") counts the trips that set out in
the month, in the user's scope: per group (a unit's named 招商小分队, or the unit itself) the
trips, 人次 (each member or leader on a trip once), 天数 (the trips' days, first and last day
counted), companies met (家次: a company met on two trips counts twice) and leads produced;
per person the same for the trips they were on. The group rows add up to the total, and so
do the person rows' 人次.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse

from baton.accounts.models import User

from . import rules
from .models import Trip


@dataclass
class Totals:
    trips: int = 0
    person_times: int = 0
    days: int = 0
    companies: int = 0
    leads: int = 0

    def add(self, other: "Totals") -> None:
        self.trips += other.trips
        self.person_times += other.person_times
        self.days += other.days
        self.companies += other.companies
        self.leads += other.leads


@dataclass
class Row:
    name: str
    unit: str
    totals: Totals = field(default_factory=Totals)
    #: 工作开展情况: the group's trips of the month, one line each.
    work: list[str] = field(default_factory=list)


@dataclass
class Monthly:
    year: int
    month: int
    groups: list[Row]
    people: list[Row]
    total: Totals


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def month_trips(trips: QuerySet[Trip], year: int, month: int) -> QuerySet[Trip]:
    first, last = month_bounds(year, month)
    return trips.filter(start__gte=first, start__lte=last)


def monthly_totals(trips: QuerySet[Trip], year: int, month: int) -> Monthly:
    """The 考勤 table of ``trips`` (already scoped) that set out in the month."""
    rows = (
        month_trips(trips, year, month)
        .select_related("unit")
        .prefetch_related("members__unit", "leaders", "companies", "leads")
        .order_by("unit__order", "unit_id", "group", "start", "id")
    )
    groups: dict[tuple, Row] = {}
    people: dict[int, Row] = {}
    total = Totals()
    for trip in rows:
        persons = {p.pk: p for p in [*trip.members.all(), *trip.leaders.all()]}
        one = Totals(
            trips=1,
            person_times=len(persons),
            days=trip.days,
            companies=len(trip.companies.all()),
            leads=len(trip.leads.all()),
        )
        key = (trip.unit_id, trip.group)
        group = groups.setdefault(key, Row(trip.group_name, trip.unit.name))
        group.totals.add(one)
        group.work.append(
            f"{trip.start:%m-%d}赴{trip.destinations}，{trip.title}"
            f"（拜访企业 {one.companies} 家，线索 {one.leads} 条）"
        )
        total.add(one)
        for person in persons.values():
            unit = person.unit.name if person.unit is not None else (person.title or "")
            row = people.setdefault(person.pk, Row(person.name, unit))
            row.totals.add(Totals(1, 1, one.days, one.companies, one.leads))
    listed = sorted(people.values(), key=lambda r: (-r.totals.days, r.name))
    return Monthly(year, month, list(groups.values()), listed, total)


# --- the activity calendar ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CalendarItem:
    kind: str  # "trip" or "reception"
    title: str
    start: dt.date
    end: dt.date
    url: str


def calendar_items(*, user: User, start: dt.date, end: dt.date) -> list[CalendarItem]:
    """The trips and receptions in the user's scope that fall within [start, end]."""
    items = []
    trips = rules.visible_trips(user).filter(Q(start__lte=end) & Q(end__gte=start))
    for trip in trips.select_related("unit").order_by("start", "id"):
        items.append(
            CalendarItem(
                "trip",
                f"外出招商：{trip.group_name}赴{trip.destinations}",
                trip.start,
                trip.end,
                reverse("visits:trip_detail", args=[trip.pk]),
            )
        )
    receptions = rules.visible_receptions(user).filter(date__gte=start, date__lte=end)
    for reception in receptions.order_by("date", "id"):
        items.append(
            CalendarItem(
                "reception",
                f"来访接待：{reception.visitors}",
                reception.date,
                reception.date,
                reverse("visits:reception_detail", args=[reception.pk]),
            )
        )
    return sorted(items, key=lambda i: (i.start, i.kind))


def trips_for(user: User) -> QuerySet[Trip]:
    return rules.visible_trips(user).select_related("unit", "district")


__all__ = ["Trip", "calendar_items", "monthly_totals", "trips_for"]
