"""The kinds of to-do items, one provider each (registered with ``selectors.provider``).

Each provider reads through its app's own selectors, so that it sees only what the user
may see, and keeps to what is the user's to do: a unit's promoter gets its unit's
items, the district office its district's, the city reviewer the admissions waiting for
it, a leader the 督办 they issued and the idle projects they are linked to; the reported
督办 wait for the sign-off of the leader who issued them or of that leader's office.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.core.dates import local_date
from baton.projects.asof import IDLE_DAYS, idle_at, last_activity, library_at
from baton.projects.models import Milestone, ReviewState
from baton.projects.selectors import (
    handoff_due,
    handoffs_awaiting,
    handoffs_overdue,
    project_list,
)
from baton.projects.selectors_review import review_queue
from baton.supervision.models import Problem, Supervision
from baton.supervision.permissions import can_sign_off
from baton.supervision.selectors import problem_list, supervision_list, visible_projects

from .selectors import Item, item, provider

Role = User.Role
#: How many days ahead a planned 开工 or 投产 (计划开工/投产日期) becomes a to-do.
PLANNED_AHEAD_DAYS = 30
#: The planned days, each with the milestone that records the day it really happened.
PLANNED = (
    ("planned_start_on", Milestone.Kind.STARTED),
    ("planned_production_on", Milestone.Kind.IN_PRODUCTION),
)


def _project_url(code: str) -> str:
    return reverse("projects:detail", kwargs={"code": code})


def _problems_url(code: str, visible: bool, problem_id: int | None = None) -> str:
    """A project's problems page; when the user may not open the project (a unit or a
    协调部门 solving a problem on another unit's project) the problem's own page, else
    the problems list."""
    if visible:
        return reverse("supervision:project_problems", kwargs={"code": code})
    if problem_id is not None:
        return reverse("supervision:problem", kwargs={"pk": problem_id})
    return reverse("supervision:problems")


def _own_unit(user: User) -> int | None:
    area = area_of(user)
    return area.unit_id if area.level is Level.UNIT else None


@provider("review", "待您审核")
def reviews(user: User, today: dt.date) -> Iterable[Item]:
    """The projects waiting for this reviewer's decision (district office, city reviewer)."""
    for project in review_queue(user=user):
        url = reverse("projects:review", kwargs={"code": project.code})
        yield item("review", f"审核：{project.name}", url=url, today=today, project=project.code)


@provider("returned", "被退回待修改")
def returned(user: User, today: dt.date) -> Iterable[Item]:
    """My unit's projects returned by a reviewer, to correct and submit again."""
    unit = _own_unit(user)
    if unit is None:
        return
    rows = project_list(user=user, filters={"unit_id": unit, "review_state": ReviewState.RETURNED})
    for project in rows.order_by("updated_at", "id"):
        title = f"修改后重新上报：{project.name}"
        yield item(
            "returned", title, url=_project_url(project.code), today=today, project=project.code
        )


@provider("draft", "草稿待上报")
def drafts(user: User, today: dt.date) -> Iterable[Item]:
    """My unit's drafts, to complete and submit for review."""
    unit = _own_unit(user)
    if unit is None:
        return
    rows = project_list(user=user, filters={"unit_id": unit, "review_state": ReviewState.DRAFT})
    for project in rows.order_by("updated_at", "id"):
        title = f"完善并上报：{project.name}"
        yield item(
            "draft", title, url=_project_url(project.code), today=today, project=project.code
        )


@provider("handoff", "待接收的交接")
def handoffs_to_accept(user: User, today: dt.date) -> Iterable[Item]:
    """Handoffs offered to my unit, to accept or decline by the third working day."""
    for handoff in handoffs_awaiting(user):
        code = handoff.project.code
        title = f"接收交接：{handoff.project.name}（{handoff.from_unit.name}交出）"
        due = handoff_due(handoff)
        yield item("handoff", title, url=_project_url(code), today=today, project=code, due=due)


@provider("handoff_overdue", "交接逾期未接收")
def handoffs_late(user: User, today: dt.date) -> Iterable[Item]:
    """For the district office: its district's handoffs not accepted in time."""
    if user.role != Role.DISTRICT_OFFICE or user.district_id is None:
        return
    for handoff in handoffs_overdue(user.district, today):
        code = handoff.project.code
        title = (
            f"督促接收：{handoff.project.name}"
            f"（{handoff.from_unit.name} → {handoff.to_unit.name}，逾期未接收）"
        )
        due = handoff_due(handoff)
        yield item(
            "handoff_overdue", title, url=_project_url(code), today=today, project=code, due=due
        )


