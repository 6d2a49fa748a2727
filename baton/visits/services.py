"""Record trips and receptions; each change with its event, in one transaction.

Who may is ``rules``. A refusal raises ``ValidationError`` (bad input, keyed by field) or
``PermissionDenied`` (not the user's) and writes nothing. The leaders a record names act
on the projects it names once, as the record (``supervision.services.leader_acts_sync``):
on a trip they 考察 (go and see the company), at a reception they 洽谈.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.companies.models import Company
from baton.core.dates import local_date
from baton.core.messages import fill_in, too_long
from baton.leads import services as leads
from baton.leads.models import Lead, Source
from baton.org.models import District, Person, Unit
from baton.projects.rules import check_unit, event_time
from baton.projects.services import ConflictError
from baton.supervision.models import LeaderAct
from baton.supervision.services import leader_acts_sync

from . import rules
from .models import Reception, Trip, VisitEvent, VisitSettings

Kind = VisitEvent.Kind
STALE = "这条外出或接待记录已被他人修改，请刷新后重试。"
NOT_A_LEADER = "带队或接待领导须为在册的本区或本市领导。"
DATES_REVERSED = "返回日期不能早于出发日期。"
NOT_YET_BACK = "行程结束后才能报送出访信息。"
NOT_MET = "只能为本次拜访或来访的企业登记线索。"
NO_COMPANY = "请至少选择一家来访企业。"
NOTHING_CHANGED = "内容与原记录相同，未作修改。"
#: A trip's texts and their limits (the model's).
TEXTS = {"group": 50, "title": 200, "destinations": 200, "talks": 5000}
RECEPTION_TEXTS = {"visitors": 300, "hosts": 200, "talks": 5000}
LABELS = {
    "group": "组别",
    "title": "出访事由",
    "destinations": "目的地",
    "talks": "洽谈情况",
    "visitors": "来访人员",
    "hosts": "陪同人员",
    "report": "出访信息",
}
REQUIRED = ("title", "destinations", "visitors")
TRIP_LINKS = ("members", "leaders", "companies", "projects")
RECEPTION_LINKS = ("leaders", "companies", "projects", "parcels", "buildings")


def settings_of(district: District) -> VisitSettings:
    """The district's rules for trips: its own row, or the defaults (not saved)."""
    try:
        return district.visit_settings
    except VisitSettings.DoesNotExist:
        return VisitSettings(district=district)


def report_due(district: District, end: dt.date) -> dt.date:
    return end + dt.timedelta(days=settings_of(district).report_days)


@transaction.atomic
def settings_update(*, district: District, actor: User, report_days: Any) -> bool:
    """Set the district's report deadline (days after return); the trips not yet reported
    get their new deadline, the reported ones keep theirs. False when nothing changed."""
    if actor.role != User.Role.DISTRICT_OFFICE or actor.district_id != district.pk:
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    if isinstance(report_days, bool) or not isinstance(report_days, int):
        raise ValidationError({"report_days": [rules.BAD_REPORT_DAYS]})
    if not 1 <= report_days <= 90:
        raise ValidationError({"report_days": [rules.BAD_REPORT_DAYS]})
    row, _ = VisitSettings.objects.select_for_update().get_or_create(district=district)
    if row.report_days == report_days:
        return False
    row.report_days = report_days
    row.save()
    for trip in Trip.objects.filter(district=district, reported_at__isnull=True):
        trip.report_due = trip.end + dt.timedelta(days=report_days)
        trip.save(update_fields=["report_due"])
    return True


# --- checking what was given -----------------------------------------------------------


def _text(field: str, value: Any, limit: int) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if not text and field in REQUIRED:
        raise ValidationError({field: [fill_in(LABELS[field])]})
    if len(text) > limit:
        raise ValidationError({field: [too_long(limit, LABELS[field])]})
    return text


