"""Back-dated facts (a move or handoff given the day it happened) in the figures as of a
day, and in a month already published: as a correction, never a silent change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from baton.accounts.models import User
from baton.core.dates import last_month_end
from baton.projects import services
from baton.reports.publish import Difference, report_differences, report_publish
from baton.reports.selectors import Scope, figures_as_of
from baton.testing import admit, make_project, make_user, stage


def day(n: int) -> dt.date:
    """The day ``n`` days before today."""
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def library(w):
    created = timezone.now() - dt.timedelta(days=80)
    project = make_project(w, name="锂电池隔膜生产基地", investment="10000", at=created)
    admit(w, project, when=created)
    return project


def counts(as_of: dt.date, scope: Scope) -> dict[str, int]:
    figures = figures_as_of(as_of=as_of, scope=scope)
    return {line.name: line.count for line in figures.stages if line.count}


def test_a_back_dated_move_counts_from_its_day(w, library):
    scope = Scope(district=w.district)
    services.project_move(project=library, stage=stage("intent"), actor=w.promoter, on=day(10))

    assert counts(day(10), scope) == {"意向": 1}
    assert counts(day(11), scope) == {"策划": 1}
    assert counts(day(0), scope) == {"意向": 1}


def test_an_accepted_handoff_moves_the_project_on_the_acceptance_day(w, library):
    receiver = make_user(User.Role.UNIT_STAFF, username="hq_staff", unit=w.headquarters)
    services.project_handoff(
        project=library, to_unit=w.headquarters, actor=w.promoter, reason="移交", on=day(5)
    )
    services.handoff_accept(project=library, actor=receiver, on=day(2))
    town, hq = Scope(unit=w.town), Scope(unit=w.headquarters)

    # Offered on day 5, the giving unit still held it until the acceptance on day 2.
    assert (figures_as_of(as_of=day(3), scope=town).count, counts(day(3), hq)) == (1, {})
    assert (figures_as_of(as_of=day(2), scope=town).count, counts(day(2), hq)) == (0, {"策划": 1})


def test_a_back_dated_move_in_a_published_month_shows_as_a_correction(w, library):
    month_end = last_month_end()
    scope = Scope(district=w.district)
    report = report_publish(scope=scope, as_of=month_end, actor=w.office)

    services.project_move(
        project=library,
        stage=stage("intent"),
        actor=w.office,
        reason="补记月末前已达成意向",
        on=month_end,
    )

    report.refresh_from_db()
    assert report.figures["total"] == {"count": 1, "investment_wan": "10000"}
    figures = figures_as_of(as_of=month_end, scope=scope)
    assert report_differences(report=report, figures=figures) == [
        Difference("策划", 1, 0, Decimal("10000"), Decimal("0")),
        Difference("意向", 0, 1, Decimal("0"), Decimal("10000")),
    ]
