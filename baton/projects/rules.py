"""May this change of a project happen? Each rule once, with its Chinese refusal.

Every way a project is written — the services (web, API, admin), the ledger import's
bulk writer and its row checks — calls these functions. A rule raises
``ValidationError`` with the one message users read; a ``clean_*`` function also
returns the value as it is stored. None of them writes anything.
"""

import datetime as dt
import itertools
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone

from baton.accounts.models import User
from baton.core.dates import end_of_day, local_date, start_of_day
from baton.core.messages import too_long
from baton.core.money import to_wan
from baton.core.uscc import clean_uscc
from baton.org.divisions import clean_division
from baton.org.models import District, Person, Unit

from .models import (
    CODE_PATTERN,
    REQUIRABLE_FIELDS,
    Handoff,
    Industry,
    Milestone,
    Project,
    ReviewState,
    Stage,
)

#: The fields real ledgers keep besides the contract's: 项目类型, the 500强 and listed tags,
#: where the investor is from and its 统一社会信用代码, the expected figures, the planned
#: days and 用地性质.
LEDGER_FIELDS = (
    "project_type",
    "is_global500",
    "is_china500",
    "is_listed",
    "investor_region",
    "investor_uscc",
    "fixed_investment",
    "annual_output",
    "annual_tax",
    "planned_start_on",
    "planned_production_on",
    "land_use",
)
#: The yes/no tags among them, the amounts in 万元 and the planned days.
FLAG_FIELDS = ("is_global500", "is_china500", "is_listed")
AMOUNT_FIELDS = ("fixed_investment", "annual_output", "annual_tax")
PLANNED_DATES = ("planned_start_on", "planned_production_on")
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
    *LEDGER_FIELDS,
)
#: The longest text each text field takes.
TEXT_LIMITS = {
    "name": 200,
    "investor": 200,
    "info_source": 200,
    "contact_name": 50,
    "contact_phone": 30,
    "progress": 5000,
    "issues_text": 5000,
    "remarks": 5000,
}
#: The milestones whose dates must follow one another, in order.
MILESTONE_ORDER = (
    Milestone.Kind.STARTED,
    Milestone.Kind.IN_PRODUCTION,
    Milestone.Kind.AT_CAPACITY,
)
#: A contact phone: digits, spaces, + - ( ) and 转.
PHONE = re.compile(r"^[0-9+()\-\s转]{5,30}$")
#: A project code, or the code an office's own ledger gave it.
CODE = re.compile(rf"^{CODE_PATTERN}$")
_AHEAD = dt.timedelta(minutes=5)
#: How many days back a fact may be dated without saying why.
BACKDATE_FREE_DAYS = 30


# --- time --------------------------------------------------------------------------------


def event_time(at: dt.datetime | None, *, now: dt.datetime | None = None) -> dt.datetime:
    """Return the time of a change: now, or the aware time given, never in the future.

    ``now`` is a "now" the caller read earlier (a bulk import reads it once a row): a
    time after it is checked against the clock again before it is refused.
    """
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValidationError("发生时间必须带时区。")
    if (now is None or at > now + _AHEAD) and at > timezone.now() + _AHEAD:
        raise ValidationError("发生时间不能晚于当前时间。")
    return at


def check_not_before_last_event(project: Project, at: dt.datetime) -> None:
    """Refuse a change dated before the project's last event: history only grows forward."""
    if project.updated_at and at < project.updated_at:
        raise ValidationError(
            f"发生时间 {timezone.localtime(at):%Y-%m-%d %H:%M} 早于该项目最近一次动态"
            f"（{timezone.localtime(project.updated_at):%Y-%m-%d %H:%M}），项目历史只能向后追加。"
        )


