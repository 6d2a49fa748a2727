"""Who sees and writes activities, and what the services refuse (said once).

The area rule (``accounts.areas``), narrowed for units: a unit's promoters see and write
their unit's activities; the district office and the district's leaders see the
district's, the office writes them; the city (reviewer, city leaders) sees its
districts'. A 协调部门's staff and the administrators see none. The annual plan follows
the same rule: a unit enters its own items, the office any unit's of its district.
"""

from django.db.models import QuerySet

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User

from .models import Activity, PlanItem

Role = User.Role

NO_ACTIVITIES_FOR_ROLE = "您的角色不查看招商活动。"
NOT_A_WRITER = "只有本单位招商员和区招商办可以登记、修改招商活动。"
NOT_THE_OFFICE = "只有区招商办可以设置年度计划报送截止日。"
STALE = "该活动已被他人修改，请刷新后重试。"
NO_SUBJECT = "请选择签约的项目或企业。"
DATES = "结束日期不能早于开始日期。"
PLAN_MONTH = "计划月份应为 1 至 12。"
BAD_DEADLINE = "截止日期无效，请核对月份和日期。"
NOT_LEADER = "出席领导须为在册的区或市领导。"
NO_UNIT = "请选择责任单位。"
NO_PLAN_UNIT = "请选择单位。"
NO_KIND = "请选择招商活动的类型。"
NO_SIGNING_KIND = "请选择签约类型（合同、协议或意向）。"
NOT_ON_LIST = "该签约项目不在本活动的清单中。"


def _coordinating(user: User) -> bool:
    return bool(getattr(user, "is_coordinating", False))


def visible_activities(user: User) -> QuerySet[Activity]:
    """The activities ``user`` may see."""
    if _coordinating(user):
        return Activity.objects.none()
    area = area_of(user)
    activities = Activity.objects.filter(area.district_q())
    if area.level is Level.UNIT:
        activities = activities.filter(unit_id=area.unit_id)
    return activities


def visible_plan(user: User) -> QuerySet[PlanItem]:
    """The plan items ``user`` may see (a unit: its own)."""
    if _coordinating(user):
        return PlanItem.objects.none()
    area = area_of(user)
    items = PlanItem.objects.filter(area.district_q())
    if area.level is Level.UNIT:
        items = items.filter(unit_id=area.unit_id)
    return items


def sees_any(user: User) -> bool:
    return not _coordinating(user) and not area_of(user).is_empty


def can_create(user: User) -> bool:
    """A district's promoters (for their unit) and its office."""
    if _coordinating(user) or user.role not in (Role.UNIT_STAFF, Role.DISTRICT_OFFICE):
        return False
    return area_of(user).level in (Level.UNIT, Level.DISTRICT)


def can_write_for(user: User, district_id: int, unit_id: int) -> bool:
    """Whether ``user`` may write a record of ``unit_id`` in ``district_id``."""
    if _coordinating(user):
        return False
    area = area_of(user)
    if user.role == Role.DISTRICT_OFFICE:
        return area.level is Level.DISTRICT and area.district_id == district_id
    if user.role == Role.UNIT_STAFF:
        return area.level is Level.UNIT and area.unit_id == unit_id
    return False


def can_edit(user: User, activity: Activity) -> bool:
    return can_write_for(user, activity.district_id, activity.unit_id)


def is_office_of(user: User, district_id: int) -> bool:
    return user.role == Role.DISTRICT_OFFICE and user.district_id == district_id


def not_in_district(what: str, name: str) -> str:
    return f"{what}“{name}”不属于本区，不能列入本区活动。"
