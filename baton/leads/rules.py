"""Who sees and does what with leads.

The area rule (``accounts.areas``), narrowed for units because a lead is a unit's
first-report right: a unit's promoters see the leads their unit holds or first reported;
the district office and the district's leaders see the district's; the city (reviewer,
city leaders) sees its districts'. A 协调部门's staff see none.

The holder unit's promoters (and the district office) register, edit, respond, assess,
feed back and convert; only the district office arbitrates 撞车, reassigns and rejects
on a unit's behalf. Leaders and the city read.
"""

from django.db.models import Q, QuerySet

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User

from .models import CLOSED, Lead, Status

Role = User.Role

NOT_A_WRITER = "只有本区的单位招商员和区招商办可以登记投资信息。"
NOT_THE_HOLDER = "只有跟进该信息的单位或区招商办可以办理。"
NOT_THE_OFFICE = "只有该信息所属区的区招商办可以裁决撞车、改派或合并。"
CLOSED_LEAD = "该信息已{status}，不能再办理。"


def _coordinating(user: User) -> bool:
    return bool(getattr(user, "is_coordinating", False))


def visible_leads(user: User) -> QuerySet[Lead]:
    """The leads ``user`` may see."""
    if _coordinating(user):
        return Lead.objects.none()
    area = area_of(user)
    leads = Lead.objects.filter(area.district_q())
    if area.level is Level.UNIT:
        leads = leads.filter(Q(unit_id=area.unit_id) | Q(first_unit_id=area.unit_id))
    return leads


def can_register(user: User) -> bool:
    """A district's promoters (for their unit) and its office."""
    area = area_of(user)
    if _coordinating(user) or user.role not in (Role.UNIT_STAFF, Role.DISTRICT_OFFICE):
        return False
    return area.level in (Level.UNIT, Level.DISTRICT)


def is_office(user: User, lead: Lead) -> bool:
    return user.role == Role.DISTRICT_OFFICE and user.district_id == lead.district_id


def can_work(user: User, lead: Lead) -> bool:
    """The holder unit's promoters and the district office, on a lead still open."""
    if lead.status in CLOSED or lead.status == Status.CONFLICT:
        return False
    return is_holder(user, lead) or is_office(user, lead)


def is_holder(user: User, lead: Lead) -> bool:
    area = area_of(user)
    return (
        not _coordinating(user)
        and user.role == Role.UNIT_STAFF
        and area.level is Level.UNIT
        and area.unit_id == lead.unit_id
    )


def can_feedback(user: User, lead: Lead) -> bool:
    """Feedback to the source is owed even after a lead is converted or rejected."""
    return lead.status != Status.MERGED and (is_holder(user, lead) or is_office(user, lead))


# --- what the services refuse, said the same on the pages --------------------------------

NO_UNIT = "请选择首报单位。"
IN_CONFLICT = "该信息撞车，待区招商办裁决后才能办理。"
ALREADY_RESPONDED = "该信息已响应。"
NO_CONFLICT = "该信息没有待裁决的撞车。"
NOT_CONVERTIBLE = "研判结论为继续跟进的信息才能转化为项目。"
NO_LEADS_FOR_ROLE = "您的角色不查看投资信息。"


def not_reassignable(status_label: str) -> str:
    return f"该信息{status_label}，不能改派。"


def too_early_to_reassign(idle: int, limit: int) -> str:
    return f"该信息 {idle} 天前还有进展；满 {limit} 天无进展方可改派。"


def point_missing(label: str) -> str:
    """A point of the 研判 left empty."""
    return f"请填写{label}研判意见。"
