"""Who sees and writes the monthly meetings, each refusal said once.

The meeting is the district office's: the district's investment office (区招商办) prepares
it, records it and closes its decisions (``projects.permissions.district_office``). The
city office (市招商办) and the city's leaders read the meetings of their districts, a
district's leaders those of their district. A unit's staff (a 协调部门's too) read only the
decisions assigned to their unit, and the meetings those decisions come from; the three
administrators see nothing (三员分立).
"""

from django.db.models import QuerySet

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.projects.permissions import district_office

from .models import Decision, Meeting

Role = User.Role

NOT_THE_OFFICE = "只有本区招商办可以筹备和记录月例会。"
NO_MEETINGS_FOR_ROLE = "您的角色不查看月例会。"
FINAL = "会议纪要已定稿，不能再修改议程、出席情况、纪要或决定事项。"


def _unit_staff(user: User) -> int | None:
    area = area_of(user)
    if user.role == Role.UNIT_STAFF and area.level is Level.UNIT:
        return area.unit_id
    return None


def visible_meetings(user: User) -> QuerySet[Meeting]:
    """The meetings the user may open: the area's (office, leaders, city); for a unit, the
    meetings with a decision assigned to it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Meeting.objects.none()
    unit = _unit_staff(user)
    if unit is not None:
        return Meeting.objects.filter(
            pk__in=Decision.objects.filter(owner_unit_id=unit).values("meeting_id")
        )
    if user.role not in (Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER):
        return Meeting.objects.none()
    area = area_of(user)
    if area.is_empty:
        return Meeting.objects.none()
    return Meeting.objects.filter(area.district_q())


def visible_decisions(user: User) -> QuerySet[Decision]:
    """The decisions the user may see: those of the visible meetings; a unit, its own."""
    unit = _unit_staff(user)
    if unit is not None:
        return Decision.objects.filter(owner_unit_id=unit)
    return Decision.objects.filter(meeting__in=visible_meetings(user))


def reads(user: User) -> bool:
    """Whether the user has meetings to see at all (the menu, the list)."""
    if not getattr(user, "is_authenticated", False) or user.role in (
        Role.SYS_ADMIN,
        Role.SEC_ADMIN,
        Role.AUDIT_ADMIN,
    ):
        return False
    return not area_of(user).is_empty


def sees_whole_meeting(user: User, meeting: Meeting) -> bool:
    """The office, leaders and city see the agenda, attendance and minutes; a unit only the
    decisions assigned to it."""
    return _unit_staff(user) is None


def can_prepare(user: User) -> bool:
    """Create a district's meetings: its office."""
    return (
        user.is_authenticated
        and user.role == Role.DISTRICT_OFFICE
        and user.district_id is not None
        and area_of(user).level is Level.DISTRICT
    )


def can_write(user: User | None, meeting: Meeting) -> bool:
    """Edit the meeting and record its decisions: the district's office (None: the system)."""
    return district_office(user, meeting.district_id)
