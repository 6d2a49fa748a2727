"""A company's trips and receptions on its timeline in 客商库 (``companies.timeline``),
imported from ``ready()``: each trip that met the company (or a record merged into it)
and each reception it came to, that the user may see, on the day it began."""

from django.db.models import Q
from django.urls import reverse

from baton.companies.timeline import Entry, timeline_provider
from baton.core.dates import start_of_day

from . import rules


@timeline_provider("visits")
def company_visits(user, company):
    met = Q(companies=company) | Q(companies__merged_into=company)
    for trip in rules.visible_trips(user).filter(met).distinct().select_related("unit"):
        yield Entry(
            at=start_of_day(trip.start),
            kind="外出拜访",
            title=f"{trip.group_name}赴{trip.destinations}拜访（{trip.title}）",
            url=reverse("visits:trip_detail", args=[trip.pk]),
            detail=f"{trip.start:%Y-%m-%d} 至 {trip.end:%Y-%m-%d}",
        )
    for reception in rules.visible_receptions(user).filter(met).distinct().select_related("unit"):
        yield Entry(
            at=start_of_day(reception.date),
            kind="来访接待",
            title=f"{reception.visitors}来访，{reception.unit.name}接待",
            url=reverse("visits:reception_detail", args=[reception.pk]),
        )
