"""Per unit, per month, as of a date: activities held, companies invited, projects signed
and counted, amounts counted — the facts the cockpit, the monthly pack and the assessment
read.

"As of D" takes what was recorded by the end of D: activities registered by then and held
by then, and the signing lines entered by then; the counting rule (``counting``) runs
over the district's whole history up to D, so that a project signed at an earlier
activity is not counted again in a later month. A line removed later is gone from every
date (the removal is kept as an event on the activity).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from baton.core.dates import end_of_day

from .counting import Credit, credits
from .models import Activity, Signing


@dataclass
class UnitMonth:
    """One unit's figures for one month."""

    unit_id: int
    month: str  # YYYY-MM
    held: int = 0
    invited: int = 0
    signed: int = 0
    counted: int = 0
    upgraded: int = 0
    amount_counted: Decimal = field(default_factory=lambda: Decimal(0))
    activity_ids: set[int] = field(default_factory=set)


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass
class Held:
    """The activities held in a window and the signings on their lists, each with how
    it counts (``counting``): the records behind ``activity_figures``."""

    activities: list[Activity]
    signings: list[tuple[Signing, Credit]]

    def counted(self) -> list[Signing]:
        """The signings whose project counts at their activity (its first signing)."""
        return [signing for signing, credit in self.signings if credit.counted]


def held_activities(
    *, activities: QuerySet[Activity], as_of: dt.date, since: dt.date | None = None
) -> Held:
    """Return ``activities`` (already scoped) held by ``as_of`` (and from ``since``), as
    recorded by the end of ``as_of``, and their signings credited by the counting rule
    over all the district's signings recorded by ``as_of``."""
    cutoff = end_of_day(as_of)
    held = activities.filter(start_on__lte=as_of, created_at__lte=cutoff)
    if since:
        held = held.filter(start_on__gte=since)
    held_list = list(held.select_related("unit").prefetch_related("companies"))
    districts = {a.district_id for a in held_list}
    history = Signing.objects.filter(
        district_id__in=districts,
        created_at__lte=cutoff,
        activity__start_on__lte=as_of,
        activity__created_at__lte=cutoff,
    ).select_related("activity")
    lines = list(history)
    credit = credits(lines)
    by_pk = {a.pk: a for a in held_list}
    signings = []
    for signing in lines:
        if signing.activity_id in by_pk:
            signing.activity = by_pk[signing.activity_id]
            signings.append((signing, credit[signing.pk]))
    return Held(held_list, signings)


def activity_figures(
    *, activities: QuerySet[Activity], as_of: dt.date, since: dt.date | None = None
) -> dict[tuple[int, str], UnitMonth]:
    """Return ``{(unit_id, "YYYY-MM"): UnitMonth}`` of ``held_activities``.

    An activity counts in the month it started; its companies invited are the distinct
    companies of its invitation list; its signings count by the counting rule over all the
    district's signings recorded by ``as_of``.
    """
    held = held_activities(activities=activities, as_of=as_of, since=since)
    result: dict[tuple[int, str], UnitMonth] = {}

    def row(activity: Activity) -> UnitMonth:
        key = (activity.unit_id, _month(activity.start_on))
        if key not in result:
            result[key] = UnitMonth(activity.unit_id, key[1])
        return result[key]

    for activity in held.activities:
        line = row(activity)
        line.held += 1
        line.invited += len(activity.companies.all())
        line.activity_ids.add(activity.pk)
    for signing, c in held.signings:
        line = row(signing.activity)
        line.signed += 1
        line.counted += int(c.counted)
        line.upgraded += int(c.upgraded)
        line.amount_counted += c.amount
    return result


def totals(rows: dict[tuple[int, str], UnitMonth]) -> dict:
    """Sum of the rows (a district's or a city's month, year to date)."""
    total: dict = defaultdict(int)
    total["amount_counted"] = Decimal(0)
    for line in rows.values():
        for name in ("held", "invited", "signed", "counted", "upgraded"):
            total[name] += getattr(line, name)
        total["amount_counted"] += line.amount_counted
    return dict(total)
