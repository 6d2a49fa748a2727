"""Activities for the tests of activities."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied

from baton.companies import services as companies
from baton.companies.tests.helpers import BYD, CATL

from .. import services

DAY = dt.date(2026, 3, 10)


def company(w, name="宁德时代新能源科技股份有限公司", uscc=CATL):
    return companies.company_create(actor=w.office, district=w.district, name=name, uscc=uscc)


def byd(w):
    return company(w, name="比亚迪股份有限公司", uscc=BYD)


def activity(w, actor=None, unit=None, **values):
    values = {
        "kind": "signing",
        "title": "2026 翔安区重大项目集中签约仪式",
        "organizer": "翔安区人民政府",
        "place": "翔安区行政中心",
        "start_on": DAY,
        "budget": "20",
        **values,
    }
    return services.activity_create(actor=actor or w.promoter, unit=unit or w.town, **values)


def state() -> dict:
    """Everything an activity service may write, to compare before and after a refusal."""
    from baton.projects.models import ProjectEvent
    from baton.supervision.models import LeaderAct

    from ..models import Activity, ActivityEvent, ActivitySettings, PlanItem, Signing

    return {
        "activities": list(Activity.objects.order_by("pk").values()),
        "companies": list(
            Activity.companies.through.objects.order_by("pk").values_list(
                "activity_id", "company_id"
            )
        ),
        "leaders": list(
            Activity.leaders.through.objects.order_by("pk").values_list("activity_id", "person_id")
        ),
        "signings": list(Signing.objects.order_by("pk").values()),
        "events": ActivityEvent.objects.count(),
        "plan": list(PlanItem.objects.order_by("pk").values()),
        "settings": list(ActivitySettings.objects.order_by("pk").values()),
        "acts": list(LeaderAct.objects.order_by("pk").values()),
        "project_events": ProjectEvent.objects.count(),
    }


@contextmanager
def denied(message: str):
    """Expect the block to raise PermissionDenied with ``message`` and change nothing."""
    before = state()
    with pytest.raises(PermissionDenied) as info:
        yield info
    assert str(info.value) == message
    assert state() == before
