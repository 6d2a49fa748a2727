"""招商工作: each unit's activities, trips, receptions, leads and claims, side by side —
equal to a hand count, scoped, as of a date; the page, the cockpit and the pack."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from baton.activities import services as activities
from baton.activities.tests.helpers import activity
from baton.leads.tests.helpers import register
from baton.projects.tests.helpers_views import login
from baton.reports.pack import pack_build
from baton.reports.selectors import Scope
from baton.reports.work import work_figures
from baton.reports.xlsx import pack_xlsx
from baton.testing import make_project
from baton.visits import services as visits
from baton.visits.tests.helpers import people, trip, two_companies

WORK = reverse("reports:work")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def busy(w, today):
    """马巷街道's month: one activity (two companies invited, one project signed for 5亿元),
    one trip (two members and a leader, two days, two companies), one reception, one lead."""
    two_companies(people(w))
    held = activity(w, start_on=today, companies=[w.catl, w.byd])
    project = make_project(w, name="马巷新能源电池项目")
    activities.signing_add(
        activity=held, actor=w.promoter, kind="contract", amount="50000", project=project
    )
    trip(w, start=today - dt.timedelta(days=1) if today.day > 1 else today, end=today)
    visits.reception_create(
        actor=w.promoter, date=today, visitors="比亚迪 王总一行", companies=[w.byd]
    )
    register(w, comp=w.catl)
    return w


def test_a_units_work_equals_a_hand_count(busy, today):
    work = work_figures(
        scope=Scope(district=busy.district), since=today.replace(day=1), as_of=today
    )

    [row] = work.rows
    days = 2 if today.day > 1 else 1
    assert row.name == busy.town.name
    assert row.cells == [1, 2, 1, Decimal("50000"), 1, 3, days, 2, 1, 1, 0, 0, 0]
    assert work.total.cells == row.cells


def test_another_units_scope_and_a_day_before_show_nothing(busy, today):
    other = work_figures(scope=Scope(unit=busy.other_town), since=today.replace(day=1), as_of=today)
    assert other.rows == [] and not any(other.total.cells)
    before = today - dt.timedelta(days=1)
    earlier = work_figures(
        scope=Scope(district=busy.district), since=before.replace(day=1), as_of=before
    )
    assert earlier.rows == []  # recorded today: not yet there at the end of yesterday


def test_the_page_shows_the_units_rows_and_refuses_a_bad_period(client, busy, today):
    c = login(client, busy.office)
    page = c.get(WORK, {"as_of": today.isoformat(), "period": "year"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "招商工作统计" in text and busy.town.name in text and "50,000" in text

    bad = c.get(WORK, {"period": "decade"})
    assert bad.status_code == 400 and "统计期间只能是当月或本年累计" in bad.content.decode()
    assert c.post(WORK).status_code == 405


def test_a_promoter_sees_only_their_units_work(client, busy, today):
    text = (
        login(client, busy.other_promoter).get(WORK, {"as_of": today.isoformat()}).content.decode()
    )
    assert busy.town.name not in text and "没有登记招商活动" in text


def test_the_cockpit_and_the_pack_carry_the_work(client, busy, today):
    cockpit = login(client, busy.office).get(
        reverse("reports:cockpit"), {"as_of": today.isoformat()}
    )
    assert 'id="work-totals"' in cockpit.content.decode()
    assert cockpit.context["board"].work_month.activities == 1

    pack = pack_build(scope=Scope(district=busy.district), as_of=today)
    book = load_workbook(io.BytesIO(pack_xlsx(pack)))
    sheet = book["招商工作"]
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "合计"]
    assert values and str(values[0][1]).startswith("=SUM(")
