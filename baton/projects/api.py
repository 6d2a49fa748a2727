"""The projects' part of the HTTP API: the library, one project, its actions, its timeline
and its contact's full number (显示号码, as ``baton.accounts.privacy`` allows).

Seeing goes through ``selectors`` (outside the user's scope: 404), acting through
``permissions`` (refused: 403) and writing through ``services`` (a step that is not
allowed: 422 with the service's Chinese message; a stale ``version``: 409).
"""

import datetime as dt
import re
from contextlib import contextmanager
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.views.decorators.cache import never_cache
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import StrictBool

from baton.accounts import privacy
from baton.accounts.models import User
from baton.core.api import (
    BLANK,
    Code,
    DistrictRef,
    Error,
    Id,
    In,
    IsoDate,
    Money,
    QueryId,
    Ref,
    Text,
    Version,
    refuse_unknown_params,
    text_limited,
)
from baton.core.money import plain
from baton.core.uscc import ALPHABET as USCC_ALPHABET
from baton.org.divisions import by_code as divisions
from baton.org.models import District, Person, Unit

from . import permissions, rules, services
from .duplicates import candidates_shown, duplicate_candidates
from .listing import DEFAULT_SORT, FILTERS, MAX_SIZE, SORTS, project_page
from .models import CODE_PATTERN, Industry, Project, ReviewState, Stage
from .selectors import (
    NOT_FOUND,
    handoff_due,
    pending_handoff,
    pending_handoffs,
    project_events,
    project_get,
)

Role = User.Role
router = Router(tags=["项目"])

# --- field types ------------------------------------------------------------------------

#: A stage's code (``Stage.code``, a slug); a district's code (six digits).
StageCode = Annotated[Code, Field(json_schema_extra={"pattern": r"^[-a-zA-Z0-9_]*$"})]
DistrictCode = Annotated[Code, Field(json_schema_extra={"pattern": r"^[0-9]{6}$"})]
#: The services' limits (``rules.TEXT_LIMITS``), one rule.
_LIMITS = rules.TEXT_LIMITS
Name = text_limited(_LIMITS["name"], required=True)
Investor = text_limited(_LIMITS["investor"])
ContactName = text_limited(_LIMITS["contact_name"])
#: A phone as the services take it once stripped: blank, or 5–30 of digits, spaces,
#: + - ( ) and 转, starting and ending with one that is not a space.
_P = r"[0-9+()\-转]"
PHONE = rf"^{BLANK}*$|^{BLANK}*{_P}(?:{_P}|{BLANK}){{3,28}}{_P}{BLANK}*$"
Phone = text_limited(_LIMITS["contact_phone"], pattern=PHONE)
#: 亩 as the services take it: at most 99 亿, two decimals; blank is none.
AREA = rf"^({BLANK}*[0-9]{{1,10}}(\.[0-9]{{1,2}})?{BLANK}*)?$"
Area = text_limited(None, pattern=AREA)
#: 统一社会信用代码 as the services take it: blank, or 18 of its characters (the check
#: character is the services' to check); 投资方所在地: blank or a six-digit code.
USCC = rf"^{BLANK}*([{USCC_ALPHABET}{USCC_ALPHABET.lower()}]{{18}})?{BLANK}*$"
Uscc = text_limited(None, pattern=USCC)
Region = text_limited(None, pattern=r"^([0-9]{6})?$")
ProjectType = Literal["", "domestic", "foreign", "hmt"]
LandUse = Literal["", "industrial", "warehousing", "commercial", "office", "research", "other"]
#: The API's names of the amounts in 万元, and the services' ones.
_AMOUNTS = {
    "investment_wan": "investment",
    "fixed_investment_wan": "fixed_investment",
    "annual_output_wan": "annual_output",
    "annual_tax_wan": "annual_tax",
}


# --- output ----------------------------------------------------------------------------


class StageRef(Schema):
    code: str
    name: str


class ProjectRow(Schema):
    code: str
    name: str
    investor: str
    district: DistrictRef
    unit: Ref
    stage: StageRef
    review_state: str
    review_state_label: str
    industry: Ref | None
    leader: Ref | None
    investment_wan: str
    updated_at: dt.datetime
    version: int
    handoff_pending_to: Ref | None = Field(
        description="待接收：项目已交给该单位、对方尚未接收（其间仍由 unit 负责）；没有时为 null"
    )


