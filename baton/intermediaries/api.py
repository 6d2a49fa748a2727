"""The intermediaries in the HTTP API: ``/intermediaries`` (the register: list, 备案), one
intermediary, and ``/intermediaries/claims`` (list, file), one claim and its decisions.

The same rules as the pages (``rules``): the register is the district's (its units
read it), a unit sees the claims on the projects it holds; outside the scope 404, not
permitted 403, the service's refusal 422 with its Chinese message and nothing written
(eligibility and 签约 refused by the rule's name), a stale ``version`` 409. Phones are
masked but for the district's office.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from baton.accounts.privacy import mask_phone
from baton.core.api import (
    Code,
    DistrictRef,
    Error,
    In,
    IsoDate,
    QueryId,
    Text,
    Version,
    refuse_unknown_params,
)
from baton.core.money import plain
from baton.projects.models import Project
from baton.projects.selectors import project_list

from . import rules, services
from .models import Claim, Intermediary
from .selectors import claim_get, intermediary_get

router = Router(tags=["中介机构与引荐人"])
PAGE_SIZE = 50


class AffiliateOut(Schema):
    name: str
    uscc: str


class IntermediaryOut(Schema):
    code: str = Field(description="备案编号")
    kind: str = Field(description="agency=中介机构、person=个人引荐人")
    name: str
    uscc: str = Field(description="统一社会信用代码（中介机构）")
    contact_name: str
    contact_phone: str = Field(description="联系电话；区招商办以外为打码后的号码")
    address: str
    filed_on: str = Field(description="备案日期")
    declared_on: str = Field(description="利益冲突声明日期")
    documents: list[str] = Field(description="备案材料")
    affiliates: list[AffiliateOut] = Field(description="申报的关联方")
    status: str = Field(description="active=已备案、revoked=已注销")
    version: int
    district: DistrictRef


class RegisterPage(Schema):
    items: list[IntermediaryOut]
    count: int
    page: int
    pages: int


class RegisterQuery(Schema):
    q: Text | None = Field(
        None, description="按名称、统一社会信用代码或备案编号搜索", max_length=100
    )
    page: QueryId = Field(1, description="页码，从 1 开始，每页 50 条")


class IntermediaryIn(In):
    kind: Text = Field(description="agency=中介机构、person=个人引荐人", max_length=10)
    name: Text = Field("", description="名称或姓名（必填）", max_length=200)
    uscc: Text = Field("", description="统一社会信用代码（中介机构必填）", max_length=30)
    contact_name: Text = Field("", max_length=50)
    contact_phone: Text = Field("", max_length=30)
    address: Text = Field("", max_length=200)
    filed_on: IsoDate = Field(description="备案日期")
    declared_on: IsoDate = Field(description="利益冲突声明日期")
    documents: list[Text] = Field([], description="备案材料名称", max_length=30)
    affiliates: list[Text] = Field(
        [], description="关联方，每项“名称 统一社会信用代码”", max_length=50
    )
    official: bool = Field(False, description="是否公职人员（是则不予备案）")
    relative: bool = Field(False, description="是否公职人员的直系亲属（是则不予备案）")
    state_owned: bool = Field(False, description="是否国有企业（是则不予备案）")
    declaration: Text = Field("", max_length=2000)
    note: Text = Field("", max_length=2000)


class ClaimOut(Schema):
    code: str = Field(description="认定编号")
    intermediary: str = Field(description="中介的备案编号")
    intermediary_name: str
    project: str = Field(description="项目编号")
    project_name: str
    filed_on: str
    account: str = Field(description="引荐经过")
    share: str | None = Field(description="份额（%）")
    status: str = Field(
        description="filed=已申报、confirmed=已认定、refused=不予认定、withdrawn=已撤回"
    )
    decided_on: str | None
    reason: str
    version: int


class ClaimPage(Schema):
    items: list[ClaimOut]
    count: int
    page: int
    pages: int


class ClaimQuery(Schema):
    status: Text | None = Field(None, description="按状态筛选", max_length=20)
    page: QueryId = Field(1, description="页码，从 1 开始，每页 50 条")


class ClaimIn(In):
    intermediary: Code = Field(description="本区已备案中介的备案编号")
    project: Code = Field(description="项目编号（须在项目签约前申报）")
    account: Text = Field("", description="引荐经过（必填）", max_length=2000)
    share: Text = Field("", description="申请份额（%），按份额分享的区填写", max_length=10)


class ConfirmIn(In):
    version: Version
    share: Text = Field(
        "", description="认定份额（%）；只认定1个中介人的区不填（按100%）", max_length=10
    )
    reason: Text = Field("", description="认定意见", max_length=2000)


class RefuseIn(In):
    version: Version
    reason: Text = Field("", description="不予认定的理由（必填）", max_length=2000)


def _out(user, row: Intermediary) -> dict:
    phone = row.contact_phone
    if not rules.is_office(user, row.district_id):
        phone = mask_phone(phone)
    return {
        **{f: getattr(row, f) for f in ("code", "kind", "name", "uscc", "contact_name", "address")},
        "contact_phone": phone,
        "filed_on": row.filed_on.isoformat(),
        "declared_on": row.declared_on.isoformat(),
        "documents": row.documents,
        "affiliates": row.affiliates,
        "status": row.status,
        "version": row.version,
        "district": {"code": row.district.code, "name": row.district.name},
    }


def _claim_out(claim: Claim) -> dict:
    return {
        "code": claim.code,
        "intermediary": claim.intermediary.code,
        "intermediary_name": claim.intermediary.name,
        "project": claim.project.code,
        "project_name": claim.project.name,
        "filed_on": claim.filed_on.isoformat(),
        "account": claim.account,
        "share": plain(Decimal(claim.share)) if claim.share is not None else None,
        "status": claim.status,
        "decided_on": claim.decided_on.isoformat() if claim.decided_on else None,
        "reason": claim.reason,
        "version": claim.version,
    }


def _page(rows, number: int) -> tuple:
    pages = Paginator(rows, PAGE_SIZE)
    page = pages.get_page(number)
    return pages, page


# --- claims first: "/intermediaries/claims" before "/intermediaries/{code}" ---------------


@router.get(
    "/intermediaries/claims",
    response={200: ClaimPage, 401: Error, 403: Error, 422: Error},
    summary="中介认定列表",
)
def claim_index(request, params: Query[ClaimQuery]):
    """您范围内的中介认定：单位为其责任项目的认定，区招商办和区领导为全区，市为全市。"""
    refuse_unknown_params(request, ClaimQuery)
    user = request.auth
    rows = rules.visible_claims(user).select_related("intermediary", "project")
    if params.status:
        rows = rows.filter(status=params.status)
    pages, page = _page(rows.order_by("-filed_on", "-id"), params.page)
    return {
        "items": [_claim_out(c) for c in page],
        "count": pages.count,
        "page": page.number,
        "pages": pages.num_pages,
    }


@router.post(
    "/intermediaries/claims",
    response={201: ClaimOut, 400: Error, 401: Error, 403: Error, 404: Error, 422: Error},
    summary="申报中介认定",
)
def claim_file(request, payload: ClaimIn):
    """为项目申报中介认定：项目的责任单位或所属区的区招商办。须在项目签约前申报（签约当日及
    以后的拒绝，422，说明规定）；投资方本身或其关联方作为中介的拒绝。"""
    user = request.auth
    try:
        project: Project = project_list(user=user).get(code=payload.project)
    except Project.DoesNotExist:
        raise Http404("项目不存在，或不在您的查看范围内。") from None
    if not rules.can_file(user, project):
        raise PermissionDenied(rules.NOT_A_FILER)
    row = Intermediary.objects.filter(
        district_id=project.district_id, code=payload.intermediary
    ).first()
    if row is None:
        raise ValidationError({"intermediary": ["本区没有该备案编号的中介。"]})
    claim = services.claim_file(
        actor=user, intermediary=row, project=project, account=payload.account,
        share=payload.share or None,
    )  # fmt: skip
    return Status(201, _claim_out(claim_get(user=user, code=claim.code)))


@router.get(
    "/intermediaries/claims/{code}",
    response={200: ClaimOut, 401: Error, 404: Error},
    summary="中介认定详情",
)
def claim_detail(request, code: Code):
    return _claim_out(claim_get(user=request.auth, code=code))


def _office_claim(user, code: str) -> Claim:
    claim = claim_get(user=user, code=code)
    if not rules.is_office(user, claim.district_id):
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    return claim


@router.post(
    "/intermediaries/claims/{code}/confirm",
    response={
        200: ClaimOut,
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        409: Error,
        422: Error,
    },
    summary="认定",
)
def claim_confirm(request, code: Code, payload: ConfirmIn):
    """区招商办认定：按本区规则只认定1个中介人（其他申报不予认定），或按份额（合计不超过100%）。"""
    user = request.auth
    claim = _office_claim(user, code)
    services.claim_confirm(
        actor=user, claim=claim, share=payload.share or None, reason=payload.reason,
        expected_version=payload.version,
    )  # fmt: skip
    return _claim_out(claim_get(user=user, code=code))


@router.post(
    "/intermediaries/claims/{code}/refuse",
    response={
        200: ClaimOut,
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        409: Error,
        422: Error,
    },
    summary="不予认定",
)
def claim_refuse(request, code: Code, payload: RefuseIn):
    user = request.auth
    claim = _office_claim(user, code)
    services.claim_refuse(
        actor=user, claim=claim, reason=payload.reason, expected_version=payload.version
    )
    return _claim_out(claim_get(user=user, code=code))


# --- the register ------------------------------------------------------------------------


@router.get(
    "/intermediaries",
    response={200: RegisterPage, 401: Error, 403: Error, 422: Error},
    summary="中介名册",
)
def intermediary_index(request, params: Query[RegisterQuery]):
    """您所在区（市招商办、市领导为全市）备案的中介机构和引荐人，每页 50 条。"""
    refuse_unknown_params(request, RegisterQuery)
    user = request.auth
    rows = rules.visible_intermediaries(user).select_related("district")
    if params.q:
        q = params.q.strip()
        rows = rows.filter(name__icontains=q) | rows.filter(uscc=q) | rows.filter(code=q)
    pages, page = _page(rows.order_by("-filed_on", "-id"), params.page)
    return {
        "items": [_out(user, row) for row in page],
        "count": pages.count,
        "page": page.number,
        "pages": pages.num_pages,
    }


@router.post(
    "/intermediaries",
    response={201: IntermediaryOut, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="中介备案",
)
def intermediary_register(request, payload: IntermediaryIn):
    """区招商办为本区备案一个中介机构或引荐人。公职人员、其直系亲属和国有企业不予备案（422，
    说明规定）。"""
    user = request.auth
    if not rules.manages(user):
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    values = payload.dict()
    row = services.intermediary_register(actor=user, district=user.district, values=values)
    return Status(201, _out(user, intermediary_get(user=user, code=row.code)))


@router.get(
    "/intermediaries/{code}",
    response={200: IntermediaryOut, 401: Error, 404: Error},
    summary="中介详情",
)
def intermediary_detail(request, code: Code):
    """一个中介的备案信息；不在您的查看范围内为 404。"""
    return _out(request.auth, intermediary_get(user=request.auth, code=code))
