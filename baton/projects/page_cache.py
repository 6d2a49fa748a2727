"""The 项目库's rendered filters and rows, and a project's page, kept under counters.

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

A project's page (``project_seen``) is kept the same way, per reader, under its own
counter (``PageVersion``: triggers on every table the page shows, see ``page_version``)
and the organisation's.

The cache is ``CACHES["default"]`` (shared by every server with ``CACHE_URL``, each
process's own memory without); nothing needs to tell another process about a change,
since every request reads the counters.
"""

import hashlib
import re
from typing import NamedTuple
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from baton.accounts.areas import Level, area_of, districts_in
from baton.accounts.models import User

from .listing import AT_DATE, DRILL_FIELDS
from .models import LibraryVersion, PageVersion, Project

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


# --- the project page ---------------------------------------------------------------------

#: The form fields of a kept page's CSRF tokens: each answer carries the reader's own.
_CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


class Seen(NamedTuple):
    """A project the reader may open, as its page's key reads it."""

    pk: int
    name: str
    key: str


def project_seen(request, projects: QuerySet[Project]) -> Seen | None:
    """Return the one project of ``projects`` (the reader's, narrowed to a code) with the
    cache key of its page's body for this reader, or None when there is none.

    One statement reads the project and, in the same state, the page's counter
    (``PageVersion``, raised by triggers on every table the page shows) and the
    organisation's (the names): a body built after it is of that state or a later one.
    The body is the reader's own — their abilities (edit, review, 督办, delete an upload of
    theirs), the phone as they may see it — so the key holds the person and what their
    abilities are decided by, and the day (overdue marks).
    """
    found = (
        projects.annotate(
            page=Subquery(PageVersion.objects.filter(project_id=OuterRef("pk")).values("version")),
            organisation=Subquery(
                LibraryVersion.objects.filter(scope=LibraryVersion.ORGANISATION).values("version")
            ),
        )
        .values_list("pk", "name", "page", "organisation")
        .first()
    )
    if found is None:
        return None
    pk, name, *versions = found
    user = request.user
    text = "|".join(
        str(x)
        for x in (
            "project",
            pk,
            *versions,
            user.pk,
            user.role,
            user.city_id,
            user.district_id,
            user.unit_id,
            user.person_id,
            user.is_active,
            user.is_superuser,
            timezone.localdate().isoformat(),
        )
    )
    return Seen(pk, name, "baton:projects:page:" + hashlib.sha256(text.encode()).hexdigest())


def with_own_tokens(request, html: SafeString) -> SafeString:
    """A kept body with the reader's CSRF token in its forms (another session's would fail)."""
    token = get_token(request)
    return mark_safe(_CSRF_FIELD.sub(lambda m: f"{m[1]}{token}{m[2]}", html))  # noqa: S308
