"""Reads of activities: an activity's signed list with how each line counts, the plan
against what was held, and the month calendar."""

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.urls import reverse

from baton.accounts.models import User
from baton.visits.selectors import calendar_items

from . import rules
from .counting import Credit, credits
from .models import Activity, PlanItem, Signing


def signings_with_credit(activity: Activity) -> list[tuple[Signing, Credit]]:
    """The activity's signed list, each line with how it counts (``counting``)."""
    lines = list(activity.signings.select_related("project", "company", "activity").order_by("id"))
    subjects = Q(pk__in=[])
    for line in lines:
        kind, pk = line.subject
        subjects |= Q(project_id=pk) if kind == "project" else Q(company_id=pk, project=None)
    history = Signing.objects.filter(subjects, district_id=activity.district_id).select_related(
        "activity"
    )
    credit = credits(history)
    return [(line, credit[line.pk]) for line in lines]


def signed_list(activity: Activity, user: User | None = None) -> dict:
    """The signed list as its card shows it: each line with its credit and, for a line
    not counted here, the activity it was first credited to (None when ``user`` may not
    see that one: another unit's); and the totals counted."""
    pairs = signings_with_credit(activity)
    ids = {c.credited_to for _, c in pairs if not c.counted}
    shown = rules.visible_activities(user) if user is not None else Activity.objects.all()
    firsts = {a.pk: a for a in shown.filter(pk__in=ids)}
    return {
        "rows": [
            {"signing": s, "credit": c, "first": None if c.counted else firsts.get(c.credited_to)}
            for s, c in pairs
        ],
        "counted": sum(1 for _, c in pairs if c.counted),
        "upgraded": sum(1 for _, c in pairs if c.upgraded),
        "amount": sum((c.amount for _, c in pairs), start=Decimal(0)),
    }


@dataclass
class PlanLine:
    item: PlanItem
    activity: Activity | None

    @property
    def over_budget(self) -> bool:
        return bool(
            self.activity
            and self.activity.cost is not None
            and self.activity.cost > self.item.budget
        )


def plan_compare(*, user: User, district_id: int, year: int) -> dict:
    """The district's plan for ``year`` against what was held, in the user's scope."""
    items = list(
        rules.visible_plan(user)
        .filter(district_id=district_id, year=year)
        .select_related("unit", "activity")
    )
    lines = [PlanLine(item, getattr(item, "activity", None)) for item in items]
    held = [line for line in lines if line.activity]
    unplanned = (
        rules.visible_activities(user)
        .filter(district_id=district_id, start_on__year=year, plan_item__isnull=True)
        .select_related("unit")
    )
    zero = Decimal(0)
    return {
        "lines": lines,
        "planned": len(lines),
        "held": len(held),
        "late": sum(1 for line in lines if line.item.is_late),
        "budget": sum((line.item.budget for line in lines), zero),
        "cost": sum((line.activity.cost or zero for line in held), zero),  # type: ignore[union-attr]
        "unplanned": list(unplanned),
    }


# --- the month calendar -----------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One thing on the calendar: an activity, a trip or a reception."""

    start: dt.date
    end: dt.date
    label: str
    kind: str  # what it is, for the badge: 推介会, 外出招商, 来访接待 …
    url: str
    css: str = "activity"


#: Sources of calendar entries: ``source(user, first, last)`` returns the entries of the
#: days ``first``..``last`` the user may see — the activities, and the visits app's trips
#: and receptions (an app below this one); another kind of record adds one function here.
CALENDAR_SOURCES: list[Callable[[User, dt.date, dt.date], list[Entry]]] = []


def activity_entries(user: User, first: dt.date, last: dt.date) -> list[Entry]:
    activities = rules.visible_activities(user).filter(start_on__lte=last, end_on__gte=first)
    return [
        Entry(
            a.start_on,
            a.end_on,
            a.title,
            a.get_kind_display(),
            reverse("activities:detail", kwargs={"code": a.code}),
        )
        for a in activities.order_by("start_on", "id")
    ]


def visit_entries(user: User, first: dt.date, last: dt.date) -> list[Entry]:
    """The trips (外出招商) and receptions (来访接待) of the visits app."""
    labels = {"trip": "外出招商", "reception": "来访接待"}
    return [
        Entry(i.start, i.end, i.title.split("：", 1)[-1], labels.get(i.kind, i.kind), i.url, i.kind)
        for i in calendar_items(user=user, start=first, end=last)
    ]


CALENDAR_SOURCES.extend((activity_entries, visit_entries))


def month_calendar(*, user: User, year: int, month: int) -> list[list[dict]]:
    """Weeks (Monday first) of days ``{day, in_month, entries}`` of the month."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    entries: list[Entry] = []
    for source in CALENDAR_SOURCES:
        entries.extend(source(user, first, last))
    by_day: dict[dt.date, list[Entry]] = defaultdict(list)
    for entry in entries:
        day = max(entry.start, first)
        while day <= min(entry.end, last):
            by_day[day].append(entry)
            day += dt.timedelta(days=1)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [
        [{"day": d, "in_month": d.month == month, "entries": by_day.get(d, [])} for d in week]
        for week in weeks
    ]


def activities_for(user: User) -> QuerySet[Activity]:
    return rules.visible_activities(user).select_related("unit", "district")