class MilestoneOut(Schema):
    kind: str
    label: str
    date: dt.date
    note: str


class DuplicateOut(Schema):
    code: str
    name: str
    reason: str


class ActionsOut(Schema):
    edit: bool
    submit: bool
    review: bool
    move: bool
    hand_off: bool
    accept_handoff: bool = Field(description="接收或拒绝待接收的交接（接收单位的招商员）")
    withdraw_handoff: bool = Field(description="撤回待接收的交接（交出单位或区招商办）")
    record_milestone: bool
    add_note: bool


class PendingHandoffOut(Schema):
    from_unit: Ref
    to_unit: Ref
    reason: str
    relay_role: str | None
    keep_as_co_unit: bool
    at: dt.datetime = Field(description="交接时间")
    due: dt.date = Field(description="接收期限：交接当日后第 3 个工作日；逾期转区招商办")


class RegionOut(Schema):
    code: str
    name: str


class ProjectOut(ProjectRow):
    project_type: str = Field(
        description="项目类型：domestic 内资，foreign 外资，hmt 港澳台资；空为未填"
    )
    project_type_label: str
    is_global500: bool = Field(description="世界500强")
    is_china500: bool = Field(description="中国500强")
    is_listed: bool = Field(description="上市公司")
    investor_region: RegionOut | None = Field(description="投资方所在地（省或地级市）")
    investor_uscc: str = Field(description="投资方统一社会信用代码")
    fixed_investment_wan: str | None = Field(description="固定资产投资（万元）")
    annual_output_wan: str | None = Field(description="预计年产值（万元）")
    annual_tax_wan: str | None = Field(description="预计年税收（万元）")
    planned_start_on: dt.date | None = Field(description="计划开工日期")
    planned_production_on: dt.date | None = Field(description="计划投产日期")
    land_use: str = Field(description="用地性质代码；空为未填")
    land_use_label: str
    co_units: list[Ref]
    info_unit: Ref | None
    talks_unit: Ref | None
    landing_unit: Ref | None
    land_area_mu: str | None
    info_source: str
    progress: str
    issues_text: str
    contact_name: str
    contact_phone: str = Field(
        description="联系电话；领导和市招商办看到隐去中间位的号码，完整号码用 "
        "POST /projects/{code}/contact-phone 取得；协同单位等看到的也是隐去中间位的号码"
    )
    remarks: str
    stage_entered_at: dt.datetime
    submitted_at: dt.datetime | None
    admitted_at: dt.datetime | None
    created_at: dt.datetime
    milestones: list[MilestoneOut]
    actions: ActionsOut
    duplicates: list[DuplicateOut]
    pending_handoff: PendingHandoffOut | None = Field(description="待接收的交接；没有时为 null")


class ProjectPage(Schema):
    items: list[ProjectRow]
    next_cursor: str | None = Field(description="下一页的游标；没有下一页时为 null")
    page: int | None = Field(description="本页页码（按 page 分页时）；按游标分页时为 null")
    pages: int = Field(description="按本次每页条数计的总页数")
    count: int = Field(description="符合条件的项目个数")
    investment_wan: str = Field(description="符合条件的项目总投资（万元）")


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    actor: str | None
    at: dt.datetime
    old: dict
    new: dict
    reason: str


class ContactPhoneOut(Schema):
    contact_phone: str = Field(description="联系人的完整电话；项目未填写联系电话时为空字符串")


class MilestoneResult(MilestoneOut):
    changed: bool = Field(description="false：与已记录的相同，未作修改")


def _ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else timezone.localtime(moment)


def _row(project: Project, pending=None) -> dict:
    """A project as a list shows it; ``pending``: its pending handoff, if any."""
    return {
        "code": project.code,
        "name": project.name,
        "investor": project.investor,
        "district": {"code": project.district.code, "name": project.district.name},
        "unit": _ref(project.unit),
        "stage": {"code": project.stage.code, "name": project.stage.name},
        "review_state": project.review_state,
        "review_state_label": str(project.get_review_state_display()),
        "industry": _ref(project.industry),
        "leader": _ref(project.leader),
        "investment_wan": plain(project.investment),
        "updated_at": _local(project.updated_at),
        "version": project.version,
        "handoff_pending_to": _ref(pending.to_unit) if pending else None,
    }


