"""The demo's 招商活动: a plan with a late item, a 推介会 and a 签约仪式 that signs a project
again as an upgrade (not counted twice), the leader's acts as part of them."""

from baton.activities.models import Activity, PlanItem
from baton.activities.selectors import signed_list
from baton.demo.tests.snapshot import load_demo_once
from baton.org.models import District
from baton.supervision.models import LeaderAct


def test_the_demo_has_activities_and_a_plan(db):
    load_demo_once()
    xa = District.objects.get(name="翔安区")
    activities = Activity.objects.filter(district=xa)
    assert activities.count() >= 2
    ceremony = activities.get(kind="signing")
    signed = signed_list(ceremony)
    assert len(signed["rows"]) == 3 and signed["counted"] == 2 and signed["upgraded"] == 1
    assert PlanItem.objects.filter(district=xa).exists()
    assert LeaderAct.objects.filter(origin=LeaderAct.Origin.ACTIVITY).count() >= 3
