"""Every write to a project, each with its event in the same transaction.

Services assume the caller has checked the actor's permission (the views and the API
do, through the selectors' scope). They validate the step itself with the rules of
``rules.py`` and raise ``ValidationError`` with a Chinese message when it is not
allowed; nothing is written then. Each event's payload is built by ``events.py``.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.org.models import District, Unit

from . import events, rules
from .duplicates import duplicate_candidates, investor_key, name_key
from .events import json_value
from .models import (
    CodeSequence,
    Handoff,
    Milestone,
    Project,
    ProjectEvent,
    ProjectPeriod,
    ReviewState,
    Stage,
)
from .rules import event_time

Kind = ProjectEvent.Kind

#: Fields ``project_update`` may change (the rule is ``rules.EDITABLE_FIELDS``).
EDITABLE_FIELDS = rules.EDITABLE_FIELDS
#: The fields whose value at a date the figures need; a change opens a new period.
PERIOD_FIELDS = ("review_state", "stage", "unit", "investment", "industry", "district")


class ConflictError(ValidationError):
    """Someone else saved the project after the caller read it."""


# --- helpers ---------------------------------------------------------------------------


def _current(project: Project, field: str) -> Any:
    if field == "co_units":
        return set(project.co_units.all()) if project.pk else set()
    return getattr(project, field)


def _lock(
    project: Project, expected_version: int | None, at: dt.datetime | None = None
) -> dt.datetime:
    """Reload the project under a row lock, refuse a stale version; return the change's time.

    "Now" is read once the lock is held: a writer that waited for another one must not
    date its change before the other's, which the append-only history would refuse.
    """
    project.refresh_from_db(from_queryset=Project.objects.select_for_update())
    # A refused earlier call on this same object may have left co-units pending; they
    # must not be saved, without an event, by this one.
    project.__dict__.pop("_pending_co_units", None)
    if expected_version is not None and project.version != expected_version:
        raise ConflictError(
            f"项目“{project.name}”已被他人修改（您编辑的是第 {expected_version} 版，"
            f"当前是第 {project.version} 版），请刷新页面查看最新内容后再操作。",
            code="conflict",
        )
    return event_time(at)


def apply_values(project: Project, clean: dict) -> tuple[dict, dict]:
    """Set the cleaned values (``rules.clean_values``) that differ on the project, without
    saving it; return the changed fields' old and new values as an event stores them.

    Co-units are kept aside until ``_save`` (``set`` needs the saved row)."""
    old, new = {}, {}
    for field, value in clean.items():
        before = _current(project, field)
        if before == value:
            continue
        old[field], new[field] = json_value(before), json_value(value)
        if field == "co_units":
            project._pending_co_units = value  # type: ignore[attr-defined]
        else:
            setattr(project, field, value)
    if "name" in new:
        project.name_key = name_key(project.name)
    if "investor" in new:
        project.investor_key = investor_key(project.investor)
    return old, new


def _save(project: Project, at: dt.datetime, *, bump: bool = True) -> None:
    if bump:
        project.version += 1
    project.updated_at = max(project.updated_at, at) if project.updated_at else at
    project.save()
    pending = getattr(project, "_pending_co_units", None)
    if pending is not None:
        project.co_units.set(pending)
        del project._pending_co_units  # type: ignore[attr-defined]


def _event(
    project: Project,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    *,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
) -> ProjectEvent:
    event = ProjectEvent.objects.create(
        project=project,
        district_id=project.district_id,
        kind=kind,
        actor=actor,
        at=at,
        old=old or {},
        new=new or {},
        reason=reason,
    )
    if kind == Kind.CREATED or set(event.new) & set(PERIOD_FIELDS):
        _open_period(project, event)
    return event


def _write(
    project: Project, entry: events.Entry, actor: User | None, at: dt.datetime
) -> ProjectEvent:
    """Write the event ``entry`` (built by ``events``) and the period it opens."""
    return _event(project, entry.kind, actor, at, old=entry.old, new=entry.new, reason=entry.reason)


def period_state(project: Project) -> dict:
    """Return the project's reported state a ``ProjectPeriod`` holds."""
    return {
        "district_id": project.district_id,
        "unit_id": project.unit_id,
        "stage_id": project.stage_id,
        "industry_id": project.industry_id,
        "review_state": project.review_state,
        "investment": project.investment,
    }


