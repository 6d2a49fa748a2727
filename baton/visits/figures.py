"""Trip and reception figures per unit per month, as of a date (cockpit, monthly pack,
assessment facts).

For the month (year, month) and a date D: the trips that set out in the month by D and the
receptions held in it by D, among those recorded by the end of D — visits made, 人次, 天数
(a trip's days counted in the month it set out), companies met (家次), receptions held; the
leads they produced that were registered by D, and of those the ones converted into a
project by D. A record edited after D is read as it stands now (the records keep no
state history of their own; their leads' conversion is read as of D).

A scope is anything with ``city``, ``district`` and ``unit`` (each None or a row), like
``baton.reports.selectors.Scope``.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from baton.core.dates import end_of_day

from .models import Reception, Trip
from .selectors import month_bounds


@dataclass
class UnitMonth:
    unit_id: int
    visits: int = 0
    person_times: int = 0
    days: int = 0
    companies: int = 0
    receptions: int = 0
    leads: int = 0
    converted: int = 0


def _scoped(rows, scope):
    if scope is None:
        return rows
    if getattr(scope, "unit", None) is not None:
        return rows.filter(unit_id=scope.unit.pk)
    if getattr(scope, "district", None) is not None:
        return rows.filter(district_id=scope.district.pk)
    if getattr(scope, "city", None) is not None:
        return rows.filter(district__city_id=scope.city.pk)
    return rows


def unit_month(*, scope, year: int, month: int, as_of: dt.date) -> dict[int, UnitMonth]:
    """The figures by unit id (units with nothing are absent)."""
    first, last = month_bounds(year, month)
    return unit_window(scope=scope, first=first, last=last, as_of=as_of)


def window_trips(*, scope, first: dt.date, last: dt.date, as_of: dt.date) -> QuerySet[Trip]:
    """The trips that set out from ``first`` to ``last`` (by ``as_of``), as recorded by the
    end of ``as_of``: the visits made that ``unit_window`` counts."""
    last = min(last, as_of)
    return _scoped(Trip.objects.all(), scope).filter(
        start__gte=first, start__lte=last, created_at__lte=end_of_day(as_of)
    )


def window_receptions(
    *, scope, first: dt.date, last: dt.date, as_of: dt.date
) -> QuerySet[Reception]:
    """The receptions held from ``first`` to ``last`` (by ``as_of``), as recorded by the end
    of ``as_of``: the receptions ``unit_window`` counts."""
    last = min(last, as_of)
    return _scoped(Reception.objects.all(), scope).filter(
        date__gte=first, date__lte=last, created_at__lte=end_of_day(as_of)
    )


def unit_window(*, scope, first: dt.date, last: dt.date, as_of: dt.date) -> dict[int, UnitMonth]:
    """The figures by unit id of the trips that set out and the receptions held from
    ``first`` to ``last`` (a month, or the year to D), as recorded by the end of ``as_of``."""
    cutoff = end_of_day(as_of)
    out: dict[int, UnitMonth] = {}
    converted = Q(converted_at__lte=cutoff)
    trips = window_trips(scope=scope, first=first, last=last, as_of=as_of)
    for trip in trips.prefetch_related("members", "leaders", "companies", "leads"):
        row = out.setdefault(trip.unit_id, UnitMonth(trip.unit_id))
        row.visits += 1
        row.person_times += len({p.pk for p in [*trip.members.all(), *trip.leaders.all()]})
        row.days += trip.days
        row.companies += len(trip.companies.all())
        produced = [lead for lead in trip.leads.all() if lead.reported_at <= cutoff]
        row.leads += len(produced)
        row.converted += trip.leads.filter(converted, pk__in=[lead.pk for lead in produced]).count()
    receptions = window_receptions(scope=scope, first=first, last=last, as_of=as_of)
    for reception in receptions.prefetch_related("leads"):
        row = out.setdefault(reception.unit_id, UnitMonth(reception.unit_id))
        row.receptions += 1
        produced = [lead for lead in reception.leads.all() if lead.reported_at <= cutoff]
        row.leads += len(produced)
        row.converted += reception.leads.filter(
            converted, pk__in=[lead.pk for lead in produced]
        ).count()
    return out
