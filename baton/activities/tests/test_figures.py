"""figures: per unit per month, as of a date — equal to a hand count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from baton.testing import make_project

from .. import services
from ..figures import activity_figures, totals
from ..models import Activity, Signing
from .helpers import activity, byd, company

pytestmark = pytest.mark.django_db


def test_the_figures_count_each_project_once_across_months(w):
    march = activity(w, start_on=dt.date(2026, 3, 10), companies=[company(w), byd(w)])
    april = activity(w, title="四月签约", start_on=dt.date(2026, 4, 8))
    other = activity(w, actor=w.other_promoter, unit=w.other_town, start_on=dt.date(2026, 4, 9))
    a, b = make_project(w), make_project(w)
    add = services.signing_add
    add(activity=march, actor=w.promoter, project=a, kind="intent", amount="1000")
    add(activity=april, actor=w.promoter, project=a, kind="contract", amount="1500")  # upgrade
    add(activity=april, actor=w.promoter, project=b, kind="contract", amount="300")
    add(activity=other, actor=w.other_promoter, project=b, kind="contract", amount="300")  # repeat
    rows = activity_figures(activities=Activity.objects.all(), as_of=timezone.localdate())
    m = rows[(w.town.pk, "2026-03")]
    assert (m.held, m.invited, m.signed, m.counted, m.amount_counted) == (1, 2, 1, 1, Decimal(1000))
    ap = rows[(w.town.pk, "2026-04")]
    assert (ap.held, ap.signed, ap.counted, ap.upgraded, ap.amount_counted) == (
        1, 2, 1, 1, Decimal(800)
    )  # fmt: skip
    o = rows[(w.other_town.pk, "2026-04")]
    assert (o.signed, o.counted, o.amount_counted) == (1, 0, Decimal(0))
    assert totals(rows)["counted"] == 2 and totals(rows)["amount_counted"] == Decimal(1800)


def test_as_of_a_date_counts_only_what_was_recorded_and_held_by_then(w):
    march = activity(w, start_on=dt.date(2026, 3, 10))
    s = services.signing_add(
        activity=march, actor=w.promoter, company=company(w), kind="intent", amount="10"
    )
    Signing.objects.filter(pk=s.pk).update(created_at=timezone.now() + dt.timedelta(days=3))
    assert activity_figures(activities=Activity.objects.all(), as_of=dt.date(2026, 3, 9)) == {}
    today = timezone.localdate()
    rows = activity_figures(activities=Activity.objects.all(), as_of=today)
    assert rows[(w.town.pk, "2026-03")].signed == 0  # entered after that day
    later = activity_figures(activities=Activity.objects.all(), as_of=today + dt.timedelta(days=5))
    assert later[(w.town.pk, "2026-03")].signed == 1
