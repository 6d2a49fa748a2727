"""The land part of the HTTP API (招商地图): parcels, buildings, matching and reservations.

It answers what the land pages answer, through the same code: seeing goes through
``selectors`` (outside the user's area: 404, never 403), the map's filters and the
matching's demand through the pages' own forms (a bad value: 422 with the page's Chinese
message), an action not open to the user through ``permissions`` (403 with the page's
reason) and every write through ``services`` (a step that is not allowed: 422 with the
service's message; the same events and audit records as on the map).
"""

import base64
import binascii
import datetime as dt
import json
import re
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import WithJsonSchema

from baton.accounts.models import User
from baton.core.api import (
    Code,
    DistrictRef,
    Error,
    In,
    IsoDate,
    QueryId,
    Ref,
    Text,
    refuse_unknown_params,
    text_limited,
)
from baton.core.forms import PAGE_INVALID
from baton.core.money import plain
from baton.projects.listing import MAX_SIZE
from baton.projects.models import Project

from . import permissions, services
from .forms import TOLERANCES, MatchForm, ParcelFilterForm, ReserveForm
from .matching import demand_for, parcels_for, projects_for
from .models import CODE_PATTERN, Building, LandUse, Parcel, ParcelEvent, ParcelReservation
from .selectors import (
    building_get,
    building_list,
    held_parcels,
    land_projects,
    parcel_events,
    parcel_get,
    parcel_list,
    reservable_projects,
    visible_project_ids,
)

router = Router(tags=["招商地图"])
Status = Parcel.Status
_CODE = re.compile(CODE_PATTERN)

# --- field types ------------------------------------------------------------------------

StatusCode = Literal[tuple(Status.values)]
#: A status among several in a query: the map's form checks each (ninja would name a bad
#: one ``params.status.0``).
StatusItem = Annotated[str, WithJsonSchema({"type": "string", "enum": Status.values})]
LandUseCode = Literal[tuple(LandUse.values)]
Tolerance = Literal[tuple(value for value, _label in TOLERANCES)]
#: An area in 亩 as the map's form reads it ("80", "12.5"); the form says what is wrong.
Area = Annotated[Text, Field(max_length=20)]
PageSize = Annotated[int, Field(ge=1, le=MAX_SIZE)]

_STATUSES = "；".join(f"{value} {label}" for value, label in Status.choices)
_USES = "、".join(LandUse.values)

# --- output ----------------------------------------------------------------------------


class ProjectRef(Schema):
    code: str
    name: str
    stage: str = Field(description="阶段名称")
    unit: str = Field(description="责任单位")


class ParcelRef(Schema):
    code: str
    name: str


class ParcelRow(Schema):
    code: str = Field(description="地块编号")
    name: str
    district: DistrictRef
    town: Ref | None = Field(description="所属镇街")
    address: str = Field(description="坐落")
    status: str = Field(description=f"供应状态：{_STATUSES}")
    status_label: str
    status_since: dt.date = Field(description="进入当前供应状态的日期")
    area_mu: str = Field(description="按边界在椭球面上计算的面积（亩），十进制字符串")
    area_hectare: str = Field(description="面积（公顷）")
    declared_area_mu: str | None = Field(description="登记面积（亩）")
    area_flagged: bool = Field(description="登记面积与计算面积相差超过 5%，请核对")
    land_use: str = Field(description=f"用地性质（GB 50137）：{_USES}")
    land_use_label: str
    planned_use: str
    industries: list[Ref] = Field(description="招商方向（行业）；为空表示不限")
    far_min: str | None = Field(description="容积率下限")
    far_max: str | None = Field(description="容积率上限")
    supply_date: dt.date | None = Field(description="可供日期")
    sold_on: dt.date | None = Field(description="出让日期")
    price_wan_per_mu: str | None = Field(description="参考价格（万元/亩），十进制字符串")
    centroid: list[float] = Field(description="中心点 [经度, 纬度]（WGS84）")
    holder: ProjectRef | None = Field(
        description="预留（或已出让给）的项目；仅当您有权查看该项目时给出，否则为 null"
    )
    updated_at: dt.datetime
    geometry: dict | None = Field(
        None, description="边界，GeoJSON 几何（WGS84）；列表中仅在 geometry=1 时给出"
    )


