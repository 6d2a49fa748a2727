"""Which figure scopes a user may ask for, and the default one."""

from baton.accounts.models import User
from baton.org.models import District

from .selectors import Scope

Role = User.Role


def scope_choices(user: User) -> list[tuple[str, str, Scope]]:
    """Return (key, label, scope) for every scope the user's role covers, widest first."""
    if user.role == Role.UNIT_STAFF and user.unit_id:
        unit = user.unit
        return [(f"unit:{unit.pk}", unit.name, Scope(unit=unit))]
    if user.role in (Role.DISTRICT_OFFICE, Role.LEADER) and user.district_id:
        district = user.district
        return [(f"district:{district.code}", district.full_name, Scope(district=district))]
    if user.role in (Role.CITY_REVIEWER, Role.LEADER) and user.city_id:
        city = user.city
        choices = [(f"city:{city.code}", city.name, Scope(city=city))]
        for district in District.objects.filter(city=city).select_related("city"):
            choices.append(
                (f"district:{district.code}", district.full_name, Scope(district=district))
            )
        return choices
    return []


def scope_for(user: User, key: str | None) -> Scope | None:
    """Return the scope named by ``key`` if the user may see it, else the default one."""
    choices = scope_choices(user)
    if not choices:
        return None
    for choice_key, _label, scope in choices:
        if choice_key == key:
            return scope
    return choices[0][2]
