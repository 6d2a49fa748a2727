"""Who may do what to a parcel they can see (seeing: ``selectors.land_scope``).

The rule for reserving: the district office reserves a parcel of its district for any
project of the district; a unit's promoter reserves a parcel of its district for a
project its unit holds (the baton holder answers the investor). Releasing: the district
office, or the unit holding the project the parcel is reserved for. Supply status and
imports are the district office's: the land data come from the land bureau through it.
"""

from baton.accounts.models import User
from baton.projects.models import Project

from .models import Parcel, ParcelReservation

Role = User.Role


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