def time_on(
    project: Project, on: dt.date | None, reason: str = "", *, now: dt.datetime | None = None
) -> dt.datetime:
    """Return the time a change that happened on the day ``on`` (default today) is
    recorded at, or refuse the day.

    Today's change is dated now. An earlier day's is dated the start of that day, so the
    figures as of that day include it and those of the day before do not — or, when the
    project's latest event is on that same day, that event's time: a back-dated fact never
    goes before an event already recorded (that would rewrite the history after it). A
    day in the future is refused, and one more than ``BACKDATE_FREE_DAYS`` back needs a
    reason.
    """
    now = now or timezone.now()
    if on is None:
        return now
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise ValidationError({"on": "发生日期无效。"})
    today = local_date(now)
    if on > today:
        raise ValidationError({"on": "发生日期不能晚于今天。"})
    if on == today:
        return now
    if (today - on).days > BACKDATE_FREE_DAYS and not (reason or "").strip():
        raise ValidationError(
            {"reason": f"发生日期早于今天 {BACKDATE_FREE_DAYS} 天以上，必须说明原因。"}
        )
    at = start_of_day(on)
    if project.updated_at and project.updated_at > at:
        if project.updated_at >= end_of_day(on):
            latest = timezone.localtime(project.updated_at)
            raise ValidationError(
                {
                    "on": f"发生日期 {on} 早于该项目最近一次动态（{latest:%Y-%m-%d}），"
                    "只能补记最近一次动态当天或之后的事。"
                }
            )
        at = project.updated_at
    return at


