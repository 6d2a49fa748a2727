"""Who may do what to a parcel they can see (seeing: ``selectors.land_scope``).

The rule for reserving: the district office reserves a parcel of its district for any
project of the district; a unit's promoter reserves a parcel of its district for a
project its unit holds (the baton holder answers the investor). Releasing: the district
office, or the unit holding the project the parcel is reserved for. Supply status and
imports are the district office's: the land data come from the land bureau through it.

The ``*_refusal`` functions say why an action is not open to a user on a parcel as it
stands (its role, or the parcel's supply status), in the words the land pages and the
HTTP API both answer with (403); None when it is open.
"""

from baton.accounts.models import User
from baton.projects.models import Project

from .models import Parcel, ParcelReservation
from .services import STATUS_MOVES, not_reservable, nothing_to_release

Role = User.Role
Status = Parcel.Status
#: Why the three administrators see no land (三员分立): they get no map, list or match.
ADMINS_SEE_NO_LAND = "按照“三员分立”的要求，管理员不查看招商地块等业务数据。"


def _office_of(user: User, parcel: Parcel) -> bool:
    return user.role == Role.DISTRICT_OFFICE and user.district_id == parcel.district_id


def can_reserve(user: User, parcel: Parcel) -> bool:
    """May open the reservation form of this parcel (for some project)."""
    if _office_of(user, parcel):
        return True
    return (
        user.role == Role.UNIT_STAFF
        and user.unit_id is not None
        and user.district_id == parcel.district_id
    )


def can_reserve_for(user: User, parcel: Parcel, project: Project) -> bool:
    if project.district_id != parcel.district_id or not can_reserve(user, parcel):
        return False
    return _office_of(user, parcel) or project.unit_id == user.unit_id


def can_release(user: User, parcel: Parcel, reservation: ParcelReservation | None) -> bool:
    if reservation is None:
        return False
    if _office_of(user, parcel):
        return True
    return user.role == Role.UNIT_STAFF and user.unit_id == reservation.project.unit_id


def can_change_status(user: User, parcel: Parcel) -> bool:
    return _office_of(user, parcel)


def can_import(user: User) -> bool:
    return user.role == Role.DISTRICT_OFFICE and user.district_id is not None


def land_refusal(user: User) -> str | None:
    """Why the user gets no map, parcel list or matching at all, or None."""
    return ADMINS_SEE_NO_LAND if user.is_admin_role else None


def reserve_refusal(user: User, parcel: Parcel) -> str | None:
    if not can_reserve(user, parcel):
        return "只有区招商办，或本区招商单位为本单位负责的项目，可以预留地块。"
    if parcel.status != Status.AVAILABLE:
        return not_reservable(parcel)
    return None


def release_refusal(
    user: User, parcel: Parcel, reservation: ParcelReservation | None
) -> str | None:
    if parcel.status != Status.RESERVED or reservation is None:
        return nothing_to_release(parcel)
    if not can_release(user, parcel, reservation):
        return "只有区招商办或预留项目的责任单位可以释放预留。"
    return None


def status_refusal(user: User, parcel: Parcel) -> str | None:
    if not can_change_status(user, parcel):
        return "只有本区招商办可以变更地块的供应状态。"
    if not STATUS_MOVES[parcel.status]:
        return f"地块已“{parcel.get_status_display()}”，不能再变更供应状态。"
    return None
