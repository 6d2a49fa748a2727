"""The projects' part of the HTTP API: the library, one project, its actions, its timeline
and its contact's full number (显示号码, as ``baton.accounts.privacy`` allows).

Seeing goes through ``selectors`` (outside the user's scope: 404), acting through
``permissions`` (refused: 403) and writing through ``services`` (a step that is not
allowed: 422 with the service's Chinese message; a stale ``version``: 409).
"""

import datetime as dt
import re
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.views.decorators.cache import never_cache
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view

from baton.accounts import privacy
from baton.accounts.models import User
from baton.core.api import (
    DistrictRef,
    Error,
    Ref,
    refuse_unknown_params,
)
from baton.core.money import plain
from baton.org.divisions import by_code as divisions
from baton.org.models import District, Person, Unit

from . import permissions, services
from .api_inputs import (
    AMOUNTS,
    HandoffIn,
    MilestoneIn,
    MoveIn,
    NoteIn,
    ProjectCreateIn,
    ProjectFilters,
    ProjectUpdateIn,
    ReviewIn,
    VersionIn,
)
from .duplicates import candidates_shown, duplicate_candidates
from .listing import FILTERS, project_page
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
        for name, field in AMOUNTS.items()
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
        if field in AMOUNTS:
            changes[AMOUNTS[field]] = value
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
        api_names = {field: name for name, field in AMOUNTS.items()}
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