def _detail(project: Project, user: User) -> dict:
    can_review = permissions.can_review(user, project)
    pending = pending_handoff(project)
    return {
        **_row(project, pending),
        "co_units": [_ref(unit) for unit in project.co_units.order_by("order", "id")],
        "info_unit": _ref(project.info_unit),
        "talks_unit": _ref(project.talks_unit),
        "landing_unit": _ref(project.landing_unit),
        "land_area_mu": None if project.land_area_mu is None else plain(project.land_area_mu),
        **_ledger_fields(project),
        "info_source": project.info_source,
        "progress": project.progress,
        "issues_text": project.issues_text,
        "contact_name": project.contact_name,
        # The holder and its district office see the number; others it masked (privacy).
        "contact_phone": privacy.shown_phone(user, project),
        "remarks": project.remarks,
        "stage_entered_at": _local(project.stage_entered_at),
        "submitted_at": _local(project.submitted_at),
        "admitted_at": _local(project.admitted_at),
        "created_at": _local(project.created_at),
        "milestones": [
            {"kind": m.kind, "label": str(m.get_kind_display()), "date": m.date, "note": m.note}
            for m in project.milestones.order_by("date", "id")
        ],
        "actions": {
            "edit": permissions.can_edit(user, project),
            "submit": permissions.can_submit(user, project),
            "review": can_review,
            "move": permissions.can_move(user, project),
            "hand_off": permissions.can_hand_off(user, project) and pending is None,
            "accept_handoff": permissions.can_answer_handoff(user, project),
            "withdraw_handoff": permissions.can_withdraw_handoff(user, project),
            "record_milestone": permissions.can_record_milestone(user, project),
            "add_note": permissions.can_add_note(user, project),
        },
        "duplicates": [
            {"code": c.project.code, "name": c.project.name, "reason": c.reason}
            for c in (duplicate_candidates(project) if can_review else [])
        ],
        "pending_handoff": _pending(pending),
    }


def _ledger_fields(project: Project) -> dict:
    """The fields real ledgers keep (``rules.LEDGER_FIELDS``) as the API shows them."""
    region = divisions().get(project.investor_region)
    amounts = {
        name: None if getattr(project, field) is None else plain(getattr(project, field))
        for name, field in _AMOUNTS.items()
        if field != "investment"
    }
    return {
        "project_type": project.project_type,
        "project_type_label": str(project.get_project_type_display()),
        "is_global500": project.is_global500,
        "is_china500": project.is_china500,
        "is_listed": project.is_listed,
        "investor_region": {"code": region.code, "name": region.full_name} if region else None,
        "investor_uscc": project.investor_uscc,
        **amounts,
        "planned_start_on": project.planned_start_on,
        "planned_production_on": project.planned_production_on,
        "land_use": project.land_use,
        "land_use_label": str(project.get_land_use_display()),
    }


def _pending(handoff) -> dict | None:
    if handoff is None:
        return None
    return {
        "from_unit": _ref(handoff.from_unit),
        "to_unit": _ref(handoff.to_unit),
        "reason": handoff.reason,
        "relay_role": handoff.relay_role or None,
        "keep_as_co_unit": handoff.keep_as_co_unit,
        "at": _local(handoff.requested_at),
        "due": handoff_due(handoff),
    }


def _event(event) -> dict:
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": str(event.get_kind_display()),
        "actor": event.actor.display_name if event.actor else None,
        "at": _local(event.at),
        "old": event.old,
        "new": event.new,
        "reason": event.reason,
    }


# --- input -----------------------------------------------------------------------------

#: The list's sort keys, the same as the web list's.
Sort = Literal[tuple(SORTS)]
ReviewStateCode = Literal["draft", "submitted", "district_approved", "admitted", "returned"]


