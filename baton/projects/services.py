"""Every write to a project, each with its event in the same transaction.

Services assume the caller has checked the actor's permission (the views and the API
do, through the selectors' scope). They validate the step itself and raise
``ValidationError`` with a Chinese message when it is not allowed; nothing is written
then.
"""

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.core.money import plain, to_wan
from baton.org.models import District, Person, Unit

from .duplicates import duplicate_candidates, investor_key, name_key
from .models import (
    CODE_PATTERN,
    REQUIRABLE_FIELDS,
    CodeSequence,
    Industry,
    LeaderAct,
    Milestone,
    Problem,
    Project,
    ProjectEvent,
    ProjectPeriod,
    ReviewState,
    Stage,
    Supervision,
)

Kind = ProjectEvent.Kind

#: Fields ``project_update`` may change. Stage, unit and review state have their own services.
EDITABLE_FIELDS = (
    "name",
    "investor",
    "investment",
    "industry",
    "leader",
    "land_area_mu",
    "info_source",
    "progress",
    "issues_text",
    "contact_name",
    "contact_phone",
    "remarks",
    "info_unit",
    "talks_unit",
    "landing_unit",
    "co_units",
)
#: The fields whose value at a date the figures need; a change opens a new period.
PERIOD_FIELDS = ("review_state", "stage", "unit", "investment", "industry", "district")
_TEXT_LIMITS = {
    "name": 200,
    "investor": 200,
    "info_source": 200,
    "contact_name": 50,
    "contact_phone": 30,
    "progress": 5000,
    "issues_text": 5000,
    "remarks": 5000,
}
_PHONE = re.compile(r"^[0-9+()\-\s转]{5,30}$")
_CODE = re.compile(rf"^{CODE_PATTERN}$")
_MILESTONE_ORDER = (
    Milestone.Kind.STARTED,
    Milestone.Kind.IN_PRODUCTION,
    Milestone.Kind.AT_CAPACITY,
)


class ConflictError(ValidationError):
    """Someone else saved the project after the caller read it."""


# --- helpers ---------------------------------------------------------------------------


def event_time(at: dt.datetime | None) -> dt.datetime:
    """The time of a change: now, or the aware time given, never in the future."""
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValidationError("发生时间必须带时区。")
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError("发生时间不能晚于当前时间。")
    return at


def json_value(value):
    """A value as an event stores it: 万元 as plain text, dates ISO, rows by id, sets sorted."""
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, Iterable):
        return sorted(json_value(v) for v in value)
    raise TypeError(f"cannot store {value!r} in an event")


def _current(project: Project, field: str):
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


