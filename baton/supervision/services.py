"""Every write to a problem, a 督办 or a leader's act, each with its project event.

As the project services: the caller has checked the actor's permission (``permissions``,
through the selectors' scope); a step that is not allowed raises ``ValidationError`` with
a Chinese message and writes nothing. Each locks its project's row, writes its own row
and the project's event (built by ``events``) in one transaction, through the project
services' entry points for other apps' changes about a project; the rules it shares
with the project's own (a unit of the district, a past date, a leader of the district or
city, history only forward) are ``baton.projects.rules``'.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.core import messages
from baton.files import services as attachments
from baton.org.models import District, Person, Unit
from baton.projects import rules
from baton.projects.events import Entry
from baton.projects.models import Project, ProjectEvent
from baton.projects.services import project_check_time, project_lock_for_change, project_record

from . import events
from . import rules as sign_off
from .models import LeaderAct, Problem, Supervision


def _record(project: Project, entry: Entry, actor: User | None, at: dt.datetime) -> ProjectEvent:
    return project_record(
        project, entry.kind, actor, at, old=entry.old, new=entry.new, reason=entry.reason
    )


def _clean_text(value: str | None, *, label: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(messages.required(label))
    if len(text) > limit:
        raise ValidationError(messages.too_long(limit, label))
    return text


def _clean_deadline(value: object, at: dt.datetime) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({"deadline": "办结时限无效。"})
    if value < timezone.localtime(at).date():
        raise ValidationError({"deadline": "办结时限不能早于今天。"})
    if value > timezone.localtime(at).date() + dt.timedelta(days=3 * 366):
        raise ValidationError({"deadline": "办结时限不能超过三年。"})
    return value


def _check_leader(district: District, leader: object) -> None:
    if not isinstance(leader, Person) or not leader.is_leader or not leader.is_active:
        raise ValidationError({"leader": "请选择在册的区或市领导。"})
    try:
        rules.check_leader_of(district, leader)
    except ValidationError as exc:
        raise ValidationError({"leader": exc.messages[0]}) from None


#: A leader act's kind that is not one of ``LeaderAct.Kind``.
BAD_KIND = "活动类型无效。"


@transaction.atomic
def problem_open(
    *,
    project: Project,
    actor: User,
    category: str,
    description: str,
    responsible_unit: Unit,
    deadline: dt.date,
    at: dt.datetime | None = None,
) -> Problem:
    """Record an obstacle the project meets and the unit that must solve it by a date."""
    at = project_lock_for_change(project, at)
    if category not in Problem.Category.values:
        raise ValidationError({"category": "问题类别无效。"})
    description = _clean_text(description, label="问题描述", limit=2000)
    try:
        rules.check_district_unit(project.district, responsible_unit)
    except ValidationError as exc:
        raise ValidationError({"responsible_unit": exc.messages[0]}) from None
    deadline = _clean_deadline(deadline, at)
    project_check_time(project, at)
    problem = Problem.objects.create(
        project=project,
        district_id=project.district_id,
        category=category,
        description=description,
        responsible_unit=responsible_unit,
        deadline=deadline,
        created_by=actor,
        created_at=at,
        updated_at=at,
    )
    _record(project, events.problem_opened(problem), actor, at)
    return problem


#: Allowed status changes of a problem; the value says whether a note is required.
PROBLEM_STEPS = {
    (Problem.Status.OPEN, Problem.Status.IN_PROGRESS): False,
    (Problem.Status.OPEN, Problem.Status.RESOLVED): True,
    (Problem.Status.IN_PROGRESS, Problem.Status.RESOLVED): True,
    (Problem.Status.OPEN, Problem.Status.CLOSED): True,
    (Problem.Status.IN_PROGRESS, Problem.Status.CLOSED): True,
    (Problem.Status.RESOLVED, Problem.Status.OPEN): True,
    (Problem.Status.CLOSED, Problem.Status.OPEN): True,
}


@transaction.atomic
def problem_update(
    *,
    problem: Problem,
    actor: User | None,
    status: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> Problem:
    """Move a problem on: 协调中, 已解决 (with how), 已关闭 (with why), or reopen it."""
    project = problem.project
    at = project_lock_for_change(project, at)
    problem.refresh_from_db()
    if status not in Problem.Status.values:
        raise ValidationError({"status": "状态无效。"})
    step = (problem.status, status)
    if step not in PROBLEM_STEPS:
        raise ValidationError(
            f"问题当前为“{problem.get_status_display()}”，不能改为“{Problem.Status(status).label}”。"
        )
    note = _clean_text(note, label="办理情况", limit=2000, required=PROBLEM_STEPS[step])
    project_check_time(project, at)
    old_status = problem.status
    problem.status = status
    if note:
        problem.resolution = note
    problem.resolved_at = at if status == Problem.Status.RESOLVED else None
    problem.updated_at = at
    problem.save()
    _record(project, events.problem_moved(problem, old_status, note), actor, at)
    return problem


@transaction.atomic
def supervision_issue(
    *,
    project: Project,
    actor: User,
    leader: Person,
    instruction: str,
    deadline: dt.date,
    problem: Problem | None = None,
    at: dt.datetime | None = None,
) -> Supervision:
    """督办: a leader orders a step of the project, or a problem's solution, by a date."""
    at = project_lock_for_change(project, at)
    _check_leader(project.district, leader)
    if problem is not None and problem.project_id != project.pk:
        raise ValidationError({"problem": "所选问题不属于该项目。"})
    if problem is not None and not problem.is_open:
        raise ValidationError({"problem": f"该问题{problem.get_status_display()}，无需督办。"})
    instruction = _clean_text(instruction, label="督办要求", limit=2000)
    deadline = _clean_deadline(deadline, at)
    project_check_time(project, at)
    supervision = Supervision.objects.create(
        project=project,
        problem=problem,
        district_id=project.district_id,
        leader=leader,
        instruction=instruction,
        deadline=deadline,
        issued_by=actor,
        created_at=at,
    )
    LeaderAct.objects.create(
        project=project,
        district_id=project.district_id,
        leader=leader,
        kind=LeaderAct.Kind.SUPERVISE,
        date=timezone.localtime(at).date(),
        note=instruction,
        recorded_by=actor,
        created_at=at,
    )
    _record(project, events.supervised(supervision), actor, at)
    return supervision