@provider("supervision", "督办事项")
def supervisions(user: User, today: dt.date) -> Iterable[Item]:
    """Active 督办: those issued to my unit (on its project, or on a problem it must
    solve); for a leader, those they issued."""
    unit = _own_unit(user)
    rows = supervision_list(user=user, filters={"status": Supervision.Status.ACTIVE})
    if unit is not None:
        mine = Q(problem__responsible_unit_id=unit) | Q(problem__isnull=True, project__unit_id=unit)
        rows = rows.filter(mine)
    elif user.role == Role.LEADER and user.person_id:
        rows = rows.filter(leader_id=user.person_id)
    else:
        return
    rows = list(rows)
    visible = visible_projects(user=user, ids=[row.project_id for row in rows])
    for row in rows:
        code = row.project.code
        title = f"{row.leader.name}督办：{row.instruction[:40]}（{row.project.name}）"
        url = _problems_url(code, row.project_id in visible, row.problem_id)
        yield item("supervision", title, url=url, today=today, project=code, due=row.deadline)


@provider("supervision_sign_off", "督办待确认办结")
def supervisions_to_sign_off(user: User, today: dt.date) -> Iterable[Item]:
    """督办 whose unit has reported, waiting for the sign-off (办结 or 退回) of the leader
    who issued them or of that leader's office."""
    rows = supervision_list(user=user, filters={"status": Supervision.Status.REPORTED})
    rows = [row for row in rows if can_sign_off(user, row)]
    visible = visible_projects(user=user, ids=[row.project_id for row in rows])
    for row in rows:
        code = row.project.code
        title = f"确认办结：{row.leader.name}督办{row.instruction[:40]}（{row.project.name}）"
        url = _problems_url(code, row.project_id in visible)
        yield item(
            "supervision_sign_off", title, url=url, today=today, project=code, due=row.deadline
        )


@provider("problem", "待解决的问题")
def problems(user: User, today: dt.date) -> Iterable[Item]:
    """Open problems my unit is responsible for solving, by their deadline."""
    unit = _own_unit(user)
    if unit is None:
        return
    rows = list(
        problem_list(
            user=user, filters={"responsible_unit_id": unit, "status__in": Problem.OPEN_STATUSES}
        )
    )
    visible = visible_projects(user=user, ids=[row.project_id for row in rows])
    for row in rows:
        code = row.project.code
        title = f"{row.get_category_display()}：{row.description[:40]}（{row.project.name}）"
        url = _problems_url(code, row.project_id in visible, row.pk)
        yield item("problem", title, url=url, today=today, project=code, due=row.deadline)


@provider("milestone", "计划节点将到期")
def planned_milestones(user: User, today: dt.date) -> Iterable[Item]:
    """My unit's projects whose planned 开工 or 投产 is at most ``PLANNED_AHEAD_DAYS`` days
    ahead or already past, and not yet recorded as happened; due the planned day. A
    project stopped (中止) has none."""
    unit = _own_unit(user)
    if unit is None:
        return
    horizon = today + dt.timedelta(days=PLANNED_AHEAD_DAYS)
    for field, kind in PLANNED:
        rows = project_list(
            user=user,
            filters={"unit_id": unit, f"{field}__lte": horizon, "stage__is_terminal": False},
        ).exclude(milestones__kind=kind)
        for project in rows.order_by(field, "id"):
            due = getattr(project, field)
            late = "已逾期，" if due < today else ""
            title = f"计划{kind.label}：{project.name}（{late}计划 {due:%Y-%m-%d}）"
            url = _project_url(project.code)
            yield item("milestone", title, url=url, today=today, project=project.code, due=due)


@provider("idle", f"超过 {IDLE_DAYS} 天无进展")
def idle(user: User, today: dt.date) -> Iterable[Item]:
    """Projects idle at ``today`` (the one definition, ``projects.asof.idle_at``): my
    unit's; the district office's district's; a leader's linked projects. Due the day
    the project became idle."""
    area = area_of(user)
    if area.level is Level.UNIT:
        where = Q(unit_id=area.unit_id)
    elif user.role == Role.DISTRICT_OFFICE and area.level is Level.DISTRICT:
        where = Q(district_id=area.district_id)
    elif user.role == Role.LEADER and user.person_id:
        where = area.district_q() & Q(project__leader_id=user.person_id)
    else:
        return
    rows = (
        idle_at(library_at(as_of=today, where=where), as_of=today)
        .annotate(last=last_activity(as_of=today))
        .select_related("project")
        .order_by("last", "project_id")
    )
    for period in rows:
        last_day = local_date(period.last) if period.last else today
        code = period.project.code
        title = f"{period.project.name}：已 {(today - last_day).days} 天无进展"
        due = last_day + dt.timedelta(days=IDLE_DAYS)
        yield item("idle", title, url=_project_url(code), today=today, project=code, due=due)
