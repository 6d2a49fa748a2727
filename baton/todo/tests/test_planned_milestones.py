"""Planned 开工/投产 days as to-dos: the holder unit's, within the days ahead or overdue,
gone once the milestone is recorded; in the 工作台 list and in ``GET /api/v1/todo``."""

import datetime as dt

import pytest

from baton.accounts.api_auth import token_create
from baton.projects import services
from baton.testing import at, make_project, stage
from baton.todo import providers
from baton.todo.selectors import todo_items

TODAY = dt.date(2024, 6, 28)
DAY = dt.timedelta(days=1)


def listed(items) -> list[tuple[str, str | None, dt.date | None, bool]]:
    return [(e.kind, e.project, e.due, e.overdue) for e in items if e.kind == "milestone"]


@pytest.fixture
def planned(w):
    """马巷: one start due in 10 days, one production 5 days overdue, one start far ahead,
    one start overdue but recorded; 新店: one start due in 3 days."""
    day = at(2024, 6, 1)
    soon = make_project(w, name="马巷将开工项目", planned_start_on=TODAY + 10 * DAY, at=day)
    late = make_project(
        w,
        name="马巷逾期投产项目",
        planned_start_on=dt.date(2024, 1, 1),
        planned_production_on=TODAY - 5 * DAY,
        stage=stage("landed"),
        investor="鹭岛新能源科技有限公司",
        signed_on=dt.date(2023, 12, 1),
        at=day,
    )
    services.milestone_record(
        project=late, kind="started", date=dt.date(2024, 1, 3), actor=w.promoter, at=day
    )
    far = make_project(w, name="马巷远期项目", planned_start_on=TODAY + 60 * DAY, at=day)
    other = make_project(
        w, unit=w.other_town, actor=w.other_promoter, planned_start_on=TODAY + 3 * DAY, at=day
    )
    return soon, late, far, other


def test_the_holder_unit_gets_its_planned_days_due_or_overdue(w, planned):
    soon, late, _far, other = planned
    assert listed(providers.planned_milestones(w.promoter, TODAY)) == [
        ("milestone", soon.code, TODAY + 10 * DAY, False),
        ("milestone", late.code, TODAY - 5 * DAY, True),
    ]
    assert listed(providers.planned_milestones(w.other_promoter, TODAY)) == [
        ("milestone", other.code, TODAY + 3 * DAY, False)
    ]
    [first, second] = providers.planned_milestones(w.promoter, TODAY)
    assert first.title == f"计划开工：马巷将开工项目（计划 {TODAY + 10 * DAY:%Y-%m-%d}）"
    assert second.title.startswith("计划投产：马巷逾期投产项目（已逾期")
    assert first.url == f"/projects/{soon.code}/"


def test_the_list_puts_the_overdue_day_first(w, planned):
    soon, late, *_ = planned
    items = listed(todo_items(w.promoter, TODAY))
    assert [code for _kind, code, _due, _late in items] == [late.code, soon.code]


def test_a_recorded_milestone_or_a_stopped_project_is_no_longer_due(w, planned):
    soon, late, *_ = planned
    services.project_move(
        project=soon, stage=stage("stopped"), actor=w.promoter, reason="投资方撤资"
    )
    services.milestone_record(
        project=late, kind="in_production", date=TODAY - DAY, actor=w.promoter
    )
    assert listed(providers.planned_milestones(w.promoter, TODAY)) == []


def test_other_roles_get_none(w, planned):
    for user in (w.office, w.reviewer, w.leader, w.tongan_office):
        assert listed(providers.planned_milestones(user, TODAY)) == []


def test_the_api_lists_them(w, planned, client, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    soon, late, *_ = planned
    secret = token_create(user=w.promoter)[1]
    response = client.get("/api/v1/todo", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    rows = [(i["kind"], i["project"], i["due"]) for i in items if i["kind"] == "milestone"]
    assert rows == [
        ("milestone", late.code, (TODAY - 5 * DAY).isoformat()),
        ("milestone", soon.code, (TODAY + 10 * DAY).isoformat()),
    ]