class ProjectFilters(Schema):
    """The web list's filters (``listing.project_page``), districts and stages by code."""

    district: DistrictCode | None = Field(None, description="所属区的区划代码，如 350213")
    unit: QueryId | None = Field(None, description="责任单位 id（见 /units）")
    stage: StageCode | None = Field(None, description="阶段代码，如 negotiating（见 /stages）")
    report_group: Code | None = Field(None, description="报表分组，如 在谈")
    review_state: ReviewStateCode | None = Field(None, description="入库状态")
    industry: QueryId | None = Field(None, description="行业 id（见 /industries）")
    leader: QueryId | None = Field(None, description="挂钩领导（人员 id）")
    project_type: Literal["domestic", "foreign", "hmt"] | None = Field(
        None, description="项目类型：domestic 内资，foreign 外资，hmt 港澳台资"
    )
    tag: Literal["global500", "china500", "listed"] | None = Field(
        None, description="企业标签：global500 世界500强，china500 中国500强，listed 上市公司"
    )
    amount_min: Money | None = Field(None, description="总投资下限（万元，含：≥）")
    amount_max: Money | None = Field(None, description="总投资上限（万元，含：≤）")
    amount_below: Money | None = Field(
        None, description="总投资低于（万元，不含：<），与 amount_min 组成“下限 ≤ 总投资 < 上限”"
    )
    signed_from: dt.date | None = Field(None, description="签约日期起（含），年-月-日")
    signed_to: dt.date | None = Field(None, description="签约日期止（含）")
    registered_from: dt.date | None = Field(None, description="注册日期起（含）")
    registered_to: dt.date | None = Field(None, description="注册日期止（含）")
    land_supplied_from: dt.date | None = Field(None, description="供地日期起（含）")
    land_supplied_to: dt.date | None = Field(None, description="供地日期止（含）")
    started_from: dt.date | None = Field(None, description="开工日期起（含）")
    started_to: dt.date | None = Field(None, description="开工日期止（含）")
    in_production_from: dt.date | None = Field(None, description="投产日期起（含）")
    in_production_to: dt.date | None = Field(None, description="投产日期止（含）")
    at_capacity_from: dt.date | None = Field(None, description="达产日期起（含）")
    at_capacity_to: dt.date | None = Field(None, description="达产日期止（含）")
    as_of: dt.date | None = Field(
        None,
        description="截至日期：按当日在库的项目及其当日的阶段、金额、责任单位筛选"
        "（如月度统计的口径）",
    )
    landed: bool | None = Field(
        None, description="落地项目：true 阶段可记录里程碑（已落地），false 尚未落地"
    )
    credited: (
        Annotated[str, Field(max_length=40, pattern=r"^\d{1,9}-\d{1,9}-\d{1,9}(-\d{1,9})?$")] | None
    ) = Field(
        None,
        description="考核计分项目：排名id-指标id-单位id（完成率指标的分项再加 -分项序号，"
        "从 0 起），即考核排名中该单位该项得分所计入的项目",
    )
    q: Text | None = Field(
        None,
        description="项目名称、投资方、项目编号（开头）、原编号、联系人、拼音首字母（如 ndsd）"
        "中的文字，空格分隔多个词；区招商办与持棒单位还可按完整的联系电话查找",
    )
    sort: Sort = Field(
        DEFAULT_SORT,
        description="排序：" + "；".join(f"{key} {text}" for key, (text, _order) in SORTS.items()),
    )
    cursor: Text | None = Field(None, description="上一页返回的 next_cursor")
    page: Annotated[int, Field(ge=1, le=1_000_000)] | None = Field(
        None, description="页码（从 1 起）；与 cursor 二选一；超过末页时给出末页"
    )
    size: Annotated[int, Field(ge=1, le=MAX_SIZE)] = Field(
        50, description=f"每页条数，1–{MAX_SIZE}"
    )


