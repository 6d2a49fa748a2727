import datetime as dt

import pytest
from django.utils import timezone

from baton.projects import services
from baton.projects.models import Milestone, ProjectEvent
from baton.projects.tests.helpers import kinds, make_landed, refused
from baton.testing import at, make_project, stage

Kind = ProjectEvent.Kind
M = Milestone.Kind
T0 = at(2024, 3, 1)
T1 = at(2024, 6, 1)


@pytest.fixture
def landed(w):
    return make_landed(w, when=T0)


def record(project, actor, kind, date, **kwargs):
    return services.milestone_record(
        project=project, kind=kind, date=date, actor=actor, **{"at": T1, **kwargs}
    )


def dates(project) -> dict:
    return dict(project.milestones.values_list("kind", "date"))


def test_it_records_a_milestone_of_a_landed_project(w, landed):
    milestone = record(landed, w.promoter, M.STARTED, dt.date(2024, 5, 1), note=" 一期开工 ")

    assert (milestone.kind, milestone.date, milestone.note) == (
        M.STARTED,
        dt.date(2024, 5, 1),
        "一期开工",
    )
    event = landed.events.last()
    assert event.kind == Kind.MILESTONE
    assert event.actor == w.promoter
    assert event.at == T1
    assert event.old == {}
    assert event.new == {"kind": "started", "date": "2024-05-01", "note": "一期开工"}
    assert kinds(landed) == [Kind.CREATED, Kind.MILESTONE, Kind.MILESTONE]
    landed.refresh_from_db()
    assert landed.updated_at == T1
    assert landed.version == 1
    assert dates(landed) == {M.SIGNED: dt.date(2024, 3, 1), M.STARTED: dt.date(2024, 5, 1)}


def test_it_records_a_signing_before_landing(w):
    project = make_project(w, at=T0)

    record(project, w.promoter, M.SIGNED, dt.date(2024, 5, 1))

    assert dates(project) == {M.SIGNED: dt.date(2024, 5, 1)}


@pytest.mark.parametrize("code", ["planning", "intent"])
def test_it_refuses_other_milestones_before_landing(w, code):
    project = make_project(w, at=T0, stage=stage(code))

    with refused(f"项目落地后才能记录开工（当前为“{stage(code).name}”）。", project=project):
        record(project, w.promoter, M.STARTED, dt.date(2024, 5, 1))


def test_it_refuses_any_milestone_of_a_stopped_project(w):
    project = make_project(w, at=T0)
    services.project_move(
        project=project, stage=stage("stopped"), actor=w.promoter, reason="撤资", at=T0
    )

    with refused("“中止”的项目不能记录签约。", project=project):
        record(project, w.promoter, M.SIGNED, dt.date(2024, 5, 1))


def test_it_refuses_a_date_in_the_future(w, landed):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    with refused("日期不能晚于今天。", project=landed):
        record(landed, w.promoter, M.REGISTERED, tomorrow)


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (dt.date(1989, 12, 31), "日期不能早于 1990 年。"),
        (dt.datetime(2024, 5, 1, 10), "日期无效。"),
        ("2024-05-01", "日期无效。"),
        (None, "日期无效。"),
    ],
)
def test_it_refuses_a_bad_date(w, landed, date, message):
    with refused(message, project=landed):
        record(landed, w.promoter, M.REGISTERED, date)


def test_it_refuses_an_unknown_kind(w, landed):
    with refused("里程碑类型无效。", project=landed):
        record(landed, w.promoter, "opened", dt.date(2024, 5, 1))


def test_it_refuses_a_note_too_long(w, landed):
    with refused("说明不能超过 200 个字。", project=landed):
        record(landed, w.promoter, M.STARTED, dt.date(2024, 5, 1), note="字" * 201)


def test_it_keeps_start_production_and_capacity_in_order(w, landed):
    record(landed, w.promoter, M.STARTED, dt.date(2024, 5, 1))

    with refused("投产日期（2024-04-30）不能早于开工日期（2024-05-01）。", project=landed):
        record(landed, w.promoter, M.IN_PRODUCTION, dt.date(2024, 4, 30))

    record(landed, w.promoter, M.IN_PRODUCTION, dt.date(2024, 5, 1))

    with refused("达产日期（2024-04-01）不能早于投产日期（2024-05-01）。", project=landed):
        record(landed, w.promoter, M.AT_CAPACITY, dt.date(2024, 4, 1))
    with refused("投产日期（2024-05-01）不能早于开工日期（2024-05-02）。", project=landed):
        record(landed, w.promoter, M.STARTED, dt.date(2024, 5, 2))


def test_it_checks_the_order_across_a_missing_milestone(w, landed):
    record(landed, w.promoter, M.AT_CAPACITY, dt.date(2024, 5, 1))

    with refused("达产日期（2024-05-01）不能早于开工日期（2024-05-02）。", project=landed):
        record(landed, w.promoter, M.STARTED, dt.date(2024, 5, 2))


def test_it_writes_nothing_for_the_same_date_twice(w, landed):
    record(landed, w.promoter, M.STARTED, dt.date(2024, 5, 1), at=at(2024, 5, 2))

    assert record(landed, w.promoter, M.STARTED, dt.date(2024, 5, 1)) is None

    assert kinds(landed) == [Kind.CREATED, Kind.MILESTONE, Kind.MILESTONE]
    landed.refresh_from_db()
    assert landed.updated_at == at(2024, 5, 2)


def test_it_records_a_correction_with_old_and_new(w, landed):
    record(landed, w.promoter, M.STARTED, dt.date(2024, 5, 1), at=at(2024, 5, 2))

    milestone = record(landed, w.office, M.STARTED, dt.date(2024, 5, 10), note="更正开工日期")

    assert milestone.date == dt.date(2024, 5, 10)
    event = landed.events.last()
    assert event.actor == w.office
    assert event.old == {"kind": "started", "date": "2024-05-01", "note": ""}
    assert event.new == {"kind": "started", "date": "2024-05-10", "note": "更正开工日期"}
    assert Milestone.objects.filter(project=landed, kind=M.STARTED).count() == 1
    assert dates(landed)[M.STARTED] == dt.date(2024, 5, 10)


def test_it_refuses_a_time_before_the_last_event(w, landed):
    with refused(
        "发生时间 2024-02-01 10:00 早于该项目最近一次动态（2024-03-01 10:00），"
        "项目历史只能向后追加。",
        project=landed,
    ):
        record(landed, w.promoter, M.STARTED, dt.date(2024, 1, 1), at=at(2024, 2, 1))


def test_it_refuses_a_naive_time(w, landed):
    with refused("发生时间必须带时区。", project=landed):
        record(landed, w.promoter, M.STARTED, dt.date(2024, 5, 1), at=dt.datetime(2024, 6, 1))