class ParcelPage(Schema):
    items: list[ParcelRow]
    next_cursor: str | None = Field(description="下一页的游标；没有下一页时为 null")
    count: int = Field(description="符合条件的地块个数")
    area_mu: str = Field(description="符合条件的地块总面积（亩）")


class ReservationOut(Schema):
    project: ProjectRef | None = Field(description="预留给的项目；您无权查看该项目时为 null")
    reserved_at: dt.datetime
    reserved_by: str | None
    until: dt.date | None = Field(description="预留期限")
    note: str


class BuildingRef(Schema):
    code: str
    name: str
    kind_label: str
    vacant_area_m2: str


class ParcelEventOut(Schema):
    id: int
    kind: str
    kind_label: str
    actor: str | None
    at: dt.datetime
    project: ProjectRef | None = Field(description="相关项目；您无权查看该项目时为 null")
    old: dict
    new: dict
    reason: str


class CandidateOut(Schema):
    project: ProjectRef
    score: int = Field(description="匹配度，满分 100")
    reasons: list[str]
    cautions: list[str]
    holds: list[str] = Field(description="该项目已预留的地块编号")
    can_reserve: bool = Field(description="您可以把该地块预留给此项目")


class ParcelActions(Schema):
    reserve: bool
    release: bool
    change_status: bool
    status_moves: list[str] = Field(description="您可以把供应状态改为的值")


class ParcelOut(ParcelRow):
    area_m2: str = Field(description="计算面积（平方米）")
    area_gap: str = Field(description="登记面积与计算面积之差（百分比），无登记面积时为空")
    note: str
    created_at: dt.datetime
    reservation: ReservationOut | None = Field(description="当前的预留")
    buildings: list[BuildingRef] = Field(description="地块上的载体")
    events: list[ParcelEventOut] = Field(description="地块动态，新的在前")
    candidates: list[CandidateOut] = Field(
        description="可供地块的候选项目（意向、在谈，您可查看的），按匹配度"
    )
    actions: ParcelActions


class BuildingOut(Schema):
    code: str = Field(description="载体编号")
    name: str
    kind: str
    kind_label: str
    district: DistrictRef
    town: Ref | None
    parcel: ParcelRef | None = Field(description="所在地块")
    address: str
    lon: float
    lat: float
    floor_area_m2: str = Field(description="建筑面积（平方米）")
    standard_floor_area_m2: str | None
    floors: int | None
    clear_height_m: str | None = Field(description="层高（米）")
    vacant_area_m2: str = Field(description="空置面积（平方米）")
    occupancy: str | None = Field(description="出租率（0–1）")
    rent_yuan_per_m2_month: str | None = Field(description="租金（元/平方米·月）")
    owner: str = Field(description="产权单位")
    industries: list[Ref]
    note: str
    updated_at: dt.datetime


class BuildingPage(Schema):
    items: list[BuildingOut]
    next_cursor: str | None = Field(description="下一页的游标；没有下一页时为 null")
    count: int = Field(description="载体个数")


class DemandOut(Schema):
    area_mu: str | None = Field(description="用地需求（亩）")
    land_use: str | None
    land_use_label: str
    inferred_use: bool = Field(description="用地性质按行业推断")
    industry: Ref | None
    district: DistrictRef | None
    tolerance: str = Field(description="面积容差（0.2 即 ±20%）")


class MatchRow(Schema):
    parcel: ParcelRow
    score: int = Field(description="匹配度，满分 100")
    reasons: list[str]
    cautions: list[str]
    same_district: bool
    can_reserve: bool = Field(description="您可以把该地块预留给所选项目")


class MatchOut(Schema):
    project: ProjectRef | None
    demand: DemandOut
    matches: list[MatchRow]
    held: list[ParcelRef] = Field(description="所选项目已预留的地块")


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else plain(value)


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else timezone.localtime(moment)


def _refs(objects) -> list[dict]:
    return [{"id": obj.pk, "name": obj.name} for obj in objects]


def _project(project: Project) -> dict:
    return {
        "code": project.code,
        "name": project.name,
        "stage": project.stage.name,
        "unit": project.unit.name,
    }