class ProjectFieldsIn(In):
    """The reported fields a create or an update may set; ids for relations."""

    investor: Investor | None = Field(None, description="投资方")
    industry: Id | None = Field(None, description="行业 id（见 /industries）")
    leader: Id | None = Field(None, description="挂钩领导（人员 id）")
    land_area_mu: Area | None = Field(None, description="拟用地面积（亩），十进制字符串")
    info_source: text_limited(_LIMITS["info_source"]) | None = Field(None, description="信息来源")
    progress: text_limited(_LIMITS["progress"]) | None = Field(None, description="进展情况")
    issues_text: text_limited(_LIMITS["issues_text"]) | None = Field(None, description="存在问题")
    contact_name: ContactName | None = Field(None, description="联系人")
    contact_phone: Phone | None = Field(None, description="联系电话")
    remarks: text_limited(_LIMITS["remarks"]) | None = Field(None, description="备注")
    info_unit: Id | None = Field(None, description="信息提供单位 id")
    talks_unit: Id | None = Field(None, description="洽谈推进单位 id")
    landing_unit: Id | None = Field(None, description="落地服务单位 id")
    co_units: Annotated[list[Id], Field(max_length=50)] | None = Field(
        None, description="协同单位 id 列表"
    )
    project_type: ProjectType | None = Field(
        None, description="项目类型：domestic 内资，foreign 外资，hmt 港澳台资，空字符串为不填"
    )
    is_global500: StrictBool | None = Field(None, description="世界500强")
    is_china500: StrictBool | None = Field(None, description="中国500强")
    is_listed: StrictBool | None = Field(None, description="上市公司")
    investor_region: Region | None = Field(
        None, description="投资方所在地：省或地级市的六位行政区划代码，如 440300；空字符串为不填"
    )
    investor_uscc: Uscc | None = Field(
        None, description="投资方统一社会信用代码（18 位，核对校验位）；空字符串为不填"
    )
    fixed_investment_wan: Money | None = Field(
        None, description="固定资产投资（万元）；null 为清空"
    )
    annual_output_wan: Money | None = Field(None, description="预计年产值（万元）；null 为清空")
    annual_tax_wan: Money | None = Field(None, description="预计年税收（万元）；null 为清空")
    planned_start_on: IsoDate | None = Field(None, description="计划开工日期；null 为清空")
    planned_production_on: IsoDate | None = Field(
        None, description="计划投产日期（不早于计划开工日期）；null 为清空"
    )
    land_use: LandUse | None = Field(
        None,
        description="用地性质：industrial 工业，warehousing 仓储物流，commercial 商业，"
        "office 商务办公，research 科研，other 其他；空字符串为不填",
    )


class ProjectCreateIn(ProjectFieldsIn):
    name: Name = Field(description="项目名称")
    investment_wan: Money = Field(description="总投资（万元）")
    stage: StageCode | None = Field(None, description="阶段代码，缺省为第一个阶段（策划）")
    signed_on: IsoDate | None = Field(None, description="签约日期（直接建为落地项目时必填）")


class ProjectUpdateIn(ProjectFieldsIn):
    version: Version
    reason: Text = Field("", description="修改说明")
    name: Name | None = Field(None, description="项目名称")
    investment_wan: Money | None = Field(None, description="总投资（万元）")


class VersionIn(In):
    version: Version


class ReviewIn(In):
    version: Version
    decision: Literal["approve", "return"] = Field(description="approve 通过，return 退回")
    reason: Text = Field("", description="说明；退回时必填")
    not_duplicate: bool = Field(False, description="已核对疑似重复项目，确认不是同一项目")


class MoveFieldsIn(In):
    """What a stage may require before entry (see /stages)."""

    investor: Investor | None = None
    industry: Id | None = None
    investment_wan: Money | None = None
    land_area_mu: Area | None = None
    contact_name: ContactName | None = None
    contact_phone: Phone | None = None
    leader: Id | None = None
    signed_on: IsoDate | None = Field(None, description="签约日期（进入落地时）")


#: The day a fact happened, as the move and the handoff take it (``rules.time_on``).
_ON = (
    "发生日期（YYYY-MM-DD），默认今天；不能晚于今天，不能早于项目最近一次动态的日期，"
    "早于今天 30 天以上须在 reason 中说明原因"
)


class MoveIn(In):
    version: Version
    stage: StageCode = Field(description="目标阶段代码")
    reason: Text = Field(
        "", description="说明；后退、中止、从中止恢复，或 on 早于今天 30 天以上时必填"
    )
    fields: MoveFieldsIn = Field(default_factory=MoveFieldsIn, description="目标阶段要求的字段")
    on: IsoDate | None = Field(None, description=_ON)


class HandoffIn(In):
    version: Version
    to_unit: Id = Field(description="接棒单位 id（本区单位）")
    reason: text_limited(None, required=True) = Field(description="交接原因")
    relay_role: Literal["talks", "landing"] | None = Field(
        None, description="接棒单位同时记为 talks 洽谈推进单位 或 landing 落地服务单位"
    )
    keep_as_co_unit: bool = Field(False, description="原责任单位保留为协同单位")
    on: IsoDate | None = Field(None, description=_ON)


class MilestoneIn(In):
    kind: Literal[
        "signed", "registered", "land_supplied", "started", "in_production", "at_capacity"
    ]
    date: IsoDate
    note: text_limited(200) = ""


class NoteIn(In):
    text: text_limited(2000, required=True) = Field(description="跟进记录内容")


# --- helpers -----------------------------------------------------------------------------


