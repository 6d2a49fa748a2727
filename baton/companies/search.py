"""The library's search, one for the pages, the export and the API.

A former name is found on every database: the JSON list is text to ``icontains``, which
PostgreSQL writes as the characters themselves and SQLite as ``\\uXXXX`` escapes (Django
stores JSON ASCII-escaped there), so both spellings are looked for.
"""

import json

from django.db.models import Q, QuerySet

from .models import Company


def matching(rows: QuerySet[Company], q: str, *, industry: bool = False) -> QuerySet[Company]:
    """``rows`` whose name or former name contains ``q``, whose credit code is ``q``, or
    (``industry``) whose industry code starts with it."""
    q = q.strip()
    if not q:
        return rows
    escaped = json.dumps(q)[1:-1]
    found = Q(name__icontains=q) | Q(uscc__iexact=q) | Q(former_names__icontains=q)
    if escaped != q:
        found |= Q(former_names__icontains=escaped)
    if industry:
        found |= Q(industry_code__istartswith=q)
    return rows.filter(found)
