"""招商活动 in the HTTP API: ``/activities`` (list, register), one activity (read, edit)
and its signed list (add a line).

The same rules as the pages (``rules``): an activity outside what the user sees is a 404
(a unit's promoters see their unit's); writing is for the unit's promoters and the
district office (403 otherwise); bad input is the service's 422 in Chinese, by field,
nothing written; an edit against a stale ``version`` is a 409.
"""

import datetime as dt
import re
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from baton.accounts.models import User
from baton.companies.rules import visible_companies
from baton.core.api import (
    Error,
    Id,
    In,
    IsoDate,
    Money,
    QueryId,
    Ref,
    Version,
    refuse_unknown_params,
    text_limited,
)
from baton.core.money import plain
from baton.org.models import Person, Unit
from baton.projects.models import Project
from baton.projects.selectors import project_scope

from . import rules, services
from .models import Activity, Kind, SigningKind
from .selectors import signed_list

router = Router(tags=["招商活动"])
NOT_FOUND = "招商活动不存在，或不在您的查看范围内。"
NO_COMPANY = "所选企业不在本区客商库中。"
_CODE = re.compile(r"^HD[0-9A-Za-z]{1,20}-[0-9]{4}-[0-9]{1,9}$")
_LIST_ERRORS = {401: Error, 403: Error, 422: Error}
_READ_ERRORS = {401: Error, 403: Error, 404: Error}
_ACT_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
KindCode = Literal[tuple(Kind.values)]
SigningCode = Literal[tuple(SigningKind.values)]
IdList = Annotated[list[Id], Field(max_length=500)]


class ActivityFilters(Schema):
    kind: KindCode | None = Field(
        None, description="活动类型：" + "，".join(f"{v} {label}" for v, label in Kind.choices)
    )
    unit: QueryId | None = Field(None, description="责任单位 id")
    year: Annotated[int, Field(ge=2000, le=2100)] | None = Field(
        None, description="开始日期所在年度"
    )
    page: Annotated[int, Field(ge=1, le=1_000_000)] = Field(1, description="页码（从 1 起）")
    size: Annotated[int, Field(ge=1, le=200)] = Field(50, description="每页条数，1–200")


class ActivityFieldsIn(In):
    kind: KindCode | None = Field(None, description="活动类型")
    title: text_limited(200, required=True) | None = Field(None, description="活动名称")
    organizer: text_limited(200, required=True) | None = Field(None, description="主办单位")
    host: text_limited(200) | None = Field(None, description="承办单位")
    place: text_limited(200, required=True) | None = Field(None, description="地点")
    start_on: IsoDate | None = Field(None, description="开始日期 YYYY-MM-DD")
    end_on: IsoDate | None = Field(None, description="结束日期，缺省为开始日期")
    budget_wan: Money | None = Field(None, description="预算（万元）")
    cost_wan: Money | None = Field(None, description="实际费用（万元）")
    guests: text_limited(2000) | None = Field(None, description="嘉宾")
    note: text_limited(2000) | None = Field(None, description="备注")
    companies: IdList | None = Field(None, description="邀请企业：本区客商库企业的 id")
    leaders: IdList | None = Field(None, description="出席领导：人员 id（区或市领导）")


class ActivityCreateIn(ActivityFieldsIn):
    unit: Id = Field(description="责任单位 id；单位招商员只能是本单位")
    kind: KindCode = Field(description="活动类型")
    title: text_limited(200, required=True) = Field(description="活动名称")
    organizer: text_limited(200, required=True) = Field(description="主办单位")
    place: text_limited(200, required=True) = Field(description="地点")
    start_on: IsoDate = Field(description="开始日期 YYYY-MM-DD")


class ActivityUpdateIn(ActivityFieldsIn):
    version: Version = Field(description="读到的活动版本号（乐观锁）")


