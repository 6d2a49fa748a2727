"""投资信息 (leads) in the HTTP API: ``/leads`` (list, register), one lead (read, edit)
and its steps — respond, assess (研判), feedback, notes, reject, arbitrate (撞车), reassign
and convert into a project.

The same rules as the pages (``rules``): a lead outside what the user sees is a 404 (a
unit's promoters see the leads their unit holds or first reported); a step the user may
not take is a 403 (the holder unit's promoters and the district office work a lead; only
the office arbitrates and reassigns); a step the lead's state does not allow, or bad
input, is the service's 422 in Chinese, by field where it has one, nothing written; an
edit against a stale ``version`` is a 409.
"""

import datetime as dt
import re
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Status

from baton.accounts.models import User
from baton.companies.rules import visible_companies
from baton.core.api import Error, refuse_unknown_params
from baton.core.money import plain
from baton.org.models import Unit
from baton.projects.services import ConflictError

from . import rules, services
from .api_schemas import (
    AMOUNTS,
    ArbitrateIn,
    AssessIn,
    ConvertIn,
    ConvertOut,
    LeadCreateIn,
    LeadEventOut,
    LeadFilters,
    LeadOut,
    LeadPage,
    LeadUpdateIn,
    ReasonIn,
    ReassignIn,
    RespondIn,
    TextIn,
)
from .deadlines import is_provisional
from .due import overdue_q, owed
from .models import ASSESSMENT_POINTS, Lead, LeadEvent
from .models import Status as LeadStatus

router = Router(tags=["投资信息"])
NOT_FOUND = "投资信息不存在，或不在您的查看范围内。"
_CODE = re.compile(r"^XS[0-9A-Za-z]{1,20}-[0-9]{4}-[0-9]{1,9}$")
_LIST_ERRORS = {401: Error, 403: Error, 422: Error}
_READ_ERRORS = {401: Error, 403: Error, 404: Error}
ACT_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}

# --- output ----------------------------------------------------------------------------


def _ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else timezone.localtime(moment)


def _amount(value) -> str | None:
    return None if value is None else plain(value)


def overdue_steps(lead: Lead, today: dt.date) -> list[str]:
    return [step.kind for step in owed(lead, today) if step.overdue]


def _row(lead: Lead, today: dt.date) -> dict:
    return {
        "code": lead.code,
        "title": lead.title,
        "company": {"id": lead.company_id, "name": lead.company.name, "uscc": lead.company.uscc},
        "district": {"code": lead.district.code, "name": lead.district.name},
        "unit": _ref(lead.unit),
        "first_unit": _ref(lead.first_unit),
        "source": lead.source,
        "source_label": str(lead.get_source_display()),
        "status": lead.status,
        "status_label": str(lead.get_status_display()),
        "is_reserve": lead.is_reserve,
        "investment_wan": plain(lead.investment),
        "reported_at": _local(lead.reported_at),
        "overdue": overdue_steps(lead, today),
        "version": lead.version,
        "updated_at": _local(lead.updated_at),
    }


def _event(event: LeadEvent) -> dict:
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


def _actions(user: User, lead: Lead) -> dict:
    work = rules.can_work(user, lead)
    office = rules.is_office(user, lead)
    return {
        "edit": work,
        "respond": work and lead.responded_at is None,
        "assess": work,
        "feedback": rules.can_feedback(user, lead),
        "note": work,
        "reject": work,
        "arbitrate": office and lead.status == LeadStatus.CONFLICT,
        "reassign": office and services.can_reassign_now(lead),
        "convert": work and lead.status == LeadStatus.ASSESSED,
    }


def _project(project) -> dict | None:
    if project is None:
        return None
    return {
        "code": project.code,
        "name": project.name,
        "url": reverse("projects:detail", kwargs={"code": project.code}),
        "api_url": reverse("api-1.0.0:project_detail", kwargs={"code": project.code}),
    }


def _assessment(lead: Lead) -> dict | None:
    if not lead.assessment:
        return None
    keys = [key for key, _label in ASSESSMENT_POINTS] + ["conclusion", "note"]
    return {key: str(lead.assessment.get(key, "")) for key in keys}


