"""The company library in the HTTP API: ``/companies`` (list, register), one company
(read, edit) and its merge.

The same rules as the pages: the list and a company are the user's area's (outside it:
404); registering and editing are for a district's promoters and office, merging for its
office (else 403); the values go through the services (a bad credit code, region or
industry code, a credit code already registered, a name alike to another company's
without ``confirmed``: 422 with the service's Chinese message, nothing written). Phones
are masked as on the pages. A company has no version: an edit writes only the fields the
request gives, each change with its event.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from baton.core.api import DistrictRef, Error, Id, In, QueryId, Text, refuse_unknown_params

from . import rules, services
from .models import Company, Size, Tag
from .search import matching
from .timeline import timeline

router = Router(tags=["客商库"])
PAGE_SIZE = 50
NOT_FOUND = "企业不存在，或不在您的查看范围内。"


class CompanyOut(Schema):
    id: int
    name: str
    former_names: list[str]
    uscc: str = Field(description="统一社会信用代码")
    region: str = Field(description="企业所在地（行政区划代码）")
    industry_code: str = Field(description="行业代码（GB/T 4754）")
    tags: list[str] = Field(
        description=f"企业标签：{'、'.join(f'{v}={lab}' for v, lab in Tag.choices)}"
    )
    size: str = Field(description=f"企业规模：{'、'.join(f'{v}={lab}' for v, lab in Size.choices)}")
    contact_name: str
    contact_phone: str = Field(description="联系电话；无权查看完整号码者为打码后的号码")
    district: DistrictRef


class EntryOut(Schema):
    at: str
    kind: str
    title: str
    detail: str
    url: str


class CompanyDetail(CompanyOut):
    note: str
    timeline: list[EntryOut]


class CompanyPage(Schema):
    items: list[CompanyOut]
    count: int
    page: int
    pages: int


class CompanyQuery(Schema):
    q: Text | None = Field(None, description="按名称、曾用名、统一社会信用代码搜索")
    page: QueryId = Field(1, description="页码，从 1 开始，每页 50 条")


class CompanyIn(In):
    name: Text = Field("", description="企业名称（必填）", max_length=120)
    former_names: list[Text] = Field([], description="曾用名")
    uscc: Text = Field("", description="统一社会信用代码（18 位，核对校验位）", max_length=30)
    region: Text = Field("", description="企业所在地：行政区划代码或名称", max_length=30)
    industry_code: Text = Field("", description="行业代码（GB/T 4754），如 C3841", max_length=10)
    tags: list[Text] = Field([], description="企业标签（见 CompanyOut.tags）")
    size: Text = Field("", description="企业规模（见 CompanyOut.size）", max_length=10)
    contact_name: Text = Field("", max_length=50)
    contact_phone: Text = Field("", max_length=30)
    note: Text = Field("", max_length=2000)
    confirmed: bool = Field(False, description="名称与已有企业相近时，确认不是同一家企业")


class CompanyUpdateIn(In):
    """Only the fields given are changed; a field given as null is refused."""

    name: Text = Field(None, description="企业名称", max_length=120)
    former_names: list[Text] = Field(None, description="曾用名（整体替换）")
    uscc: Text = Field(None, description="统一社会信用代码（18 位，核对校验位）", max_length=30)
    region: Text = Field(None, description="企业所在地：行政区划代码或名称", max_length=30)
    industry_code: Text = Field(None, description="行业代码（GB/T 4754），如 C3841", max_length=10)
    tags: list[Text] = Field(None, description="企业标签（整体替换，见 CompanyOut.tags）")
    size: Text = Field(None, description="企业规模（见 CompanyOut.size）", max_length=10)
    contact_name: Text = Field(None, max_length=50)
    contact_phone: Text = Field(None, max_length=30)
    note: Text = Field(None, max_length=2000)
    confirmed: bool = Field(False, description="新名称与已有企业相近时，确认不是同一家企业")


class MergeIn(In):
    drop: Id = Field(description="并入本企业的重复记录的 id（同一区、未被合并的另一家企业）")


def _out(user, company: Company) -> dict:
    return {
        "id": company.pk,
        **{field: getattr(company, field) for field in services.FIELDS if field != "note"},
        "contact_phone": rules.shown_phone(user, company),
        "district": {"code": company.district.code, "name": company.district.name},
    }


def _get(user, pk: int) -> Company:
    company = rules.visible_companies(user).select_related("district").filter(pk=pk).first()
    if company is None:
        raise Http404(NOT_FOUND)
    return company


@router.get("/companies", response={200: CompanyPage, 401: Error, 422: Error}, summary="客商库列表")
def company_index(request, params: Query[CompanyQuery]):
    """您所在区（市招商办、市领导为全市）的企业，按名称排序，每页 50 条。"""
    refuse_unknown_params(request, CompanyQuery)
    user = request.auth
    rows = rules.visible_companies(user).select_related("district")
    if params.q:
        rows = matching(rows, params.q)
    pages = Paginator(rows, PAGE_SIZE)
    page = pages.get_page(params.page)
    return {
        "items": [_out(user, company) for company in page],
        "count": pages.count,
        "page": page.number,
        "pages": pages.num_pages,
    }


@router.post(
    "/companies",
    response={201: CompanyDetail, 400: Error, 401: Error, 403: Error, 422: Error},
    summary="登记企业",
)
def company_register(request, payload: CompanyIn):
    """登记一家企业到您所在区：单位招商员和区招商办。统一社会信用代码已登记的拒绝（422），
    名称与已有企业（含曾用名）相近的须带 ``confirmed: true`` 再提交。"""
    user = request.auth
    district = rules.writable_district(user)
    if district is None:
        raise PermissionDenied(rules.NOT_A_WRITER)
    values = payload.dict()
    confirmed = values.pop("confirmed")
    company = services.company_create(actor=user, district=district, confirmed=confirmed, **values)
    return Status(201, _detail(user, _get(user, company.pk)))


def _detail(user, company: Company) -> dict:
    entries = [
        {
            "at": entry.at.isoformat(),
            "kind": entry.kind,
            "title": entry.title,
            "detail": entry.detail,
            "url": entry.url,
        }
        for entry in timeline(user, company)
    ]
    return {**_out(user, company), "note": company.note, "timeline": entries}


@router.get(
    "/companies/{pk}",
    response={200: CompanyDetail, 401: Error, 404: Error, 422: Error},
    summary="企业详情",
)
def company_detail(request, pk: QueryId):
    """一家企业的信息与动态；不在您的查看范围内为 404。"""
    return _detail(request.auth, _get(request.auth, pk))


@router.patch(
    "/companies/{pk}",
    response={200: CompanyDetail, 400: Error, 401: Error, 403: Error, 404: Error, 422: Error},
    summary="修改企业信息",
)
def company_edit(request, pk: QueryId, payload: CompanyUpdateIn):
    """只修改请求中给出的字段：本区的单位招商员和区招商办。统一社会信用代码已被其他企业
    登记的拒绝（422）；新名称（或曾用名）与其他企业相近的须带 ``confirmed: true``。"""
    user = request.auth
    company = _get(user, pk)
    if not rules.can_write(user, company):
        raise PermissionDenied(rules.NOT_A_WRITER)
    values = payload.model_dump(exclude_unset=True)
    confirmed = values.pop("confirmed", False)
    services.company_update(company=company, actor=user, confirmed=confirmed, **values)
    return _detail(user, _get(user, pk))


@router.post(
    "/companies/{pk}/merge",
    response={200: CompanyDetail, 400: Error, 401: Error, 403: Error, 404: Error, 422: Error},
    summary="合并重复企业",
)
def company_merge(request, pk: QueryId, payload: MergeIn):
    """区招商办把本区的一条重复记录（``drop``）并入该企业：该企业取得其名称为曾用名、
    补充空白信息，两者的动态都保留；被并入的记录不再单独列出。"""
    user = request.auth
    keep = _get(user, pk)
    if not rules.can_merge(user, keep):
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    drop = (
        rules.visible_companies(user)
        .filter(district=keep.district_id, pk=payload.drop)
        .exclude(pk=keep.pk)
        .first()
    )
    if drop is None:
        message = (
            services.SELF_MERGE
            if payload.drop == keep.pk
            else "要并入的企业不存在，或不是本区未被合并的企业。"
        )
        raise ValidationError({"drop": [message]})
    services.company_merge(keep=keep, drop=drop, actor=user)
    return _detail(user, _get(user, pk))