class SigningIn(In):
    project: Id | None = Field(None, description="项目库中项目的 id（与 company 二选一）")
    company: Id | None = Field(None, description="客商库中企业的 id")
    title: text_limited(200) = Field("", description="签约项目名称，缺省为项目或企业名称")
    kind: SigningCode = Field(description="签约类型：contract 合同，agreement 协议，intent 意向")
    amount_wan: Money = Field(description="签约金额（万元）")


class ActivityRow(Schema):
    code: str
    title: str
    kind: str
    kind_label: str
    unit: Ref
    start_on: dt.date
    end_on: dt.date
    place: str
    budget_wan: str
    cost_wan: str | None
    version: int


class ActivityPage(Schema):
    items: list[ActivityRow]
    count: int
    page: int
    pages: int


class ActivitySigningOut(Schema):
    id: int
    title: str
    project: str | None = Field(description="项目编号")
    company: str | None
    kind: str
    amount_wan: str
    credit: str = Field(
        description="统计口径：first 首次签约（计入），upgrade 升级签约，increase 增资，repeat 重复签约"
    )
    counted: bool
    counted_amount_wan: str
    credited_to: str = Field(description="该项目计入的活动编号（首次签约的活动）")


class ActivityOut(ActivityRow):
    organizer: str
    host: str
    guests: str
    note: str
    companies: list[Ref]
    leaders: list[Ref]
    signings: list[ActivitySigningOut]
    counted: int
    counted_amount_wan: str


def _row(a: Activity) -> dict:
    return {
        "code": a.code, "title": a.title, "kind": a.kind, "kind_label": str(a.get_kind_display()),
        "unit": {"id": a.unit_id, "name": a.unit.name}, "start_on": a.start_on, "end_on": a.end_on,
        "place": a.place, "budget_wan": plain(a.budget),
        "cost_wan": None if a.cost is None else plain(a.cost), "version": a.version,
    }  # fmt: skip


def _detail(a: Activity, user: User) -> dict:
    signed = signed_list(a, user)
    codes = dict(
        rules.visible_activities(user)
        .filter(pk__in={r["credit"].credited_to for r in signed["rows"]})
        .values_list("pk", "code")
    )
    return {
        **_row(a), "organizer": a.organizer, "host": a.host, "guests": a.guests, "note": a.note,
        "companies": [{"id": c.pk, "name": c.name} for c in a.companies.order_by("name")],
        "leaders": [{"id": p.pk, "name": p.name} for p in a.leaders.order_by("rank", "id")],
        "signings": [
            {
                "id": r["signing"].pk, "title": r["signing"].title,
                "project": r["signing"].project.code if r["signing"].project else None,
                "company": r["signing"].company.name if r["signing"].company else None,
                "kind": r["signing"].kind, "amount_wan": plain(r["signing"].amount),
                "credit": r["credit"].status, "counted": r["credit"].counted,
                "counted_amount_wan": plain(r["credit"].amount),
                "credited_to": codes.get(r["credit"].credited_to, ""),
            }
            for r in signed["rows"]
        ],
        "counted": signed["counted"], "counted_amount_wan": plain(signed["amount"]),
    }  # fmt: skip


def _scoped(user: User):
    return rules.visible_activities(user).select_related("unit", "district")


def _in_scope(user: User, code: str) -> Activity:
    a = _scoped(user).filter(code=code).first() if _CODE.fullmatch(code) else None
    if a is None:
        raise Http404(NOT_FOUND)
    return a


def _values(user: User, district_id: int, payload: dict) -> dict:
    """The body's fields as the services name them, the ids turned into rows."""
    values = dict(payload)
    for name in ("budget", "cost"):
        if f"{name}_wan" in values:
            values[name] = values.pop(f"{name}_wan")
    if "companies" in values:
        ids = values["companies"] or []
        found = list(visible_companies(user).filter(pk__in=ids, district_id=district_id))
        if len(found) != len(set(ids)):
            raise ValidationError({"companies": NO_COMPANY})
        values["companies"] = found
    if "leaders" in values:
        ids = values["leaders"] or []
        leaders = list(Person.objects.filter(pk__in=ids))
        if len(leaders) != len(set(ids)):
            raise ValidationError({"leaders": rules.NOT_LEADER})
        values["leaders"] = leaders
    return values


