"""A company's timeline: its own events and what higher apps register about it.

The apps above this one (projects, leads, visits…) are not imported here: each
registers a provider ``(user, company) → entries`` with ``@timeline_provider`` from its
``AppConfig.ready()``, and keeps to what ``user`` may see.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q

from baton.accounts.models import User
from baton.accounts.privacy import masked_values

from .models import Company, CompanyEvent
from .rules import can_write


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the timeline: when, what kind, what, and where to read more."""

    at: dt.datetime
    kind: str
    title: str
    url: str = ""
    detail: str = ""


Provider = Callable[[User, Company], Iterable[Entry]]
PROVIDERS: dict[str, Provider] = {}


def timeline_provider(name: str) -> Callable[[Provider], Provider]:
    """Register (again: replace) the provider ``name`` of timeline entries."""

    def register(function: Provider) -> Provider:
        PROVIDERS[name] = function
        return function

    return register


def _change(event: CompanyEvent, full: bool) -> str:
    old, new = event.old or {}, event.new or {}
    if not full:
        old, new = masked_values(old), masked_values(new)
    parts = [f"{key}：{old.get(key) or '—'} → {new.get(key) or '—'}" for key in new if key in old]
    return "；".join(parts)


def own_entries(user: User, company: Company) -> list[Entry]:
    full = can_write(user, company)
    return [
        Entry(event.at, event.get_kind_display(), event.note, detail=_change(event, full))
        for event in CompanyEvent.objects.filter(
            Q(company=company) | Q(company__merged_into=company)
        ).order_by("at", "id")
    ]


def timeline(user: User, company: Company) -> list[Entry]:
    """Every entry about ``company`` that ``user`` may see, newest first."""
    entries = own_entries(user, company)
    for function in PROVIDERS.values():
        entries += list(function(user, company))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
