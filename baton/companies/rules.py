"""Who sees, edits and merges a company, and how its contact's phone is shown.

The area rule (``accounts.areas``): a district's staff (its units' promoters, its
office, its leaders) see the district's companies, the city (reviewer, city leader) the
city's. A district's promoters and office register and edit its companies; the office
merges duplicates. The phone is masked as for projects (``accounts.privacy.mask_phone``)
for everyone but those who may edit the company. A 协调部门's staff (who see only the
problems assigned to them) see no company, on every path.
"""

from django.db.models import QuerySet

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.accounts.privacy import mask_phone
from baton.org.models import District

from .models import Company

Role = User.Role
WRITERS = (Role.UNIT_STAFF, Role.DISTRICT_OFFICE)

#: Why someone may not register or edit a company.
NOT_A_WRITER = "只有本区的单位招商员和区招商办可以登记、修改客商库中的企业。"
#: Why someone may not merge companies.
NOT_THE_OFFICE = "只有企业所属区的区招商办可以合并重复的企业。"


def visible_companies(user: User) -> QuerySet[Company]:
    """The companies ``user`` may see (merged-away records are not listed)."""
    if getattr(user, "is_coordinating", False):
        return Company.objects.none()
    area = area_of(user)
    return Company.objects.filter(area.district_q(), merged_into__isnull=True)


def writable_district(user: User) -> District | None:
    """The district whose companies ``user`` may register and edit, if any."""
    area = area_of(user)
    if can_write(user):
        return District.objects.get(pk=area.district_id)
    return None


def can_write(user: User, company: Company | None = None) -> bool:
    """A district's promoters and office, on its companies; never a 协调部门's staff."""
    area = area_of(user)
    if (
        getattr(user, "is_coordinating", False)
        or user.role not in WRITERS
        or area.level not in (Level.UNIT, Level.DISTRICT)
    ):
        return False
    return company is None or company.district_id == area.district_id


def can_merge(user: User, company: Company) -> bool:
    return user.role == Role.DISTRICT_OFFICE and company.district_id == user.district_id


def shown_phone(user: User, company: Company) -> str:
    """The contact's number as ``user`` sees it: in full for who may edit, else masked."""
    phone = company.contact_phone or ""
    return phone if can_write(user, company) else mask_phone(phone)