def _parcel_row(
    parcel: Parcel, holder: ParcelReservation | None, visible: set[int], *, geometry: bool
) -> dict:
    return {
        "code": parcel.code,
        "name": parcel.name,
        "district": {"code": parcel.district.code, "name": parcel.district.name},
        "town": None if parcel.town is None else {"id": parcel.town.pk, "name": parcel.town.name},
        "address": parcel.address,
        "status": parcel.status,
        "status_label": str(parcel.get_status_display()),
        "status_since": parcel.status_since,
        "area_mu": plain(parcel.area_mu),
        "area_hectare": plain(parcel.area_hectare),
        "declared_area_mu": _dec(parcel.declared_area_mu),
        "area_flagged": parcel.area_flagged,
        "land_use": parcel.land_use,
        "land_use_label": str(parcel.get_land_use_display()),
        "planned_use": parcel.planned_use,
        "industries": _refs(parcel.industries.all()),
        "far_min": _dec(parcel.far_min),
        "far_max": _dec(parcel.far_max),
        "supply_date": parcel.supply_date,
        "sold_on": parcel.sold_on,
        "price_wan_per_mu": _dec(parcel.price_wan_per_mu),
        "centroid": [parcel.centroid_lon, parcel.centroid_lat],
        # The project on a parcel is named only to those who may see it, as on the map.
        "holder": _project(holder.project)
        if holder is not None and holder.project_id in visible
        else None,
        "updated_at": _local(parcel.updated_at),
        "geometry": parcel.geometry if geometry else None,
    }


def _parcel_rows(user: User, parcels: list[Parcel], *, geometry: bool) -> list[dict]:
    holders = [parcel.open_reservation() for parcel in parcels]
    visible = visible_project_ids(user=user, ids=[h.project_id for h in holders if h])
    return [
        _parcel_row(parcel, holder, visible, geometry=geometry)
        for parcel, holder in zip(parcels, holders, strict=True)
    ]


def _event(event: ParcelEvent, visible: set[int]) -> dict:
    shown = event.project_id in visible
    old, new = event.old, event.new
    if event.project_id is not None and not shown:  # the project's code stays unnamed too
        old = {key: value for key, value in old.items() if key != "project"}
        new = {key: value for key, value in new.items() if key != "project"}
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": str(event.get_kind_display()),
        "actor": event.actor.display_name if event.actor else None,
        "at": _local(event.at),
        "project": _project(event.project) if shown else None,
        "old": old,
        "new": new,
        "reason": event.reason,
    }


def _parcel_detail(parcel: Parcel, user: User) -> dict:
    holder = parcel.open_reservation()
    events = list(parcel_events(parcel=parcel).select_related("project__stage", "project__unit"))
    visible = visible_project_ids(
        user=user, ids=[holder and holder.project_id, *(event.project_id for event in events)]
    )
    candidates = []
    if parcel.status == Status.AVAILABLE:  # as the parcel's card lists them
        candidates = projects_for(user=user, parcel=parcel, limit=5)
    can_status = permissions.status_refusal(user, parcel) is None
    reservation = None
    if holder is not None:
        reservation = {
            "project": _project(holder.project) if holder.project_id in visible else None,
            "reserved_at": _local(holder.reserved_at),
            "reserved_by": holder.reserved_by.display_name if holder.reserved_by else None,
            "until": holder.until,
            "note": holder.note,
        }
    return {
        **_parcel_row(parcel, holder, visible, geometry=True),
        "area_m2": plain(parcel.area_m2),
        "area_gap": parcel.area_gap_text,
        "note": parcel.note,
        "created_at": _local(parcel.created_at),
        "reservation": reservation,
        "buildings": [
            {
                "code": building.code,
                "name": building.name,
                "kind_label": str(building.get_kind_display()),
                "vacant_area_m2": plain(building.vacant_area_m2),
            }
            for building in building_list(user=user).filter(parcel=parcel)
        ],
        "events": [_event(event, visible) for event in events],
        "candidates": [
            {
                "project": _project(match.project),
                "score": match.fit.score,
                "reasons": match.fit.reasons,
                "cautions": match.fit.cautions,
                "holds": match.holds,
                "can_reserve": permissions.can_reserve_for(user, parcel, match.project)
                and services.reservable_stage(match.project.stage),
            }
            for match in candidates
        ],
        "actions": {
            "reserve": permissions.reserve_refusal(user, parcel) is None,
            "release": permissions.release_refusal(user, parcel, holder) is None,
            "change_status": can_status,
            "status_moves": list(services.STATUS_MOVES[parcel.status]) if can_status else [],
        },
    }


