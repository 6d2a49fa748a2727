"""Who reviews and publishes a policy.

Policies are public documents: every signed-in user reads the library. Recording a fair
competition review conclusion and publishing belong to the office that issues the policy:
the district office of a 区 policy's district (its code equal to the policy's region),
the city office (``CITY_REVIEWER``) of a 市 policy's city; a superuser (and the command
line, which has no user) anything. Everyone else is refused.
"""

from baton.accounts.models import User

from .models import Level, Policy

#: Why someone may not review or publish a policy.
NOT_THE_ISSUER = (
    "只有发文地区的招商办可以审查和发布这件政策：区级政策由该区的区招商办，"
    "市级政策由该市的市招商办办理。"
)


def _area(code: str, digits: int) -> str:
    """The first ``digits`` of a division code, when the rest are zeros ("350200" → "3502")."""
    code = code or ""
    head, rest = code[:digits], code[digits:]
    return head if len(head) == digits and set(rest) <= {"0"} else ""


def can_manage(user: User | None, policy: Policy) -> bool:
    """Return whether ``user`` may review the policy's clauses and publish it (None: CLI)."""
    if user is None or user.is_superuser:
        return True
    if not user.is_active:
        return False
    if user.role == User.Role.DISTRICT_OFFICE and policy.level == Level.DISTRICT:
        district = user.district
        return district is not None and _area(district.code, 6) == policy.region
    if user.role == User.Role.CITY_REVIEWER and policy.level == Level.CITY:
        city = user.city
        return city is not None and _area(city.code, 4) == policy.region
    return False
