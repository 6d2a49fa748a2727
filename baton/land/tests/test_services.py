"""Reserving, releasing and the supply status: events on both sides, one holder per parcel."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from baton.land import services
from baton.land.models import ParcelEvent, ParcelReservation
from baton.projects.models import ProjectEvent
from baton.testing import make_project, stage

from .helpers import land_state, make_parcel

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcel(w):
    return make_parcel(w, "XA-T-01", mu=80)


@pytest.fixture
def talks(w):
    return make_project(w, name="氢能装备产业园", stage=stage("negotiating"), investor="氢能集团")


def test_reserving_is_an_event_on_the_parcel_and_on_the_project(w, parcel, talks):
    version = talks.version
    reservation = services.parcel_reserve(
        parcel=parcel, project=talks, actor=w.office, until=timezone.localdate(), note="洽谈中"
    )
    parcel.refresh_from_db()
    talks.refresh_from_db()
    assert parcel.status == "reserved" and parcel.open_reservation() == reservation
    event = ParcelEvent.objects.get(kind="reserved")
    assert event.project == talks and event.actor == w.office and event.new["project"] == talks.code
    timeline = ProjectEvent.objects.get(project=talks, kind="land_reserved")
    assert timeline.new["parcel"] == "XA-T-01" and timeline.at == event.at
    assert "预留地块 XA-T-01" in timeline.reason and "洽谈中" in timeline.reason
    assert talks.version == version  # a reservation is not an edit of the project
    assert talks.updated_at == timeline.at


def test_a_parcel_held_by_one_project_is_refused_to_another(w, parcel, talks):
    services.parcel_reserve(parcel=parcel, project=talks, actor=w.office)
    other = make_project(w, name="光伏组件工厂", stage=stage("intent"))
    before = land_state()
    with pytest.raises(ValidationError) as refused:
        services.parcel_reserve(parcel=parcel, project=other, actor=w.office)
    assert (
        "已被其他项目预留" in refused.value.messages[0]
        and talks.name not in refused.value.messages[0]
    )
    assert "不能同时预留给两个项目" in refused.value.messages[0]
    assert land_state() == before


def test_the_database_refuses_a_second_holder_whatever_the_service_checks(w, parcel, talks):
    services.parcel_reserve(parcel=parcel, project=talks, actor=w.office)
    other = make_project(w, name="光伏组件工厂", stage=stage("intent"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ParcelReservation.objects.create(
            parcel=parcel, project=other, district=w.district, reserved_at=timezone.now()
        )


def test_a_race_past_the_check_still_meets_the_constraint(w, parcel, talks, monkeypatch):
    """Two reservations that both saw the parcel free: the second is refused, nothing half-written."""
    other = make_project(w, name="光伏组件工厂", stage=stage("intent"))
    ParcelReservation.objects.create(
        parcel=parcel, project=other, district=w.district, reserved_at=timezone.now()
    )  # the first, committed while the second was checking
    monkeypatch.setattr(type(parcel), "open_reservation", lambda self: None)
    before = land_state()
    with pytest.raises(ValidationError) as refused:
        services.parcel_reserve(parcel=parcel, project=talks, actor=w.office)
    assert "刚刚已被预留" in refused.value.messages[0]
    assert land_state() == before


@pytest.mark.parametrize("status", ["reserve", "sold"])
def test_only_available_land_is_reserved(w, talks, status):
    parcel = make_parcel(w, "XA-T-09", status=status)
    with pytest.raises(ValidationError, match="只有“可供”的地块可以预留"):
        services.parcel_reserve(parcel=parcel, project=talks, actor=w.office)


def test_a_project_of_another_district_cannot_hold_the_parcel(w, parcel):
    tongan = make_project(w, unit=w.tongan_unit, actor=w.tongan_office, stage=stage("intent"))
    with pytest.raises(ValidationError, match="不能预留翔安区的地块"):
        services.parcel_reserve(parcel=parcel, project=tongan, actor=w.office)


@pytest.mark.parametrize("code", ["planning", "stopped"])
def test_a_project_only_planned_or_stopped_cannot_hold_land(w, parcel, code):
    project = make_project(w, stage=stage("planning"))
    if code == "stopped":
        from baton.projects import services as project_services

        project_services.project_move(
            project=project, stage=stage("stopped"), actor=w.promoter, reason="投资方放弃"
        )
    with pytest.raises(ValidationError, match="阶段的项目不能预留地块"):
        services.parcel_reserve(parcel=parcel, project=project, actor=w.office)


def test_a_reservation_cannot_be_dated_before_the_project_history(w, parcel, talks):
    with pytest.raises(ValidationError, match="项目历史只能向后追加"):
        services.parcel_reserve(
            parcel=parcel, project=talks, actor=w.office, at=talks.updated_at - dt.timedelta(days=1)
        )


def test_releasing_needs_a_reason_and_is_an_event_on_both_sides(w, parcel, talks):
    services.parcel_reserve(parcel=parcel, project=talks, actor=w.promoter)
    with pytest.raises(ValidationError, match="必须说明原因"):
        services.parcel_release(parcel=parcel, actor=w.office, reason="  ")
    reservation = services.parcel_release(parcel=parcel, actor=w.office, reason="投资方改选同安")
    parcel.refresh_from_db()
    assert parcel.status == "available" and parcel.open_reservation() is None
    assert reservation.released_by == w.office and reservation.release_reason == "投资方改选同安"
    assert ParcelEvent.objects.filter(kind="released", project=talks).count() == 1
    event = ProjectEvent.objects.get(project=talks, kind="land_released")
    assert "释放地块 XA-T-01" in event.reason and "投资方改选同安" in event.reason
    other = make_project(w, name="光伏组件工厂", stage=stage("intent"))
    services.parcel_reserve(parcel=parcel, project=other, actor=w.office)  # free again
    assert ParcelReservation.objects.filter(parcel=parcel).count() == 2


def test_nothing_to_release_on_a_free_parcel(w, parcel):
    with pytest.raises(ValidationError, match="没有可释放的预留"):
        services.parcel_release(parcel=parcel, actor=w.office, reason="误操作")


def test_the_supply_status_moves_and_a_sold_parcel_keeps_its_holder(w, talks):
    parcel = make_parcel(w, "XA-T-02", status="reserve")
    services.parcel_set_status(
        parcel=parcel, status="available", actor=w.office, on=dt.date(2019, 7, 1)
    )
    parcel.refresh_from_db()
    assert parcel.status == "available" and parcel.supply_date == dt.date(2019, 7, 1)
    services.parcel_reserve(parcel=parcel, project=talks, actor=w.office)
    services.parcel_set_status(parcel=parcel, status="sold", actor=w.office, reason="挂牌成交")
    parcel.refresh_from_db()
    assert parcel.status == "sold" and parcel.sold_on == timezone.localdate()
    assert parcel.open_reservation().project == talks
    event = ParcelEvent.objects.filter(kind="status").last()
    assert event.project == talks and event.old == {"status": "reserved"}
    with pytest.raises(ValidationError, match="不能从“已出让”改为"):
        services.parcel_set_status(parcel=parcel, status="available", actor=w.office)
    with pytest.raises(ValidationError, match="没有可释放的预留"):
        services.parcel_release(parcel=parcel, actor=w.office, reason="反悔")


@pytest.mark.parametrize(
    ("start", "target", "message"),
    [
        ("reserve", "sold", "不能从“储备”改为“已出让”"),
        ("available", "reserved", "须为具体项目预留"),
        ("available", "available", "地块已是“可供”"),
        ("available", "nonsense", "供应状态无效"),
    ],
)
def test_status_moves_that_make_no_sense_are_refused(w, start, target, message):
    parcel = make_parcel(w, "XA-T-03", status=start)
    before = land_state()
    with pytest.raises(ValidationError, match=message):
        services.parcel_set_status(parcel=parcel, status=target, actor=w.office)
    assert land_state() == before


def test_a_sale_date_in_the_future_is_refused(w, parcel):
    with pytest.raises(ValidationError, match="出让日期不能晚于今天"):
        services.parcel_set_status(
            parcel=parcel,
            status="sold",
            actor=w.office,
            on=timezone.localdate() + dt.timedelta(days=3),
        )