def _detail(user: User, lead: Lead) -> dict:
    today = timezone.localdate()
    events = lead.events.select_related("actor").order_by("at", "id")
    return {
        **_row(lead, today),
        "source_detail": lead.source_detail,
        "summary": lead.summary,
        "products": lead.products,
        "industry_code": lead.industry_code,
        "industry": _ref(lead.industry),
        "kind": lead.kind,
        "kind_label": str(lead.get_kind_display()),
        **{
            name: _amount(getattr(lead, field))
            for name, field in AMOUNTS.items()
            if field != "investment"
        },
        "land_mu": _amount(lead.land_mu),
        "energy_tce": _amount(lead.energy_tce),
        "environment": lead.environment,
        "coordination": lead.coordination,
        "follower": lead.follower,
        "reported_by": lead.reported_by.display_name if lead.reported_by else None,
        "reserve_reason": lead.reserve_reason,
        "conflict_with": lead.conflict_with.code if lead.conflict_with else None,
        "merged_into": lead.merged_into.code if lead.merged_into else None,
        "deadlines": {
            "respond": lead.respond_due,
            "assess": lead.assess_due,
            "feedback": lead.feedback_due,
            "hold_until": lead.hold_until,
            "provisional": is_provisional(lead),
        },
        "responded_at": _local(lead.responded_at),
        "assessed_at": _local(lead.assessed_at),
        "feedback_at": _local(lead.feedback_at),
        "assessment": _assessment(lead),
        "project": _project(lead.project),
        "converted_at": _local(lead.converted_at),
        "last_progress_at": _local(lead.last_progress_at),
        "actions": _actions(user, lead),
        "events": [_event(event) for event in events],
    }


# --- helpers -----------------------------------------------------------------------------


def _scoped(user: User) -> QuerySet[Lead]:
    return rules.visible_leads(user).select_related(
        "district", "unit", "first_unit", "company", "industry", "reported_by", "project"
    )


def lead_in_scope(user: User, code: str) -> Lead:
    """The lead in the user's scope, or 404; a malformed code is a 404 too."""
    lead = _scoped(user).filter(code=code).first() if _CODE.fullmatch(code) else None
    if lead is None:
        raise Http404(NOT_FOUND)
    return lead


def _check_worker(user: User, lead: Lead) -> None:
    """The holder unit's promoters and the office pass; the service says if the lead's
    state allows the step."""
    if not (rules.is_holder(user, lead) or rules.is_office(user, lead)):
        raise PermissionDenied(rules.NOT_THE_HOLDER)


def _check_office(user: User, lead: Lead) -> None:
    if not rules.is_office(user, lead):
        raise PermissionDenied(rules.NOT_THE_OFFICE)


def _values(payload) -> dict:
    """The body's fields as the services name them (``investment_wan`` → ``investment``)."""
    return {AMOUNTS.get(name, name): value for name, value in payload.items()}


@contextmanager
def _api_errors():
    """Name fields in a service's errors as the API does (``investment_wan``); a stale
    version is a 409."""
    try:
        yield
    except ConflictError:
        raise
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        names = {field: name for name, field in AMOUNTS.items()}
        renamed = {names.get(field, field): errors for field, errors in exc.error_dict.items()}
        raise ValidationError(renamed) from None


def acted(user: User, lead: Lead) -> dict:
    """The lead after the user's step, even if it took it out of their sight."""
    return _detail(user, _scoped_any().get(pk=lead.pk))


def _scoped_any() -> QuerySet[Lead]:
    return Lead.objects.select_related(
        "district", "unit", "first_unit", "company", "industry", "reported_by", "project"
    )


# --- the list and registration -----------------------------------------------------------


