"""Who sees and writes trips and receptions.

The area rule (``accounts.areas``), narrowed for units: a unit's promoters see their unit's
trips and receptions; the district office and leaders the district's; the city (reviewer,
city leaders) its districts'. A 协调部门's staff see none. The unit's promoters and the
district office record and edit them; leaders and the city read.
"""

from django.db.models import QuerySet

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User

from .models import Reception, Trip

Role = User.Role

NOT_A_WRITER = "只有本区的单位招商员和区招商办可以登记外出招商和来访接待。"
NOT_YOURS = "只有该记录的单位或区招商办可以修改。"
NO_VISITS_FOR_ROLE = "您的角色不查看外出招商和来访接待。"
OWN_UNIT_ONLY = "单位招商员只能以本单位名义登记。"
NOT_THE_OFFICE = "只有区招商办可以设置本区的出访信息报送时限。"
BAD_REPORT_DAYS = "报送时限应为 1 到 90 之间的整数（天）。"


def can_configure(user: User) -> bool:
    return not _coordinating(user) and (
        user.role == Role.DISTRICT_OFFICE and area_of(user).level is Level.DISTRICT
    )


def _coordinating(user: User) -> bool:
    return bool(getattr(user, "is_coordinating", False))


def _scoped(user: User, rows: QuerySet) -> QuerySet:
    if _coordinating(user):
        return rows.none()
    area = area_of(user)
    rows = rows.filter(area.district_q())
    if area.level is Level.UNIT:
        rows = rows.filter(unit_id=area.unit_id)
    return rows


def visible_trips(user: User) -> QuerySet[Trip]:
    return _scoped(user, Trip.objects.all())


def visible_receptions(user: User) -> QuerySet[Reception]:
    return _scoped(user, Reception.objects.all())


def reads(user: User) -> bool:
    """Whether the user has trips and receptions to see at all."""
    return not _coordinating(user) and not area_of(user).is_empty


def can_register(user: User) -> bool:
    """A district's promoters (for their unit) and its office."""
    if _coordinating(user) or user.role not in (Role.UNIT_STAFF, Role.DISTRICT_OFFICE):
        return False
    return area_of(user).level in (Level.UNIT, Level.DISTRICT)


def can_write(user: User, record: Trip | Reception) -> bool:
    """The record's unit's promoters and its district's office."""
    if _coordinating(user):
        return False
    area = area_of(user)
    if user.role == Role.DISTRICT_OFFICE:
        return area.level is Level.DISTRICT and area.district_id == record.district_id
    return (
        user.role == Role.UNIT_STAFF
        and area.level is Level.UNIT
        and (area.unit_id == record.unit_id)
    )
