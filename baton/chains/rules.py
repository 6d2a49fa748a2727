"""Who sees and who edits a district's industry chains.

Whoever may see a district's companies (``companies.rules.visible_companies``: its
promoters, office and leaders, the city's reviewer and leaders) sees its chains; a
协调部门's staff see none. Only the district office of the chain's district edits it.
"""

from django.db.models import QuerySet

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.org.models import District

from .models import Chain

#: Why someone may not edit a chain.
NOT_THE_OFFICE = "只有产业链所属区的区招商办可以编辑产业链图谱。"


def visible_chains(user: User) -> QuerySet[Chain]:
    """The chains ``user`` may see."""
    if getattr(user, "is_coordinating", False):
        return Chain.objects.none()
    return Chain.objects.filter(area_of(user).district_q()).select_related("district")


def editable_district(user: User) -> District | None:
    """The district whose chains ``user`` edits, if any: the office's own."""
    area = area_of(user)
    if user.role != User.Role.DISTRICT_OFFICE or area.level is not Level.DISTRICT:
        return None
    return District.objects.get(pk=area.district_id)


def can_edit(user: User, chain: Chain | None = None) -> bool:
    area = area_of(user)
    if user.role != User.Role.DISTRICT_OFFICE or area.level is not Level.DISTRICT:
        return False
    return chain is None or chain.district_id == area.district_id
