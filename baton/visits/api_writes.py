"""Recording trips and receptions over the API, and filing a trip's report — the pages'
rules (``rules``, ``services``): a record outside what the user sees is a 404, a write the
user may not make a 403, bad input the service's 422 in Chinese by field, nothing written.

People, companies, projects, parcels and buildings are given by id; an id the district does
not have is refused by field (422).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Status

from baton.companies.models import Company
from baton.core.api import Error, Id, In, IsoDate, QueryId, Text
from baton.land.models import Building, Parcel
from baton.org.models import Person, Unit
from baton.projects.models import Project

from . import rules, services
from .api import TRIP_NOT_FOUND, ReceptionOut, TripOut, _reception, _trip, router

_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


class _RecordIn(In):
    unit: Id | None = Field(None, description="单位 id（区招商办必填；单位招商员为本单位）")
    leaders: list[Id] = Field(default_factory=list, max_length=50, description="领导的人员 id")
    companies: list[Id] = Field(default_factory=list, max_length=200, description="企业 id")
    projects: list[Id] = Field(default_factory=list, max_length=50, description="项目 id")
    talks: Text = Field("", max_length=5000, description="洽谈情况")


class TripIn(_RecordIn):
    group: Text = Field("", max_length=50, description="组别（招商小分队）")
    title: Text = Field(max_length=200, description="出访事由")
    start: IsoDate = Field(description="出发日期")
    end: IsoDate = Field(description="返回日期")
    destinations: Text = Field(max_length=200, description="目的地")
    members: list[Id] = Field(default_factory=list, max_length=50, description="成员的人员 id")


class ReceptionIn(_RecordIn):
    date: IsoDate = Field(description="来访日期")
    visitors: Text = Field(max_length=300, description="来访人员")
    hosts: Text = Field("", max_length=200, description="陪同人员")
    parcels: list[Id] = Field(default_factory=list, max_length=50, description="地块 id")
    buildings: list[Id] = Field(default_factory=list, max_length=50, description="载体 id")


class TripReportIn(In):
    report: Text = Field(max_length=5000, description="出访信息")


#: A list field → (its model, the district's rows by id).
_LINKS = {
    "members": Person,
    "leaders": Person,
    "companies": Company,
    "projects": Project,
    "parcels": Parcel,
    "buildings": Building,
}


def _rows(field: str, ids: list[int]) -> list:
    """The rows of ``ids`` (the services check their district); an unknown id is a 422."""
    found = {row.pk: row for row in _LINKS[field].objects.filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({field: f"不存在的 id：{'、'.join(missing)}。"})
    return [found[pk] for pk in dict.fromkeys(ids)]


def _values(user, payload: In) -> tuple[Unit | None, dict]:
    if not rules.can_register(user):
        raise PermissionDenied(rules.NOT_A_WRITER)
    values = payload.model_dump()
    unit_id = values.pop("unit", None)
    unit = None
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id, district_id=user.district_id).first()
        if unit is None:
            raise ValidationError({"unit": "单位不存在或不是本区的单位。"})
    for field in _LINKS:
        if field in values:
            values[field] = _rows(field, values[field])
    return unit, values


@router.post("/visits", response={201: TripOut, **_ERRORS}, summary="登记外出招商")
def trip_new(request, payload: TripIn):
    """本区的单位招商员（以本单位名义）和区招商办（须给出 unit）登记一次外出招商。"""
    unit, values = _values(request.auth, payload)
    trip = services.trip_create(actor=request.auth, unit=unit, **values)
    return Status(201, _trip(trip))


@router.post("/visits/{pk}/report", response={200: TripOut, **_ERRORS}, summary="报送出访信息")
def trip_report(request, pk: QueryId, payload: TripReportIn):
    """外出的单位招商员和区招商办在返回后报送（或修改）出访信息。"""
    trip = rules.visible_trips(request.auth).filter(pk=pk).first()
    if trip is None:
        raise Http404(TRIP_NOT_FOUND)
    if not rules.can_write(request.auth, trip):
        raise PermissionDenied(rules.NOT_YOURS)
    services.trip_report(trip=trip, actor=request.auth, report=payload.report)
    return _trip(trip)


@router.post("/receptions", response={201: ReceptionOut, **_ERRORS}, summary="登记来访接待")
def reception_new(request, payload: ReceptionIn):
    """本区的单位招商员（以本单位名义）和区招商办（须给出 unit）登记一次来访接待。"""
    unit, values = _values(request.auth, payload)
    reception = services.reception_create(actor=request.auth, unit=unit, **values)
    return Status(201, _reception(reception))