def _clean_values(district: District, values: dict) -> dict:
    """Validate and convert the given editable fields; raise one error naming all bad ones."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}。")
    errors: dict[str, str] = {}
    clean: dict = {}
    for field, value in values.items():
        try:
            clean[field] = _clean_value(district, field, value)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_value(district: District, field: str, value):
    if field in _TEXT_LIMITS:
        text = (value or "").strip()
        if field == "name" and not text:
            raise ValidationError("项目名称不能为空。")
        if len(text) > _TEXT_LIMITS[field]:
            raise ValidationError(f"不能超过 {_TEXT_LIMITS[field]} 个字。")
        if field == "contact_phone" and text and not _PHONE.match(text):
            raise ValidationError("联系电话格式不正确，只能包含数字、空格、+、-、括号。")
        return text
    if field == "investment":
        if value in (None, ""):
            raise ValidationError("总投资不能为空。")
        return to_wan(value)
    if field == "land_area_mu":
        if value in (None, ""):
            return None
        try:
            area = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(f"“{value}”不是有效的面积（亩）。") from None
        if not area.is_finite() or area < 0 or area > Decimal("9999999999"):
            raise ValidationError("拟用地面积必须是 0 到 99 亿之间的数。")
        if area != area.quantize(Decimal("0.01")):
            raise ValidationError("拟用地面积最多保留 2 位小数。")
        return area.quantize(Decimal("0.01"))
    if field == "industry":
        if value is not None and not isinstance(value, Industry):
            raise ValidationError("行业无效。")
        return value
    if field == "leader":
        if value is None:
            return None
        if not isinstance(value, Person) or not value.is_leader:
            raise ValidationError("挂钩领导必须是在册的区或市领导。")
        if value.city_id != district.city_id or (
            value.district_id and value.district_id != district.pk
        ):
            raise ValidationError(f"{value.name}不是本区或本市的领导。")
        return value
    if field in ("info_unit", "talks_unit", "landing_unit"):
        if value is not None:
            _check_unit(district, value)
        return value
    if field == "co_units":
        units = set(value or ())
        for unit in units:
            _check_unit(district, unit)
        return units
    raise AssertionError(field)


def _check_unit(district: District, unit) -> None:
    if not isinstance(unit, Unit):
        raise ValidationError("单位无效。")
    if unit.district_id != district.pk:
        raise ValidationError(f"“{unit.name}”不是{district.name}的单位。")
    if not unit.is_active:
        raise ValidationError(f"“{unit.name}”已停用。")


def _apply(project: Project, clean: dict) -> tuple[dict, dict]:
    """Set the changed values on the project; return the old and new values as JSON."""
    old, new = {}, {}
    for field, value in clean.items():
        before = _current(project, field)
        if before == value:
            continue
        old[field], new[field] = json_value(before), json_value(value)
        if field == "co_units":
            project._pending_co_units = value
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
        del project._pending_co_units


def _event(
    project: Project, kind: str, actor, at: dt.datetime, *, old=None, new=None, reason=""
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


def _period_state(project: Project) -> dict:
    return {
        "district_id": project.district_id,
        "unit_id": project.unit_id,
        "stage_id": project.stage_id,
        "industry_id": project.industry_id,
        "review_state": project.review_state,
        "investment": project.investment,
    }


def _open_period(project: Project, event: ProjectEvent) -> None:
    state = _period_state(project)
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


def _check_not_before_last_event(project: Project, at: dt.datetime) -> None:
    if project.updated_at and at < project.updated_at:
        raise ValidationError(
            f"发生时间 {timezone.localtime(at):%Y-%m-%d %H:%M} 早于该项目最近一次动态"
            f"（{timezone.localtime(project.updated_at):%Y-%m-%d %H:%M}），项目历史只能向后追加。"
        )


# --- for other apps' changes about a project (a parcel reserved for it) ---------------


def project_lock_for_change(project: Project, at: dt.datetime | None = None) -> dt.datetime:
    """Lock the project's row for a change another app records on it; return its time.

    The caller checks its own rules next, then calls ``project_check_time`` and, once its
    rows are written, ``project_record``, all in its transaction.
    """
    return _lock(project, None, at)


def project_check_time(project: Project, at: dt.datetime) -> None:
    """Refuse a change dated before the project's last event: history only grows forward."""
    _check_not_before_last_event(project, at)


