import datetime as dt

import pytest

from baton.projects import services
from baton.projects.models import ProjectEvent, ReviewState
from baton.projects.services import ConflictError
from baton.projects.tests.helpers import kinds, refused
from baton.testing import at, make_project

Kind = ProjectEvent.Kind
T0 = at(2024, 3, 1)


@pytest.fixture
def submitted(w):
    project = make_project(w, name="新能源电池项目", at=T0)
    services.project_submit(project=project, actor=w.promoter, at=at(2024, 3, 2))
    return project


def review(project, actor, **kwargs):
    values = {"approve": True, "at": at(2024, 3, 5)}
    return services.project_review(project=project, actor=actor, **{**values, **kwargs})


def test_it_needs_the_district_then_the_city_in_a_two_level_district(w, submitted):
    first = review(submitted, w.office, at=at(2024, 3, 3))

    assert first.kind == Kind.APPROVED
    assert first.actor == w.office
    assert first.old == {"review_state": "submitted"}
    assert first.new == {"review_state": "district_approved"}
    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.DISTRICT_APPROVED
    assert submitted.admitted_at is None

    second = review(submitted, w.reviewer, at=at(2024, 3, 4))

    assert second.kind == Kind.ADMITTED
    assert second.actor == w.reviewer
    assert second.old == {"review_state": "district_approved"}
    assert second.new == {"review_state": "admitted"}
    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.ADMITTED
    assert submitted.admitted_at == at(2024, 3, 4)
    assert submitted.version == 4
    assert kinds(submitted) == [Kind.CREATED, Kind.SUBMITTED, Kind.APPROVED, Kind.ADMITTED]


def test_it_admits_directly_in_a_one_level_district(w):
    project = make_project(w, unit=w.tongan_unit, actor=w.tongan_office, at=T0)
    services.project_submit(project=project, actor=w.tongan_office, at=at(2024, 3, 2))

    event = review(project, w.tongan_office, at=at(2024, 3, 3))

    assert event.kind == Kind.ADMITTED
    assert event.old == {"review_state": "submitted"}
    assert event.new == {"review_state": "admitted"}
    project.refresh_from_db()
    assert project.review_state == ReviewState.ADMITTED
    assert project.admitted_at == at(2024, 3, 3)
    assert kinds(project) == [Kind.CREATED, Kind.SUBMITTED, Kind.ADMITTED]


@pytest.mark.parametrize("levels_done", [0, 1])
def test_it_returns_with_a_reason(w, submitted, levels_done):
    if levels_done:
        review(submitted, w.office, at=at(2024, 3, 3))
    before = "district_approved" if levels_done else "submitted"

    event = review(submitted, w.reviewer, approve=False, reason=" 投资方信息不实 ")

    assert event.kind == Kind.RETURNED
    assert event.old == {"review_state": before}
    assert event.new == {"review_state": "returned"}
    assert event.reason == "投资方信息不实"
    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.RETURNED
    assert submitted.admitted_at is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_to_return_without_a_reason(w, submitted, reason):
    with refused("退回必须说明原因。", project=submitted, field="reason"):
        review(submitted, w.office, approve=False, reason=reason)


def test_it_admits_a_returned_project_once_resubmitted(w, submitted):
    review(submitted, w.office, approve=False, reason="缺少投资方", at=at(2024, 3, 3))
    services.project_update(
        project=submitted,
        actor=w.promoter,
        changes={"investor": "厦门某某科技有限公司"},
        at=at(2024, 3, 4),
    )
    services.project_submit(project=submitted, actor=w.promoter, at=at(2024, 3, 5))
    review(submitted, w.office, at=at(2024, 3, 6))
    review(submitted, w.reviewer, at=at(2024, 3, 7))

    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.ADMITTED
    assert kinds(submitted) == [
        Kind.CREATED,
        Kind.SUBMITTED,
        Kind.RETURNED,
        Kind.UPDATED,
        Kind.SUBMITTED,
        Kind.APPROVED,
        Kind.ADMITTED,
    ]


@pytest.mark.parametrize("approve", [True, False])
def test_it_refuses_to_review_a_draft(w, approve):
    project = make_project(w, at=T0)

    with refused("该项目当前为“草稿”，不在待审核状态。", project=project):
        review(project, w.office, approve=approve, reason="退回")


def test_it_refuses_to_review_an_admitted_project(w, submitted):
    review(submitted, w.office, at=at(2024, 3, 3))
    review(submitted, w.reviewer, at=at(2024, 3, 4))

    with refused("该项目当前为“已入库”，不在待审核状态。", project=submitted):
        review(submitted, w.reviewer)


def test_it_refuses_to_review_a_returned_project(w, submitted):
    review(submitted, w.office, approve=False, reason="缺少投资方", at=at(2024, 3, 3))

    with refused("该项目当前为“已退回”，不在待审核状态。", project=submitted):
        review(submitted, w.office)


def test_it_refuses_a_stale_version(w, submitted):
    with refused(
        "项目“新能源电池项目”已被他人修改（您编辑的是第 1 版，当前是第 2 版），"
        "请刷新页面查看最新内容后再操作。",
        project=submitted,
        error=ConflictError,
    ):
        review(submitted, w.office, expected_version=1)

    review(submitted, w.office, expected_version=2)
    submitted.refresh_from_db()
    assert submitted.review_state == ReviewState.DISTRICT_APPROVED


def test_it_refuses_a_time_before_the_last_event(w, submitted):
    with refused(
        "发生时间 2024-03-01 10:00 早于该项目最近一次动态（2024-03-02 10:00），"
        "项目历史只能向后追加。",
        project=submitted,
    ):
        review(submitted, w.office, at=T0)


def test_it_refuses_a_naive_time(w, submitted):
    with refused("发生时间必须带时区。", project=submitted):
        review(submitted, w.office, at=dt.datetime(2024, 3, 5, 10))
