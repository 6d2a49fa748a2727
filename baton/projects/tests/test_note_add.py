import datetime as dt

import pytest

from baton.projects import services
from baton.projects.models import ProjectEvent
from baton.projects.tests.helpers import kinds, periods, refused
from baton.testing import at, make_project

Kind = ProjectEvent.Kind
T0 = at(2024, 3, 1)
T1 = at(2024, 3, 5)


@pytest.fixture
def project(w):
    return make_project(w, at=T0)


def add(project, actor, text, **kwargs):
    return services.note_add(project=project, actor=actor, text=text, **{"at": T1, **kwargs})


def test_it_adds_a_note_to_the_timeline(w, project):
    before = periods(project)

    event = add(project, w.leader, "  带队赴深圳拜访企业总部  ")

    assert event.kind == Kind.NOTE
    assert event.actor == w.leader
    assert event.at == T1
    assert event.reason == "带队赴深圳拜访企业总部"
    assert event.old == {}
    assert event.new == {}
    assert kinds(project) == [Kind.CREATED, Kind.NOTE]
    assert periods(project) == before
    project.refresh_from_db()
    assert project.updated_at == T1
    assert project.version == 1


def test_it_adds_a_note_during_review(w, project):
    services.project_submit(project=project, actor=w.promoter, at=at(2024, 3, 2))

    add(project, w.office, "已电话核实投资方")

    assert kinds(project) == [Kind.CREATED, Kind.SUBMITTED, Kind.NOTE]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "内容不能为空。"),
        ("   ", "内容不能为空。"),
        (None, "内容不能为空。"),
        ("字" * 2001, "内容不能超过 2000 个字。"),
    ],
)
def test_it_refuses_a_bad_text(w, project, text, message):
    with refused(message, project=project, field="text"):
        add(project, w.promoter, text)


def test_it_accepts_the_longest_text(w, project):
    assert len(add(project, w.promoter, "字" * 2000).reason) == 2000


def test_it_refuses_a_time_before_the_last_event(w, project):
    with refused(
        "发生时间 2024-02-01 10:00 早于该项目最近一次动态（2024-03-01 10:00），"
        "项目历史只能向后追加。",
        project=project,
    ):
        add(project, w.promoter, "补记", at=at(2024, 2, 1))


def test_it_refuses_a_naive_time(w, project):
    with refused("发生时间必须带时区。", project=project):
        add(project, w.promoter, "补记", at=dt.datetime(2024, 3, 5, 10))
