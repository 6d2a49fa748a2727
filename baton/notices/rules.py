"""Who is told what: a project event worded as the notices it gives, and to whom.

One function per kind of event returns ``Draft`` rows (the people, and what they read);
``drafts_for`` picks it. The people are the active accounts of a unit, of a district's
office or of a city's reviewers, never the one who made the change, and never anyone
outside the project's district (a city reviewer reviews the district's projects).

An event dated more than ``NEWS_DAYS`` ago is history being written — the demo's
back-dated years, the correction of an old record — not news: it tells nobody.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from baton.accounts.models import User
from baton.org.models import Unit
from baton.projects.models import Project, ProjectEvent
from baton.supervision.models import Problem, Supervision

from .models import Notice

Role = User.Role
Kind = ProjectEvent.Kind
NEWS_DAYS = 90


@dataclass
class Draft:
    """A notice before it is written: for every user of ``to``."""

    to: list[User]
    kind: str
    title: str
    body: str = ""
    url: str = ""
    project: Project | None = None
    extra: dict = field(default_factory=dict)


def unit_users(unit_id) -> QuerySet[User]:
    return User.objects.filter(role=Role.UNIT_STAFF, unit_id=unit_id, is_active=True)


def office_users(district_id) -> QuerySet[User]:
    return User.objects.filter(role=Role.DISTRICT_OFFICE, district_id=district_id, is_active=True)


def city_reviewers(city_id) -> QuerySet[User]:
    return User.objects.filter(role=Role.CITY_REVIEWER, city_id=city_id, is_active=True)


def _people(users, actor_id) -> list[User]:
    if isinstance(users, QuerySet):
        users = users.exclude(pk=actor_id) if actor_id else users
        return list(users.order_by("pk"))
    return [u for u in users if u and u.is_active and u.pk != actor_id]


def _unit_name(pk) -> str:
    unit = Unit.objects.filter(pk=pk).only("name").first() if isinstance(pk, int) else None
    return unit.name if unit else "另一单位"


def _detail(project: Project) -> str:
    return reverse("projects:detail", args=[project.code])


def _problems(project: Project) -> str:
    return reverse("supervision:project_problems", args=[project.code])


def _for_the_unit(project: Project, problem_id: int | None) -> str:
    """Where a unit answers a problem or a 督办 on it: the problem's own page (the unit,
    a 协调部门 say, may not open the project); the project's problems otherwise."""
    if problem_id is None:
        return _problems(project)
    return reverse("supervision:problem", args=[problem_id])


def _named(project: Project) -> str:
    return f"“{project.name}”（{project.code}）"


def _submitted(event: ProjectEvent, project: Project) -> list[Draft]:
    body = f"{project.unit.name}上报了项目{_named(project)}，请您审核。"
    url = reverse("projects:review", args=[project.code])
    return [
        Draft(office_users(project.district_id), Notice.Kind.SUBMITTED, "项目待审核", body, url)
    ]


def _approved(event: ProjectEvent, project: Project) -> list[Draft]:
    body = f"{project.district.name}招商办已初审通过项目{_named(project)}，请您审核入库。"
    url = reverse("projects:review", args=[project.code])
    city = city_reviewers(project.district.city_id)
    return [Draft(city, Notice.Kind.SUBMITTED, "项目待审核入库", body, url)]


def _decided(event: ProjectEvent, project: Project) -> list[Draft]:
    if event.kind == Kind.RETURNED:
        kind, title = Notice.Kind.RETURNED, "项目被退回修改"
        body = f"项目{_named(project)}被退回，请您修改后重新上报。"
        if event.reason:
            body += f"退回原因：{event.reason}"
    else:
        kind, title = Notice.Kind.ADMITTED, "项目已审核入库"
        body = f"项目{_named(project)}已审核入库。"
    return [Draft(unit_users(project.unit_id), kind, title, body, _detail(project))]


def _handed_off(event: ProjectEvent, project: Project) -> list[Draft]:
    """A handoff asked of a unit (待接收), or made by the district office at once."""
    waits = event.kind == "handoff_requested"
    giver = _unit_name(event.new.get("from_unit") if waits else event.old.get("unit"))
    to = event.new.get("to_unit") if waits else event.new.get("unit")
    ask = "请您确认接收" if waits else "请您接力推进"
    body = f"{giver}将项目{_named(project)}交接给您单位，{ask}。"
    if event.reason:
        body += f"交接说明：{event.reason}"
    title = "有项目待您单位接收" if waits else "有项目交接给您单位"
    return [Draft(unit_users(to), Notice.Kind.HANDED_OFF, title, body, _detail(project))]


def _handoff_answered(event: ProjectEvent, project: Project) -> list[Draft]:
    """A handoff accepted or declined: the unit that gave the project is told."""
    accepted = event.kind == "handoff_accepted"
    giver = event.old.get("unit") if accepted else event.new.get("from_unit")
    taker = _unit_name(event.new.get("unit") if accepted else event.new.get("to_unit"))
    body = f"{taker}{'已接收' if accepted else '拒绝接收'}您单位交接的项目{_named(project)}。"
    if event.reason:
        body += f"{'说明' if accepted else '拒绝原因'}：{event.reason}"
    title = "交接已被接收" if accepted else "交接被拒绝"
    return [Draft(unit_users(giver), Notice.Kind.HANDOFF_ANSWERED, title, body, _detail(project))]


