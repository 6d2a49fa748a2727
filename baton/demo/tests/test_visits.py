"""The demo's 外出招商 and 来访接待: trips with a filed and an overdue report, a lead
produced, receptions showing parcels, a leader's act as a reception."""

from django.utils import timezone

from baton.demo.tests.snapshot import load_demo_once
from baton.leads.models import Source
from baton.org.models import District
from baton.supervision.models import LeaderAct
from baton.visits.models import Reception, Trip
from baton.visits.services import is_report_overdue


def test_the_demo_has_trips_and_receptions(db):
    load_demo_once()
    xa = District.objects.get(name="翔安区")
    trips = Trip.objects.filter(district=xa)
    assert trips.count() == 3
    assert trips.filter(reported_at__isnull=False).count() == 2
    assert any(is_report_overdue(t, timezone.localdate()) for t in trips)
    assert trips.filter(leads__source=Source.RESIDENT).exists()
    receptions = Reception.objects.filter(district=xa)
    assert receptions.count() == 2
    assert all(r.parcels.exists() for r in receptions)
    assert LeaderAct.objects.filter(origin=LeaderAct.Origin.RECEPTION).count() == 1