def _open_period(project: Project, event: ProjectEvent) -> None:
    state = period_state(project)
    current = ProjectPeriod.objects.filter(project=project, valid_to__isnull=True).first()
    if current is not None:
        if all(getattr(current, key) == value for key, value in state.items()):
            return
        if current.valid_from == event.at:
            for key, value in state.items():
                setattr(current, key, value)
            current.event = event
            current.save()
            return
        current.valid_to = event.at
        current.save(update_fields=["valid_to"])
    ProjectPeriod.objects.create(project=project, event=event, valid_from=event.at, **state)


def _signed(project: Project, signed_on: dt.date | None) -> Callable[[], bool]:
    """Return whether the project has a 签约 date, recorded or ``signed_on`` (asked lazily)."""
    return lambda: (
        signed_on is not None
        or (
            project.pk is not None
            and project.milestones.filter(kind=Milestone.Kind.SIGNED).exists()
        )
    )


# --- for other apps' changes about a project (a parcel reserved, a problem raised) ----


def project_lock_for_change(project: Project, at: dt.datetime | None = None) -> dt.datetime:
    """Lock the project's row for a change another app records on it; return its time.

    The caller checks its own rules next, then calls ``project_check_time`` and, once its
    rows are written, ``project_record``, all in its transaction.
    """
    return _lock(project, None, at)


def project_check_time(project: Project, at: dt.datetime) -> None:
    """Refuse a change dated before the project's last event: history only grows forward."""
    rules.check_not_before_last_event(project, at)


def project_record(
    project: Project,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    *,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
) -> ProjectEvent:
    """Write the event of a change another app made about the project (its version stays:
    no field of the project changed, but its last activity moves)."""
    _save(project, at, bump=False)
    return _event(project, kind, actor, at, old=old, new=new, reason=reason)


#: The highest sequence number a project code is issued with (``<district>-<year>-<seq>``).
CODE_SEQ_MAX = 999_999


def _next_code(district: District, year: int) -> str:
    """Issue the next code of ``district`` for ``year``: the only way a project gets one."""
    seq, _ = CodeSequence.objects.select_for_update().get_or_create(district=district, year=year)
    last = seq.last if seq.last <= CODE_SEQ_MAX else code_sequence_floor(district, year)
    while True:
        if last >= CODE_SEQ_MAX:
            raise codes_used_up(district, year)
        last += 1
        code = f"{district.code}-{year}-{last:04d}"
        if not Project.objects.filter(code=code).exists():
            break
    seq.last = last
    seq.save(update_fields=["last"])
    return code


def codes_used_up(district: District, year: int) -> ValidationError:
    return ValidationError(
        f"{district.name}{year} 年的项目编号已用尽（最多 {CODE_SEQ_MAX} 个），请联系系统管理员。"
    )


def code_sequence_floor(district: District, year: int) -> int:
    """Return the highest sequence number within bounds that a code of ``district`` and
    ``year`` uses: where a counter out of bounds (set by an import before codes were the
    system's alone) starts again."""
    prefix = f"{district.code}-{year}-"
    used = [
        int(tail)
        for tail in (
            code[len(prefix) :]
            for code in Project.objects.filter(code__startswith=prefix).values_list(
                "code", flat=True
            )
        )
        if tail.isdigit() and len(tail) <= len(str(CODE_SEQ_MAX))
    ]
    return max(used, default=0)