def _building(building: Building) -> dict:
    occupancy = building.occupancy
    parcel = building.parcel
    return {
        "code": building.code,
        "name": building.name,
        "kind": building.kind,
        "kind_label": str(building.get_kind_display()),
        "district": {"code": building.district.code, "name": building.district.name},
        "town": None
        if building.town is None
        else {"id": building.town.pk, "name": building.town.name},
        "parcel": None if parcel is None else {"code": parcel.code, "name": parcel.name},
        "address": building.address,
        "lon": building.lon,
        "lat": building.lat,
        "floor_area_m2": plain(building.floor_area_m2),
        "standard_floor_area_m2": _dec(building.standard_floor_area_m2),
        "floors": building.floors,
        "clear_height_m": _dec(building.clear_height_m),
        "vacant_area_m2": plain(building.vacant_area_m2),
        "occupancy": None if occupancy is None else plain(occupancy.quantize(Decimal("0.0001"))),
        "rent_yuan_per_m2_month": _dec(building.rent_yuan_per_m2_month),
        "owner": building.owner,
        "industries": _refs(building.industries.all()),
        "note": building.note,
        "updated_at": _local(building.updated_at),
    }


# --- input -----------------------------------------------------------------------------


class NoParams(Schema):
    pass


class Paging(Schema):
    cursor: Text | None = Field(None, description="上一页返回的 next_cursor")
    size: PageSize = Field(50, description=f"每页条数，1–{MAX_SIZE}")


class ParcelQuery(Paging):
    """The map's filters (``forms.ParcelFilterForm``), and the list's own options."""

    status: list[StatusItem] | None = Field(
        None, description=f"供应状态，可重复给出多个：{_STATUSES}"
    )
    land_use: LandUseCode | None = Field(
        None, description="用地性质；大类（M、W）包括其中各类（M1、M2、M3）"
    )
    area_min: Area | None = Field(None, description="面积不少于（亩）")
    area_max: Area | None = Field(None, description="面积不超过（亩）")
    industry: QueryId | None = Field(None, description="招商方向：行业 id（见 /industries）")
    town: QueryId | None = Field(None, description="镇街：单位 id（见 /units）")
    geometry: bool = Field(False, description="为 true（或 1）时每个地块附带边界 GeoJSON")


class MatchQuery(Schema):
    """为项目找地 (``forms.MatchForm``): a project, or at least one of the typed values."""

    project: Code | None = Field(
        None, description="项目编号：意向、在谈或落地的、您可查看的项目；给出的其他条件覆盖项目的"
    )
    area_mu: Area | None = Field(None, description="用地需求（亩）")
    land_use: LandUseCode | None = Field(None, description="用地性质；不给时按行业推断")
    industry: QueryId | None = Field(None, description="行业 id（见 /industries）")
    tolerance: Tolerance | None = Field(None, description="面积容差，缺省 0.2（±20%）")


class ReserveIn(In):
    project: Code = Field(description="项目编号")
    until: IsoDate | None = Field(None, description="预留期限，不早于今天；可不给")
    note: text_limited(500) = Field("", description="说明，最多 500 字")


class ReleaseIn(In):
    reason: text_limited(500, required=True) = Field(description="释放原因，最多 500 字")


class StatusIn(In):
    status: StatusCode = Field(description="新的供应状态：储备 ↔ 可供，可供/已预留 → 已出让")
    on: IsoDate | None = Field(None, description="可供日期或出让日期，缺省为今天")
    reason: text_limited(500) = Field("", description="说明，最多 500 字")


# --- helpers -----------------------------------------------------------------------------

_LIST_ERRORS = {401: Error, 403: Error, 422: Error}
_READ_ERRORS = {401: Error, 404: Error, 422: Error}
_ACT_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


