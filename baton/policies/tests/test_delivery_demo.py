"""The demo's deliveries: written through the services, only where a shipped clause applies."""

import datetime as dt

import pytest

from baton.demo.policies import load_deliveries
from baton.policies.models import Application
from baton.projects.models import Milestone
from baton.testing import make_project

from .helpers import load_shipped

pytestmark = pytest.mark.django_db


def test_the_demo_delivers_where_a_shipped_clause_applies(w):
    load_shipped()
    today = dt.date(2025, 12, 1)
    for index in range(6):
        row = make_project(w, investor=f"演示投资{index}有限公司")
        Milestone.objects.create(project=row, kind="signed", date=dt.date(2024, 3, 1))
        Milestone.objects.create(project=row, kind="registered", date=dt.date(2024, 4, 1))
    make_project(w, investor="未签约")  # no clause applies before signing
    assert load_deliveries(w.district, today) == 5
    states = sorted(Application.objects.values_list("status", flat=True))
    assert states == ["approved", "complete", "paid", "received", "rejected"]
    assert all(a.events.exists() for a in Application.objects.all())
    assert load_deliveries(w.district, today) == 0  # once
