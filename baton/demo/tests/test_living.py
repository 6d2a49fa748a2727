"""The demo district goes on living from 2020 up to the day the demo is loaded."""

import datetime as dt
import random

import pytest
from django.db import transaction
from django.utils import timezone

from baton.core.dates import last_month_end, start_of_day
from baton.demo import living, seed
from baton.demo.tests.test_demo import SEED_PARAGRAPH
from baton.org.models import District
from baton.projects.models import Handoff, Milestone, Project, ProjectEvent, ReviewState
from baton.projects.periods import check_periods
from baton.reports.cockpit import cockpit_build
from baton.reports.selectors import Scope, figures_as_of
from baton.reports.summary import summary_paragraph
from baton.supervision.models import Problem, Supervision

#: A Thursday, so the weeks before it hold working days.
TODAY = dt.date(2024, 3, 14)


@pytest.fixture(scope="module")
def living_db(django_db_setup, django_db_blocker):
    """The demo loaded as on TODAY, once for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed.load_demo(today=TODAY)
        transaction.set_rollback(True)


def xiangan() -> Scope:
    return Scope(district=District.objects.get(code="350213"))


@pytest.mark.django_db
def test_the_seed_figures_stay_the_seeds(living_db):
    figures = figures_as_of(as_of=seed.CUTOFF, scope=xiangan())
    assert summary_paragraph(figures) == SEED_PARAGRAPH


@pytest.mark.django_db
def test_the_library_grows_after_the_seed(living_db):
    end_2019 = figures_as_of(as_of=dt.date(2019, 12, 31), scope=xiangan())
    last = figures_as_of(as_of=last_month_end(TODAY), scope=xiangan())
    assert last.count > end_2019.count + 30
    reported = Project.objects.filter(
        district__code="350213", created_at__gte=start_of_day(living.BEGIN)
    )
    assert reported.count() == living_db.projects - 174
    assert reported.filter(review_state=ReviewState.ADMITTED).count() > 50
    # Every stage of the ladder is reached by some of them, and a few stop.
    stages = set(reported.values_list("stage__code", flat=True))
    assert {"planning", "intent", "negotiating", "landed"} <= stages


@pytest.mark.django_db
def test_the_trend_has_a_point_and_a_change_every_month(living_db):
    cockpit = cockpit_build(scope=xiangan(), as_of=last_month_end(TODAY))
    assert len(cockpit.months) == 12
    assert all(month.stock.count > 100 for month in cockpit.months)
    assert len({month.stock for month in cockpit.months}) >= 6
    # Projects are admitted, move on or land in most months, and in the year as a whole.
    busy = [m for m in cockpit.months if sum(m.changes.values())]
    assert len(busy) >= 9, [(m.label, m.changes) for m in cockpit.months]
    # The month of the load too, up to the day before.
    current = cockpit_build(scope=xiangan(), as_of=TODAY - dt.timedelta(days=1)).months[-1]
    assert sum(current.changes.values()) >= 2, current.changes


@pytest.mark.django_db
def test_nothing_is_dated_today_or_later(living_db):
    today = start_of_day(TODAY)
    assert not ProjectEvent.objects.filter(at__gte=today).exists()
    assert not Project.objects.filter(updated_at__gte=today).exists()
    assert not Milestone.objects.filter(date__gte=TODAY).exists()
    assert not Handoff.objects.filter(requested_at__gte=today).exists()
    assert ProjectEvent.objects.filter(at__gte=today - dt.timedelta(days=1)).count() <= 5


@pytest.mark.django_db
def test_the_last_weeks_hold_work_in_progress(living_db):
    weeks = start_of_day(TODAY - dt.timedelta(days=21))
    recent = ProjectEvent.objects.filter(district__code="350213", at__gte=weeks)
    assert recent.filter(kind="note").count() >= 3
    assert Handoff.objects.filter(state=Handoff.State.PENDING).count() == 1
    recent_problems = Problem.objects.filter(status="open", created_at__gte=weeks)
    # The one broken promise of 履约 raises its problem (the day before today) …
    promise = "未履行投资协议承诺"
    assert recent_problems.filter(description__startswith=promise).count() == 1
    # … beside the living library's own, which has its 督办.
    open_problem = recent_problems.exclude(description__startswith=promise).get()
    assert Supervision.objects.filter(problem=open_problem).exists()
    # Most of the library was followed up in the last month; the seed's old obstacles are
    # resolved.
    library = Project.objects.filter(
        district__code="350213", review_state=ReviewState.ADMITTED, stage__is_terminal=False
    )
    month = start_of_day(TODAY - dt.timedelta(days=30))
    idle = library.exclude(events__at__gte=month).count()
    assert 0 < idle < library.count() * 0.35
    assert not Problem.objects.filter(status="open", deadline__lt=dt.date(2021, 1, 1)).exists()
    # Somewhere in the months before, reports wait for review or were sent back.
    assert ProjectEvent.objects.filter(kind="returned", at__gte=start_of_day(living.BEGIN))
    assert Problem.objects.filter(status="resolved", created_at__gte=weeks - dt.timedelta(900))


@pytest.mark.django_db
def test_the_history_stays_consistent(living_db):
    result = check_periods()
    assert result.projects == Project.objects.count() and result.differences == 0
    # Each project's events are in time order: none was written before an earlier one.
    for project_id in Project.objects.values_list("pk", flat=True)[:400]:
        times = list(
            ProjectEvent.objects.filter(project_id=project_id).order_by("id").values_list("at")
        )
        assert times == sorted(times)


def test_a_life_is_planned_the_same_from_the_same_seed():
    def plan(seed_text):
        life = living.Life()
        living.plan_life(
            random.Random(seed_text),
            life,
            stage="intent",
            since=dt.date(2020, 3, 2),
            relay=[],
            held_locally=False,
        )
        return life.steps

    assert plan("living/350213-2019-0001") == plan("living/350213-2019-0001")
    lives = [plan(f"living/{n}") for n in range(40)]
    assert len({tuple(steps) for steps in lives}) > 20
    for steps in lives:
        assert all(day.weekday() < 5 and day > dt.date(2020, 3, 2) for day, _k, _a in steps)


def test_a_life_stops_writing_at_a_stop_and_before_the_day():
    life = living.Life()
    for day, kind in [(dt.date(2021, 5, 3), "move"), (dt.date(2021, 6, 1), "stop")]:
        life.add(day, kind)
    life.add(dt.date(2021, 7, 1), "note")
    assert [k for _d, k, _a in life.ordered(dt.date(2030, 1, 1))] == ["move", "stop"]
    assert [k for _d, k, _a in life.ordered(dt.date(2021, 6, 1))] == ["move"]
    assert timezone.is_aware(start_of_day(TODAY))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today",
    [
        dt.date(2026, 12, 7),  # a Monday: its handoff and its obstacle fell on one project
        dt.date(2025, 6, 1),  # a Sunday
        dt.date(2025, 1, 2),  # right after New Year
    ],
)
def test_the_demo_loads_whatever_the_day(today):
    """The weeks before the load are drawn from the day: any day must make a valid history."""
    seed.load_demo(today=today)
    assert check_periods().differences == 0
    assert not ProjectEvent.objects.filter(at__gte=start_of_day(today)).exists()
