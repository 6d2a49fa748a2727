"""What the leads' pages share: the posted form, the units one may choose, the lead in scope."""

from django.shortcuts import get_object_or_404

from baton.accounts.areas import Level, area_of, units_in

from .. import rules
from ..models import Lead


def _posted(request):
    return request.POST if request.method == "POST" else None


def _units(user):
    """The units the user may filter by or pick: a unit's own, else its area's."""
    area = area_of(user)
    units = units_in(area).promotion().filter(is_active=True).order_by("district", "order", "id")
    if area.level is Level.UNIT:
        units = units.filter(pk=area.unit_id)
    return units


def _lead(user, code) -> Lead:
    leads = rules.visible_leads(user).select_related(
        "unit", "first_unit", "company", "district", "industry", "reported_by", "project"
    )
    return get_object_or_404(leads, code=code)


# --- the list ---------------------------------------------------------------------------
