"""A meeting's decisions: recorded, and closed with a note.

A decision on a project is issued as a 督办 (``supervision.services.supervision_issue``)
of the leader it names, to the unit the 督办 goes to (the project's); it is closed by
signing that 督办 off (``supervision_close``, the same rule as on the project's page), and
reads the 督办's status however it was closed. Any other decision is its owner unit's task,
closed here by the office with a note.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from baton.accounts.models import User
from baton.core.messages import fill_in
from baton.org.models import District, Person, Unit
from baton.projects.models import Project
from baton.projects.rules import check_district_unit, check_leader_of, event_time
from baton.projects.services import ConflictError
from baton.supervision import rules as sign_off
from baton.supervision.models import Supervision
from baton.supervision.services import _clean_deadline as clean_deadline
from baton.supervision.services import supervision_close, supervision_issue

from .models import Decision, Meeting
from .services import (
    NOT_ON_FILE,
    Kind,
    _begin_edit,
    _check_writer,
    _event,
    _text,
    _touch,
    not_ours,
)

STALE_DECISION = "这项决定事项已被他人修改，请刷新后重试。"
LEADER_NEEDED = "关联项目的决定事项将作为督办下达，请选择督办领导。"
NOT_A_LEADER = "督办领导须为在册的本区或本市领导。"
PROJECT_ELSEWHERE = "所选项目不属于本区。"
COORDINATING = (
    "“{name}”是协调部门，其账号只办理交办的问题：请在项目的“存在问题”中交办给它，"
    "或选择牵头的招商单位。"
)
NO_ISSUER = "督办须由区招商办的账号下达。"
UNIT_NEEDED = "未关联项目的决定事项，请选择责任单位。"
ALREADY_CLOSED = "该决定事项已办结。"
NOT_REPORTED = "督办交办单位尚未报送办理情况，不能办结；请待其报送后再办结。"


def _deadline(value: Any, at: dt.datetime) -> dt.date:
    """A 督办's deadline rule (today to three years on), for every decision."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({"deadline": [fill_in("办结时限")]})
    return clean_deadline(value, at)


def _leader(district: District, person: Any) -> Person:
    if person is None:
        raise ValidationError({"owner_person": [LEADER_NEEDED]})
    if not isinstance(person, Person) or not person.is_leader or not person.is_active:
        raise ValidationError({"owner_person": [NOT_A_LEADER]})
    try:
        check_leader_of(district, person)
    except ValidationError as exc:
        raise ValidationError({"owner_person": exc.messages}) from None
    return person


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    actor: User | None,
    text: Any,
    deadline: Any,
    owner_unit: Unit | None = None,
    owner_person: Person | None = None,
    project: Project | None = None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Decision:
    """Record a decision: on a project, a 督办 of ``owner_person`` (a leader) to the unit
    the 督办 goes to; otherwise a task of ``owner_unit`` (``owner_person`` optional: who
    in it, or the leader in charge)."""
    at = _begin_edit(meeting, actor, expected_version, at)
    district = meeting.district
    text = _text("text", text, label="决定事项")
    deadline = _deadline(deadline, at)
    supervision: Supervision | None = None
    if project is not None:
        if not isinstance(project, Project) or project.district_id != district.pk:
            raise ValidationError({"project": [PROJECT_ELSEWHERE]})
        leader = _leader(district, owner_person)
        if actor is None:  # a 督办 is issued by someone (``Supervision.issued_by``)
            raise ValidationError({"project": [NO_ISSUER]})
        try:
            supervision = supervision_issue(
                project=project,
                actor=actor,
                leader=leader,
                instruction=f"{meeting.month_label}例会决定：{text}",
                deadline=deadline,
                at=at,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                keys = {"leader": "owner_person", "deadline": "deadline"}
                raise ValidationError(
                    {keys.get(k, "project"): v for k, v in exc.message_dict.items()}
                ) from None
            raise ValidationError({"project": exc.messages}) from None
        unit_id = sign_off.unit_of(supervision)
        owner_unit = Unit.objects.get(pk=unit_id) if unit_id is not None else project.unit
    else:
        if owner_unit is None:
            raise ValidationError({"owner_unit": [UNIT_NEEDED]})
        try:
            check_district_unit(district, owner_unit)
        except ValidationError as exc:
            raise ValidationError({"owner_unit": exc.messages}) from None
        if owner_unit.is_coordinating:
            raise ValidationError({"owner_unit": [COORDINATING.format(name=owner_unit.name)]})
        if owner_person is not None:
            if not isinstance(owner_person, Person) or not owner_person.is_active:
                raise ValidationError({"owner_person": [NOT_ON_FILE]})
            try:
                check_leader_of(district, owner_person)
            except ValidationError:
                raise ValidationError({"owner_person": [not_ours(owner_person)]}) from None
    number = (meeting.decisions.aggregate(n=Max("number"))["n"] or 0) + 1
    decision = Decision.objects.create(
        meeting=meeting,
        district=district,
        number=number,
        text=text,
        owner_unit=owner_unit,
        owner_person=owner_person,
        deadline=deadline,
        project=project,
        supervision=supervision,
        created_at=at,
    )
    _touch(meeting, at)
    _event(
        meeting,
        Kind.DECIDED,
        actor,
        at,
        decision=decision,
        new={
            "number": number,
            "text": text[:200],
            "owner_unit": owner_unit.name,
            "owner_person": owner_person.name if owner_person else "",
            "deadline": deadline.isoformat(),
            "project": project.code if project else "",
            "supervision": supervision.pk if supervision else None,
        },
    )
    return decision


@transaction.atomic
def decision_close(
    *,
    decision: Decision,
    actor: User | None,
    note: Any,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Decision:
    """办结 with a note. A decision on a 督办 signs the 督办 off (its issuing leader or that
    leader's office, once the unit has reported: ``supervision.rules``); a 督办 closed on
    the project's page already closes its decision, which is then marked here."""
    meeting = decision.meeting
    _check_writer(actor, meeting)
    at = event_time(at)
    fresh = Decision.objects.select_for_update().get(pk=decision.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(STALE_DECISION)
    decision.refresh_from_db()
    if decision.status == Decision.Status.CLOSED:
        raise ValidationError(ALREADY_CLOSED)
    note = _text("note", note)
    supervision = decision.supervision
    if supervision is not None and supervision.status != Supervision.Status.DONE:
        if supervision.status != Supervision.Status.REPORTED:
            raise ValidationError(NOT_REPORTED)
        if actor is not None:
            try:
                sign_off.check_sign_off(actor, supervision)
            except ValidationError as exc:
                raise PermissionDenied(exc.messages[0]) from None
            supervision_close(supervision=supervision, actor=actor, note=note, at=at)
        else:
            raise PermissionDenied(sign_off.SIGN_OFF_REFUSED)
    decision.status = Decision.Status.CLOSED
    decision.closing_note = note
    decision.closed_at = at
    decision.closed_by = actor
    decision.version += 1
    decision.save()
    _event(
        meeting,
        Kind.CLOSED,
        actor,
        at,
        decision=decision,
        old={"status": "open"},
        new={"status": "closed", "number": decision.number},
        reason=note,
    )
    return decision
