"""A handoff by the district office: an assignment that takes effect at once (a unit's
handoff waits for the receiving unit: test_handoff_acceptance.py)."""

import datetime as dt

import pytest

from baton.projects import services
from baton.projects.models import ProjectEvent
from baton.projects.services import ConflictError
from baton.projects.tests.helpers import kinds, refused
from baton.testing import at, make_project

Kind = ProjectEvent.Kind
T0 = at(2024, 3, 1)
T1 = at(2024, 3, 5)
REASON = "项目进入实质洽谈，移交区工信局牵头推进"


@pytest.fixture
def project(w):
    return make_project(w, name="新能源电池项目", at=T0)


def handoff(project, actor, to_unit, **kwargs):
    values = {"reason": REASON, "at": T1}
    return services.project_handoff(
        project=project, to_unit=to_unit, actor=actor, **{**values, **kwargs}
    )


def test_it_passes_the_baton(w, project):
    event = handoff(project, w.office, w.department)

    assert event.kind == Kind.HANDED_OFF
    assert event.actor == w.office
    assert event.at == T1
    assert event.old == {"unit": w.town.pk}
    assert event.new == {"unit": w.department.pk}
    assert event.reason == REASON
    assert kinds(project) == [Kind.CREATED, Kind.HANDED_OFF]
    project.refresh_from_db()
    assert project.unit == w.department
    assert project.info_unit == w.town
    assert project.talks_unit is None
    assert list(project.co_units.all()) == []
    assert project.version == 2
    assert project.updated_at == T1


@pytest.mark.parametrize(("role", "field"), [("talks", "talks_unit"), ("landing", "landing_unit")])
def test_it_records_the_leg_of_the_relay(w, project, role, field):
    event = handoff(project, w.office, w.department, relay_role=role)

    assert event.old == {"unit": w.town.pk, field: None}
    assert event.new == {"unit": w.department.pk, field: w.department.pk}
    project.refresh_from_db()
    assert getattr(project, field) == w.department


def test_it_keeps_the_former_holder_as_co_unit(w, project):
    event = handoff(project, w.office, w.department, keep_as_co_unit=True)

    assert event.old == {"unit": w.town.pk, "co_units": []}
    assert event.new == {"unit": w.department.pk, "co_units": [w.town.pk]}
    assert list(project.co_units.all()) == [w.town]


def test_it_takes_the_new_holder_off_the_co_units(w, project):
    services.project_update(
        project=project,
        actor=w.promoter,
        changes={"co_units": {w.department, w.headquarters}},
        at=at(2024, 3, 2),
    )

    event = handoff(project, w.office, w.department)

    assert event.old == {
        "unit": w.town.pk,
        "co_units": sorted([w.department.pk, w.headquarters.pk]),
    }
    assert event.new == {"unit": w.department.pk, "co_units": [w.headquarters.pk]}
    assert list(project.co_units.all()) == [w.headquarters]


def test_it_hands_on_again(w, project):
    handoff(project, w.office, w.department, relay_role="talks", at=at(2024, 3, 2))
    handoff(project, w.office, w.headquarters, relay_role="landing", reason="签约落地")

    project.refresh_from_db()
    assert (project.info_unit, project.talks_unit, project.landing_unit, project.unit) == (
        w.town,
        w.department,
        w.headquarters,
        w.headquarters,
    )
    assert [e.new["unit"] for e in project.events.filter(kind=Kind.HANDED_OFF)] == [
        w.department.pk,
        w.headquarters.pk,
    ]


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_it_requires_a_reason(w, project, reason):
    with refused("交接必须说明原因。", project=project, field="reason"):
        handoff(project, w.office, w.department, reason=reason)


def test_it_refuses_a_unit_of_another_district(w, project):
    with refused("“同安区招商办”不是翔安区的单位。", project=project):
        handoff(project, w.office, w.tongan_unit)


def test_it_refuses_an_inactive_unit(w, project):
    w.department.is_active = False
    w.department.save()

    with refused("“区工信局”已停用。", project=project):
        handoff(project, w.office, w.department)


def test_it_refuses_the_current_holder(w, project):
    with refused("项目已由“马巷街道”负责。", project=project):
        handoff(project, w.office, w.town)


def test_it_refuses_an_unknown_relay_role(w, project):
    with refused("接力角色只能是洽谈推进或落地服务。", project=project):
        handoff(project, w.office, w.department, relay_role="info")


def test_it_refuses_a_stale_version(w, project):
    handoff(project, w.office, w.department, at=at(2024, 3, 2))

    with refused(
        "项目“新能源电池项目”已被他人修改（您编辑的是第 1 版，当前是第 2 版），"
        "请刷新页面查看最新内容后再操作。",
        project=project,
        error=ConflictError,
    ):
        handoff(project, w.office, w.headquarters, expected_version=1)


def test_it_refuses_a_time_before_the_last_event(w, project):
    with refused(
        "发生时间 2024-02-01 10:00 早于该项目最近一次动态（2024-03-01 10:00），"
        "项目历史只能向后追加。",
        project=project,
    ):
        handoff(project, w.office, w.department, at=at(2024, 2, 1))


def test_it_refuses_a_naive_time(w, project):
    with refused("发生时间必须带时区。", project=project):
        handoff(project, w.office, w.department, at=dt.datetime(2024, 3, 5, 10))