def _lock_supervision(supervision: Supervision, at: dt.datetime | None) -> dt.datetime:
    at = project_lock_for_change(supervision.project, at)
    supervision.refresh_from_db()
    return at


@transaction.atomic
def supervision_report(
    *,
    supervision: Supervision,
    actor: User,
    response: str,
    files: Iterable = (),
    at: dt.datetime | None = None,
) -> Supervision:
    """The unit the 督办 is issued to reports what it did (办理情况), with files (kept as
    the project's attachments, ``baton.files``); the 督办 then waits for the issuing
    leader's sign-off."""
    project = supervision.project
    at = _lock_supervision(supervision, at)
    sign_off.check_report(actor, supervision)
    response = _clean_text(response, label="办理情况", limit=2000)
    checked = attachments.report_files_check(files)
    project_check_time(project, at)
    supervision.status = Supervision.Status.REPORTED
    supervision.response = response
    supervision.reported_at = at
    supervision.save()
    names = [one.name or f"附件{one.suffix}" for one, _ in checked]
    _record(project, events.supervision_reported(supervision, names), actor, at)
    attachments.report_files_keep(supervision=supervision, actor=actor, checked=checked, at=at)
    return supervision


@transaction.atomic
def supervision_close(
    *, supervision: Supervision, actor: User, note: str = "", at: dt.datetime | None = None
) -> Supervision:
    """The issuing leader, or that leader's office, accepts the report: 办结, for good."""
    project = supervision.project
    at = _lock_supervision(supervision, at)
    sign_off.check_sign_off(actor, supervision)
    note = _clean_text(note, label="办结意见", limit=2000, required=False)
    project_check_time(project, at)
    supervision.status = Supervision.Status.DONE
    supervision.closed_at = at
    supervision.closed_by = actor
    supervision.save()
    _record(project, events.supervision_closed(supervision, note), actor, at)
    return supervision


@transaction.atomic
def supervision_return(
    *, supervision: Supervision, actor: User, reason: str, at: dt.datetime | None = None
) -> Supervision:
    """The issuing leader, or that leader's office, sends the report back (退回) with a
    reason: the 督办 is the unit's to do again."""
    project = supervision.project
    at = _lock_supervision(supervision, at)
    sign_off.check_sign_off(actor, supervision)
    reason = _clean_text(reason, label="退回原因", limit=2000)
    project_check_time(project, at)
    supervision.status = Supervision.Status.ACTIVE
    supervision.returned_reason = reason
    supervision.save()
    _record(project, events.supervision_returned(supervision), actor, at)
    return supervision


