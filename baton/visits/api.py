"""外出招商 and 来访接待 in the HTTP API: ``/visits`` and ``/receptions`` (lists, one record;
recording and the trip report are in ``api_writes``, on the same router).

The same scope as the pages (``rules``): a record outside what the user sees is a 404 (a
unit's promoters see their unit's; the district office and leaders the district's; the
city its districts').
"""

import datetime as dt
from typing import Annotated

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from baton.core.api import Error, QueryId, refuse_unknown_params

from . import rules
from .models import Reception, Trip
from .selectors import month_bounds

router = Router(tags=["外出招商与来访接待"])
TRIP_NOT_FOUND = "外出招商记录不存在，或不在您的查看范围内。"
RECEPTION_NOT_FOUND = "来访接待记录不存在，或不在您的查看范围内。"
_ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}
MAX_SIZE = 200


class VisitFilters(Schema):
    unit: QueryId | None = Field(None, description="单位 id（见 /units）")
    year: Annotated[int, Field(ge=2000, le=2100)] | None = Field(None, description="年份")
    month: Annotated[int, Field(ge=1, le=12)] | None = Field(
        None, description="月份（与 year 一起给出）：外出按出发日期、接待按来访日期"
    )
    page: Annotated[int, Field(ge=1, le=1_000_000)] = Field(1, description="页码（从 1 起）")
    size: Annotated[int, Field(ge=1, le=MAX_SIZE)] = Field(50, description="每页条数")


class VisitRef(Schema):
    id: int
    name: str


class TripOut(Schema):
    id: int
    url: str
    district: str
    unit: VisitRef
    group: str
    title: str
    start: dt.date
    end: dt.date
    days: int
    destinations: str
    members: list[VisitRef]
    leaders: list[VisitRef]
    companies: list[VisitRef]
    projects: list[str] = Field(description="洽谈项目的编号")
    talks: str
    leads: list[str] = Field(description="产生的投资信息编号")
    report_due: dt.date
    reported_at: dt.datetime | None
    report: str
    version: int


class TripPage(Schema):
    items: list[TripOut]
    count: int
    page: int
    pages: int


class ReceptionOut(Schema):
    id: int
    url: str
    district: str
    unit: VisitRef
    date: dt.date
    visitors: str
    companies: list[VisitRef]
    leaders: list[VisitRef]
    hosts: str
    parcels: list[str] = Field(description="考察地块的编号")
    buildings: list[str] = Field(description="考察载体的编号")
    projects: list[str]
    talks: str
    leads: list[str]
    version: int


class ReceptionPage(Schema):
    items: list[ReceptionOut]
    count: int
    page: int
    pages: int


def _refs(rows) -> list[dict]:
    return [{"id": row.pk, "name": row.name} for row in rows]


def _trip(trip: Trip) -> dict:
    return {
        "id": trip.pk,
        "url": reverse("visits:trip_detail", args=[trip.pk]),
        "district": trip.district.name,
        "unit": {"id": trip.unit_id, "name": trip.unit.name},
        "group": trip.group,
        "title": trip.title,
        "start": trip.start,
        "end": trip.end,
        "days": trip.days,
        "destinations": trip.destinations,
        "members": _refs(trip.members.all()),
        "leaders": _refs(trip.leaders.all()),
        "companies": _refs(trip.companies.all()),
        "projects": [p.code for p in trip.projects.all()],
        "talks": trip.talks,
        "leads": [lead.code for lead in trip.leads.all()],
        "report_due": trip.report_due,
        "reported_at": timezone.localtime(trip.reported_at) if trip.reported_at else None,
        "report": trip.report,
        "version": trip.version,
    }


def _reception(r: Reception) -> dict:
    return {
        "id": r.pk,
        "url": reverse("visits:reception_detail", args=[r.pk]),
        "district": r.district.name,
        "unit": {"id": r.unit_id, "name": r.unit.name},
        "date": r.date,
        "visitors": r.visitors,
        "companies": _refs(r.companies.all()),
        "leaders": _refs(r.leaders.all()),
        "hosts": r.hosts,
        "parcels": [p.code for p in r.parcels.all()],
        "buildings": [b.code for b in r.buildings.all()],
        "projects": [p.code for p in r.projects.all()],
        "talks": r.talks,
        "leads": [lead.code for lead in r.leads.all()],
        "version": r.version,
    }


def _filter(rows, params: VisitFilters, date_field: str):
    if params.unit:
        rows = rows.filter(unit_id=params.unit)
    if params.year and params.month:
        first, last = month_bounds(params.year, params.month)
        rows = rows.filter(**{f"{date_field}__gte": first, f"{date_field}__lte": last})
    elif params.year:
        rows = rows.filter(**{f"{date_field}__year": params.year})
    return rows


def _page(rows, params: VisitFilters, out) -> dict:
    pages = Paginator(rows, params.size)
    page = pages.get_page(params.page)
    return {
        "items": [out(row) for row in page],
        "count": pages.count,
        "page": page.number,
        "pages": pages.num_pages,
    }


_TRIP_LINKS = ("members", "leaders", "companies", "projects", "leads")
_RECEPTION_LINKS = ("companies", "leaders", "parcels", "buildings", "projects", "leads")


@router.get("/visits", response={200: TripPage, **_ERRORS}, summary="外出招商列表")
def trip_index(request, params: Query[VisitFilters]):
    """您能看到的外出招商（单位：本单位的；区招商办和区领导：本区；市：全市），按出发日期
    从新到旧，按页码分页。"""
    refuse_unknown_params(request, VisitFilters)
    rows = rules.visible_trips(request.auth).select_related("unit", "district")
    rows = _filter(rows, params, "start").prefetch_related(*_TRIP_LINKS).order_by("-start", "-id")
    return _page(rows, params, _trip)


@router.get("/visits/{pk}", response={200: TripOut, **_ERRORS}, summary="一次外出招商")
def trip_read(request, pk: QueryId):
    rows = rules.visible_trips(request.auth).select_related("unit", "district")
    trip = rows.prefetch_related(*_TRIP_LINKS).filter(pk=pk).first()
    if trip is None:
        raise Http404(TRIP_NOT_FOUND)
    return _trip(trip)


@router.get("/receptions", response={200: ReceptionPage, **_ERRORS}, summary="来访接待列表")
def reception_index(request, params: Query[VisitFilters]):
    """您能看到的来访接待，按来访日期从新到旧，按页码分页。"""
    refuse_unknown_params(request, VisitFilters)
    rows = rules.visible_receptions(request.auth).select_related("unit", "district")
    rows = _filter(rows, params, "date").prefetch_related(*_RECEPTION_LINKS)
    return _page(rows.order_by("-date", "-id"), params, _reception)


@router.get("/receptions/{pk}", response={200: ReceptionOut, **_ERRORS}, summary="一次来访接待")
def reception_read(request, pk: QueryId):
    rows = rules.visible_receptions(request.auth).select_related("unit", "district")
    reception = rows.prefetch_related(*_RECEPTION_LINKS).filter(pk=pk).first()
    if reception is None:
        raise Http404(RECEPTION_NOT_FOUND)
    return _reception(reception)


from . import api_writes  # noqa: E402, F401 — the writes, on this router