# --- services --------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    district: District,
    unit: Unit,
    name: str,
    investment: Decimal | int | str,
    stage: Stage | None = None,
    original_code: str = "",
    signed_on: dt.date | None = None,
    at: dt.datetime | None = None,
    **fields: Any,
) -> Project:
    """Create a draft project held by ``unit``; ``fields`` are any of EDITABLE_FIELDS.

    Its code is the system's next of ``district``; ``original_code`` keeps the code an
    office's own ledger gave it (an import), never taken as the project's code.
    """
    at = event_time(at)
    original_code = rules.clean_original_code(original_code)
    if signed_on is not None:
        signed_on = rules.clean_date(signed_on)
    project, co_units = rules.new_draft(
        Project,
        actor=actor,
        district=district,
        unit=unit,
        stage=stage or Stage.objects.filter(is_terminal=False).order_by("order").first(),
        name=name,
        investment=investment,
        fields=fields,
        original_code=original_code,
        at=at,
    )
    stage = project.stage
    rules.check_created_complete(stage, project, _signed(project, signed_on))
    project.code = _next_code(district, timezone.localtime(at).year)
    project.save()
    if co_units:
        project.co_units.set(co_units)
    _write(
        project, events.created(project, co_units=co_units, original_code=original_code), actor, at
    )
    if signed_on:
        _set_milestone(project, Milestone.Kind.SIGNED, signed_on, actor, at, "")
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    actor: User | None,
    changes: dict,
    expected_version: int | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> bool:
    """Change reported fields; return False (and write nothing) when nothing changed."""
    at = _lock(project, expected_version, at)
    rules.check_editable(project)
    rules.check_not_before_last_event(project, at)
    old, new = apply_values(project, rules.clean_values(project.district, changes))
    if not new:
        return False
    rules.check_investment_kept(project, new)
    rules.check_plan_order(project)
    _save(project, at)
    _write(project, events.updated(old, new, reason), actor, at)
    return True