@transaction.atomic
def leader_act_record(
    *,
    project: Project,
    actor: User,
    leader: Person,
    kind: str,
    date: dt.date,
    note: str = "",
    at: dt.datetime | None = None,
) -> LeaderAct:
    """Log a leader's 推介/洽谈/考察/评估/协调/督办 on a project."""
    at = project_lock_for_change(project, at)
    _check_leader(project.district, leader)
    if kind not in LeaderAct.Kind.values:
        raise ValidationError({"kind": BAD_KIND})
    try:
        date = rules.clean_date(date)
    except ValidationError as exc:
        raise ValidationError({"date": exc.messages[0]}) from None
    note = _clean_text(note, label="内容", limit=2000, required=False)
    project_check_time(project, at)
    act = LeaderAct.objects.create(
        project=project,
        district_id=project.district_id,
        leader=leader,
        kind=kind,
        date=date,
        note=note,
        recorded_by=actor,
        created_at=at,
    )
    _record(project, events.leader_acted(act), actor, at)
    return act


#: One act of a record: the leader, the project, the kind (推介/洽谈/考察…) and the day.
ActSpec = tuple[Person, Project, str, dt.date]


@transaction.atomic
def leader_acts_sync(
    *,
    origin: str,
    origin_id: int,
    district: District,
    acts: Iterable[ActSpec],
    actor: User,
    note: str = "",
    at: dt.datetime | None = None,
) -> list[LeaderAct]:
    """Make the leader acts that are part of one record exactly ``acts``.

    The record is a 招商活动, 外出招商 or 来访接待 (``origin``, ``origin_id``) that the app
    above owns; the leaders who took part in it on a project act there once, as the record
    says (one record, not two). Acts the record no longer names are withdrawn and new ones
    logged, each change an event on its project in this transaction; acts it still names
    stay as they are. Every project and leader must be of ``district``. The caller has
    checked that ``actor`` may write the record. Return the record's acts.
    """
    if origin not in LeaderAct.Origin.values:
        raise ValidationError("领导活动的来源记录无效。")
    wanted: dict[tuple[int, int, str, dt.date], ActSpec] = {}
    for leader, project, kind, day in acts:
        if project.district_id != district.pk:
            raise ValidationError(
                {"projects": f"项目“{project.name}”不属于本区，不能记为本区领导活动。"}
            )
        _check_leader(district, leader)
        if kind not in LeaderAct.Kind.values:
            raise ValidationError({"kind": BAD_KIND})
        try:
            day = rules.clean_date(day)
        except ValidationError as exc:
            raise ValidationError({"date": exc.messages[0]}) from None
        wanted[(leader.pk, project.pk, kind, day)] = (leader, project, kind, day)
    note = _clean_text(note, label="内容", limit=2000, required=False)
    existing = {
        (act.leader_id, act.project_id, act.kind, act.date): act
        for act in LeaderAct.objects.filter(origin=origin, origin_id=origin_id).select_related(
            "project"
        )
    }
    gone = [act for key, act in existing.items() if key not in wanted]
    added = [spec for key, spec in wanted.items() if key not in existing]
    touched = {act.project for act in gone} | {spec[1] for spec in added}
    at = at or timezone.now()
    # One lock order for every writer: by id, so that two records naming the same projects
    # cannot wait on each other.
    for project in sorted(touched, key=lambda p: p.pk):
        project_lock_for_change(project, at)
        project_check_time(project, at)
    for act in gone:
        entry = events.leader_act_withdrawn(act)
        act.delete()
        _record(act.project, entry, actor, at)
    for leader, project, kind, day in added:
        act = LeaderAct.objects.create(
            project=project,
            district_id=district.pk,
            leader=leader,
            kind=kind,
            date=day,
            note=note,
            recorded_by=actor,
            created_at=at,
            origin=origin,
            origin_id=origin_id,
        )
        _record(project, events.leader_acted(act), actor, at)
    return list(LeaderAct.objects.filter(origin=origin, origin_id=origin_id))
