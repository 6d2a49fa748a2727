"""Free text on a project's name and investor, with the index each database offers; a
term that is a project's 原编号 (an office's own code, kept by an import) finds it too.

SQLite: an FTS5 table with the trigram tokenizer (migration 0003, kept in step by
triggers) answers any term of three characters or more from its index; a trigram index
cannot answer a shorter term, so one- and two-character terms (common in Chinese: 电池,
厦门) go to LIKE, which the scope and the other filters have usually narrowed already —
and so do terms so common (有限公司) that the index would list most of the library.

PostgreSQL: ``ILIKE '%term%'`` on the name and the investor, each with a pg_trgm GIN
index; the planner uses them when the term is selective and scans the scope when not.
"""

import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Lookup, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

MAX_LENGTH = 50
MAX_TERMS = 5
#: Above this many matches in the whole library, a term is looked up with LIKE instead.
COMMON = 5_000
FTS_TABLE = "projects_project_fts"
_SPACE = re.compile(r"\s+")


class _ILike(Lookup):
    """``lhs ILIKE rhs``: the form pg_trgm's GIN operator class serves (Django's
    ``icontains`` writes ``UPPER(x) LIKE UPPER(y)``, which no trigram index matches)."""

    lookup_name = "baton_ilike"
    operator = "ILIKE"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} {self.operator} {rhs}", [*lhs_params, *rhs_params]


class _Like(_ILike):
    """``lhs LIKE rhs``, for terms without upper or lower case (Chinese, digits): the same
    answer as ILIKE, without lower-casing every row it reads."""

    lookup_name = "baton_like"
    operator = "LIKE"


def terms(text: str) -> list[str]:
    """Return the whitespace-separated terms of a search, or raise ValidationError."""
    text = _SPACE.sub(" ", str(text or "")).strip()
    if len(text) > MAX_LENGTH:
        raise ValidationError(f"搜索内容不能超过 {MAX_LENGTH} 个字。")
    found = list(dict.fromkeys(text.split(" "))) if text else []
    if len(found) > MAX_TERMS:
        raise ValidationError(f"搜索词不能超过 {MAX_TERMS} 个。")
    return found


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _common(term: str) -> bool:
    """Return whether a term matches so many projects that scanning the scope is cheaper.

    The trigram index lists every match in the whole library; for a term like 有限公司
    that is most projects, while the user's scope (a city, a district) is a few
    thousand rows that LIKE reads faster. Reading COMMON + 1 postings costs about 1 ms.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s)",  # noqa: S608
            [_phrase(term), COMMON + 1],
        )
        return cursor.fetchone()[0] > COMMON


def search(projects: QuerySet, text: str) -> QuerySet:
    """Narrow ``projects`` to those whose name or investor contains every term (or whose
    原编号 is the term)."""
    for term in terms(text):
        original = Q(original_code=term)
        if connection.vendor == "postgresql":
            pattern = Value(_like_pattern(term))
            like = _Like if term.lower() == term.upper() else _ILike
            projects = projects.filter(
                Q(like(F("name"), pattern)) | Q(like(F("investor"), pattern)) | original
            )
        elif connection.vendor == "sqlite" and len(term) >= 3 and not _common(term):
            phrase = _phrase(term)
            # The table name is a constant; the term is a bound parameter.
            # One subquery, the 原编号's rows added to the index's: an OR beside it would
            # make SQLite scan the scope instead of reading the full-text index.
            matches = (
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
                " UNION SELECT id FROM projects_project WHERE original_code = %s"
            )
            projects = projects.filter(id__in=RawSQL(matches, [phrase, term]))  # noqa: S611
        else:
            projects = projects.filter(
                Q(name__icontains=term) | Q(investor__icontains=term) | original
            )
    return projects