def _form_data(params: Schema, names) -> dict:
    """The validated query values as the page's form reads them from its query string."""
    data = {}
    for name in names:
        value = getattr(params, name)
        if value is not None:
            data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def _invalid(form) -> ValidationError:
    return ValidationError({field: list(errors) for field, errors in form.errors.items()})


def _refuse_administrators(user: User) -> None:
    """The map, its lists and the matching are refused as a whole to the administrators."""
    if refusal := permissions.land_refusal(user):
        raise PermissionDenied(refusal)


def _encode(kind: str, obj) -> str:
    raw = json.dumps([kind, obj.district.code, obj.code], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, kind: str) -> tuple[str, str]:
    bad = ValidationError({"cursor": PAGE_INVALID})
    if len(cursor) > 300:
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    if (
        not isinstance(data, list)
        or len(data) != 3
        or data[0] != kind
        or not all(isinstance(part, str) and _CODE.fullmatch(part) for part in data[1:])
    ):
        raise bad
    return data[1], data[2]


def _page(rows: QuerySet, kind: str, cursor: str | None, size: int) -> tuple[list, str | None]:
    """One keyset page of rows ordered by (district code, code), as the selectors order them."""
    if cursor:
        district, code = _decode(cursor, kind)
        rows = rows.filter(district__code__gte=district).exclude(
            district__code=district, code__lte=code
        )
    found = list(rows[: size + 1])
    next_cursor = _encode(kind, found[size - 1]) if len(found) > size else None
    return found[:size], next_cursor


# --- parcels -----------------------------------------------------------------------------


@router.get("/land/parcels", response={200: ParcelPage, **_LIST_ERRORS}, summary="地块列表")
def parcel_index(request, params: Query[ParcelQuery]):
    """招商地图上的地块（您所在区的，市招商办为全市的），与地图相同的筛选，游标分页，
    并给出符合条件的地块个数与总面积。"""
    refuse_unknown_params(request, ParcelQuery)
    user = request.auth
    _refuse_administrators(user)
    form = ParcelFilterForm(_form_data(params, ParcelFilterForm.base_fields), user=user)
    if not form.is_valid():
        raise _invalid(form)
    parcels = parcel_list(user=user, filters=form.filters())
    totals = parcels.prefetch_related(None).order_by().aggregate(n=Count("pk"), area=Sum("area_mu"))
    rows, next_cursor = _page(parcels, "parcels", params.cursor, params.size)
    return {
        "items": _parcel_rows(user, rows, geometry=params.geometry),
        "next_cursor": next_cursor,
        "count": totals["n"],
        "area_mu": plain(totals["area"] or Decimal(0)),
    }


@router.get("/land/parcels/{code}", response={200: ParcelOut, **_READ_ERRORS}, summary="地块详情")
def parcel_detail(request, code: str):
    """地块的全部属性、边界、地块上的载体、当前预留、地块动态、候选项目和您可执行的操作。"""
    refuse_unknown_params(request, NoParams)
    user = request.auth
    return _parcel_detail(parcel_get(user=user, code=code), user)


def _acted(user: User, parcel: Parcel) -> dict:
    return _parcel_detail(parcel_get(user=user, code=parcel.code), user)


@router.post(
    "/land/parcels/{code}/reserve", response={200: ParcelOut, **_ACT_ERRORS}, summary="预留地块"
)
def parcel_reserve(request, code: str, payload: ReserveIn):
    """把“可供”的地块预留给项目：区招商办可为本区任一项目预留，单位招商员为本单位负责的项目
    预留；项目须为意向、在谈或落地。"""
    user = request.auth
    parcel = parcel_get(user=user, code=code)
    if refusal := permissions.reserve_refusal(user, parcel):
        raise PermissionDenied(refusal)
    project = reservable_projects(user=user, parcel=parcel).filter(code=payload.project).first()
    if project is None or not permissions.can_reserve_for(user, parcel, project):
        message = ReserveForm.base_fields["project"].error_messages["invalid_choice"]
        raise ValidationError({"project": message})
    services.parcel_reserve(
        parcel=parcel, project=project, actor=user, until=payload.until, note=payload.note
    )
    return _acted(user, parcel)


