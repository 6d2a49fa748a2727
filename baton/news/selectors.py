"""Reads of baton.news, scoped by the user's role."""

from baton.org.models import District

from .places import Place


def library_places() -> tuple[Place, ...]:
    """The library's districts, as places an extraction recognises."""
    return tuple(
        Place(code, name, 3) for code, name in District.objects.values_list("code", "name")
    )
