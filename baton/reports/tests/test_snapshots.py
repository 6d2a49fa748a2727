"""Month-end snapshots: equal to the live figures, and never used once an event touches them."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from baton.demo import generator as gen
from baton.org.models import City, District
from baton.projects import services
from baton.projects.models import Milestone, Project, Stage
from baton.reports.models import MonthEndSnapshot
from baton.reports.selectors import Scope, _figures, figures_as_of, user_covers
from baton.reports.snapshots import closed_month_ends, live_rows, snapshot_refresh, snapshot_rows
from baton.testing import admit, at, make_project, stage

pytestmark = pytest.mark.django_db


def _live(day, scope, user=None):
    ladder = list(Stage.objects.order_by("order"))
    rows = live_rows(
        as_of=day,
        scope=scope,
        user=user,
        milestone_stages=[s.pk for s in ladder if s.allows_milestones],
    )
    return _figures(day, scope, ladder, rows)


@pytest.fixture
def generated():
    gen.generate(scale="city", seed=3, projects=400)
    snapshot_refresh()
    return City.objects.get(code=gen.first_city_code())


def test_every_month_end_reads_the_same_from_its_snapshot_as_live(generated):
    districts = list(District.objects.filter(city=generated))
    days = closed_month_ends(dt.date(2018, 1, 1))
    assert MonthEndSnapshot.objects.count() == len(days)
    for day in days:
        for scope in (
            Scope(),
            Scope(city=generated),
            Scope(district=districts[day.month % len(districts)]),
        ):
            assert snapshot_rows(as_of=day, scope=scope) is not None
            assert figures_as_of(as_of=day, scope=scope) == _live(day, scope), (day, scope)
    last = figures_as_of(as_of=days[-1], scope=Scope())
    assert last.count > 300 and sum(line.count for line in last.milestones) > 0


def test_a_refresh_finds_nothing_to_do_and_says_so(generated):
    assert snapshot_refresh().computed == 0
    out = io.StringIO()
    call_command("refresh_snapshots", stdout=out)
    assert out.getvalue().startswith("月末快照：计算 0 个月（0 行），")


def test_a_back_dated_event_makes_only_later_month_ends_stale(w):
    project = make_project(w, investment="1000", at=at(2019, 1, 10))
    admit(w, project, when=at(2019, 1, 20))
    snapshot_refresh()
    scope = Scope(district=w.district)
    june, march, feb, jan = (
        dt.date(2019, 6, 30),
        dt.date(2019, 3, 31),
        dt.date(2019, 2, 28),
        dt.date(2019, 1, 31),
    )
    before = figures_as_of(as_of=june, scope=scope)
    services.project_move(
        project=project, stage=stage("intent"), actor=w.promoter, at=at(2019, 3, 5)
    )
    assert snapshot_rows(as_of=feb, scope=scope) is not None
    assert snapshot_rows(as_of=march, scope=scope) is None
    after = figures_as_of(as_of=june, scope=scope)
    assert after != before and after == _live(june, scope)
    assert [line.count for line in after.stages] == [0, 1, 0, 0]
    assert figures_as_of(as_of=jan, scope=scope).stages[0].count == 1
    result = snapshot_refresh()
    assert result.computed > 0 and snapshot_rows(as_of=march, scope=scope) is not None
    assert figures_as_of(as_of=june, scope=scope) == after


def test_a_corrected_milestone_date_makes_its_month_ends_stale(w):
    project = make_project(w, investment="2000", investor="翔鹭新能源有限公司", at=at(2019, 1, 10))
    admit(w, project, when=at(2019, 1, 20))
    services.project_move(
        project=project, stage=stage("landed"), actor=w.promoter, fields={"signed_on": dt.date(2019, 2, 1)},
        at=at(2019, 2, 1),
    )  # fmt: skip
    services.milestone_record(
        project=project,
        kind=Milestone.Kind.STARTED,
        date=dt.date(2019, 5, 6),
        actor=w.promoter,
        at=at(2019, 5, 6),
    )
    snapshot_refresh()
    scope = Scope(district=w.district)
    # Recorded today, dated back in March: the months from March on change.
    services.milestone_record(
        project=project, kind=Milestone.Kind.STARTED, date=dt.date(2019, 3, 15), actor=w.promoter
    )
    assert snapshot_rows(as_of=dt.date(2019, 2, 28), scope=scope) is not None
    assert snapshot_rows(as_of=dt.date(2019, 3, 31), scope=scope) is None
    started = {
        line.code: line.count
        for line in figures_as_of(as_of=dt.date(2019, 4, 30), scope=scope).milestones
    }
    assert started["started"] == 1
    # A note today touches no figure: the snapshots stay in use.
    snapshot_refresh()
    services.note_add(project=project, actor=w.promoter, text="回访")
    assert snapshot_rows(as_of=dt.date(2019, 4, 30), scope=scope) is not None


def test_an_empty_scope_is_fresh_not_missing(w):
    make_project(w, investment="1000", at=at(2019, 1, 10))
    snapshot_refresh()
    rows = snapshot_rows(as_of=dt.date(2019, 5, 31), scope=Scope(district=w.other_district))
    assert rows == {}
    assert (
        snapshot_rows(as_of=dt.date(2019, 5, 31), scope=Scope(unit=w.town)) is None
    )  # units: live
    assert snapshot_rows(as_of=dt.date(2019, 5, 30), scope=Scope()) is None  # not a month end


def test_the_ladder_is_read_live_over_a_snapshot(w):
    project = make_project(w, investment="3000", investor="翔鹭新能源有限公司", at=at(2019, 1, 10))
    admit(w, project, when=at(2019, 1, 20))
    services.project_move(
        project=project, stage=stage("landed"), actor=w.promoter, fields={"signed_on": dt.date(2019, 2, 1)},
        at=at(2019, 2, 1),
    )  # fmt: skip
    snapshot_refresh()
    scope, day = Scope(district=w.district), dt.date(2019, 6, 30)

    def signed():
        lines = figures_as_of(as_of=day, scope=scope).milestones
        return next(line for line in lines if line.code == "signed")

    assert signed().count == 1
    Stage.objects.filter(code="landed").update(allows_milestones=False)
    assert signed().count == 0 == _live(day, scope).milestones[0].count


def test_a_user_who_sees_the_whole_scope_reads_the_same_figures(w):
    mine = make_project(w, investment="1000", at=at(2019, 1, 10))
    admit(w, mine, when=at(2019, 1, 20))
    theirs = make_project(
        w, unit=w.other_town, actor=w.other_promoter, investment="500", at=at(2019, 1, 11)
    )
    admit(w, theirs, when=at(2019, 1, 21))
    snapshot_refresh()
    day, district = dt.date(2019, 6, 30), Scope(district=w.district)
    assert user_covers(w.office, district) and user_covers(w.leader, district)
    assert user_covers(w.reviewer, district) and user_covers(w.reviewer, Scope(city=w.city))
    assert not user_covers(w.tongan_office, district) and not user_covers(
        w.office, Scope(city=w.city)
    )
    assert not user_covers(w.promoter, Scope(unit=w.town)) and not user_covers(
        w.sys_admin, district
    )
    everything = figures_as_of(as_of=day, scope=district)
    assert figures_as_of(as_of=day, scope=district, user=w.office) == everything
    assert figures_as_of(as_of=day, scope=district, user=w.reviewer) == everything
    assert everything.count == 2
    assert figures_as_of(as_of=day, scope=district, user=w.promoter).count == 1
    assert figures_as_of(as_of=day, scope=district, user=w.tongan_office).count == 0
    assert figures_as_of(as_of=day, scope=district, user=w.sys_admin).count == 0
    assert Project.objects.count() == 2