def project_record(
    project: Project, kind: str, actor, at: dt.datetime, *, old=None, new=None, reason=""
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


def _clean_original_code(code: str) -> str:
    code = (code or "").strip()
    if code and not _CODE.match(code):
        raise ValidationError(
            {"original_code": "原编号只能包含字母、数字、短横线和下划线，最长 32 位。"}
        )
    return code


def _missing_for(stage: Stage, project: Project, signed_on: dt.date | None) -> list[str]:
    missing = []
    for field in stage.required_fields:
        if field == "signed_on":
            has = signed_on is not None or (
                project.pk is not None
                and project.milestones.filter(kind=Milestone.Kind.SIGNED).exists()
            )
        elif field == "investment":
            has = bool(project.investment)
        else:
            has = getattr(project, field) not in (None, "")
        if not has:
            missing.append(str(REQUIRABLE_FIELDS.get(field, field)))
    return missing


def _today() -> dt.date:
    return timezone.localdate()


def _clean_milestone_date(value) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError("日期无效。")
    if value > _today():
        raise ValidationError("日期不能晚于今天。")
    if value.year < 1990:
        raise ValidationError("日期不能早于 1990 年。")
    return value


# --- services --------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    actor,
    district: District,
    unit: Unit,
    name: str,
    investment,
    stage: Stage | None = None,
    original_code: str = "",
    signed_on: dt.date | None = None,
    at: dt.datetime | None = None,
    **fields,
) -> Project:
    """Create a draft project held by ``unit``; ``fields`` are any of EDITABLE_FIELDS.

    Its code is the system's next of ``district``; ``original_code`` keeps the code an
    office's own ledger gave it (an import), never taken as the project's code.
    """
    at = event_time(at)
    original_code = _clean_original_code(original_code)
    if signed_on is not None:
        signed_on = _clean_milestone_date(signed_on)
    _check_unit(district, unit)
    stage = stage or Stage.objects.filter(is_terminal=False).order_by("order").first()
    if stage is None:
        raise ValidationError("尚未配置项目阶段。")
    if stage.is_terminal:
        raise ValidationError(f"新项目不能直接处于“{stage.name}”阶段。")
    clean = _clean_values(district, {"name": name, "investment": investment, **fields})
    co_units = clean.pop("co_units", set())
    clean.setdefault("info_unit", unit)
    project = Project(
        district=district,
        unit=unit,
        stage=stage,
        stage_entered_at=at,
        review_state=ReviewState.DRAFT,
        created_by=actor,
        created_at=at,
        updated_at=at,
        original_code=original_code,
        **clean,
    )
    project.name_key = name_key(project.name)
    project.investor_key = investor_key(project.investor)
    missing = _missing_for(stage, project, signed_on)
    if missing:
        raise ValidationError(f"“{stage.name}”阶段的项目必须填写：{'、'.join(missing)}。")
    project.code = _next_code(district, timezone.localtime(at).year)
    project.save()
    if co_units:
        project.co_units.set(co_units)
    snapshot = {
        field: json_value(getattr(project, field) if field != "co_units" else co_units)
        for field in (*EDITABLE_FIELDS, "code", "district", "unit", "stage", "review_state")
    }
    if original_code:
        snapshot["original_code"] = original_code
    _event(project, Kind.CREATED, actor, at, new=snapshot)
    if signed_on:
        _set_milestone(project, Milestone.Kind.SIGNED, signed_on, actor, at, "")
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    actor,
    changes: dict,
    expected_version: int | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> bool:
    """Change reported fields; return False (and write nothing) when nothing changed."""
    at = _lock(project, expected_version, at)
    if not project.is_editable:
        raise ValidationError(
            f"项目处于“{project.get_review_state_display()}”状态，审核期间不能修改；"
            "如需修改，请审核人先退回。"
        )
    _check_not_before_last_event(project, at)
    old, new = _apply(project, _clean_values(project.district, changes))
    if not new:
        return False
    if "investment" in new and not project.investment and project.review_state != ReviewState.DRAFT:
        raise ValidationError({"investment": "已上报或入库的项目总投资必须大于 0。"})
    _save(project, at)
    _event(project, Kind.UPDATED, actor, at, old=old, new=new, reason=(reason or "").strip())
    return True


