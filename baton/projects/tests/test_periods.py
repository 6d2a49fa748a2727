import datetime as dt
from decimal import Decimal

import pytest

from baton.projects import services
from baton.projects.models import Milestone, ProjectEvent, ProjectPeriod
from baton.projects.periods import CheckResult, check_periods
from baton.projects.tests.helpers import INVESTOR, periods
from baton.testing import admit, at, make_project, stage

Kind = ProjectEvent.Kind
T0 = at(2024, 3, 1)
W = Decimal("10000")


@pytest.fixture
def project(w):
    return make_project(w, at=T0)


def open_periods(project) -> int:
    return project.periods.filter(valid_to__isnull=True).count()


def test_it_opens_one_period_on_creation(w, project):
    period = project.periods.get()

    assert periods(project) == [(T0, None, "draft", "planning", "马巷街道", W)]
    assert period.event == project.events.get(kind=Kind.CREATED)
    assert period.district == w.district
    assert period.industry is None


def test_it_closes_the_old_period_at_each_state_change(w, project):
    t = [at(2024, 3, d) for d in range(2, 10)]
    services.project_update(
        project=project, actor=w.promoter, changes={"investment": "12000"}, at=t[0]
    )
    services.project_submit(project=project, actor=w.promoter, at=t[1])
    services.project_review(project=project, actor=w.office, approve=True, at=t[2])
    services.project_review(project=project, actor=w.reviewer, approve=True, at=t[3])
    services.project_move(
        project=project,
        stage=stage("negotiating"),
        actor=w.promoter,
        fields={"investor": INVESTOR},
        at=t[4],
    )
    services.project_handoff(
        project=project, to_unit=w.department, actor=w.office, reason="移交", at=t[5]
    )
    services.project_update(
        project=project, actor=w.promoter, changes={"industry": w.industry}, at=t[6]
    )
    services.project_move(
        project=project, stage=stage("stopped"), actor=w.promoter, reason="撤资", at=t[7]
    )

    assert periods(project) == [
        (T0, t[0], "draft", "planning", "马巷街道", W),
        (t[0], t[1], "draft", "planning", "马巷街道", Decimal("12000")),
        (t[1], t[2], "submitted", "planning", "马巷街道", Decimal("12000")),
        (t[2], t[3], "district_approved", "planning", "马巷街道", Decimal("12000")),
        (t[3], t[4], "admitted", "planning", "马巷街道", Decimal("12000")),
        (t[4], t[5], "admitted", "negotiating", "马巷街道", Decimal("12000")),
        (t[5], t[6], "admitted", "negotiating", "区工信局", Decimal("12000")),
        (t[6], t[7], "admitted", "negotiating", "区工信局", Decimal("12000")),
        (t[7], None, "admitted", "stopped", "区工信局", Decimal("12000")),
    ]
    assert project.periods.get(valid_from=t[6]).industry == w.industry
    assert project.periods.get(valid_from=t[5]).industry is None
    events = {e.at: e for e in project.events.all()}
    assert all(p.event == events[p.valid_from] for p in project.periods.all())
    assert open_periods(project) == 1


def test_it_opens_no_period_for_other_changes(w):
    project = make_project(w, stage=stage("landed"), investor=INVESTOR, signed_on=T0.date(), at=T0)
    before = periods(project)

    services.project_update(
        project=project,
        actor=w.promoter,
        changes={"remarks": "备注", "co_units": {w.department}, "contact_phone": "0592-1234567"},
        at=at(2024, 3, 2),
    )
    services.note_add(project=project, actor=w.promoter, text="走访", at=at(2024, 3, 3))
    services.milestone_record(
        project=project,
        kind=Milestone.Kind.STARTED,
        date=dt.date(2024, 3, 4),
        actor=w.promoter,
        at=at(2024, 3, 4),
    )
    services.project_handoff(
        project=project,
        to_unit=w.department,
        actor=w.office,
        reason="落地服务",
        relay_role="landing",
        at=at(2024, 3, 5),
    )

    assert before == [(T0, None, "draft", "landed", "马巷街道", W)]
    assert periods(project) == [
        (T0, at(2024, 3, 5), "draft", "landed", "马巷街道", W),
        (at(2024, 3, 5), None, "draft", "landed", "区工信局", W),
    ]


def test_it_updates_the_open_period_for_changes_at_the_same_instant(w, project):
    when = at(2024, 3, 2)

    admit(w, project, when=when)

    admitted = project.events.get(kind=Kind.ADMITTED)
    assert periods(project) == [
        (T0, when, "draft", "planning", "马巷街道", W),
        (when, None, "admitted", "planning", "马巷街道", W),
    ]
    assert project.periods.get(valid_to__isnull=True).event == admitted