@router.post(
    "/land/parcels/{code}/release", response={200: ParcelOut, **_ACT_ERRORS}, summary="释放预留"
)
def parcel_release(request, code: str, payload: ReleaseIn):
    """结束地块的预留，地块恢复为“可供”：区招商办，或预留项目的责任单位；须说明原因。"""
    user = request.auth
    parcel = parcel_get(user=user, code=code)
    if refusal := permissions.release_refusal(user, parcel, parcel.open_reservation()):
        raise PermissionDenied(refusal)
    services.parcel_release(parcel=parcel, actor=user, reason=payload.reason)
    return _acted(user, parcel)


@router.post(
    "/land/parcels/{code}/status",
    response={200: ParcelOut, **_ACT_ERRORS},
    summary="变更供应状态",
)
def parcel_status(request, code: str, payload: StatusIn):
    """本区招商办变更地块的供应状态：储备 ↔ 可供，可供或已预留 → 已出让。"""
    user = request.auth
    parcel = parcel_get(user=user, code=code)
    if refusal := permissions.status_refusal(user, parcel):
        raise PermissionDenied(refusal)
    services.parcel_set_status(
        parcel=parcel, status=payload.status, actor=user, on=payload.on, reason=payload.reason
    )
    return _acted(user, parcel)


# --- buildings ---------------------------------------------------------------------------


@router.get("/land/buildings", response={200: BuildingPage, **_LIST_ERRORS}, summary="载体列表")
def building_index(request, params: Query[Paging]):
    """招商地图上的载体（标准厂房、研发办公楼等），游标分页。"""
    refuse_unknown_params(request, Paging)
    user = request.auth
    _refuse_administrators(user)
    buildings = building_list(user=user)
    rows, next_cursor = _page(buildings, "buildings", params.cursor, params.size)
    return {
        "items": [_building(building) for building in rows],
        "next_cursor": next_cursor,
        "count": buildings.count(),
    }


@router.get(
    "/land/buildings/{code}", response={200: BuildingOut, **_READ_ERRORS}, summary="载体详情"
)
def building_detail(request, code: str):
    refuse_unknown_params(request, NoParams)
    return _building(building_get(user=request.auth, code=code))


# --- matching ----------------------------------------------------------------------------


@router.get("/land/match", response={200: MatchOut, **_LIST_ERRORS}, summary="为项目找地")
def match(request, params: Query[MatchQuery]):
    """按用地面积（容差内）、用地性质、招商方向和所在区为项目（或给出的需求）给可供地块排序，
    每块地附匹配理由。"""
    refuse_unknown_params(request, MatchQuery)
    user = request.auth
    _refuse_administrators(user)
    form = MatchForm(
        _form_data(params, MatchForm.base_fields),
        projects=land_projects(user=user).order_by("name"),
    )
    if not form.is_valid():
        raise _invalid(form)
    demand = demand_for(user=user, **form.cleaned_data)
    project = form.cleaned_data["project"]
    matches = parcels_for(user=user, demand=demand)
    rows = _parcel_rows(user, [m.parcel for m in matches], geometry=False)
    held = []
    if project is not None:
        held = [r.parcel for r in held_parcels(user=user).filter(project=project)]
    district = None
    if demand.district_id is not None:
        area = project.district if project is not None else user.district
        district = {"code": area.code, "name": area.name}
    return {
        "project": None if project is None else _project(project),
        "demand": {
            "area_mu": _dec(demand.area_mu),
            "land_use": demand.land_use,
            "land_use_label": demand.land_use_label,
            "inferred_use": demand.inferred_use,
            "industry": None
            if demand.industry is None
            else {"id": demand.industry.pk, "name": demand.industry.name},
            "district": district,
            "tolerance": plain(demand.tolerance),
        },
        "matches": [
            {
                "parcel": row,
                "score": m.fit.score,
                "reasons": m.fit.reasons,
                "cautions": m.fit.cautions,
                "same_district": m.fit.same_district,
                "can_reserve": project is not None
                and permissions.can_reserve_for(user, m.parcel, project),
            }
            for m, row in zip(matches, rows, strict=True)
        ],
        "held": [{"code": parcel.code, "name": parcel.name} for parcel in held],
    }
