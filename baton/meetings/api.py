"""月例会 in the HTTP API: ``/meetings`` (list, one meeting with its agenda, attendance,
minutes and decisions; open the next one), its decisions recorded and closed.

The pages' rules (``rules``, ``services``): a meeting outside what the user sees is a 404
(the district office and leaders: the district's; the city: its districts'; a unit: the
meetings with a decision assigned to it, and those decisions only); a write the user may
not make is a 403; bad input the service's 422 in Chinese by field; a stale ``version`` 409.
"""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from baton.core.api import Error, Id, In, IsoDate, QueryId, Ref, Text, refuse_unknown_params
from baton.org.models import Person, Unit
from baton.projects.models import Project

from . import rules, services, services_decisions
from .models import Decision, Meeting
from .selectors import (
    decision_get,
    meeting_decisions,
    meeting_get,
    meeting_list,
)

router = Router(tags=["月例会"])
_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
MAX_SIZE = 100
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class MeetingFilters(Schema):
    page: Annotated[int, Field(ge=1, le=1_000_000)] = Field(1, description="页码（从 1 起）")
    size: Annotated[int, Field(ge=1, le=MAX_SIZE)] = Field(20, description="每页条数")


class AgendaOut(Schema):
    order: int
    kind: str
    text: str
    url: str = Field(description="议题所依据的清单（项目、问题、投资信息或考核排名）")
    decision: int | None = Field(None, description="前次例会未办结决定事项的 id")


class AttendanceOut(Schema):
    unit: Ref | None
    person: Ref | None
    present: bool
    reason: str


class DecisionOut(Schema):
    id: int
    meeting: int
    number: int
    text: str
    owner_unit: Ref
    owner_person: Ref | None
    deadline: dt.date
    project: str | None = Field(None, description="项目编号")
    supervision: int | None = Field(None, description="督办的 id（关联项目的决定事项）")
    open: bool = Field(description="是否未办结（督办的，以督办状态为准）")
    status: str
    closing_note: str
    closed_at: dt.datetime | None
    version: int


class MeetingOut(Schema):
    id: int
    url: str
    district: str
    month: str = Field(description="所议月份，年-月")
    title: str
    status: str
    date: dt.date | None
    time: str | None
    place: str
    chair: Ref | None
    number: str = Field(description="纪要文号（定稿后）")
    figures_as_of: dt.date
    version: int


class MeetingDetail(MeetingOut):
    agenda: list[AgendaOut]
    attendance: list[AttendanceOut]
    minutes: str
    decisions: list[DecisionOut]


class MeetingPage(Schema):
    items: list[MeetingOut]
    count: int
    page: int
    pages: int


class MeetingIn(In):
    month: Annotated[str, Field(pattern=MONTH)] | None = Field(
        None, description="所议月份，年-月；不填为下一次例会的月份"
    )


class DecisionIn(In):
    text: Text = Field(max_length=2000, description="决定事项")
    deadline: IsoDate = Field(description="办结时限")
    project: Id | None = Field(None, description="项目 id：作为该项目的督办下达")
    owner_person: Id | None = Field(None, description="督办领导（关联项目时必填）或责任人的人员 id")
    owner_unit: Id | None = Field(None, description="责任单位 id（未关联项目时必填）")
    version: Id | None = Field(None, description="读到的例会版本号（乐观锁）")


class CloseIn(In):
    note: Text = Field(max_length=2000, description="办结情况")
    version: Id | None = Field(None, description="读到的决定事项版本号（乐观锁）")


def _ref(row) -> dict | None:
    return {"id": row.pk, "name": row.name} if row is not None else None


def _meeting(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "url": reverse("meetings:detail", args=[m.pk]),
        "district": m.district.name,
        "month": f"{m.month:%Y-%m}",
        "title": m.title,
        "status": m.status,
        "date": m.date,
        "time": m.time or None,
        "place": m.place,
        "chair": _ref(m.chair),
        "number": m.number,
        "figures_as_of": m.figures_as_of,
        "version": m.version,
    }


def _decision(d: Decision) -> dict:
    return {
        "id": d.pk,
        "meeting": d.meeting_id,
        "number": d.number,
        "text": d.text,
        "owner_unit": _ref(d.owner_unit),
        "owner_person": _ref(d.owner_person),
        "deadline": d.deadline,
        "project": d.project.code if d.project_id else None,
        "supervision": d.supervision_id,
        "open": d.is_open,
        "status": d.status_label,
        "closing_note": d.closing_note,
        "closed_at": timezone.localtime(d.closed_at) if d.closed_at else None,
        "version": d.version,
    }


