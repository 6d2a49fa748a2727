"""The 项目库's rendered filters and rows, kept under the library's counters.

Most openings of the list are the same page — an office's first page, a town's — seen
by many people between two changes. The page's filters and table are kept in the cache
under everything they depend on:

- the viewer's scope and role (role, city, district, unit), which decide the rows, the
  choices of the filters and the heading — not the person: two officers of one district
  share a page;
- the request's parameters, and the day (the export's date picker ends today);
- the counters of ``LibraryVersion`` for the scope's districts and for the organisation
  tables, read *before* the page is: database triggers raise them in the transaction of
  every change, so a page kept under a set of counters was read from that state or a
  later one, never an earlier one.

Filters that read the history — a date (``as_of``) or a cockpit drill-down — are never
kept: they depend on events, periods, problems and leaders' acts, which the counters do
not follow. Neither is a page with errors.

The cache is each server process's own memory (``CACHES["default"]``); nothing needs to
tell another process about a change, since every request reads the counters.
"""

import hashlib
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from baton.accounts.areas import Level, area_of, districts_in
from baton.accounts.models import User

from .listing import AT_DATE, DRILL_FIELDS
from .models import LibraryVersion

#: Parameters whose page is not kept (they read the history, which the counters miss).
UNKEPT = frozenset((*AT_DATE, *DRILL_FIELDS))
#: Longest query string kept: anything longer is not a page people share.
LONGEST = 500
TIMEOUT = 15 * 60  # seconds: a kept page that nobody opens leaves memory


def key(request, part: str) -> str | None:
    """Return the cache key of ``part`` ("page" or "results") of this list request, or None."""
    params = request.GET
    if len(request.META.get("QUERY_STRING", "")) > LONGEST:
        return None
    if any(value.strip() for name in UNKEPT for value in params.getlist(name)):
        return None
    user = request.user
    query = urlencode(sorted((name, value) for name in params for value in params.getlist(name)))
    text = "|".join(
        str(x)
        for x in (
            part,
            user.role,
            user.city_id,
            user.district_id,
            user.unit_id,
            timezone.localdate().isoformat(),
            *counters(user),
            query,
        )
    )
    return "baton:projects:list:" + hashlib.sha256(text.encode()).hexdigest()


def counters(user: User) -> tuple:
    """The organisation counter, and the sum and largest of the scope's district counters.

    The sum rises with every change in the scope; the largest tells apart the states of
    two histories (a restored backup, then new changes), whose counters are newer.
    """
    versions = LibraryVersion.objects.all()
    area = area_of(user)
    if area.level is Level.DISTRICT:
        versions = versions.filter(Q(scope=LibraryVersion.ORGANISATION) | Q(scope=area.district_id))
    elif area.level is Level.CITY:
        city = districts_in(area).values("id")
        versions = versions.filter(Q(scope=LibraryVersion.ORGANISATION) | Q(scope__in=city))
    # A unit's projects may be anywhere it helped or ran a leg (co-unit, relay): all counters.
    data = ~Q(scope=LibraryVersion.ORGANISATION)
    found = versions.aggregate(
        organisation=Max("version", filter=Q(scope=LibraryVersion.ORGANISATION)),
        total=Sum("version", filter=data),
        newest=Max("version", filter=data),
    )
    return found["organisation"], found["total"], found["newest"]


def get(cache_key: str | None) -> SafeString | None:
    if cache_key is None:
        return None
    html = cache.get(cache_key)
    return None if html is None else mark_safe(html)  # noqa: S308 — our own rendering


def put(cache_key: str | None, html: str) -> None:
    if cache_key is not None:
        cache.set(cache_key, str(html), TIMEOUT)
