"""Finding possible duplicates (项目撞车): the same project reported by two units."""

import re
import unicodedata
from dataclasses import dataclass

from .models import Project, ReviewState

# The scoring (who is a candidate, and why) lives apart from the models, so that an
# import can run it in a process of its own (duplicate_index.py).
from .similarity import NAME_ALONE, NAME_WITH_INVESTOR, match  # noqa: F401 — re-exported

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团有限公司",
    "集团公司",
    "控股集团",
    "集团",
    "控股",
    "公司",
    "中国",
)
_NAME_SUFFIXES = ("建设项目", "项目")


def _squash(text: str) -> str:
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "").lower())


def investor_key(text: str) -> str:
    """Return the investor's name without punctuation, case and company-form suffixes."""
    key = _squash(text)
    changed = True
    while changed:
        changed = False
        for suffix in _COMPANY_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix) + 1:
                key = key[: -len(suffix)]
                changed = True
    return key


def name_key(text: str) -> str:
    key = _squash(text)
    for suffix in _NAME_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key


@dataclass(frozen=True)
class Candidate:
    project: Project
    score: int
    reason: str


def duplicate_candidates(project: Project, *, limit: int = 10) -> list[Candidate]:
    """Return projects of the same city, from any unit, that may be this same project.

    Only projects already in the review pipeline or the library compete: drafts and
    returned projects are still someone's working copy.
    """
    pool = (
        Project.objects.filter(
            district__city_id=project.district.city_id,
            review_state__in=[
                ReviewState.SUBMITTED,
                ReviewState.DISTRICT_APPROVED,
                ReviewState.ADMITTED,
            ],
        )
        .exclude(pk=project.pk)
        .only("id", "code", "name", "investor", "name_key", "investor_key")
    )
    # Score every name of the pool at C speed and build model objects only for the
    # few that match: a city can hold tens of thousands of projects.
    rows = list(pool.values_list("id", "name_key", "investor_key"))
    matched = match(project.name_key, project.investor_key, rows)
    others = Project.objects.select_related("unit").in_bulk(list(matched))
    found = [Candidate(others[pk], score, reason) for pk, (score, reason) in matched.items()]
    found.sort(key=lambda c: (-c.score, c.project.code))
    return found[:limit]


#: What a user reads of possible duplicates outside their district.
ELSEWHERE = "其他区有相似项目，招商办将核对"
_LISTS = ("duplicates", "checked_duplicates")


def outside_district(user, project: Project) -> bool:
    """Return whether a candidate lies outside the user's district: the user learns only
    that a similar project exists elsewhere — no code, no unit, no name — and the office
    checks it (a guessed name must not confirm another district's project). A user of the
    city (no district) sees the city's."""
    return user.district_id is not None and project.district_id != user.district_id


def lists_others(events) -> bool:
    """Whether the events list other projects as possible duplicates: what a page shows of
    them depends on where they are now, which the project page's counter does not follow
    (the page is then not kept)."""
    return any(e.new.get(key) for e in events for key in _LISTS)


def candidates_shown(user, events) -> None:
    """Keep, in the events' lists of possible duplicates, only the codes of the user's
    district; a list that had others says so (``<list>_elsewhere``), without them."""
    if user.district_id is None:
        return
    codes = {code for e in events for key in _LISTS for code in e.new.get(key) or ()}
    if not codes:
        return
    ours = set(
        Project.objects.filter(code__in=codes, district_id=user.district_id).values_list(
            "code", flat=True
        )
    )
    for event in events:
        for key in _LISTS:
            listed = event.new.get(key)
            if listed and not ours.issuperset(listed):
                kept = [code for code in listed if code in ours]
                event.new = {**event.new, key: kept, f"{key}_elsewhere": True}
