"""Which figure scopes a user may ask for, and the default one."""

from baton.accounts.areas import Level, area_of, districts_in
from baton.accounts.models import User

from .selectors import Scope


def scope_choices(user: User) -> list[tuple[str, str, Scope]]:
    """Return (key, label, scope) for every scope the user's area covers, widest first."""
    area = area_of(user)
    if area.level is Level.UNIT:
        unit = user.unit
        return [(f"unit:{unit.pk}", unit.name, Scope(unit=unit))]
    if area.level is Level.DISTRICT:
        district = user.district
        return [(f"district:{district.code}", district.full_name, Scope(district=district))]
    if area.level is Level.CITY:
        city = user.city
        choices = [(f"city:{city.code}", city.name, Scope(city=city))]
        for district in districts_in(area).select_related("city"):
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