def _handoff_withdrawn(event: ProjectEvent, project: Project) -> list[Draft]:
    """A handoff withdrawn before its answer: the unit asked to take it is told."""
    giver = _unit_name(event.new.get("from_unit"))
    body = f"{giver}撤回了交给您单位的项目{_named(project)}，无需再接收。"
    to = unit_users(event.new.get("to_unit"))
    return [Draft(to, Notice.Kind.HANDOFF_ANSWERED, "交接已撤回", body, _detail(project))]


def _supervised(event: ProjectEvent, project: Project) -> list[Draft]:
    supervision = (
        Supervision.objects.select_related("leader", "problem", "issued_by")
        .filter(pk=event.new.get("supervision"))
        .first()
    )
    if supervision is None:
        return []
    if event.old.get("status"):  # reported done: the one who issued it is told
        body = f"项目{_named(project)}的督办事项已办结。"
        if supervision.response:
            body += f"办理反馈：{supervision.response}"
        return [
            Draft(
                [supervision.issued_by],
                Notice.Kind.SUPERVISION_ANSWERED,
                "督办事项已办结",
                body,
                _problems(project),
            )
        ]
    unit_id = supervision.problem.responsible_unit_id if supervision.problem else project.unit_id
    body = (
        f"{supervision.leader.name}督办项目{_named(project)}：{supervision.instruction}"
        f"（办结时限 {supervision.deadline:%Y-%m-%d}）"
    )
    url = _for_the_unit(project, supervision.problem_id)
    return [Draft(unit_users(unit_id), Notice.Kind.SUPERVISED, "领导督办事项", body, url)]


def _supervision_signed(event: ProjectEvent, project: Project) -> list[Draft]:
    """A 督办's sign-off: its report tells the issuing leader (and who recorded it), its
    close or return tells the unit it is issued to."""
    supervision = (
        Supervision.objects.select_related("leader", "problem", "issued_by")
        .filter(pk=event.new.get("supervision"))
        .first()
    )
    if supervision is None:
        return []
    url = _problems(project)
    if event.kind == Kind.SUPERVISION_REPORTED:
        leaders = User.objects.filter(
            role=Role.LEADER, person_id=supervision.leader_id, is_active=True
        )
        to = list({user.pk: user for user in [*leaders, supervision.issued_by]}.values())
        body = f"项目{_named(project)}的督办事项已报送办理情况，请您确认办结或退回。"
        return [Draft(to, Notice.Kind.SUPERVISION_ANSWERED, "督办待确认办结", body, url)]
    unit_id = supervision.problem.responsible_unit_id if supervision.problem else project.unit_id
    url = _for_the_unit(project, supervision.problem_id)
    if event.kind == Kind.SUPERVISION_RETURNED:
        body = f"项目{_named(project)}的督办事项被退回，请您继续办理。退回原因：{event.reason}"
        return [Draft(unit_users(unit_id), Notice.Kind.SUPERVISED, "督办被退回", body, url)]
    body = f"{supervision.leader.name}已确认项目{_named(project)}的督办事项办结。"
    return [Draft(unit_users(unit_id), Notice.Kind.SUPERVISION_ANSWERED, "督办已办结", body, url)]


def _problem(event: ProjectEvent, project: Project) -> list[Draft]:
    if event.old.get("status"):  # a status change: the unit already knows its problem
        return []
    problem = Problem.objects.filter(pk=event.new.get("problem")).first()
    if problem is None:
        return []
    body = (
        f"项目{_named(project)}存在问题（{problem.get_category_display()}）由您单位负责解决："
        f"{problem.description}（办结时限 {problem.deadline:%Y-%m-%d}）"
    )
    to = unit_users(problem.responsible_unit_id)
    url = _for_the_unit(project, problem.pk)
    return [Draft(to, Notice.Kind.PROBLEM, "有问题交由您单位解决", body, url)]


_BY_KIND: dict[str, Callable[[ProjectEvent, Project], list[Draft]]] = {
    Kind.SUBMITTED: _submitted,
    Kind.APPROVED: _approved,
    Kind.ADMITTED: _decided,
    Kind.RETURNED: _decided,
    Kind.HANDED_OFF: _handed_off,
    Kind.SUPERVISED: _supervised,
    Kind.PROBLEM: _problem,
    Kind.SUPERVISION_REPORTED: _supervision_signed,
    Kind.SUPERVISION_CLOSED: _supervision_signed,
    Kind.SUPERVISION_RETURNED: _supervision_signed,
    # A unit's handoff waits for the receiving unit: asked, answered or withdrawn.
    "handoff_requested": _handed_off,
    "handoff_accepted": _handoff_answered,
    "handoff_declined": _handoff_answered,
    "handoff_withdrawn": _handoff_withdrawn,
}


def drafts_for(event: ProjectEvent) -> list[Draft]:
    """Return the notices ``event`` gives (none for a kind nobody is told of)."""
    word = _BY_KIND.get(event.kind)
    if word is None or event.at < timezone.now() - dt.timedelta(days=NEWS_DAYS):
        return []
    project = event.project
    drafts = word(event, project)
    for draft in drafts:
        draft.to = _people(draft.to, event.actor_id)
        draft.project = project
    return [d for d in drafts if d.to]