@transaction.atomic
def project_submit(
    *,
    project: Project,
    actor: User | None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> ProjectEvent:
    """上报: send a draft or returned project to review, with its possible duplicates."""
    at = _lock(project, expected_version, at)
    rules.check_submit(project)
    rules.check_not_before_last_event(project, at)
    rules.check_complete_for_review(project, _signed(project, None))
    candidates = duplicate_candidates(project)
    old_state = project.review_state
    project.review_state = ReviewState.SUBMITTED
    project.submitted_at = at
    _save(project, at)
    entry = events.submitted(old_state, [c.project.code for c in candidates])
    return _write(project, entry, actor, at)


@transaction.atomic
def project_review(
    *,
    project: Project,
    actor: User | None,
    approve: bool,
    reason: str = "",
    not_duplicate: bool = False,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> ProjectEvent:
    """审核: approve (district first, then city) or return with a reason.

    A project with possible duplicates is approved only when the reviewer has looked
    and says it is a different project (``not_duplicate``).
    """
    at = _lock(project, expected_version, at)
    state = project.review_state
    rules.check_reviewable(project)
    rules.check_not_before_last_event(project, at)
    reason = (reason or "").strip()
    checked = None
    if not approve:
        rules.check_return_reason(reason)
    else:
        candidates = duplicate_candidates(project)
        rules.check_duplicates_checked(candidates, not_duplicate)
        if candidates:
            checked = [c.project.code for c in candidates]
    project.review_state = rules.review_result(project, approve)
    if project.review_state == ReviewState.ADMITTED:
        project.admitted_at = at
    _save(project, at)
    entry = events.reviewed(state, project.review_state, checked=checked, reason=reason)
    return _write(project, entry, actor, at)


@transaction.atomic
def project_move(
    *,
    project: Project,
    stage: Stage,
    actor: User | None,
    reason: str = "",
    fields: dict | None = None,
    expected_version: int | None = None,
    on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> ProjectEvent:
    """Move a project to another stage of the ladder, on the day ``on`` (default today).

    ``fields`` carries what the target stage requires before entry (e.g. ``investor``
    and ``signed_on`` for 落地); they are saved with the move. Moving back down the
    ladder, into an exit such as 中止, or out of one, needs a reason; so does a move
    dated more than 30 days back (``rules.time_on``).
    """
    at = _lock(project, expected_version, at)
    current = project.stage
    rules.check_move(current, stage)
    reason = rules.check_move_reason(current, stage, reason)
    if on is not None:
        at = rules.time_on(project, on, reason)
    rules.check_not_before_last_event(project, at)
    fields = dict(fields or {})
    signed_on = fields.pop("signed_on", None)
    if signed_on is not None:
        signed_on = rules.clean_signed_on(stage, signed_on)
    old, new = apply_values(project, rules.clean_values(project.district, fields))
    rules.check_move_complete(stage, project, _signed(project, signed_on))
    project.stage = stage
    project.stage_entered_at = at
    _save(project, at)
    event = _write(project, events.moved(old, new, current.pk, stage.pk, reason), actor, at)
    if signed_on is not None:
        _set_milestone(project, Milestone.Kind.SIGNED, signed_on, actor, at, "")
    return event


@transaction.atomic
def project_handoff(
    *,
    project: Project,
    to_unit: Unit,
    actor: User | None,
    reason: str,
    relay_role: str | None = None,
    keep_as_co_unit: bool = False,
    expected_version: int | None = None,
    on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> ProjectEvent:
    """接力: pass the baton to another unit of the district, on the day ``on``.

    A unit's handoff waits for the receiving unit (``handoff_accept``): until then the
    project stays with the giving unit and shows 待接收; the event returned is the
    request. The district office's takes effect at once (``rules.handoff_waits``).
    ``relay_role`` ("talks" or "landing") also records the new holder as the unit that
    pushes the talks or serves the landing, for the assessment's relay credit.
    """
    at = _lock(project, expected_version, at)
    reason = rules.check_handoff(project, to_unit, reason, relay_role)
    rules.check_no_pending_handoff(project)
    if on is not None:
        at = rules.time_on(project, on, reason)
    rules.check_not_before_last_event(project, at)
    if rules.handoff_waits(actor):
        handoff = Handoff.objects.create(
            project=project,
            district_id=project.district_id,
            from_unit_id=project.unit_id,
            to_unit=to_unit,
            relay_role=relay_role or "",
            keep_as_co_unit=keep_as_co_unit,
            reason=reason,
            requested_by=actor,
            requested_at=at,
        )
        _save(project, at, bump=False)
        return _write(project, events.handoff_requested(handoff), actor, at)
    from_unit = project.unit
    old, new = _pass_baton(project, to_unit, relay_role, keep_as_co_unit)
    _save(project, at)
    entry = events.handed_off(old, new, from_unit.pk, to_unit.pk, reason)
    return _write(project, entry, actor, at)


def _pass_baton(
    project: Project, to_unit: Unit, relay_role: str | None, keep_as_co_unit: bool
) -> tuple[dict, dict]:
    """Make ``to_unit`` the holder (unsaved), with its relay role and the co-units."""
    from_unit = project.unit
    changes: dict = {}
    if relay_role:
        changes[f"{relay_role}_unit"] = to_unit
    if keep_as_co_unit:
        changes["co_units"] = (_current(project, "co_units") | {from_unit}) - {to_unit}
    elif to_unit in _current(project, "co_units"):
        changes["co_units"] = _current(project, "co_units") - {to_unit}
    old, new = apply_values(project, changes)
    project.unit = to_unit
    return old, new


def _last_handoff(project: Project) -> Handoff | None:
    """The project's latest handoff that waited for its receiver (pending or answered)."""
    return project.handoffs.select_related("to_unit", "from_unit").order_by("-id").first()


def _answer(handoff: Handoff, state: str, actor: User | None, at: dt.datetime, reason: str) -> None:
    handoff.state = state
    handoff.decided_by = actor
    handoff.decided_at = at
    handoff.decision_reason = reason
    handoff.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])


@transaction.atomic
def handoff_accept(
    *,
    project: Project,
    actor: User | None,
    reason: str = "",
    on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> ProjectEvent:
    """The receiving unit takes the baton of the pending handoff, on the day ``on``.

    The receiving unit becomes the holder from that moment (the figures as of that day
    and later count the project under it, earlier days under the giving unit).
    """
    at = _lock(project, None, at)
    handoff = rules.check_handoff_pending(_last_handoff(project))
    if on is not None:
        at = rules.time_on(project, on, reason)
    rules.check_not_before_last_event(project, at)
    rules.check_unit(project.district, handoff.to_unit)
    old, new = _pass_baton(
        project, handoff.to_unit, handoff.relay_role or None, handoff.keep_as_co_unit
    )
    reason = (reason or "").strip()
    _answer(handoff, Handoff.State.ACCEPTED, actor, at, reason)
    _save(project, at)
    return _write(project, events.handoff_accepted(handoff, old, new, reason), actor, at)


@transaction.atomic
def handoff_decline(
    *, project: Project, actor: User | None, reason: str, at: dt.datetime | None = None
) -> ProjectEvent:
    """The receiving unit declines the pending handoff, saying why; the giving unit keeps
    the project."""
    at = _lock(project, None, at)
    handoff = rules.check_handoff_pending(_last_handoff(project))
    reason = rules.check_decline_reason(reason)
    rules.check_not_before_last_event(project, at)
    _answer(handoff, Handoff.State.DECLINED, actor, at, reason)
    _save(project, at, bump=False)
    return _write(project, events.handoff_declined(handoff, reason), actor, at)


@transaction.atomic
def handoff_withdraw(
    *, project: Project, actor: User | None, reason: str = "", at: dt.datetime | None = None
) -> ProjectEvent:
    """The giving side (its unit or the district office) takes back a pending handoff."""
    at = _lock(project, None, at)
    handoff = rules.check_handoff_pending(_last_handoff(project))
    reason = (reason or "").strip()
    rules.check_not_before_last_event(project, at)
    _answer(handoff, Handoff.State.WITHDRAWN, actor, at, reason)
    _save(project, at, bump=False)
    return _write(project, events.handoff_withdrawn(handoff, reason), actor, at)


def _set_milestone(
    project: Project, kind: str, date: dt.date, actor: User | None, at: dt.datetime, note: str
) -> Milestone | None:
    existing = project.milestones.filter(kind=kind).first()
    change = rules.milestone_change(existing, date, note)
    if change is None:
        return None
    date, note = change
    rules.check_milestone_order(
        dict(project.milestones.exclude(kind=kind).values_list("kind", "date")), kind, date
    )
    entry = events.milestone(kind, existing, date, note)
    if existing:
        existing.date, existing.note = date, note
        existing.save(update_fields=["date", "note"])
        milestone = existing
    else:
        milestone = Milestone.objects.create(project=project, kind=kind, date=date, note=note)
    project.updated_at = max(project.updated_at, at)
    project.save(update_fields=["updated_at"])
    _write(project, entry, actor, at)
    return milestone


@transaction.atomic
def milestone_record(
    *,
    project: Project,
    kind: str,
    date: dt.date,
    actor: User | None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Milestone | None:
    """Record or correct a milestone date; return None when nothing changed.

    A blank ``note`` keeps the recorded one (``rules.milestone_change``)."""
    at = _lock(project, None, at)
    rules.check_milestone(project, kind)
    date = rules.clean_date(date)
    note = rules.clean_milestone_note(note)
    rules.check_not_before_last_event(project, at)
    return _set_milestone(project, kind, date, actor, at, note)


@transaction.atomic
def note_add(
    *, project: Project, actor: User | None, text: str, at: dt.datetime | None = None
) -> ProjectEvent:
    """Add a progress note (跟进记录) to the project's timeline."""
    at = _lock(project, None, at)
    text = rules.clean_note(text)
    rules.check_not_before_last_event(project, at)
    _save(project, at, bump=False)
    return _write(project, events.noted(text), actor, at)