def _day(field: str, value: Any, label: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({field: [fill_in(label)]})
    if value > timezone.localdate():
        raise ValidationError({field: [f"{label}不能晚于今天（只登记已经发生的外出和来访）。"]})
    if value.year < 2000:
        raise ValidationError({field: [f"{label}早于 2000 年，请核对。"]})
    return value


def _of_district(district: District, field: str, rows: Iterable, label: str) -> list:
    rows = list(rows or [])
    for row in rows:
        if getattr(row, "district_id", None) != district.pk:
            raise ValidationError({field: [f"{label}“{row}”不属于本区。"]})
    return rows


def _people(district: District, members: Iterable, leaders: Iterable) -> tuple[list, list]:
    members = list(members or [])
    for person in members:
        if (
            not isinstance(person, Person)
            or person.city_id != district.city_id
            or (person.district_id not in (None, district.pk))
        ):
            raise ValidationError({"members": [f"“{person}”不是本区的人员。"]})
    leaders = list(leaders or [])
    for person in leaders:
        if (
            not isinstance(person, Person)
            or not person.is_leader
            or not person.is_active
            or (person.city_id != district.city_id or person.district_id not in (None, district.pk))
        ):
            raise ValidationError({"leaders": [NOT_A_LEADER]})
    return members, leaders


def _companies(district: District, companies: Iterable) -> list[Company]:
    rows = _of_district(district, "companies", companies, "企业")
    for company in rows:
        if company.merged_into_id:
            raise ValidationError({"companies": [leads.MERGED_COMPANY]})
    return rows


def _unit(actor: User | None, district: District, unit: Unit | None) -> Unit:
    if actor is not None and actor.role == User.Role.UNIT_STAFF:
        if unit is not None and unit.pk != actor.unit_id:
            raise PermissionDenied(rules.OWN_UNIT_ONLY)
        unit = actor.unit
    if unit is None:
        raise ValidationError({"unit": ["请选择组织单位。"]})
    try:
        check_unit(district, unit)
    except ValidationError as exc:
        raise ValidationError({"unit": exc.messages}) from None
    return unit


def _district(actor: User | None, district: District | None) -> District:
    if actor is not None:
        if not rules.can_register(actor):
            raise PermissionDenied(rules.NOT_A_WRITER)
        district = actor.district
    if district is None:
        raise ValidationError("请指定所属区。")
    return district


def _event(
    record: Trip | Reception,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    *,
    old: dict | None = None,
    new: dict | None = None,
) -> VisitEvent:
    key = "trip" if isinstance(record, Trip) else "reception"
    return VisitEvent.objects.create(
        **{key: record},
        district_id=record.district_id,
        kind=kind,
        actor=actor,
        at=at,
        old=old or {},
        new=new or {},
    )


def _lock(record: Any, expected_version: int | None) -> Any:
    fresh = type(record).objects.select_for_update().get(pk=record.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(STALE)
    for field in fresh._meta.concrete_fields:
        setattr(record, field.attname, getattr(fresh, field.attname))
    return record


def _ids(rows: Iterable[Any]) -> list[int]:
    return sorted(row.pk for row in rows)


def _sync_acts(
    record: Trip | Reception,
    actor: User,
    leaders: list,
    projects: list,
    kind: str,
    day: dt.date,
    at: dt.datetime,
) -> None:
    origin = LeaderAct.Origin.VISIT if isinstance(record, Trip) else LeaderAct.Origin.RECEPTION
    acts = [(leader, project, kind, day) for leader in leaders for project in projects]
    note = record.title if isinstance(record, Trip) else f"接待{record.visitors}"
    leader_acts_sync(
        origin=origin,
        origin_id=record.pk,
        district=record.district,
        acts=acts,
        actor=actor,
        note=note[:2000],
        at=at,
    )


# --- trips ------------------------------------------------------------------------------


def _trip_values(district: District, values: dict) -> tuple[dict, dict]:
    clean: dict[str, Any] = {f: _text(f, values.get(f), limit) for f, limit in TEXTS.items()}
    clean["start"] = _day("start", values.get("start"), "出发日期")
    clean["end"] = _day("end", values.get("end"), "返回日期")
    if clean["end"] < clean["start"]:
        raise ValidationError({"end": [DATES_REVERSED]})
    members, leaders_ = _people(district, values.get("members") or [], values.get("leaders") or [])
    links = {
        "members": members,
        "leaders": leaders_,
        "companies": _companies(district, values.get("companies") or []),
        "projects": _of_district(district, "projects", values.get("projects") or [], "项目"),
    }
    return clean, links


def _set_links(record: Trip | Reception, links: dict) -> None:
    for field, rows in links.items():
        getattr(record, field).set(rows)


@transaction.atomic
def trip_create(
    *,
    actor: User | None,
    unit: Unit | None = None,
    district: District | None = None,
    at: dt.datetime | None = None,
    **values: Any,
) -> Trip:
    """Record a trip of ``unit`` (a promoter's own unit); ``actor`` None is the command line."""
    district = _district(actor, district)
    unit = _unit(actor, district, unit)
    clean, links = _trip_values(district, values)
    at = event_time(at)
    trip = Trip.objects.create(
        district=district,
        unit=unit,
        report_due=report_due(district, clean["end"]),
        created_by=actor,
        created_at=at,
        updated_at=at,
        **clean,
    )
    _set_links(trip, links)
    if actor is not None:
        _sync_acts(trip, actor, links["leaders"], links["projects"], "inspect", trip.start, at)
    _event(trip, Kind.CREATED, actor, at, new={k: _ids(v) for k, v in links.items()})
    return trip


@transaction.atomic
def trip_update(
    *,
    trip: Trip,
    actor: User,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
    **values: Any,
) -> bool:
    """Change a trip to ``values`` (all its fields); False (nothing written) when equal."""
    _lock(trip, expected_version)
    if not rules.can_write(actor, trip):
        raise PermissionDenied(rules.NOT_YOURS)
    clean, links = _trip_values(trip.district, values)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for field, value in clean.items():
        if getattr(trip, field) != value:
            old[field], new[field] = str(getattr(trip, field)), str(value)
            setattr(trip, field, value)
    for field, rows in links.items():
        before = sorted(getattr(trip, field).values_list("pk", flat=True))
        if before != _ids(rows):
            old[field], new[field] = before, _ids(rows)
    if not new:
        return False
    at = event_time(at)
    trip.report_due = report_due(trip.district, trip.end)
    trip.version += 1
    trip.updated_at = at
    trip.save()
    _set_links(trip, links)
    _sync_acts(trip, actor, links["leaders"], links["projects"], "inspect", trip.start, at)
    _event(trip, Kind.UPDATED, actor, at, old=old, new=new)
    return True


@transaction.atomic
def trip_report(
    *, trip: Trip, actor: User | None, report: str, at: dt.datetime | None = None
) -> None:
    """File (or correct) the trip's report (出访信息报送): who was met, what was learnt.
    ``actor`` None is the command line (an import by the operator, the demo)."""
    _lock(trip, None)
    if actor is not None and not rules.can_write(actor, trip):
        raise PermissionDenied(rules.NOT_YOURS)
    text = str(report or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({"report": [fill_in(LABELS["report"])]})
    if len(text) > 5000:
        raise ValidationError({"report": [too_long(5000, LABELS["report"])]})
    at = event_time(at)
    if local_date(at) < trip.end:
        raise ValidationError(NOT_YET_BACK)
    first = trip.reported_at is None
    trip.report = text
    trip.reported_at = trip.reported_at or at
    trip.version += 1
    trip.updated_at = at
    trip.save()
    _event(
        trip,
        Kind.REPORTED,
        actor,
        at,
        new={"first": first, "late": local_date(at) > trip.report_due},
    )


def is_report_overdue(trip: Trip, today: dt.date) -> bool:
    return trip.reported_at is None and trip.report_due < today


# --- receptions -------------------------------------------------------------------------


def _reception_values(district: District, values: dict) -> tuple[dict, dict]:
    clean: dict[str, Any] = {f: _text(f, values.get(f), n) for f, n in RECEPTION_TEXTS.items()}
    clean["date"] = _day("date", values.get("date"), "来访日期")
    _, leaders_ = _people(district, [], values.get("leaders") or [])
    companies = _companies(district, values.get("companies") or [])
    if not companies:
        raise ValidationError({"companies": [NO_COMPANY]})
    links = {
        "leaders": leaders_,
        "companies": companies,
        "projects": _of_district(district, "projects", values.get("projects") or [], "项目"),
        "parcels": _of_district(district, "parcels", values.get("parcels") or [], "地块"),
        "buildings": _of_district(district, "buildings", values.get("buildings") or [], "载体"),
    }
    return clean, links


@transaction.atomic
def reception_create(
    *,
    actor: User | None,
    unit: Unit | None = None,
    district: District | None = None,
    at: dt.datetime | None = None,
    **values: Any,
) -> Reception:
    """Record a reception by ``unit`` (a promoter's own unit)."""
    district = _district(actor, district)
    unit = _unit(actor, district, unit)
    clean, links = _reception_values(district, values)
    at = event_time(at)
    reception = Reception.objects.create(
        district=district, unit=unit, created_by=actor, created_at=at, updated_at=at, **clean
    )
    _set_links(reception, links)
    if actor is not None:
        _sync_acts(
            reception, actor, links["leaders"], links["projects"], "negotiate", clean["date"], at
        )
    _event(reception, Kind.CREATED, actor, at, new={k: _ids(v) for k, v in links.items()})
    return reception


@transaction.atomic
def reception_update(
    *,
    reception: Reception,
    actor: User,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
    **values: Any,
) -> bool:
    _lock(reception, expected_version)
    if not rules.can_write(actor, reception):
        raise PermissionDenied(rules.NOT_YOURS)
    clean, links = _reception_values(reception.district, values)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for field, value in clean.items():
        if getattr(reception, field) != value:
            old[field], new[field] = str(getattr(reception, field)), str(value)
            setattr(reception, field, value)
    for field, rows in links.items():
        before = sorted(getattr(reception, field).values_list("pk", flat=True))
        if before != _ids(rows):
            old[field], new[field] = before, _ids(rows)
    if not new:
        return False
    at = event_time(at)
    reception.version += 1
    reception.updated_at = at
    reception.save()
    _set_links(reception, links)
    _sync_acts(
        reception, actor, links["leaders"], links["projects"], "negotiate", reception.date, at
    )
    _event(reception, Kind.UPDATED, actor, at, old=old, new=new)
    return True


# --- leads produced ---------------------------------------------------------------------


@transaction.atomic
def lead_produce(
    *,
    record: Trip | Reception,
    actor: User | None,
    company: Company,
    confirmed: bool = False,
    at: dt.datetime | None = None,
    **values: Any,
) -> Lead:
    """Register a lead for a company the trip met or the reception received, in the
    record's unit's name (the leads' rules: 首报首谈, 撞车, thresholds), and link it.
    ``actor`` None is the command line (the demo, an import by the operator)."""
    _lock(record, None)
    if actor is not None and not rules.can_write(actor, record):
        raise PermissionDenied(rules.NOT_YOURS)
    if not record.companies.filter(pk=company.pk).exists():
        raise ValidationError({"company": [NOT_MET]})
    if isinstance(record, Trip):
        source, detail = Source.RESIDENT, f"外出招商：{record.title}"
    else:
        source, detail = Source.VISIT, f"来访接待：{record.date:%Y-%m-%d} {record.visitors}"
    office = actor is None or actor.role == User.Role.DISTRICT_OFFICE
    unit = record.unit if office else None
    lead = leads.lead_register(
        actor=actor,
        company=company,
        unit=unit,
        confirmed=confirmed,
        at=at,
        source=source,
        source_detail=detail[:200],
        **values,
    )
    record.leads.add(lead)
    _event(record, Kind.LEAD, actor, lead.reported_at, new={"lead": lead.pk, "code": lead.code})
    return lead