def _detail(user, m: Meeting) -> dict:
    whole = rules.sees_whole_meeting(user, m)
    return {
        **_meeting(m),
        "agenda": [
            {
                "order": i.order,
                "kind": i.kind,
                "text": i.text,
                "url": i.url,
                "decision": i.decision_id,
            }
            for i in (m.agenda.all() if whole else [])
        ],
        "attendance": [
            {
                "unit": _ref(a.unit),
                "person": _ref(a.person),
                "present": a.present,
                "reason": a.reason,
            }
            for a in (m.attendance.select_related("unit", "person") if whole else [])
        ],
        "minutes": m.minutes if whole else "",
        "decisions": [_decision(d) for d in meeting_decisions(user=user, meeting=m)],
    }


@router.get("/meetings", response={200: MeetingPage, **_ERRORS}, summary="月例会列表")
def meeting_index(request, params: Query[MeetingFilters]):
    """您能看到的月例会（区招商办和区领导：本区；市：全市各区；单位：有交办本单位决定事项的），
    按所议月份从新到旧，按页码分页。"""
    refuse_unknown_params(request, MeetingFilters)
    if not rules.reads(request.auth):
        raise PermissionDenied(rules.NO_MEETINGS_FOR_ROLE)
    pages = Paginator(meeting_list(user=request.auth), params.size)
    page = pages.get_page(params.page)
    return {
        "items": [_meeting(m) for m in page],
        "count": pages.count,
        "page": page.number,
        "pages": pages.num_pages,
    }


@router.post("/meetings", response={201: MeetingDetail, **_ERRORS}, summary="建立下月例会")
def meeting_new(request, payload: MeetingIn):
    """区招商办建立本区一次例会（默认为下一次），议程按该月数据起草。"""
    if not rules.can_prepare(request.auth):  # who may, before what was asked
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    month = None
    if payload.month:
        year, number = payload.month.split("-")
        if int(year) < 2000:  # year 0 is no date at all; the service says why for the rest
            raise ValidationError({"month": [services.TOO_EARLY]})
        month = dt.date(int(year), int(number), 1)
    meeting = services.meeting_create(actor=request.auth, month=month)
    return Status(201, _detail(request.auth, meeting))


@router.get("/meetings/{pk}", response={200: MeetingDetail, **_ERRORS}, summary="一次月例会")
def meeting_read(request, pk: QueryId):
    """例会的议程、出席情况、纪要和决定事项（单位只见交办本单位的决定事项）。"""
    return _detail(request.auth, meeting_get(user=request.auth, pk=pk))


def _row(model, pk: int | None, field: str):
    if pk is None:
        return None
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise ValidationError({field: f"不存在的 id：{pk}。"})
    return row


@router.post(
    "/meetings/{pk}/decisions", response={201: DecisionOut, **_ERRORS}, summary="记录决定事项"
)
def decision_new(request, pk: QueryId, payload: DecisionIn):
    """区招商办记录决定事项：给出项目的，作为该项目的督办下达（须给出督办领导）；否则为
    责任单位的待办。"""
    meeting = meeting_get(user=request.auth, pk=pk)
    if not rules.can_write(request.auth, meeting):
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    decision = services_decisions.decision_record(
        meeting=meeting,
        actor=request.auth,
        text=payload.text,
        deadline=payload.deadline,
        project=_row(Project, payload.project, "project"),
        owner_person=_row(Person, payload.owner_person, "owner_person"),
        owner_unit=_row(Unit, payload.owner_unit, "owner_unit"),
        expected_version=payload.version,
    )
    return Status(201, _decision(decision))


@router.post(
    "/meetings/decisions/{pk}/close", response={200: DecisionOut, **_ERRORS}, summary="办结决定事项"
)
def decision_close(request, pk: QueryId, payload: CloseIn):
    """区招商办办结决定事项（督办的，须交办单位已报送办理情况，即确认督办办结）。"""
    found = decision_get(user=request.auth, pk=pk)
    if not rules.can_write(request.auth, found.meeting):
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    services_decisions.decision_close(
        decision=found, actor=request.auth, note=payload.note, expected_version=payload.version
    )
    found.refresh_from_db()
    return _decision(found)