@transaction.atomic
def project_submit(
    *, project: Project, actor, expected_version: int | None = None, at: dt.datetime | None = None
) -> ProjectEvent:
    """上报: send a draft or returned project to review, with its possible duplicates."""
    at = _lock(project, expected_version, at)
    if project.review_state not in (ReviewState.DRAFT, ReviewState.RETURNED):
        raise ValidationError(
            f"只有草稿或已退回的项目可以上报，该项目当前为“{project.get_review_state_display()}”。"
        )
    if project.stage.is_terminal:
        raise ValidationError(f"“{project.stage.name}”的项目不能上报。")
    _check_not_before_last_event(project, at)
    problems = []
    if not project.investment:
        problems.append("总投资必须大于 0")
    missing = _missing_for(project.stage, project, None)
    if missing:
        problems.append(f"“{project.stage.name}”阶段须填写{'、'.join(missing)}")
    if problems:
        raise ValidationError(f"项目信息不完整，不能上报：{'；'.join(problems)}。")
    candidates = duplicate_candidates(project)
    old = {"review_state": project.review_state}
    project.review_state = ReviewState.SUBMITTED
    project.submitted_at = at
    _save(project, at)
    return _event(
        project,
        Kind.SUBMITTED,
        actor,
        at,
        old=old,
        new={
            "review_state": project.review_state,
            "duplicates": [c.project.code for c in candidates],
        },
    )


