import datetime as dt

import pytest

from baton.projects import services
from baton.projects.models import ProjectEvent, ReviewState
from baton.projects.services import ConflictError
from baton.projects.tests.helpers import INVESTOR, kinds, refused
from baton.testing import admit, at, make_project, stage

T0 = at(2024, 3, 1)
T1 = at(2024, 3, 5)


@pytest.fixture
def project(w):
    return make_project(w, name="新能源电池项目", at=T0)


def submit(project, actor, **kwargs):
    return services.project_submit(project=project, actor=actor, **{"at": T1, **kwargs})


def test_it_submits_a_draft(w, project):
    event = submit(project, w.promoter)

    assert event.kind == ProjectEvent.Kind.SUBMITTED
    assert event.actor == w.promoter
    assert event.at == T1
    assert event.old == {"review_state": "draft"}
    assert event.new == {"review_state": "submitted", "duplicates": []}
    assert kinds(project) == [ProjectEvent.Kind.CREATED, ProjectEvent.Kind.SUBMITTED]
    project.refresh_from_db()
    assert project.review_state == ReviewState.SUBMITTED
    assert project.submitted_at == T1
    assert project.updated_at == T1
    assert project.version == 2


def test_it_resubmits_a_returned_project(w, project):
    submit(project, w.promoter, at=at(2024, 3, 2))
    services.project_review(
        project=project, actor=w.office, approve=False, reason="缺少投资方", at=at(2024, 3, 3)
    )

    event = submit(project, w.promoter, at=at(2024, 3, 4))

    assert event.old == {"review_state": "returned"}
    assert event.new == {"review_state": "submitted", "duplicates": []}
    project.refresh_from_db()
    assert project.review_state == ReviewState.SUBMITTED
    assert project.submitted_at == at(2024, 3, 4)


def test_it_accepts_the_current_version(w, project):
    submit(project, w.promoter, expected_version=1)

    project.refresh_from_db()
    assert project.version == 2


@pytest.mark.parametrize(
    ("steps", "label"),
    [(1, "已上报"), (2, "区已审核"), (3, "已入库")],
)
def test_it_refuses_a_project_already_in_review_or_admitted(w, project, steps, label):
    submit(project, w.promoter, at=at(2024, 3, 2))
    if steps >= 2:
        services.project_review(project=project, actor=w.office, approve=True, at=at(2024, 3, 3))
    if steps >= 3:
        services.project_review(project=project, actor=w.reviewer, approve=True, at=at(2024, 3, 4))

    with refused(f"只有草稿或已退回的项目可以上报，该项目当前为“{label}”。", project=project):
        submit(project, w.promoter)


def test_it_refuses_a_stopped_project(w, project):
    services.project_move(
        project=project, stage=stage("stopped"), actor=w.promoter, reason="投资方撤资", at=T1
    )

    with refused("“中止”的项目不能上报。", project=project):
        submit(project, w.promoter, at=at(2024, 3, 6))


def test_it_refuses_a_project_without_an_amount(w):
    project = make_project(w, investment="0", at=T0)

    with refused("项目信息不完整，不能上报：总投资必须大于 0。", project=project):
        submit(project, w.promoter)


def test_it_names_everything_missing(w):
    project = make_project(w, investment="0", investor=INVESTOR, at=T0)
    services.project_move(
        project=project, stage=stage("negotiating"), actor=w.promoter, at=at(2024, 3, 2)
    )
    services.project_update(
        project=project, actor=w.promoter, changes={"investor": ""}, at=at(2024, 3, 3)
    )

    with refused(
        "项目信息不完整，不能上报：总投资必须大于 0；“在谈”阶段须填写投资方。", project=project
    ):
        submit(project, w.promoter)


def test_it_refuses_a_stale_version(w, project):
    services.note_add(project=project, actor=w.promoter, text="走访企业", at=at(2024, 3, 2))
    services.project_update(
        project=project, actor=w.promoter, changes={"remarks": "补充"}, at=at(2024, 3, 3)
    )

    with refused(
        "项目“新能源电池项目”已被他人修改（您编辑的是第 1 版，当前是第 2 版），"
        "请刷新页面查看最新内容后再操作。",
        project=project,
        error=ConflictError,
    ):
        submit(project, w.promoter, expected_version=1)


def test_it_refuses_a_time_before_the_last_event(w, project):
    with refused(
        "发生时间 2024-02-01 09:30 早于该项目最近一次动态（2024-03-01 10:00），"
        "项目历史只能向后追加。",
        project=project,
    ):
        submit(project, w.promoter, at=at(2024, 2, 1, 9) + dt.timedelta(minutes=30))


def test_it_refuses_a_naive_time(w, project):
    with refused("发生时间必须带时区。", project=project):
        submit(project, w.promoter, at=dt.datetime(2024, 3, 5, 10))


def test_it_submits_through_the_shared_admit_helper(w, project):
    admit(w, project, when=T1)

    assert project.review_state == ReviewState.ADMITTED
    assert project.admitted_at == T1