_UNIT_FIELDS = ("info_unit", "talks_unit", "landing_unit")
_LIST_ERRORS = {401: Error, 422: Error}
_READ_ERRORS = {401: Error, 404: Error}
ACT_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


_PROJECT_CODE = re.compile(rf"^{CODE_PATTERN}$")


def project_in_scope(user: User, code: str) -> Project:
    """Return the project in the user's scope, or 404; a malformed code is a 404 too.

    (PostgreSQL refuses a NUL in a query with an error, so garbage never reaches it.)
    """
    if not _PROJECT_CODE.fullmatch(code):
        raise Http404(NOT_FOUND)
    return project_get(user=user, code=code)


def _holds(user: User, project: Project) -> bool:
    return user.role == Role.UNIT_STAFF and user.unit_id == project.unit_id


def _resolve(district, values: dict) -> dict:
    """Turn the API's values (ids, ``investment_wan``) into the services' ones."""
    changes, errors = {}, {}
    for field, value in values.items():
        if field in _AMOUNTS:
            changes[_AMOUNTS[field]] = value
        elif field == "investor_region" and value and not re.fullmatch(r"[0-9]{6}", value):
            errors[field] = "投资方所在地须为省或地级市的六位行政区划代码，如 440300。"
        elif value is None or field not in ("industry", "leader", "co_units", *_UNIT_FIELDS):
            changes[field] = value
        elif field == "industry":
            changes[field] = Industry.objects.filter(pk=value).first()
            if changes[field] is None:
                errors[field] = "行业不存在。"
        elif field == "leader":
            changes[field] = Person.objects.filter(pk=value, city_id=district.city_id).first()
            if changes[field] is None:
                errors[field] = "挂钩领导不存在。"
        elif field == "co_units":
            units = list(Unit.objects.filter(pk__in=value, district=district))
            if len(units) != len(set(value)):
                errors[field] = f"协同单位须是{district.name}的单位。"
            changes[field] = units
        else:
            changes[field] = Unit.objects.filter(pk=value, district=district).first()
            if changes[field] is None:
                errors[field] = f"单位不存在或不是{district.name}的单位。"
    if errors:
        raise ValidationError(errors)
    return changes


@contextmanager
def _api_field_names():
    """Name fields in a service's errors as the API does (``investment_wan``)."""
    try:
        yield
    except services.ConflictError:
        raise
    except ValidationError as exc:
        api_names = {field: name for name, field in _AMOUNTS.items()}
        if not hasattr(exc, "error_dict") or not set(api_names) & set(exc.error_dict):
            raise
        renamed = {api_names.get(field, field): errors for field, errors in exc.error_dict.items()}
        raise ValidationError(renamed) from None


def _stage(code: str, field: str = "stage") -> Stage:
    stage = Stage.objects.filter(code=code).first()
    if stage is None:
        raise ValidationError({field: f"没有代码为“{code}”的阶段（见 /stages）。"})
    return stage


def acted(project: Project, user: User) -> dict:
    # The state the user's own step produced, even if it took the project out of sight
    # (a handoff to another unit): it is what they just did, not a peek.
    project.refresh_from_db()
    return _detail(project, user)


# --- the library -------------------------------------------------------------------------


def _listing_filters(params: ProjectFilters) -> dict:
    """Return the filters as ``listing.project_page`` takes them: district and stage by id.

    The API names districts and stages by their codes, as /stages and every row do.
    """
    filters = params.model_dump(include=set(FILTERS), exclude_none=True)
    errors = {}
    if "district" in filters:
        district = District.objects.filter(code=filters["district"]).first()
        if district is None:
            errors["district"] = f"没有区划代码为“{filters['district']}”的区。"
        filters["district"] = district and district.pk
    if "stage" in filters:
        stage = Stage.objects.filter(code=filters["stage"]).first()
        if stage is None:
            errors["stage"] = f"没有代码为“{filters['stage']}”的阶段（见 /stages）。"
        filters["stage"] = stage and stage.pk
    if errors:
        raise ValidationError(errors)
    return filters


@router.get("/projects", response={200: ProjectPage, **_LIST_ERRORS}, summary="项目库列表")
def project_index(request, params: Query[ProjectFilters]):
    """与网页项目库相同的筛选和排序，按游标或页码分页，并给出符合条件的项目个数与总投资。"""
    refuse_unknown_params(request, ProjectFilters)
    page = project_page(
        user=request.auth,
        filters=_listing_filters(params),
        sort=params.sort,
        cursor=params.cursor,
        size=params.size,
        page=params.page,
    )
    pending = pending_handoffs([project.pk for project in page.rows])
    return {
        "items": [_row(project, pending.get(project.pk)) for project in page.rows],
        "next_cursor": page.next_cursor,
        "page": page.number if params.page is not None else None,
        "pages": page.pages,
        "count": page.total,
        "investment_wan": plain(page.investment),
    }