@transaction.atomic
def project_review(
    *,
    project: Project,
    actor,
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
    if state not in (ReviewState.SUBMITTED, ReviewState.DISTRICT_APPROVED):
        raise ValidationError(
            f"该项目当前为“{project.get_review_state_display()}”，不在待审核状态。"
        )
    _check_not_before_last_event(project, at)
    reason = (reason or "").strip()
    new: dict = {}
    if not approve:
        if not reason:
            raise ValidationError({"reason": "退回必须说明原因。"})
        kind, project.review_state = Kind.RETURNED, ReviewState.RETURNED
    else:
        candidates = duplicate_candidates(project)
        if candidates and not not_duplicate:
            listed = "；".join(
                f"{c.project.code}“{c.project.name}”（{c.reason}）" for c in candidates
            )
            raise ValidationError(
                f"发现疑似重复项目：{listed}。请核对后确认不是同一项目再通过，或退回。",
                code="duplicates",
            )
        if candidates:
            new["checked_duplicates"] = [c.project.code for c in candidates]
        two_levels = project.district.review_levels == 2
        if state == ReviewState.SUBMITTED and two_levels:
            kind, project.review_state = Kind.APPROVED, ReviewState.DISTRICT_APPROVED
        else:
            kind, project.review_state = Kind.ADMITTED, ReviewState.ADMITTED
            project.admitted_at = at
    _save(project, at)
    return _event(
        project,
        kind,
        actor,
        at,
        old={"review_state": state},
        new={"review_state": project.review_state, **new},
        reason=reason,
    )


@transaction.atomic
def project_move(
    *,
    project: Project,
    stage: Stage,
    actor,
    reason: str = "",
    fields: dict | None = None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> ProjectEvent:
    """Move a project to another stage of the ladder.

    ``fields`` carries what the target stage requires before entry (e.g. ``investor``
    and ``signed_on`` for 落地); they are saved with the move. Moving back down the
    ladder, into an exit such as 中止, or out of one, needs a reason.
    """
    at = _lock(project, expected_version, at)
    current = project.stage
    if stage.pk == current.pk:
        raise ValidationError(f"项目已处于“{stage.name}”阶段。")
    _check_not_before_last_event(project, at)
    reason = (reason or "").strip()
    if stage.is_terminal and not reason:
        raise ValidationError({"reason": f"转为“{stage.name}”必须说明原因。"})
    if current.is_terminal and not reason:
        raise ValidationError({"reason": f"从“{current.name}”恢复推进必须说明原因。"})
    backward = not stage.is_terminal and not current.is_terminal and stage.order < current.order
    if backward and not reason:
        raise ValidationError({"reason": f"从“{current.name}”退回“{stage.name}”必须说明原因。"})
    fields = dict(fields or {})
    signed_on = fields.pop("signed_on", None)
    if signed_on is not None:
        if stage.is_terminal:
            raise ValidationError(f"转为“{stage.name}”时不能记录签约日期。")
        signed_on = _clean_milestone_date(signed_on)
    old, new = _apply(project, _clean_values(project.district, fields))
    missing = _missing_for(stage, project, signed_on)
    if missing:
        raise ValidationError(f"进入“{stage.name}”阶段前须填写：{'、'.join(missing)}。")
    old["stage"], new["stage"] = current.pk, stage.pk
    project.stage = stage
    project.stage_entered_at = at
    _save(project, at)
    event = _event(project, Kind.MOVED, actor, at, old=old, new=new, reason=reason)
    if signed_on is not None:
        _set_milestone(project, Milestone.Kind.SIGNED, signed_on, actor, at, "")
    return event


@transaction.atomic
def project_handoff(
    *,
    project: Project,
    to_unit: Unit,
    actor,
    reason: str,
    relay_role: str | None = None,
    keep_as_co_unit: bool = False,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> ProjectEvent:
    """接力: pass the baton to another unit of the district.

    ``relay_role`` ("talks" or "landing") also records the new holder as the unit that
    pushes the talks or serves the landing, for the assessment's relay credit.
    """
    at = _lock(project, expected_version, at)
    _check_unit(project.district, to_unit)
    if to_unit.pk == project.unit_id:
        raise ValidationError(f"项目已由“{to_unit.name}”负责。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "交接必须说明原因。"})
    if relay_role not in (None, "talks", "landing"):
        raise ValidationError("接力角色只能是洽谈推进或落地服务。")
    _check_not_before_last_event(project, at)
    from_unit = project.unit
    changes: dict = {}
    if relay_role:
        changes[f"{relay_role}_unit"] = to_unit
    if keep_as_co_unit:
        changes["co_units"] = (_current(project, "co_units") | {from_unit}) - {to_unit}
    elif to_unit in _current(project, "co_units"):
        changes["co_units"] = _current(project, "co_units") - {to_unit}
    old, new = _apply(project, changes)
    old["unit"], new["unit"] = from_unit.pk, to_unit.pk
    project.unit = to_unit
    _save(project, at)
    return _event(project, Kind.HANDED_OFF, actor, at, old=old, new=new, reason=reason)


def milestone_change(existing, date: dt.date, note: str) -> tuple[dt.date, str] | None:
    """Return the date and note a milestone recorded as asked holds, or None if that is
    no change.

    A blank note keeps the one recorded: the 落地 move only gives the date again (its
    dialog pre-fills it), and a correction of the date is not one of the note.
    ``existing`` is the milestone recorded (anything with its ``date`` and ``note``).
    """
    if existing is None:
        return date, note
    note = note or existing.note
    if (existing.date, existing.note) == (date, note):
        return None
    return date, note


def _set_milestone(project, kind, date, actor, at, note) -> Milestone | None:
    existing = project.milestones.filter(kind=kind).first()
    change = milestone_change(existing, date, note)
    if change is None:
        return None
    date, note = change
    dates = dict(project.milestones.exclude(kind=kind).values_list("kind", "date"))
    dates[kind] = date
    ordered = [(k, dates[k]) for k in _MILESTONE_ORDER if k in dates]
    for (k1, d1), (k2, d2) in itertools.pairwise(ordered):
        if d1 > d2:
            raise ValidationError(
                f"{Milestone.Kind(k2).label}日期（{d2}）不能早于{Milestone.Kind(k1).label}日期（{d1}）。"
            )
    old = (
        {"kind": kind, "date": json_value(existing.date), "note": existing.note} if existing else {}
    )
    if existing:
        existing.date, existing.note = date, note
        existing.save(update_fields=["date", "note"])
        milestone = existing
    else:
        milestone = Milestone.objects.create(project=project, kind=kind, date=date, note=note)
    project.updated_at = max(project.updated_at, at)
    project.save(update_fields=["updated_at"])
    _event(
        project,
        Kind.MILESTONE,
        actor,
        at,
        old=old,
        new={"kind": kind, "date": date.isoformat(), "note": note},
    )
    return milestone


@transaction.atomic
def milestone_record(
    *,
    project: Project,
    kind: str,
    date: dt.date,
    actor,
    note: str = "",
    at: dt.datetime | None = None,
) -> Milestone | None:
    """Record or correct a milestone date; return None when nothing changed.

    A blank ``note`` keeps the recorded one (``milestone_change``)."""
    at = _lock(project, None, at)
    if kind not in Milestone.Kind.values:
        raise ValidationError("里程碑类型无效。")
    label = Milestone.Kind(kind).label
    if project.stage.is_terminal:
        raise ValidationError(f"“{project.stage.name}”的项目不能记录{label}。")
    if kind != Milestone.Kind.SIGNED and not project.stage.allows_milestones:
        raise ValidationError(f"项目落地后才能记录{label}（当前为“{project.stage.name}”）。")
    date = _clean_milestone_date(date)
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError("说明不能超过 200 个字。")
    _check_not_before_last_event(project, at)
    return _set_milestone(project, kind, date, actor, at, note)


@transaction.atomic
def note_add(*, project: Project, actor, text: str, at: dt.datetime | None = None) -> ProjectEvent:
    """Add a progress note (跟进记录) to the project's timeline."""
    at = _lock(project, None, at)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "内容不能为空。"})
    if len(text) > 2000:
        raise ValidationError({"text": "内容不能超过 2000 个字。"})
    _check_not_before_last_event(project, at)
    _save(project, at, bump=False)
    return _event(project, Kind.NOTE, actor, at, reason=text)


# --- problems, supervision and leaders' acts ----------------------------------------------


def _clean_text(value, *, label: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(f"{label}不能为空。")
    if len(text) > limit:
        raise ValidationError(f"{label}不能超过 {limit} 个字。")
    return text


def _clean_deadline(value, at: dt.datetime) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({"deadline": "办结时限无效。"})
    if value < timezone.localtime(at).date():
        raise ValidationError({"deadline": "办结时限不能早于今天。"})
    if value > timezone.localtime(at).date() + dt.timedelta(days=3 * 366):
        raise ValidationError({"deadline": "办结时限不能超过三年。"})
    return value


def _check_leader(district: District, leader) -> None:
    if not isinstance(leader, Person) or not leader.is_leader or not leader.is_active:
        raise ValidationError({"leader": "请选择在册的区或市领导。"})
    if leader.city_id != district.city_id or (
        leader.district_id and leader.district_id != district.pk
    ):
        raise ValidationError({"leader": f"{leader.name}不是本区或本市的领导。"})


@transaction.atomic
def problem_open(
    *,
    project: Project,
    actor,
    category: str,
    description: str,
    responsible_unit: Unit,
    deadline: dt.date,
    at: dt.datetime | None = None,
) -> Problem:
    """Record an obstacle the project meets and the unit that must solve it by a date."""
    at = _lock(project, None, at)
    if category not in Problem.Category.values:
        raise ValidationError({"category": "问题类别无效。"})
    description = _clean_text(description, label="问题描述", limit=2000)
    try:
        _check_unit(project.district, responsible_unit)
    except ValidationError as exc:
        raise ValidationError({"responsible_unit": exc.messages[0]}) from None
    deadline = _clean_deadline(deadline, at)
    _check_not_before_last_event(project, at)
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
    _save(project, at, bump=False)
    _event(
        project,
        Kind.PROBLEM,
        actor,
        at,
        new={
            "problem": problem.pk,
            "category": category,
            "status": problem.status,
            "responsible_unit": responsible_unit.pk,
            "deadline": deadline.isoformat(),
        },
        reason=description,
    )
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
    *, problem: Problem, actor, status: str, note: str = "", at: dt.datetime | None = None
) -> Problem:
    """Move a problem on: 协调中, 已解决 (with how), 已关闭 (with why), or reopen it."""
    project = problem.project
    at = _lock(project, None, at)
    problem.refresh_from_db()
    if status not in Problem.Status.values:
        raise ValidationError({"status": "状态无效。"})
    step = (problem.status, status)
    if step not in PROBLEM_STEPS:
        raise ValidationError(
            f"问题当前为“{problem.get_status_display()}”，不能改为“{Problem.Status(status).label}”。"
        )
    note = _clean_text(note, label="办理情况", limit=2000, required=PROBLEM_STEPS[step])
    _check_not_before_last_event(project, at)
    old = {"problem": problem.pk, "status": problem.status}
    problem.status = status
    if note:
        problem.resolution = note
    problem.resolved_at = at if status == Problem.Status.RESOLVED else None
    problem.updated_at = at
    problem.save()
    _save(project, at, bump=False)
    _event(
        project,
        Kind.PROBLEM,
        actor,
        at,
        old=old,
        new={"problem": problem.pk, "status": status},
        reason=note,
    )
    return problem


@transaction.atomic
def supervision_issue(
    *,
    project: Project,
    actor,
    leader: Person,
    instruction: str,
    deadline: dt.date,
    problem: Problem | None = None,
    at: dt.datetime | None = None,
) -> Supervision:
    """督办: a leader orders a step of the project, or a problem's solution, by a date."""
    at = _lock(project, None, at)
    _check_leader(project.district, leader)
    if problem is not None and problem.project_id != project.pk:
        raise ValidationError({"problem": "所选问题不属于该项目。"})
    if problem is not None and not problem.is_open:
        raise ValidationError({"problem": f"该问题{problem.get_status_display()}，无需督办。"})
    instruction = _clean_text(instruction, label="督办要求", limit=2000)
    deadline = _clean_deadline(deadline, at)
    _check_not_before_last_event(project, at)
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
    _save(project, at, bump=False)
    _event(
        project,
        Kind.SUPERVISED,
        actor,
        at,
        new={
            "supervision": supervision.pk,
            "leader": leader.pk,
            "status": supervision.status,
            "deadline": deadline.isoformat(),
            "problem": problem.pk if problem else None,
        },
        reason=instruction,
    )
    return supervision


@transaction.atomic
def supervision_close(
    *, supervision: Supervision, actor, response: str, at: dt.datetime | None = None
) -> Supervision:
    """Report a supervised matter as done (办结), with what was done."""
    project = supervision.project
    at = _lock(project, None, at)
    supervision.refresh_from_db()
    if supervision.status != Supervision.Status.ACTIVE:
        raise ValidationError("该督办事项已办结。")
    response = _clean_text(response, label="办理反馈", limit=2000)
    _check_not_before_last_event(project, at)
    supervision.status = Supervision.Status.DONE
    supervision.response = response
    supervision.closed_at = at
    supervision.save()
    _save(project, at, bump=False)
    _event(
        project,
        Kind.SUPERVISED,
        actor,
        at,
        old={"supervision": supervision.pk, "status": Supervision.Status.ACTIVE},
        new={"supervision": supervision.pk, "status": supervision.status},
        reason=response,
    )
    return supervision


@transaction.atomic
def leader_act_record(
    *,
    project: Project,
    actor,
    leader: Person,
    kind: str,
    date: dt.date,
    note: str = "",
    at: dt.datetime | None = None,
) -> LeaderAct:
    """Log a leader's 推介/洽谈/考察/评估/协调/督办 on a project."""
    at = _lock(project, None, at)
    _check_leader(project.district, leader)
    if kind not in LeaderAct.Kind.values:
        raise ValidationError({"kind": "活动类型无效。"})
    try:
        date = _clean_milestone_date(date)
    except ValidationError as exc:
        raise ValidationError({"date": exc.messages[0]}) from None
    note = _clean_text(note, label="内容", limit=2000, required=False)
    _check_not_before_last_event(project, at)
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
    _save(project, at, bump=False)
    _event(
        project,
        Kind.LEADER_ACT,
        actor,
        at,
        new={"act": act.pk, "leader": leader.pk, "kind": kind, "date": date.isoformat()},
        reason=note,
    )
    return act
