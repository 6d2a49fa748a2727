"""The API's reference data: the stages, the units a user may hand to, the industries."""

from ninja import Router, Schema

from baton.accounts.areas import area_of, units_in
from baton.accounts.models import User
from baton.core.api import DistrictRef, Error

from .models import REQUIRABLE_FIELDS, Industry, Stage

reference_router = Router(tags=["基础数据"])


def visible_units(user: User):
    """Promotion units of the user's area (a unit's: its district's): the possible holders
    of its projects (never a 协调部门)."""
    return units_in(area_of(user)).promotion().select_related("district")


class RequiredFieldOut(Schema):
    field: str
    label: str


class StageOut(Schema):
    code: str
    name: str
    order: int
    report_group: str
    is_terminal: bool
    allows_milestones: bool
    required_fields: list[RequiredFieldOut]


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    kind_label: str
    district: DistrictRef
    is_active: bool


class IndustryOut(Schema):
    id: int
    name: str


@reference_router.get("/stages", response={200: list[StageOut], 401: Error}, summary="项目阶段")
def stage_index(request):
    return [
        {
            "code": stage.code,
            "name": stage.name,
            "order": stage.order,
            "report_group": stage.report_group,
            "is_terminal": stage.is_terminal,
            "allows_milestones": stage.allows_milestones,
            "required_fields": [
                {"field": field, "label": str(REQUIRABLE_FIELDS.get(field, field))}
                for field in stage.required_fields
            ],
        }
        for stage in Stage.objects.order_by("order")
    ]


@reference_router.get("/units", response={200: list[UnitOut], 401: Error}, summary="招商单位")
def unit_index(request):
    """您所在区（市招商办：全市）的招商单位，用于交接、协同单位等字段。"""
    return [
        {
            "id": unit.pk,
            "name": unit.name,
            "short_name": unit.short_name,
            "kind": unit.kind,
            "kind_label": str(unit.get_kind_display()),
            "district": {"code": unit.district.code, "name": unit.district.name},
            "is_active": unit.is_active,
        }
        for unit in visible_units(request.auth).order_by("district__code", "order", "id")
    ]


@reference_router.get("/industries", response={200: list[IndustryOut], 401: Error}, summary="行业")
def industry_index(request):
    return [{"id": industry.pk, "name": industry.name} for industry in Industry.objects.all()]