@router.post("/projects", response={201: ProjectOut, **ACT_ERRORS}, summary="新建项目")
def project_new(request, payload: ProjectCreateIn):
    """单位招商员为本单位新建草稿项目。"""
    user = request.auth
    if not permissions.can_create(user):
        raise PermissionDenied("只有单位招商员可以新建项目。")
    unit = user.unit
    values = payload.model_dump(exclude_unset=True)
    stage_code = values.pop("stage", None)
    stage = _stage(stage_code) if stage_code else None
    signed_on = values.pop("signed_on", None)
    changes = _resolve(unit.district, values)
    with _api_field_names():
        project = services.project_create(
            actor=user,
            district=unit.district,
            unit=unit,
            stage=stage,
            signed_on=signed_on,
            **changes,
        )
    return Status(201, _detail(project_get(user=user, pk=project.pk), user))


@router.get("/projects/{code}", response={200: ProjectOut, **_READ_ERRORS}, summary="项目详情")
def project_detail(request, code: str):
    """项目的全部字段、当前版本号、里程碑，以及当前用户可执行的操作。"""
    return _detail(project_in_scope(request.auth, code), request.auth)


@router.patch("/projects/{code}", response={200: ProjectOut, **ACT_ERRORS}, summary="修改项目")
def project_edit(request, code: str, payload: ProjectUpdateIn):
    """只修改请求中给出的字段；须带 version，他人已先保存时返回 409。"""
    user = request.auth
    project = project_in_scope(user, code)
    if not permissions.can_edit(user, project) and (
        project.is_editable or not permissions.can_move(user, project)
    ):
        # The holder of a project under review passes: the service says why it must wait.
        raise PermissionDenied("只有责任单位或区招商办可以修改该项目。")
    values = payload.model_dump(exclude_unset=True, exclude={"version", "reason"})
    changes = _resolve(project.district, values)
    with _api_field_names():
        services.project_update(
            project=project,
            actor=user,
            changes=changes,
            expected_version=payload.version,
            reason=payload.reason,
        )
    return acted(project, user)


@router.post(
    "/projects/{code}/submit", response={200: ProjectOut, **ACT_ERRORS}, summary="上报审核"
)
def project_submit(request, code: str, payload: VersionIn):
    user = request.auth
    project = project_in_scope(user, code)
    if not permissions.can_submit(user, project) and not _holds(user, project):
        raise PermissionDenied("只有项目的责任单位可以上报。")
    services.project_submit(project=project, actor=user, expected_version=payload.version)
    return acted(project, user)


@router.post(
    "/projects/{code}/review",
    response={200: ProjectOut, **ACT_ERRORS},
    summary="审核（通过或退回）",
)
def project_review(request, code: str, payload: ReviewIn):
    """区招商办初审、市招商办审核入库；退回须说明原因；有疑似重复时须确认 not_duplicate。"""
    user = request.auth
    project = project_in_scope(user, code)
    pending = (ReviewState.SUBMITTED, ReviewState.DISTRICT_APPROVED)
    if not permissions.can_review(user, project) and (
        project.review_state in pending
        or user.role not in (Role.DISTRICT_OFFICE, Role.CITY_REVIEWER)
    ):
        raise PermissionDenied("您不是该项目当前的审核人。")
    services.project_review(
        project=project,
        actor=user,
        approve=payload.decision == "approve",
        reason=payload.reason,
        not_duplicate=payload.not_duplicate,
        expected_version=payload.version,
    )
    return acted(project, user)


@router.post("/projects/{code}/move", response={200: ProjectOut, **ACT_ERRORS}, summary="变更阶段")
def project_move(request, code: str, payload: MoveIn):
    """推进或后退到另一阶段；目标阶段要求的字段放在 fields 中一并提交。"""
    user = request.auth
    project = project_in_scope(user, code)
    if not permissions.can_move(user, project):
        raise PermissionDenied("只有责任单位或区招商办可以变更项目阶段。")
    stage = _stage(payload.stage)
    fields = payload.fields.model_dump(exclude_unset=True)
    signed_on = fields.pop("signed_on", None)
    fields = _resolve(project.district, fields)
    if signed_on is not None:
        fields["signed_on"] = signed_on
    with _api_field_names():
        services.project_move(
            project=project,
            stage=stage,
            actor=user,
            reason=payload.reason,
            fields=fields,
            expected_version=payload.version,
            on=payload.on,
        )
    return acted(project, user)