@router.get("/activities", response={200: ActivityPage, **_LIST_ERRORS}, summary="招商活动列表")
def activity_index(request, params: Query[ActivityFilters]):
    """您能看到的招商活动（单位：本单位的；区招商办和区领导：本区；市：全市），按开始日期从新到旧。"""
    refuse_unknown_params(request, ActivityFilters)
    rows = _scoped(request.auth)
    if params.kind:
        rows = rows.filter(kind=params.kind)
    if params.unit:
        rows = rows.filter(unit_id=params.unit)
    if params.year:
        rows = rows.filter(start_on__year=params.year)
    pages = Paginator(rows.order_by("-start_on", "-id"), params.size)
    page = pages.get_page(params.page)
    return {
        "items": [_row(a) for a in page],
        "count": pages.count,
        "page": page.number,
        "pages": pages.num_pages,
    }


@router.post("/activities", response={201: ActivityOut, **_ACT_ERRORS}, summary="登记招商活动")
def activity_new(request, payload: ActivityCreateIn):
    """本区的单位招商员（本单位）和区招商办（本区任一单位）登记招商活动。"""
    user = request.auth
    if not rules.can_create(user):
        raise PermissionDenied(rules.NOT_A_WRITER)
    values = payload.model_dump(exclude_unset=True)
    unit = Unit.objects.filter(pk=values.pop("unit"), district_id=user.district_id).first()
    if unit is None:
        raise ValidationError({"unit": "责任单位须为本区在用的单位。"})
    activity = services.activity_create(
        actor=user, unit=unit, **_values(user, unit.district_id, values)
    )
    return Status(201, _detail(_in_scope(user, activity.code), user))


@router.get(
    "/activities/{code}", response={200: ActivityOut, **_READ_ERRORS}, summary="招商活动详情"
)
def activity_detail(request, code: str):
    """全部字段，以及签约清单和每一项的统计口径（首次签约计入；再次签约不重复统计；升级只计升级；增资只计新增）。"""
    return _detail(_in_scope(request.auth, code), request.auth)


@router.patch(
    "/activities/{code}", response={200: ActivityOut, **_ACT_ERRORS}, summary="修改招商活动"
)
def activity_edit(request, code: str, payload: ActivityUpdateIn):
    """只改请求中给出的字段；须带读到的 version（乐观锁），他人已先保存时返回 409。"""
    user = request.auth
    activity = _in_scope(user, code)
    if not rules.can_edit(user, activity):
        raise PermissionDenied(rules.NOT_A_WRITER)
    values = payload.model_dump(exclude_unset=True)
    version = values.pop("version")
    services.activity_update(
        activity=activity,
        actor=user,
        version=version,
        **_values(user, activity.district_id, values),
    )
    return _detail(_in_scope(user, code), user)


@router.post(
    "/activities/{code}/signings",
    response={201: ActivityOut, **_ACT_ERRORS},
    summary="录入签约项目",
)
def activity_sign(request, code: str, payload: SigningIn):
    """在签约清单中加一项：项目库中的本区项目，或客商库中的本区企业。"""
    user = request.auth
    activity = _in_scope(user, code)
    if not rules.can_edit(user, activity):
        raise PermissionDenied(rules.NOT_A_WRITER)
    values = payload.model_dump()
    project = company = None
    if values["project"]:
        project = Project.objects.filter(project_scope(user), pk=values["project"]).first()
        if project is None:
            raise ValidationError({"project": "所选项目不在您的查看范围内。"})
    if values["company"]:
        company = visible_companies(user).filter(pk=values["company"]).first()
        if company is None:
            raise ValidationError({"company": NO_COMPANY})
    services.signing_add(
        activity=activity, actor=user, project=project, company=company,
        title=values["title"], kind=values["kind"], amount=values["amount_wan"],
    )  # fmt: skip
    return Status(201, _detail(_in_scope(user, code), user))
