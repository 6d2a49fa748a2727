"""待办: one list per person of what waits for them, from every app's own selectors.

Each kind of item is one provider: a function ``(user, today) → items`` registered in
``PROVIDERS`` with ``@provider``; ``todo_items`` asks every provider and sorts the
items, overdue first, then by due date (the undated last). Adding a kind (e.g. leads
whose response is due) is one provider function in one module imported by
``providers``.

The providers scope by the user's role and area (``accounts.areas``) through the apps'
own selectors: an item never shows what the user may not see.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from baton.accounts.areas import area_of
from baton.accounts.models import User
from baton.core.cache import keep, kept
from baton.projects.page_cache import counters

#: How long the menu's count may lag a change that the library's counters do not follow
#: (and, past it, the one count being made again).
MENU_COUNT_SECONDS = 30
#: How long a count is kept at all, and how long a page waits for another's first count.
MENU_KEEP_SECONDS = 10 * 60
MENU_WAIT_SECONDS = 10

#: Why the three administrators have no to-do list (三员分立).
ADMINS_HAVE_NO_TODO = "按照“三员分立”的要求，管理员不查看待办事项等业务数据。"


@dataclass(frozen=True, slots=True)
class Item:
    """One thing a person must do: what, on which project, by when, and where."""

    kind: str
    title: str
    project: str | None
    due: dt.date | None
    url: str
    overdue: bool

    @property
    def label(self) -> str:
        return LABELS[self.kind]


Provider = Callable[[User, dt.date], Iterable[Item]]

#: The providers, in the order their kinds are listed: (kind, label, function).
PROVIDERS: list[tuple[str, str, Provider]] = []
LABELS: dict[str, str] = {}


def provider(kind: str, label: str) -> Callable[[Provider], Provider]:
    """Register a provider of the items of ``kind`` (``label`` names the kind in Chinese)."""

    def register(function: Provider) -> Provider:
        PROVIDERS[:] = [entry for entry in PROVIDERS if entry[0] != kind]
        PROVIDERS.append((kind, label, function))
        LABELS[kind] = label
        return function

    return register


def item(
    kind: str,
    title: str,
    *,
    url: str,
    today: dt.date,
    project: str | None = None,
    due: dt.date | None = None,
) -> Item:
    """Return an item; overdue when its due day has passed."""
    return Item(kind, title, project, due, url, due is not None and due < today)


def sort_key(entry: Item) -> tuple:
    """Overdue first, then by due date, the undated last."""
    return (not entry.overdue, entry.due is None, entry.due or dt.date.max)


def todo_items(user: User, today: dt.date) -> list[Item]:
    """Return the user's open to-do items, overdue first, then by due date.

    The three administrators have none: refused with the rule (三员分立).
    """
    if user.is_authenticated and user.is_admin_role:
        raise PermissionDenied(ADMINS_HAVE_NO_TODO)
    if area_of(user).is_empty:
        return []
    from . import providers  # noqa: F401  (registers the providers)

    items = [entry for _kind, _label, function in PROVIDERS for entry in function(user, today)]
    return sorted(items, key=sort_key)


def request_items(request: HttpRequest, today: dt.date) -> list[Item]:
    """Return ``todo_items`` for the signed-in user, read once per request (the menu's
    count and the 工作台's list share it)."""
    user = request.user
    if not isinstance(user, User):
        return []
    cached = getattr(request, "_todo_items", None)
    if cached is None or cached[0] != today:
        cached = (today, todo_items(user, today))
        setattr(request, "_todo_items", cached)  # noqa: B010  (HttpRequest declares no slot)
    return cached[1]


def menu_count(request: HttpRequest) -> tuple[int, bool] | None:
    """Return the menu's count on 工作台: (open items, whether any is overdue).

    Every page shows it, so it is kept for the role and area (and a leader's person)
    under the library's counters, as the 项目库's pages are — a change to a project shows
    at once — and for ``MENU_COUNT_SECONDS``: what the counters do not follow (a 督办's
    report, a problem's answer) shows in the count that long after, and the time one
    request takes to count again (the others show the last count meanwhile). A page that
    reads the list itself (the 工作台) counts that list.
    """
    if hasattr(request, "_todo_menu_count"):  # the menu asks for the count and the overdue
        counted: tuple[int, bool] | None = getattr(request, "_todo_menu_count")  # noqa: B009
        return counted  # flag, on the desktop's and the phone's menus
    counted = _menu_count(request)
    setattr(request, "_todo_menu_count", counted)  # noqa: B010  (HttpRequest declares no slot)
    return counted


def _menu_count(request: HttpRequest) -> tuple[int, bool] | None:
    user = request.user
    if not isinstance(user, User) or user.is_admin_role or area_of(user).is_empty:
        return None
    today = timezone.localdate()
    # Who the items are for: the role and its area (two officers of a district share
    # them), and the leader's own person.
    whose = (user.role, user.city_id, user.district_id, user.unit_id, user.person_id)
    key = ":".join(map(str, ("todo-menu", *whose, today.isoformat(), *counters(user))))

    def count() -> tuple[int, bool]:
        items = request_items(request, today)
        return len(items), any(entry.overdue for entry in items)

    if hasattr(request, "_todo_items"):  # the page read the list: count it, keep the count
        counted = count()
        keep(key, counted, MENU_KEEP_SECONDS)
        return counted
    # One request counts again while the others show the count of up to a build ago (an
    # office's list takes a second or two at a province: every page would wait for it).
    return kept(
        key,
        count,
        fresh_seconds=MENU_COUNT_SECONDS,
        keep_seconds=MENU_KEEP_SECONDS,
        wait_seconds=MENU_WAIT_SECONDS,
    )
