"""Every write to parcels and buildings, each parcel change with its event.

Reserving a parcel for a project, and releasing it, is an event on both sides: a
``ParcelEvent`` here and a ``ProjectEvent`` (预留地块 / 释放预留地块) on the project's
timeline, written in the same transaction. Services assume the caller checked the
actor's permission (``permissions``); they validate the step itself and raise
``ValidationError`` with a Chinese message, writing nothing, when it is not allowed.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.org.models import District
from baton.projects.models import Industry, Project, ProjectEvent, Stage

# The project side of a reservation goes through the projects app's services, so its row
# lock, "history only grows forward" rule and event writing stay in one place.
from baton.projects.services import (
    event_time,
    json_value,
    project_check_time,
    project_lock_for_change,
    project_record,
)

from .geometry import Outline
from .models import Building, Parcel, ParcelEvent, ParcelReservation

Status = Parcel.Status
Kind = ParcelEvent.Kind
#: Fields an import may set on a parcel (besides the geometry and its derived values).
PARCEL_FIELDS = (
    "name",
    "town",
    "address",
    "declared_area_mu",
    "land_use",
    "planned_use",
    "industries",
    "far_min",
    "far_max",
    "status",
    "supply_date",
    "sold_on",
    "price_wan_per_mu",
    "note",
)
#: Moves of the supply status a district office makes by hand (预留 has its own service).
STATUS_MOVES = {
    Status.RESERVE: (Status.AVAILABLE,),
    Status.AVAILABLE: (Status.RESERVE, Status.SOLD),
    Status.RESERVED: (Status.SOLD,),
    Status.SOLD: (),
}

STATUS_INVALID = "供应状态无效。"
NOTE_TOO_LONG = "说明不能超过 500 个字。"
REASON_TOO_LONG = "原因不能超过 500 个字。"
UNTIL_PAST = "预留期限不能早于今天。"


def not_reservable(parcel: Parcel) -> str:
    """Why a parcel that is not 可供 cannot be reserved."""
    return f"地块 {parcel.code} 当前为“{parcel.get_status_display()}”，只有“可供”的地块可以预留。"


def nothing_to_release(parcel: Parcel) -> str:
    """Why a parcel that is not 已预留 has no reservation to release."""
    return f"地块 {parcel.code} 当前为“{parcel.get_status_display()}”，没有可释放的预留。"


def _parcel_event(
    parcel: Parcel,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    *,
    project: Project | None = None,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
) -> ParcelEvent:
    return ParcelEvent.objects.create(
        parcel=parcel,
        district_id=parcel.district_id,
        kind=kind,
        project=project,
        actor=actor,
        at=at,
        old=old or {},
        new=new or {},
        reason=reason,
    )


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def _set_outline(parcel: Parcel, outline: Outline) -> None:
    parcel.geometry = outline.geojson
    parcel.area_m2 = outline.area_m2
    parcel.area_mu = outline.area_mu
    parcel.centroid_lon, parcel.centroid_lat = outline.centroid


# --- import ------------------------------------------------------------------------------


@transaction.atomic
def parcel_create(
    *,
    actor: User | None,
    code: str,
    district: District,
    outline: Outline,
    values: dict,
    at: dt.datetime | None = None,
) -> Parcel:
    """Create a parcel from checked values (the importer's rows); ``values`` ⊆ PARCEL_FIELDS."""
    at = event_time(at)
    values = dict(values)
    industries = values.pop("industries", [])
    status = values.setdefault("status", Status.RESERVE)
    if status == Status.RESERVED:
        raise ValidationError("“已预留”须在地图上为具体项目预留，导入时不能直接设定。")
    parcel = Parcel(
        code=code, district=district, status_since=_local_date(at), created_at=at, updated_at=at
    )
    _set_outline(parcel, outline)
    for field, value in values.items():
        setattr(parcel, field, value)
    parcel.save()
    parcel.industries.set(industries)
    new = {"area_mu": json_value(parcel.area_mu), **{f: json_value(v) for f, v in values.items()}}
    new["industries"] = json_value(industries)
    _parcel_event(parcel, Kind.IMPORTED, actor, at, new=new)
    return parcel


def parcel_changes(parcel: Parcel, outline: Outline | None, values: dict) -> tuple[dict, dict]:
    """Return the (old, new) JSON values an update with ``outline`` and ``values`` makes."""
    old, new = {}, {}
    if outline is not None and outline.geojson != parcel.geometry:
        old["geometry"], new["geometry"] = "（原边界）", "（新边界）"
        if outline.area_mu != parcel.area_mu:
            old["area_mu"], new["area_mu"] = json_value(parcel.area_mu), json_value(outline.area_mu)
    for field, value in values.items():
        if field == "industries":
            before = set(parcel.industries.all()) if parcel.pk else set()
            if before != set(value):
                old[field], new[field] = json_value(before), json_value(value)
            continue
        before = getattr(parcel, field)
        if before != value:
            old[field], new[field] = json_value(before), json_value(value)
    return old, new


@transaction.atomic
def parcel_update(
    *,
    parcel: Parcel,
    actor: User | None,
    outline: Outline | None = None,
    values: dict,
    at: dt.datetime | None = None,
) -> bool:
    """Apply an import's values to a parcel; return False (writing nothing) when all equal."""
    at = event_time(at)
    parcel = Parcel.objects.select_for_update().get(pk=parcel.pk)
    old, new = parcel_changes(parcel, outline, values)
    if not new:
        return False
    if "status" in new:
        _check_status_move(parcel, values["status"], by_import=True)
        parcel.status_since = _local_date(at)
    if outline is not None:
        _set_outline(parcel, outline)
    for field, value in values.items():
        if field != "industries":
            setattr(parcel, field, value)
    parcel.updated_at = at
    parcel.save()
    if "industries" in new:
        parcel.industries.set(values["industries"])
    _parcel_event(parcel, Kind.UPDATED, actor, at, old=old, new=new)
    return True


def _check_status_move(parcel: Parcel, status: str, *, by_import: bool = False) -> None:
    if status == parcel.status:
        return
    if status == Status.RESERVED:
        raise ValidationError("“已预留”须为具体项目预留，不能直接设定。")
    if parcel.status in (Status.RESERVED, Status.SOLD) and by_import:
        holder = parcel.open_reservation()
        who = f"（项目 {holder.project.code}“{holder.project.name}”）" if holder else ""
        raise ValidationError(
            f"地块 {parcel.code} 当前为“{parcel.get_status_display()}”{who}，"
            "导入不能改变其供应状态；如需变更，请在招商地图上操作。"
        )
    # An import restates the land bureau's books: 储备, 可供 and 已出让 as they stand there.
    if not by_import and status not in STATUS_MOVES[Status(parcel.status)]:
        raise ValidationError(
            f"地块 {parcel.code} 不能从“{parcel.get_status_display()}”改为"
            f"“{Status(status).label}”。"
        )


@transaction.atomic
def building_save(
    *, code: str, district: District, values: dict, industries: list[Industry] | None = None
) -> tuple[Building, str]:
    """Create or update a building; return it and "created", "updated" or "unchanged"."""
    building = Building.objects.select_for_update().filter(code=code).first()
    if building is None:
        building = Building(code=code, district=district, **values)
        building.save()
        building.industries.set(industries or [])
        return building, "created"
    changed = [f for f, v in values.items() if getattr(building, f) != v]
    if industries is not None and set(building.industries.all()) != set(industries):
        building.industries.set(industries)
        changed.append("industries")
    if not changed:
        return building, "unchanged"
    for field, value in values.items():
        setattr(building, field, value)
    building.updated_at = timezone.now()
    building.save()
    return building, "updated"


# --- supply status -----------------------------------------------------------------------


@transaction.atomic
def parcel_set_status(
    *,
    parcel: Parcel,
    status: str,
    actor: User | None,
    on: dt.date | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> ParcelEvent:
    """储备 ↔ 可供, 可供/已预留 → 已出让 (a reserved parcel is sold to its holder)."""
    at = event_time(at)
    parcel = Parcel.objects.select_for_update().get(pk=parcel.pk)
    if status not in Status.values:
        raise ValidationError({"status": STATUS_INVALID})
    if status == parcel.status:
        raise ValidationError({"status": f"地块已是“{parcel.get_status_display()}”。"})
    _check_status_move(parcel, status)
    on = on or _local_date(at)
    if on > _local_date(timezone.now()) and status == Status.SOLD:
        raise ValidationError({"on": "出让日期不能晚于今天。"})
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError({"reason": NOTE_TOO_LONG})
    old = {"status": parcel.status}
    new = {"status": status}
    if status == Status.AVAILABLE:
        old["supply_date"], new["supply_date"] = json_value(parcel.supply_date), on.isoformat()
        parcel.supply_date = on
    if status == Status.SOLD:
        new["sold_on"] = on.isoformat()
        parcel.sold_on = on
    holder = parcel.open_reservation()
    parcel.status = status
    parcel.status_since = on
    parcel.updated_at = at
    parcel.save()
    return _parcel_event(
        parcel,
        Kind.STATUS,
        actor,
        at,
        project=holder.project if holder else None,
        old=old,
        new=new,
        reason=reason,
    )


# --- reservation -------------------------------------------------------------------------


def reservable_stage(stage: Stage) -> bool:
    """A project past its first rung (策划 is only an idea) and not stopped may hold land."""
    first = Stage.objects.filter(is_terminal=False).order_by("order").values_list("pk", flat=True)
    return not stage.is_terminal and stage.pk != first.first()


@transaction.atomic
def parcel_reserve(
    *,
    parcel: Parcel,
    project: Project,
    actor: User,
    until: dt.date | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> ParcelReservation:
    """预留: let ``project`` hold an available parcel of its district.

    A parcel already held is refused here (without the holder's name, which the actor
    may not be allowed to see), and by the database
    (``parcel_one_holder``) should two reservations race past this check.
    """
    parcel = Parcel.objects.select_for_update().select_related("district").get(pk=parcel.pk)
    holder = parcel.open_reservation()
    if holder is not None:
        raise ValidationError(  # not naming the holder: the actor may not see that project
            f"地块 {parcel.code}“{parcel.name}”已被其他项目预留，一块地不能同时预留给两个项目；"
            "如需调整，请先由预留方释放原预留。",
            code="held",
        )
    if parcel.status != Status.AVAILABLE:
        raise ValidationError(not_reservable(parcel), code="status")
    at = project_lock_for_change(project, at)  # "now" once both rows are locked
    if project.district_id != parcel.district_id:
        raise ValidationError(
            {"project": f"项目属于{project.district.name}，不能预留{parcel.district.name}的地块。"}
        )
    if not reservable_stage(project.stage):
        raise ValidationError(
            {
                "project": f"“{project.stage.name}”阶段的项目不能预留地块（须为意向、在谈或落地项目）。"
            }
        )
    if until is not None and until < _local_date(at):
        raise ValidationError({"until": UNTIL_PAST})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": NOTE_TOO_LONG})
    project_check_time(project, at)
    try:
        with transaction.atomic():
            reservation = ParcelReservation.objects.create(
                parcel=parcel,
                project=project,
                district_id=parcel.district_id,
                reserved_at=at,
                reserved_by=actor,
                until=until,
                note=note,
            )
    except IntegrityError:
        raise ValidationError(
            f"地块 {parcel.code} 刚刚已被预留，一块地不能同时预留给两个项目。请刷新后查看。",
            code="held",
        ) from None
    parcel.status = Status.RESERVED
    parcel.status_since = _local_date(at)
    parcel.updated_at = at
    parcel.save(update_fields=["status", "status_since", "updated_at"])
    facts = {"parcel": parcel.code, "area_mu": json_value(parcel.area_mu)}
    if until:
        facts["until"] = until.isoformat()
    new = {"status": Status.RESERVED, "project": project.code}
    if until:
        new["until"] = facts["until"]
    _parcel_event(
        parcel,
        Kind.RESERVED,
        actor,
        at,
        project=project,
        old={"status": Status.AVAILABLE},
        new=new,
        reason=note,
    )
    text = f"预留地块 {parcel.code}“{parcel.name}”（{parcel.area_mu} 亩，{parcel.get_land_use_display()}）"
    if until:
        text += f"，预留至 {until:%Y-%m-%d}"
    project_record(
        project,
        ProjectEvent.Kind.LAND_RESERVED,
        actor,
        at,
        new=facts,
        reason=f"{text}。{note}" if note else f"{text}。",
    )
    return reservation


@transaction.atomic
def parcel_release(
    *, parcel: Parcel, actor: User, reason: str, at: dt.datetime | None = None
) -> ParcelReservation:
    """释放: end a reservation; the parcel is available again."""
    parcel = Parcel.objects.select_for_update().get(pk=parcel.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "释放预留必须说明原因。"})
    if len(reason) > 500:
        raise ValidationError({"reason": REASON_TOO_LONG})
    reservation = parcel.open_reservation()
    if reservation is None or parcel.status != Status.RESERVED:
        raise ValidationError(nothing_to_release(parcel))
    project = reservation.project
    at = project_lock_for_change(project, at)  # "now" once both rows are locked
    if at < reservation.reserved_at:
        raise ValidationError("释放时间不能早于预留时间。")
    project_check_time(project, at)
    reservation.released_at = at
    reservation.released_by = actor
    reservation.release_reason = reason
    reservation.save(update_fields=["released_at", "released_by", "release_reason"])
    parcel.status = Status.AVAILABLE
    parcel.status_since = _local_date(at)
    parcel.updated_at = at
    parcel.save(update_fields=["status", "status_since", "updated_at"])
    _parcel_event(
        parcel,
        Kind.RELEASED,
        actor,
        at,
        project=project,
        old={"status": Status.RESERVED, "project": project.code},
        new={"status": Status.AVAILABLE},
        reason=reason,
    )
    project_record(
        project,
        ProjectEvent.Kind.LAND_RELEASED,
        actor,
        at,
        old={"parcel": parcel.code},
        reason=f"释放地块 {parcel.code}“{parcel.name}”：{reason}",
    )
    return reservation
