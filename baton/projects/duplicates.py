"""Finding possible duplicates (项目撞车): the same project reported by two units."""

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .models import Project, ReviewState

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

#: A name this similar is a candidate whatever the investor.
NAME_ALONE = 88
#: With the same investor, a name this similar is a candidate.
NAME_WITH_INVESTOR = 60


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
    name = project.name_key
    scores = {
        index: round(score)
        for _choice, score, index in process.extract(
            name,
            [row[1] for row in rows],
            scorer=fuzz.ratio,
            score_cutoff=NAME_WITH_INVESTOR,
            limit=None,
        )
    }
    if name:
        for index, (_pk, other, _investor) in enumerate(rows):
            if other and scores.get(index, 0) < NAME_ALONE:
                # One name inside the other: 「某某新能源电池」 vs 「某某新能源电池生产基地」.
                shorter, longer = sorted((name, other), key=len)
                if len(shorter) >= 4 and shorter in longer:
                    scores[index] = NAME_ALONE
    matched: dict[int, tuple[int, str]] = {}
    for index, score in scores.items():
        pk, _other, other_investor = rows[index]
        same_investor = bool(project.investor_key) and other_investor == project.investor_key
        if same_investor and score >= NAME_WITH_INVESTOR:
            matched[pk] = (score, f"投资方相同，项目名称相似度 {score}%")
        elif score >= NAME_ALONE:
            matched[pk] = (score, f"项目名称相似度 {score}%")
    others = Project.objects.select_related("unit").in_bulk(list(matched))
    found = [Candidate(others[pk], score, reason) for pk, (score, reason) in matched.items()]
    found.sort(key=lambda c: (-c.score, c.project.code))
    return found[:limit]