def clean_date(value, *, today: dt.date | None = None) -> dt.date:
    """Return a past date of a milestone (or a leader's act); ``today`` as in ``event_time``."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError("日期无效。")
    check_date_span(value, today if today is not None and value <= today else timezone.localdate())
    return value


def check_date_span(value: dt.date, latest: dt.date) -> None:
    """Refuse a date after ``latest`` (today) or before 1990."""
    if value > latest:
        raise ValidationError("日期不能晚于今天。")
    if value.year < 1990:
        raise ValidationError("日期不能早于 1990 年。")


# --- editing -----------------------------------------------------------------------------


def under_review_refusal(state_label: str, remedy: str = "如需修改，请审核人先退回。") -> str:
    """Return the refusal of a change to a project in review (its state's label given)."""
    return f"项目处于“{state_label}”状态，审核期间不能修改；{remedy}"


def holder_only(project: Project, what: str = "修改该项目") -> str:
    """Return the refusal of a step only the holder unit or the district office may take."""
    return f"只有责任单位（{project.unit.name}）或区招商办可以{what}。"


def check_editable(project: Project) -> None:
    """Refuse a change of the reported fields while the project is being reviewed."""
    if not project.is_editable:
        raise ValidationError(under_review_refusal(project.get_review_state_display()))


def check_investment_kept(project: Project, new: dict) -> None:
    """Refuse clearing the amount of a project that has been submitted."""
    if "investment" in new and not project.investment and project.review_state != ReviewState.DRAFT:
        raise ValidationError({"investment": "已上报或入库的项目总投资必须大于 0。"})


def clean_values(district: District, values: dict) -> dict:
    """Validate and convert the given editable fields; raise one error naming all bad ones."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}。")
    errors: dict[str, str] = {}
    clean: dict = {}
    for field, value in values.items():
        try:
            clean[field] = clean_value(district, field, value)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return clean


def clean_value(district: District, field: str, value):
    """Return one editable field's value as stored, or refuse it."""
    if field in TEXT_LIMITS:
        text = (value or "").strip()
        if field == "name" and not text:
            raise ValidationError("项目名称不能为空。")
        if len(text) > TEXT_LIMITS[field]:
            raise ValidationError(too_long(TEXT_LIMITS[field]))
        if field == "contact_phone" and text and not PHONE.match(text):
            raise ValidationError("联系电话格式不正确，只能包含数字、空格、+、-、括号。")
        return text
    if field == "investment":
        if value in (None, ""):
            raise ValidationError("总投资不能为空。")
        return to_wan(value)
    if field in LEDGER_FIELDS:
        return clean_ledger_value(field, value)
    if field == "land_area_mu":
        return None if value in (None, "") else clean_area(value)
    if field == "industry":
        if value is not None and not isinstance(value, Industry):
            raise ValidationError("行业无效。")
        return value
    if field == "leader":
        if value is None:
            return None
        if not isinstance(value, Person) or not value.is_leader:
            raise ValidationError("挂钩领导必须是在册的区或市领导。")
        check_leader_of(district, value)
        return value
    if field in ("info_unit", "talks_unit", "landing_unit"):
        if value is not None:
            check_unit(district, value)
        return value
    if field == "co_units":
        units = set(value or ())
        for unit in units:
            check_unit(district, unit)
        return units
    raise AssertionError(field)


def clean_ledger_value(field: str, value):
    """Return one of ``LEDGER_FIELDS`` as stored, or refuse it."""
    if field in FLAG_FIELDS:
        if not isinstance(value, bool):
            raise ValidationError("只能是“是”或“否”。")
        return value
    if field in ("project_type", "land_use"):
        choices = Project._meta.get_field(field).choices
        value = value or ""
        if value and value not in dict(choices):
            labels = "、".join(str(label) for _code, label in choices)
            raise ValidationError(f"只能是：{labels}。")
        return value
    if field == "investor_region":
        return clean_division(value)
    if field == "investor_uscc":
        return clean_uscc(value)
    if field in AMOUNT_FIELDS:
        return None if value in (None, "") else to_wan(value)
    if field in PLANNED_DATES:
        return None if value is None else clean_planned_date(value)
    raise AssertionError(field)


def clean_planned_date(value) -> dt.date:
    """Return a planned day (计划开工/投产): past or future, between 1990 and 2100."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError("日期无效。")
    if not 1990 <= value.year <= 2100:
        raise ValidationError("计划日期须在 1990 年到 2100 年之间。")
    return value


def check_plan_order(project: Project) -> None:
    """Refuse a planned production day before the planned start."""
    start, production = project.planned_start_on, project.planned_production_on
    if start and production and production < start:
        raise ValidationError(
            {
                "planned_production_on": f"计划投产日期（{production}）不能早于计划开工日期（{start}）。"
            }
        )


def clean_area(value) -> Decimal:
    """Return a land area in 亩 (two decimals at most), or refuse it."""
    try:
        area = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"“{value}”不是有效的面积（亩）。") from None
    if not area.is_finite() or area < 0 or area > Decimal("9999999999"):
        raise ValidationError("拟用地面积必须是 0 到 99 亿之间的数。")
    if area != area.quantize(Decimal("0.01")):
        raise ValidationError("拟用地面积最多保留 2 位小数。")
    return area.quantize(Decimal("0.01"))


def check_leader_of(district: District, leader: Person) -> None:
    """Refuse a leader of another district or city."""
    if leader.city_id != district.city_id or (
        leader.district_id and leader.district_id != district.pk
    ):
        raise ValidationError(f"{leader.name}不是本区或本市的领导。")


def check_district_unit(district: District, unit) -> None:
    """Refuse a unit that is not an active unit of ``district`` (of any kind: a problem
    may be assigned to a 协调部门)."""
    if not isinstance(unit, Unit):
        raise ValidationError("单位无效。")
    if unit.district_id != district.pk:
        raise ValidationError(f"“{unit.name}”不是{district.name}的单位。")
    if not unit.is_active:
        raise ValidationError(f"“{unit.name}”已停用。")


def check_unit(district: District, unit) -> None:
    """Refuse a unit that may not carry a project of ``district``: not an active unit
    of it, or a 协调部门 (a holder, a handoff's receiver, a relay leg, a co-unit)."""
    check_district_unit(district, unit)
    unit.check_promotion()


def clean_original_code(code: str) -> str:
    """Return the code an office's own ledger gave a project (``original_code``)."""
    code = (code or "").strip()
    if code and not CODE.match(code):
        raise ValidationError(
            {"original_code": "原编号只能包含字母、数字、短横线和下划线，最长 32 位。"}
        )
    return code


# --- stages ------------------------------------------------------------------------------


def missing_for(stage: Stage, project: Project, signed: Callable[[], bool]) -> list[str]:
    """Return the labels of what ``stage`` requires and ``project`` lacks.

    ``signed`` says whether a 签约 date is recorded or given (asked only when required).
    """
    missing = []
    for field in stage.required_fields:
        if field == "signed_on":
            has = signed()
        elif field == "investment":
            has = bool(project.investment)
        else:
            has = getattr(project, field) not in (None, "")
        if not has:
            missing.append(str(REQUIRABLE_FIELDS.get(field, field)))
    return missing


def check_entry_stage(stage: Stage | None) -> Stage:
    """Refuse a stage a new project cannot start in."""
    if stage is None:
        raise ValidationError("尚未配置项目阶段。")
    if stage.is_terminal:
        raise ValidationError(f"新项目不能直接处于“{stage.name}”阶段。")
    return stage


def new_draft(
    make: Callable[..., Project],
    *,
    actor: object,
    district: District,
    unit: Unit,
    stage: Stage | None,
    name: str,
    investment: object,
    fields: dict,
    original_code: str,
    at: dt.datetime,
) -> tuple[Project, set]:
    """Return a new draft built with ``make`` (unsaved, no code yet) and its co-units:
    the unit, the entry stage and every value checked as every writer creates one."""
    from .duplicates import investor_key, name_key

    check_unit(district, unit)
    stage = check_entry_stage(stage)
    clean = clean_values(district, {"name": name, "investment": investment, **fields})
    co_units = clean.pop("co_units", set())
    clean.setdefault("info_unit", unit)
    project = make(
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
    check_plan_order(project)
    return project, co_units


def check_created_complete(stage: Stage, project: Project, signed: Callable[[], bool]) -> None:
    """Refuse a new project that lacks what its stage requires."""
    missing = missing_for(stage, project, signed)
    if missing:
        raise ValidationError(f"“{stage.name}”阶段的项目必须填写：{'、'.join(missing)}。")


def check_move(current: Stage, stage: Stage) -> None:
    """Refuse moving a project to the stage it is in."""
    if stage.pk == current.pk:
        raise ValidationError(f"项目已处于“{stage.name}”阶段。")


def check_move_reason(current: Stage, stage: Stage, reason: str) -> str:
    """Return the move's reason, stripped; refuse a move that needs one without it.

    Moving back down the ladder, into an exit such as 中止, or out of one, needs a reason.
    """
    reason = (reason or "").strip()
    if stage.is_terminal and not reason:
        raise ValidationError({"reason": f"转为“{stage.name}”必须说明原因。"})
    if current.is_terminal and not reason:
        raise ValidationError({"reason": f"从“{current.name}”恢复推进必须说明原因。"})
    backward = not stage.is_terminal and not current.is_terminal and stage.order < current.order
    if backward and not reason:
        raise ValidationError({"reason": f"从“{current.name}”退回“{stage.name}”必须说明原因。"})
    return reason


def clean_signed_on(stage: Stage, signed_on, *, today: dt.date | None = None) -> dt.date:
    """Return the 签约 date given with a move, or refuse it."""
    if stage.is_terminal:
        raise ValidationError(f"转为“{stage.name}”时不能记录签约日期。")
    return clean_date(signed_on, today=today)


def check_move_complete(stage: Stage, project: Project, signed: Callable[[], bool]) -> None:
    """Refuse entering ``stage`` without what it requires."""
    missing = missing_for(stage, project, signed)
    if missing:
        raise ValidationError(f"进入“{stage.name}”阶段前须填写：{'、'.join(missing)}。")


# --- review ------------------------------------------------------------------------------


def check_submit(project: Project) -> None:
    """Refuse sending to review a project that is neither a draft nor returned, or stopped."""
    if project.review_state not in (ReviewState.DRAFT, ReviewState.RETURNED):
        raise ValidationError(
            f"只有草稿或已退回的项目可以上报，该项目当前为“{project.get_review_state_display()}”。"
        )
    if project.stage.is_terminal:
        raise ValidationError(f"“{project.stage.name}”的项目不能上报。")


def check_complete_for_review(project: Project, signed: Callable[[], bool]) -> None:
    """Refuse sending to review a project without its amount or what its stage requires."""
    problems = []
    if not project.investment:
        problems.append("总投资必须大于 0")
    missing = missing_for(project.stage, project, signed)
    if missing:
        problems.append(f"“{project.stage.name}”阶段须填写{'、'.join(missing)}")
    if problems:
        raise ValidationError(f"项目信息不完整，不能上报：{'；'.join(problems)}。")


def check_reviewable(project: Project) -> None:
    """Refuse reviewing a project that is not waiting for review."""
    if project.review_state not in (ReviewState.SUBMITTED, ReviewState.DISTRICT_APPROVED):
        raise ValidationError(
            f"该项目当前为“{project.get_review_state_display()}”，不在待审核状态。"
        )


def check_return_reason(reason: str) -> None:
    """Refuse returning a project without saying why."""
    if not reason:
        raise ValidationError({"reason": "退回必须说明原因。"})


def check_duplicates_checked(candidates: list, not_duplicate: bool) -> None:
    """Refuse approving a project with possible duplicates the reviewer has not checked."""
    if candidates and not not_duplicate:
        listed = "；".join(f"{c.project.code}“{c.project.name}”（{c.reason}）" for c in candidates)
        raise ValidationError(
            f"发现疑似重复项目：{listed}。请核对后确认不是同一项目再通过，或退回。",
            code="duplicates",
        )


def review_result(project: Project, approve: bool) -> str:
    """Return the review state an approval or a return leads to."""
    if not approve:
        return ReviewState.RETURNED
    if project.review_state == ReviewState.SUBMITTED and project.district.review_levels == 2:
        return ReviewState.DISTRICT_APPROVED
    return ReviewState.ADMITTED


# --- handoff -----------------------------------------------------------------------------


def check_handoff(project: Project, to_unit, reason: str, relay_role: str | None = None) -> str:
    """Refuse an illegal handoff (接力); return its reason, stripped."""
    check_unit(project.district, to_unit)
    if to_unit.pk == project.unit_id:
        raise ValidationError(f"项目已由“{to_unit.name}”负责。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "交接必须说明原因。"})
    if relay_role not in (None, "talks", "landing"):
        raise ValidationError("接力角色只能是洽谈推进或落地服务。")
    return reason


def handoff_waits(actor: User | None) -> bool:
    """Whether a handoff by ``actor`` waits for the receiving unit to accept it.

    A unit's handoff does; the district office's (and the system's) is an assignment and
    takes effect at once: the office is where an unanswered handoff escalates to.
    """
    return actor is not None and actor.role == User.Role.UNIT_STAFF


def check_no_pending_handoff(project: Project) -> None:
    """Refuse a second handoff while one is waiting for its receiving unit."""
    pending = project.handoffs.filter(state=Handoff.State.PENDING).select_related("to_unit")
    for handoff in pending:
        raise ValidationError(
            f"该项目已交给“{handoff.to_unit.name}”，正待对方接收；请等对方接收或拒绝，或先撤回。"
        )


def check_handoff_pending(handoff: Handoff | None) -> Handoff:
    """Refuse answering (accepting, declining, withdrawing) a handoff that is not pending."""
    if handoff is None:
        raise ValidationError("该项目没有待接收的交接。")
    if handoff.state != Handoff.State.PENDING:
        raise ValidationError(
            f"该交接已{handoff.get_state_display().removeprefix('已')}，不能再处理。"
        )
    return handoff


#: The refusal of a decline without its reason (the decline dialog says it as well).
DECLINE_NEEDS_REASON = "拒绝接收必须说明原因。"


def check_decline_reason(reason: str) -> str:
    """Return a decline's reason, stripped; refuse a decline without one."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": DECLINE_NEEDS_REASON})
    return reason


# --- milestones and notes ----------------------------------------------------------------


def check_milestone(project: Project, kind: str) -> None:
    """Refuse a milestone the project cannot record in its stage."""
    if kind not in Milestone.Kind.values:
        raise ValidationError("里程碑类型无效。")
    label = Milestone.Kind(kind).label
    if project.stage.is_terminal:
        raise ValidationError(f"“{project.stage.name}”的项目不能记录{label}。")
    if kind != Milestone.Kind.SIGNED and not project.stage.allows_milestones:
        raise ValidationError(f"项目落地后才能记录{label}（当前为“{project.stage.name}”）。")


def clean_milestone_note(note: str) -> str:
    """Return a milestone's note, stripped, or refuse it."""
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError("说明不能超过 200 个字。")
    return note


def check_milestone_order(dates: dict, kind: str, date: dt.date) -> None:
    """Refuse a date out of order with the other milestones' ``dates`` (kind → date)."""
    dates = {**dates, kind: date}
    ordered = [(k, dates[k]) for k in MILESTONE_ORDER if k in dates]
    for (k1, d1), (k2, d2) in itertools.pairwise(ordered):
        if d1 > d2:
            raise ValidationError(
                f"{Milestone.Kind(k2).label}日期（{d2}）不能早于{Milestone.Kind(k1).label}日期（{d1}）。"
            )


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


def clean_note(text: str) -> str:
    """Return a progress note (跟进记录), stripped, or refuse it."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "内容不能为空。"})
    if len(text) > 2000:
        raise ValidationError({"text": "内容不能超过 2000 个字。"})
    return text