def test_it_returns_to_an_earlier_state_in_a_new_period(w, project):
    services.project_submit(project=project, actor=w.promoter, at=at(2024, 3, 2))
    services.project_review(
        project=project, actor=w.office, approve=False, reason="缺少资料", at=at(2024, 3, 3)
    )

    assert periods(project) == [
        (T0, at(2024, 3, 2), "draft", "planning", "马巷街道", W),
        (at(2024, 3, 2), at(2024, 3, 3), "submitted", "planning", "马巷街道", W),
        (at(2024, 3, 3), None, "returned", "planning", "马巷街道", W),
    ]


def history(w):
    """Write a realistic history for a handful of projects, all through the services."""
    day = iter(at(2024, 1, 1) + dt.timedelta(days=n, hours=n % 5) for n in range(200))
    first = make_project(w, name="宁德时代锂电池项目", investor=INVESTOR, at=next(day))
    admit(w, first, when=next(day))
    services.project_move(project=first, stage=stage("intent"), actor=w.promoter, at=next(day))
    services.project_update(
        project=first,
        actor=w.promoter,
        changes={"investment": "25000.1234", "industry": w.industry},
        at=next(day),
    )
    services.project_handoff(
        project=first,
        to_unit=w.department,
        actor=w.office,
        reason="进入洽谈",
        relay_role="talks",
        keep_as_co_unit=True,
        at=next(day),
    )
    services.project_move(project=first, stage=stage("negotiating"), actor=None, at=next(day))
    services.project_move(
        project=first,
        stage=stage("landed"),
        actor=w.promoter,
        fields={"signed_on": dt.date(2024, 2, 1), "investment": "30000"},
        at=next(day),
    )
    for kind, date in [("registered", (2024, 2, 3)), ("started", (2024, 3, 1))]:
        services.milestone_record(
            project=first, kind=kind, date=dt.date(*date), actor=w.promoter, at=next(day)
        )

    second = make_project(w, unit=w.other_town, actor=w.other_promoter, at=next(day))
    services.project_submit(project=second, actor=w.other_promoter, at=next(day))
    services.project_review(
        project=second, actor=w.office, approve=False, reason="资料不全", at=next(day)
    )
    services.project_update(
        project=second, actor=w.other_promoter, changes={"investment": "500"}, at=next(day)
    )
    services.project_update(
        project=second, actor=w.other_promoter, changes={"investment": "800"}, at=next(day)
    )
    admit(w, second, when=next(day))
    services.project_move(
        project=second, stage=stage("stopped"), actor=w.office, reason="企业外迁", at=next(day)
    )
    services.project_move(
        project=second, stage=stage("intent"), actor=w.office, reason="重新接洽", at=next(day)
    )

    third = make_project(w, unit=w.tongan_unit, actor=w.tongan_office, at=next(day))
    same = next(day)
    services.project_submit(project=third, actor=w.tongan_office, at=same)
    services.project_review(project=third, actor=w.tongan_office, approve=True, at=same)
    services.note_add(project=third, actor=w.tongan_office, text="跟进", at=same)
    services.project_update(
        project=third, actor=w.tongan_office, changes={"investment": "1"}, at=same
    )

    make_project(w, at=next(day))
    return [first, second, third]


def test_it_agrees_with_a_replay_of_the_events(w):
    projects = history(w)

    assert check_periods() == CheckResult(projects=4, differences=0, fixed=0)
    assert check_periods(project_ids=[p.pk for p in projects]) == CheckResult(projects=3)
    assert ProjectPeriod.objects.filter(valid_to__isnull=True).count() == 4
    # Events at the same instant share a period; notes, milestones and co-units open none.
    assert [p.periods.count() for p in projects] == [7, 8, 2]
    assert ProjectPeriod.objects.count() == 18


def test_it_finds_and_fixes_a_wrong_period(w):
    first, *_ = history(w)
    expected = list(
        ProjectPeriod.objects.filter(project=first).values_list("valid_from", "investment")
    )
    period = first.periods.order_by("valid_from")[2]
    ProjectPeriod.objects.filter(pk=period.pk).update(investment=Decimal("1"))

    assert check_periods() == CheckResult(projects=4, differences=1, fixed=0)
    assert check_periods(fix=True) == CheckResult(projects=4, differences=1, fixed=1)

    assert check_periods() == CheckResult(projects=4, differences=0, fixed=0)
    assert (
        list(ProjectPeriod.objects.filter(project=first).values_list("valid_from", "investment"))
        == expected
    )