@router.get("/leads", response={200: LeadPage, **_LIST_ERRORS}, summary="投资信息列表")
def lead_index(request, params: Query[LeadFilters]):
    """您能看到的投资信息（单位：本单位跟进或首报的；区招商办和区领导：本区；市招商办和
    市领导：全市），按首报时间从新到旧，按页码分页。"""
    refuse_unknown_params(request, LeadFilters)
    today = timezone.localdate()
    rows = _scoped(request.auth)
    if params.status:
        rows = rows.filter(status=params.status)
    if params.source:
        rows = rows.filter(source=params.source)
    if params.unit:
        rows = rows.filter(Q(unit_id=params.unit) | Q(first_unit_id=params.unit))
    if params.reserve is not None:
        rows = rows.filter(is_reserve=params.reserve)
    if params.overdue is not None:
        rows = rows.filter(overdue_q(today)) if params.overdue else rows.exclude(overdue_q(today))
    for word in (params.q or "").split():
        rows = rows.filter(
            Q(code__istartswith=word) | Q(title__icontains=word) | Q(company__name__icontains=word)
        )
    pages = Paginator(rows, params.size)
    page = pages.get_page(params.page)
    return {
        "items": [_row(lead, today) for lead in page],
        "count": pages.count,
        "page": page.number,
        "pages": pages.num_pages,
    }


@router.post("/leads", response={201: LeadOut, **ACT_ERRORS}, summary="登记投资信息")
def lead_new(request, payload: LeadCreateIn):
    """本区的单位招商员（以本单位名义）和区招商办（须给出首报单位）为本区客商库中的企业
    登记投资信息。该项目在项目库中已在谈或签约的拒绝（422）；本单位已登记过该企业的，
    须带 ``confirmed: true`` 再提交；其他单位已登记过的，登记为“撞车待裁决”。"""
    user = request.auth
    if not rules.can_register(user):
        raise PermissionDenied(rules.NOT_A_WRITER)
    values = payload.model_dump(exclude_unset=True)
    confirmed = values.pop("confirmed", False)
    company = visible_companies(user).filter(pk=values.pop("company")).first()
    if company is None or company.district_id != user.district_id:
        raise ValidationError({"company": "企业不存在，或不在本区的客商库中。"})
    unit = None
    unit_id = values.pop("unit", None)
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id, district_id=company.district_id).first()
        if unit is None:
            raise ValidationError({"unit": f"单位不存在或不是{company.district.name}的单位。"})
    with _api_errors():
        lead = services.lead_register(
            actor=user, company=company, unit=unit, confirmed=confirmed, **_values(values)
        )
    return Status(201, _detail(user, lead_in_scope(user, lead.code)))


# --- one lead ----------------------------------------------------------------------------


@router.get("/leads/{code}", response={200: LeadOut, **_READ_ERRORS}, summary="投资信息详情")
def lead_detail(request, code: str):
    """全部字段、时限（provisional 为 true 时按周一至周五计算）、研判意见、动态，以及
    当前用户可执行的操作。"""
    return _detail(request.auth, lead_in_scope(request.auth, code))


@router.patch("/leads/{code}", response={200: LeadOut, **ACT_ERRORS}, summary="修改投资信息")
def lead_edit(request, code: str, payload: LeadUpdateIn):
    """只修改请求中给出的字段：跟进单位和区招商办；须带 version，他人已先保存时返回 409。"""
    user = request.auth
    lead = lead_in_scope(user, code)
    _check_worker(user, lead)
    values = payload.model_dump(exclude_unset=True, exclude={"version", "reason"})
    with _api_errors():
        services.lead_update(
            lead=lead,
            actor=user,
            changes=_values(values),
            expected_version=payload.version,
            reason=payload.reason,
        )
    return acted(user, lead)


@router.post("/leads/{code}/respond", response={200: LeadOut, **ACT_ERRORS}, summary="响应")
def lead_respond(request, code: str, payload: RespondIn):
    """跟进单位响应（指定跟进人，缺省为操作人）：信息转为跟进中。"""
    user = request.auth
    lead = lead_in_scope(user, code)
    _check_worker(user, lead)
    with _api_errors():
        services.lead_respond(lead=lead, actor=user, follower=payload.follower, note=payload.note)
    return acted(user, lead)


