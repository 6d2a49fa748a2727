"""Finding possible duplicates (项目撞车): the same project reported by two units."""

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

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
    found = []
    for other in pool.iterator(chunk_size=2000):
        same_investor = bool(project.investor_key) and other.investor_key == project.investor_key
        score = round(fuzz.ratio(project.name_key, other.name_key))
        if score < NAME_ALONE and other.name_key and project.name_key:
            # One name inside the other: 「某某新能源电池」 vs 「某某新能源电池生产基地」.
            shorter, longer = sorted((project.name_key, other.name_key), key=len)
            if len(shorter) >= 4 and shorter in longer:
                score = max(score, NAME_ALONE)
        if same_investor and score >= NAME_WITH_INVESTOR:
            found.append(Candidate(other, score, f"投资方相同，项目名称相似度 {score}%"))
        elif score >= NAME_ALONE:
            found.append(Candidate(other, score, f"项目名称相似度 {score}%"))
    found.sort(key=lambda c: (-c.score, c.project.code))
    return found[:limit]
