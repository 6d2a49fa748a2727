"""A unit's handoff waits for the receiving unit: accepted, declined or withdrawn."""

import datetime as dt

import pytest

from baton.accounts.models import User
from baton.projects import services
from baton.projects.models import Handoff, ProjectEvent
from baton.projects.selectors import (
    handoff_due,
    handoffs_awaiting,
    handoffs_overdue,
    pending_handoff,
    project_get,
)
from baton.projects.tests.helpers import kinds, periods, refused
from baton.testing import at, make_project, make_user

Kind = ProjectEvent.Kind
T0 = at(2024, 3, 1)
T1 = at(2024, 3, 5)
T2 = at(2024, 3, 6)
REASON = "项目进入实质洽谈，移交区工信局牵头推进"


@pytest.fixture
def project(w):
    return make_project(w, name="新能源电池项目", at=T0)


@pytest.fixture
def receiver(w):
    return make_user(User.Role.UNIT_STAFF, username="gx_staff", unit=w.department)


def offer(w, project, **kwargs):
    values = {"to_unit": w.department, "reason": REASON, "at": T1, "actor": w.promoter}
    return services.project_handoff(project=project, **{**values, **kwargs})


def test_a_units_handoff_waits_and_the_giving_unit_stays_responsible(w, project, receiver):
    event = offer(w, project, relay_role="talks", keep_as_co_unit=True)

    assert event.kind == Kind.HANDOFF_REQUESTED
    assert event.at == T1
    handoff = Handoff.objects.get()
    assert event.new == {
        "handoff": handoff.pk,
        "from_unit": w.town.pk,
        "to_unit": w.department.pk,
        "relay_role": "talks",
        "keep_as_co_unit": True,
    }
    assert (handoff.state, handoff.from_unit, handoff.to_unit) == ("pending", w.town, w.department)
    project.refresh_from_db()
    assert (project.unit, project.talks_unit, project.version) == (w.town, None, 1)
    assert pending_handoff(project) == handoff
    # No new period: the figures still count the project under the giving unit.
    assert [p[4] for p in periods(project)] == ["马巷街道"]
    # The receiving unit sees the project it is asked to take.
    assert project_get(user=receiver, code=project.code) == project


def test_acceptance_passes_the_baton_on_its_day(w, project, receiver):
    offer(w, project, relay_role="talks", keep_as_co_unit=True)

    event = services.handoff_accept(project=project, actor=receiver, at=T2)

    assert event.kind == Kind.HANDOFF_ACCEPTED
    handoff = Handoff.objects.get()
    assert event.old == {"unit": w.town.pk, "talks_unit": None, "co_units": []}
    assert event.new == {
        "unit": w.department.pk,
        "talks_unit": w.department.pk,
        "co_units": [w.town.pk],
        "handoff": handoff.pk,
    }
    assert (handoff.state, handoff.decided_by, handoff.decided_at) == ("accepted", receiver, T2)
    project.refresh_from_db()
    assert (project.unit, project.talks_unit, project.version) == (w.department, w.department, 2)
    assert list(project.co_units.all()) == [w.town]
    assert kinds(project) == [Kind.CREATED, Kind.HANDOFF_REQUESTED, Kind.HANDOFF_ACCEPTED]
    # Responsibility passes at the acceptance, not at the request.
    assert [(p[0], p[4]) for p in periods(project)] == [(T0, "马巷街道"), (T2, "区工信局")]
    assert pending_handoff(project) is None


def test_accepting_twice_is_refused(w, project, receiver):
    offer(w, project)
    services.handoff_accept(project=project, actor=receiver, at=T2)

    with refused("该交接已接收，不能再处理。", project=project):
        services.handoff_accept(project=project, actor=receiver, at=at(2024, 3, 7))


def test_nothing_to_accept_is_refused(w, project, receiver):
    with refused("该项目没有待接收的交接。", project=project):
        services.handoff_accept(project=project, actor=receiver, at=T2)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_decline_needs_a_reason(w, project, receiver, reason):
    offer(w, project)

    with refused("拒绝接收必须说明原因。", project=project, field="reason"):
        services.handoff_decline(project=project, actor=receiver, reason=reason, at=T2)