@router.post(
    "/projects/{code}/handoff", response={200: ProjectOut, **ACT_ERRORS}, summary="接力交接"
)
def project_handoff(request, code: str, payload: HandoffIn):
    """把项目交给本区另一单位负责。

    单位招商员发起的交接待接收单位接收（pending_handoff；其间仍由原单位负责，
    接收日起由接收单位负责）；区招商办的交接即时生效。"""
    user = request.auth
    project = project_in_scope(user, code)
    if not permissions.can_hand_off(user, project):
        raise PermissionDenied("只有责任单位或区招商办可以交接项目。")
    to_unit = Unit.objects.filter(pk=payload.to_unit, district_id=project.district_id).first()
    if to_unit is None:
        raise ValidationError({"to_unit": f"单位不存在或不是{project.district.name}的单位。"})
    services.project_handoff(
        project=project,
        to_unit=to_unit,
        actor=user,
        reason=payload.reason,
        relay_role=payload.relay_role,
        keep_as_co_unit=payload.keep_as_co_unit,
        expected_version=payload.version,
        on=payload.on,
    )
    return acted(project, user)


@router.post(
    "/projects/{code}/milestones",
    response={200: MilestoneResult, **ACT_ERRORS},
    summary="记录里程碑",
)
def project_milestone(request, code: str, payload: MilestoneIn):
    """记录或更正签约、注册、供地、开工、投产、达产日期。"""
    user = request.auth
    project = project_in_scope(user, code)
    if not permissions.can_record_milestone(user, project):
        raise PermissionDenied("只有责任单位或区招商办可以记录里程碑。")
    changed = services.milestone_record(
        project=project, kind=payload.kind, date=payload.date, actor=user, note=payload.note
    )
    milestone = project.milestones.get(kind=payload.kind)
    return {
        "kind": milestone.kind,
        "label": str(milestone.get_kind_display()),
        "date": milestone.date,
        "note": milestone.note,
        "changed": changed is not None,
    }


@router.post(
    "/projects/{code}/notes", response={201: EventOut, **ACT_ERRORS}, summary="添加跟进记录"
)
def project_note(request, code: str, payload: NoteIn):
    user = request.auth
    project = project_in_scope(user, code)
    if not permissions.can_add_note(user, project):
        raise PermissionDenied("您不能为该项目添加跟进记录。")
    return Status(201, _event(services.note_add(project=project, actor=user, text=payload.text)))


@router.get(
    "/projects/{code}/events", response={200: list[EventOut], **_READ_ERRORS}, summary="项目动态"
)
def project_timeline(request, code: str):
    """项目的接力时间线：创建、上报、审核、阶段变更、交接、里程碑、跟进记录……按时间先后。"""
    project = project_in_scope(request.auth, code)
    events = list(project_events(project=project))
    for event in events:  # a contact phone in the history is masked as in the detail
        event.old = privacy.shown_values(request.auth, project, event.old)
        event.new = privacy.shown_values(request.auth, project, event.new)
    candidates_shown(request.auth, events)
    return [_event(event) for event in events]


@router.post(
    "/projects/{code}/contact-phone",
    response={200: ContactPhoneOut, 401: Error, 403: Error, 404: Error},
    summary="显示联系人完整电话",
)
@decorate_view(never_cache)
def project_contact_phone(request, code: str):
    """与网页上的“显示号码”相同：详情中隐去中间位的联系电话，按查看人的权限给出完整号码。

    - 领导、市招商办：返回完整号码，每次调用都记入审计日志（查看完整联系电话；只记项目，不记号码）；
    - 责任单位、本区招商办：本来就看得到完整号码，也可以调用，不记审计；
    - 其他能看到该项目的单位（协同单位、接力中的前手单位）：403；
    - 不在您范围内的项目：404。
    """
    user = request.auth
    project = project_in_scope(user, code)
    return {"contact_phone": privacy.full_phone(user=user, project=project, request=request)}