@router.post("/leads/{code}/assess", response={200: LeadOut, **ACT_ERRORS}, summary="研判")
def lead_assess(request, code: str, payload: AssessIn):
    """六项研判意见与结论：继续跟进（可转化为项目）或不予跟进（须说明理由）。"""
    user = request.auth
    lead = lead_in_scope(user, code)
    _check_worker(user, lead)
    with _api_errors():
        services.lead_assess(
            lead=lead,
            actor=user,
            points=payload.points.model_dump(),
            conclusion=payload.conclusion,
            note=payload.note,
        )
    return acted(user, lead)


@router.post("/leads/{code}/feedback", response={200: LeadOut, **ACT_ERRORS}, summary="反馈来源方")
def lead_feedback(request, code: str, payload: TextIn):
    """向引荐方或投资方的反馈：转化或不予跟进之后仍可记录。"""
    user = request.auth
    lead = lead_in_scope(user, code)
    _check_worker(user, lead)
    with _api_errors():
        services.lead_feedback(lead=lead, actor=user, text=payload.text)
    return acted(user, lead)


@router.post(
    "/leads/{code}/notes", response={201: LeadEventOut, **ACT_ERRORS}, summary="添加跟进记录"
)
def lead_note(request, code: str, payload: TextIn):
    user = request.auth
    lead = lead_in_scope(user, code)
    _check_worker(user, lead)
    with _api_errors():
        services.lead_note(lead=lead, actor=user, text=payload.text)
    event = lead.events.select_related("actor").filter(kind=LeadEvent.Kind.NOTE).last()
    return Status(201, _event(event))


@router.post("/leads/{code}/reject", response={200: LeadOut, **ACT_ERRORS}, summary="不予跟进")
def lead_reject(request, code: str, payload: ReasonIn):
    user = request.auth
    lead = lead_in_scope(user, code)
    _check_worker(user, lead)
    with _api_errors():
        services.lead_reject(lead=lead, actor=user, reason=payload.reason)
    return acted(user, lead)


@router.post("/leads/{code}/arbitrate", response={200: LeadOut, **ACT_ERRORS}, summary="撞车裁决")
def lead_arbitrate(request, code: str, payload: ArbitrateIn):
    """区招商办裁决撞车的信息：merge 并入先报信息，assign 改由本信息的单位首谈，reject 退回。"""
    user = request.auth
    lead = lead_in_scope(user, code)
    _check_office(user, lead)
    with _api_errors():
        services.lead_arbitrate(
            lead=lead, actor=user, decision=payload.decision, reason=payload.reason
        )
    return acted(user, lead)


@router.post("/leads/{code}/reassign", response={200: LeadOut, **ACT_ERRORS}, summary="改派")
def lead_reassign(request, code: str, payload: ReassignIn):
    """区招商办把满规定天数（默认 30 天）无进展的信息改派给本区另一单位。"""
    user = request.auth
    lead = lead_in_scope(user, code)
    _check_office(user, lead)
    unit = Unit.objects.filter(pk=payload.unit, district_id=lead.district_id).first()
    if unit is None:
        raise ValidationError({"unit": f"单位不存在或不是{lead.district.name}的单位。"})
    with _api_errors():
        services.lead_reassign(lead=lead, actor=user, unit=unit, reason=payload.reason)
    return acted(user, lead)


@router.post(
    "/leads/{code}/convert", response={201: ConvertOut, **ACT_ERRORS}, summary="转化为项目"
)
def lead_convert(request, code: str, payload: ConvertIn):
    """把研判为继续跟进的信息一步转化为策划（或意向）项目草稿，由跟进单位负责；首报单位
    记为项目的信息提供单位。返回新项目的编号和地址。"""
    user = request.auth
    lead = lead_in_scope(user, code)
    _check_worker(user, lead)
    with _api_errors():
        project = services.lead_convert(lead=lead, actor=user, stage=payload.stage)
    link = _project(project)
    return Status(201, {**link, "lead": acted(user, lead)})
