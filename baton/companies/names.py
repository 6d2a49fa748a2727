"""A company's name as the duplicate check compares it, and the fuzzy comparison.

Apart from the models (no Django), so that an import can run it over many rows.
"""

import re
import unicodedata

from rapidfuzz import fuzz

#: Words that say what kind of company it is, not which one; removed before comparing.
_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团股份",
    "控股集团",
    "集团",
    "股份",
    "控股",
    "公司",
    "co.,ltd.",
    "co.,ltd",
    "co.ltd",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
)
#: A bracketed part: （中国）, (厦门), [上海].
_BRACKETED = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]")
_SPACE_PUNCT = re.compile(r"[\s·.,，、\-_/]+")
#: A name this similar (0–100) to another is a possible duplicate.
SIMILAR = 85


def name_key(name: str) -> str:
    """Return the name normalised: NFKC, lower case, brackets and company forms removed."""
    text = unicodedata.normalize("NFKC", str(name or "")).lower()
    text = _BRACKETED.sub("", text.replace("（", "(").replace("）", ")"))
    text = text.replace(" ", "")
    for word in _FORMS:
        text = text.replace(word, "")
    return _SPACE_PUNCT.sub("", text)


def similarity(key: str, other: str) -> int:
    """Return how alike two name keys are (0–100); one inside the other counts as alike."""
    if not key or not other:
        return 0
    if key == other:
        return 100
    shorter, longer = sorted((key, other), key=len)
    if len(shorter) >= 4 and shorter in longer:
        return SIMILAR
    return round(fuzz.ratio(key, other))