def test_a_declined_project_stays_with_the_giving_unit(w, project, receiver):
    offer(w, project)

    event = services.handoff_decline(
        project=project, actor=receiver, reason="不属于本单位职能范围", at=T2
    )

    assert event.kind == Kind.HANDOFF_DECLINED
    assert event.reason == "不属于本单位职能范围"
    handoff = Handoff.objects.get()
    assert (handoff.state, handoff.decision_reason) == ("declined", "不属于本单位职能范围")
    project.refresh_from_db()
    assert project.unit == w.town
    assert [p[4] for p in periods(project)] == ["马巷街道"]
    with refused("该交接已拒绝，不能再处理。", project=project):
        services.handoff_accept(project=project, actor=receiver, at=at(2024, 3, 7))
    # The giving unit may hand it off again.
    offer(w, project, to_unit=w.headquarters, at=at(2024, 3, 7))
    assert pending_handoff(project).to_unit == w.headquarters


def test_the_giving_unit_withdraws(w, project, receiver):
    offer(w, project)

    event = services.handoff_withdraw(project=project, actor=w.promoter, at=T2)

    assert event.kind == Kind.HANDOFF_WITHDRAWN
    assert Handoff.objects.get().state == "withdrawn"
    with refused("该交接已撤回，不能再处理。", project=project):
        services.handoff_decline(project=project, actor=receiver, reason="不接", at=T2)
    assert handoffs_awaiting(receiver).count() == 0


def test_a_second_handoff_waits_for_the_first(w, project):
    offer(w, project)

    with refused(
        "该项目已交给“区工信局”，正待对方接收；请等对方接收或拒绝，或先撤回。", project=project
    ):
        offer(w, project, to_unit=w.headquarters, at=T2)
    with refused(
        "该项目已交给“区工信局”，正待对方接收；请等对方接收或拒绝，或先撤回。", project=project
    ):
        offer(w, project, actor=w.office, to_unit=w.headquarters, at=T2)


def test_an_acceptance_cannot_go_before_the_request(w, project, receiver):
    offer(w, project)

    with refused(
        "发生时间 2024-03-04 10:00 早于该项目最近一次动态（2024-03-05 10:00），"
        "项目历史只能向后追加。",
        project=project,
    ):
        services.handoff_accept(project=project, actor=receiver, at=at(2024, 3, 4))


def test_a_receiving_unit_made_inactive_cannot_accept(w, project, receiver):
    offer(w, project)
    w.department.is_active = False
    w.department.save()

    with refused("“区工信局”已停用。", project=project):
        services.handoff_accept(project=project, actor=receiver, at=T2)


# --- the selectors the to-do list reads ------------------------------------------------------


def test_handoffs_awaiting_are_the_receiving_units_only(w, project, receiver):
    offer(w, project)

    assert [h.project for h in handoffs_awaiting(receiver)] == [project]
    for other in (w.promoter, w.other_promoter, w.office, w.reviewer, w.leader, w.sys_admin):
        assert list(handoffs_awaiting(other)) == []


def test_a_handoff_is_overdue_after_three_working_days(w, project):
    # Made on Tuesday 5 March 2024: due Friday 8 March, late from Saturday 9 March.
    offer(w, project)
    handoff = Handoff.objects.get()

    assert handoff_due(handoff) == dt.date(2024, 3, 8)
    assert list(handoffs_overdue(w.district, dt.date(2024, 3, 8))) == []
    assert list(handoffs_overdue(w.district, dt.date(2024, 3, 9))) == [handoff]
    assert list(handoffs_overdue(w.other_district, dt.date(2024, 3, 9))) == []


def test_the_holidays_lengthen_the_wait(w):
    # Made on Friday 27 September 2024: 1–7 October are 国庆 holidays; 29 September
    # (Sunday) is a working day in exchange, then 30 September, then 8 October.
    project = make_project(w, name="国庆前交接的项目", at=at(2024, 9, 20))
    offer(w, project, at=at(2024, 9, 27))
    handoff = Handoff.objects.get()

    assert handoff_due(handoff) == dt.date(2024, 10, 8)
    assert list(handoffs_overdue(w.district, dt.date(2024, 10, 8))) == []
    assert list(handoffs_overdue(w.district, dt.date(2024, 10, 9))) == [handoff]


def test_an_answered_handoff_is_never_overdue(w, project, receiver):
    offer(w, project)
    services.handoff_decline(project=project, actor=receiver, reason="不属于本单位", at=T2)

    assert list(handoffs_overdue(w.district, dt.date(2024, 4, 1))) == []
