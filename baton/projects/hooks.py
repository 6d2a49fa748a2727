"""What the apps above ``projects`` add to its pages, registered from their
``AppConfig.ready()`` (as Wagtail's hooks).

``projects`` imports no app above it. An app that keeps its own rows about a project
(supervision: its problems, 督办 and leaders' acts) shows them on the project's page as a
card of the side column, words the project events it writes (``PROBLEM``, …) in the
timeline, and gives the project list the sets its drill-downs filter by (a problem open
at a date, a leader's acts in a window); the pages read all three from here.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Model
from django.http import HttpRequest

from .models import Project

if TYPE_CHECKING:  # events words the timeline through this module
    from .events import Names

#: Renders a card of the project page's side column: (request, project) → its HTML.
Card = Callable[[HttpRequest, Project], str]
#: Fills a timeline entry (its ``title`` and ``lines``) from an event's old and new values.
Wording = Callable[[dict, dict, dict, "Names"], None]

_cards: dict[str, Card] = {}
_wordings: dict[str, Wording] = {}
_references: dict[str, type[Model]] = {}
_drills: dict[str, Callable] = {}

# Registering a name again replaces what it named (``ready()`` may run more than once).


def register_card(name: str, render: Card) -> None:
    """Show ``render``'s HTML on every project page."""
    _cards[name] = render


def register_wording(kind: str, word: Wording, *, references: dict | None = None) -> None:
    """Word the events of ``kind`` with ``word``; ``references`` names the values that are
    ids of rows (``{"problem": Problem}``), so that the timeline shows the row's name."""
    _wordings[kind] = word
    _references.update(references or {})


def register_drill(name: str, rows: Callable) -> None:
    """Give the project list's drill-down filter ``name`` the set it filters by (see
    ``listing._drill_rows`` for what each name is called with and returns)."""
    _drills[name] = rows


def cards(request: HttpRequest, project: Project) -> list[str]:
    """Return the HTML of the registered cards for this project and this request."""
    return [render(request, project) for render in _cards.values()]


def wording(kind: str) -> Wording | None:
    return _wordings.get(kind)


def references() -> dict[str, type[Model]]:
    return dict(_references)


def drill(name: str) -> Callable:
    return _drills[name]
