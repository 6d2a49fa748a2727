"""What the trips' and receptions' pages share: the units one may pick, the record in
scope, pagination, and the form's values for the services."""

from django.shortcuts import get_object_or_404

from baton.accounts.areas import Level, area_of, units_in

from .. import rules

PER_PAGE = 20


def posted(request):
    return request.POST if request.method == "POST" else None


def units_for(user):
    """The units the user may filter by or pick: a unit's own, else its area's."""
    area = area_of(user)
    units = units_in(area).promotion().filter(is_active=True).order_by("district", "order", "id")
    if area.level is Level.UNIT:
        units = units.filter(pk=area.unit_id)
    return units


def office_units(user):
    """The units an office picks for a record (None for a unit's promoter: its own)."""
    return units_for(user) if user.role == user.Role.DISTRICT_OFFICE else None


def trip_of(user, pk):
    rows = rules.visible_trips(user).select_related("unit", "district", "created_by")
    return get_object_or_404(rows, pk=pk)


def reception_of(user, pk):
    rows = rules.visible_receptions(user).select_related("unit", "district", "created_by")
    return get_object_or_404(rows, pk=pk)


def numbers(page) -> list[int | None]:
    """The first, the last and two either side of this page; None for a gap."""
    last, number = page.paginator.num_pages, page.number
    shown = sorted({1, last, *range(number - 2, number + 3)})
    out: list[int | None] = []
    for n in (n for n in shown if 1 <= n <= last):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


def values(form) -> dict:
    """The cleaned data the services take (the unit and version apart)."""
    data = dict(form.cleaned_data)
    data.pop("unit", None)
    data.pop("version", None)
    return data


def initial_of(record, fields) -> dict:
    out = {}
    for field in fields:
        value = getattr(record, field)
        out[field] = list(value.all()) if hasattr(value, "all") else value
    return out
