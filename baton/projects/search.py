"""Free text on a project's name and investor, with the index each database offers; a
term that is a project's 原编号 (an office's own code, kept by an import) finds it too,
and so do the start of its code (350213-2024-00), the pinyin initials of its name or
investor ("ndsd" for 宁德时代), its contact's name, and — for those who see the number in
full — its contact's phone (``search_keys``: each an index range, looked up first; the
ids found join the query as a list, which each database reads by primary key).

SQLite: an FTS5 table with the trigram tokenizer (migration 0003, kept in step by
triggers) answers any term of three characters or more from its index; a trigram index
cannot answer a shorter term, so one- and two-character terms (common in Chinese: 电池,
厦门) go to LIKE, which the scope and the other filters have usually narrowed already —
and so do terms so common (有限公司) that the index would list most of the library.

PostgreSQL: ``ILIKE '%term%'`` on the name and the investor, each with a pg_trgm GIN
index; the planner uses them when the term is selective and scans the scope when not.
A two-character term, which no trigram index serves, is looked up in the index of the
bigrams of name and investor (migration 0015: ``baton_bigrams(…) @> ARRAY[term]``).
"""

import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, F, Lookup, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from .models import ProjectSearch
from .search_keys import phone_digest

MAX_LENGTH = 50
MAX_TERMS = 5
#: Above this many matches in the whole library, a term is looked up with LIKE instead.
COMMON = 5_000
FTS_TABLE = "projects_project_fts"
_SPACE = re.compile(r"\s+")
#: A term that may be the start of a project's code: letters, digits and "-", a digit in it.
_CODE = re.compile(r"(?=.*\d)[A-Za-z0-9_\-]{4,32}")
_INITIALS = re.compile(r"[A-Za-z][A-Za-z0-9]{1,99}")
_PHONE = re.compile(r"\+?[0-9()\-]{7,24}")
#: Above this many projects found by a key, its ids stay a subquery instead of a list.
KEY_LIST = 1_000


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


#: The expression migration 0015 indexes: the planner uses the index only for this text.
_BIGRAMS = "baton_bigrams(projects_project.name || ' ' || projects_project.investor) @> %s"


def _bigrams_contain(term: str) -> RawSQL:
    """PostgreSQL: whether the name or the investor contains a two-character ``term``."""
    return RawSQL(_BIGRAMS, [[term.lower()]], output_field=BooleanField())  # noqa: S611


def _contains(term: str) -> Q:
    """PostgreSQL: whether the name or the investor contains ``term`` (LIKE, or ILIKE for a
    term with letters: each served by a pg_trgm index from three characters on)."""
    pattern = Value(_like_pattern(term))
    like = _Like if term.lower() == term.upper() else _ILike
    return Q(like(F("name"), pattern)) | Q(like(F("investor"), pattern))


def _after(prefix: str) -> str:
    """The first string after every string that starts with ``prefix`` (a range's end)."""
    return prefix + "\U0010ffff"


def _code_range(term: str) -> tuple[str, str] | None:
    return (term, _after(term)) if _CODE.fullmatch(term) else None


def _ids(keys: QuerySet) -> Q | None:
    """The projects ``keys`` (rows of ``ProjectSearch``) name: a list of ids, or a
    subquery when they are many; None when there are none."""
    column = keys.values_list("project_id", flat=True)
    ids = list(column[: KEY_LIST + 1])
    if not ids:
        return None
    return Q(id__in=ids) if len(ids) <= KEY_LIST else Q(id__in=column)


def _key_ranges(term: str) -> list[tuple[str, str, str]]:
    """The (column, from, before) ranges of ``ProjectSearch`` a term is looked up in."""
    ranges = []
    if _INITIALS.fullmatch(term):
        lower = term.lower()
        ranges += [(c, lower, _after(lower)) for c in ("name_initials", "investor_initials")]
    if not term.isascii():
        ranges.append(("contact_name", term, _after(term)))
    return ranges


def _keyed(term: str, phones: Q | None, *, ranges: bool = True) -> Q | None:
    """Return the projects a term finds by its keys (initials, contact, phone), or None;
    without ``ranges``, by its phone alone.

    ``phones``: the projects whose phone the user sees in full (None: no phone search);
    a phone finds a project only there, the other keys anywhere in the scope.
    """
    found = Q()
    for column, low, before in _key_ranges(term) if ranges else ():
        found |= Q(**{f"{column}__gte": low, f"{column}__lt": before})
    matched = _ids(ProjectSearch.objects.filter(found)) if found else None
    if phones is not None and _PHONE.fullmatch(term):
        digest = phone_digest(term)
        by_phone = _ids(ProjectSearch.objects.filter(phone_digest=digest)) if digest else None
        if by_phone is not None:
            by_phone &= phones
            matched = by_phone if matched is None else matched | by_phone
    return matched


def search(projects: QuerySet, text: str, *, phones: Q | None = None) -> QuerySet:
    """Narrow ``projects`` to those whose name or investor contains every term (or whose
    原编号 is the term, or whose code starts with it, or whose initials, contact or — within
    ``phones`` — contact phone the term is)."""
    keys_table = ProjectSearch._meta.db_table
    for term in terms(text):
        original = Q(original_code=term)
        code = _code_range(term)
        if code is not None:
            original |= Q(code__gte=code[0], code__lt=code[1])
        if connection.vendor == "sqlite" and len(term) >= 3 and not _common(term):
            phrase = _phrase(term)
            # The table names are constants; the term is a bound parameter.
            # One subquery, the 原编号's and the keys' rows added to the index's: an OR
            # beside it would make SQLite scan the scope instead of reading the index.
            matches = (
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
                " UNION SELECT id FROM projects_project WHERE original_code = %s"
            )
            params = [phrase, term]
            if code is not None:
                matches += " UNION SELECT id FROM projects_project WHERE code >= %s AND code < %s"
                params += list(code)
            for column, low, before in _key_ranges(term):
                matches += f" UNION SELECT project_id FROM {keys_table} WHERE {column} >= %s AND {column} < %s"  # noqa: S608
                params += [low, before]
            indexed = Q(id__in=RawSQL(matches, params))  # noqa: S611
            by_phone = _keyed(term, phones, ranges=False)
            projects = projects.filter(indexed | by_phone if by_phone is not None else indexed)
            continue
        keyed = _keyed(term, phones)
        if keyed is not None:
            original |= keyed
        if connection.vendor == "postgresql" and len(term) == 2:
            # The LIKE as well, and first: computing the bigrams of every row of a city's
            # or a district's scope cost 12 µs a row (270 ms for a city at the national
            # scale); with it the planner reads the bigrams' index, and a row's bigrams are
            # computed only when its text holds the term.
            projects = projects.filter((_contains(term) & Q(_bigrams_contain(term))) | original)
        elif connection.vendor == "postgresql":
            projects = projects.filter(_contains(term) | original)
        else:
            projects = projects.filter(
                Q(name__icontains=term) | Q(investor__icontains=term) | original
            )
    return projects
