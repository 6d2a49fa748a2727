"""Where a report is about: the 行政区划代码 of the most specific division it names most.

The names come from ``baton.org``'s division files (provinces, prefecture-level cities,
the districts the platform ships) and, when given, the library's own districts. A name
is also recognised without its last character (翔安 for 翔安区, 厦门 for 厦门市) when
what is left has two characters or more.
"""

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from baton.org.divisions import by_code

DISTRICTS = Path(__file__).resolve().parents[1] / "org" / "data" / "xiamen_districts_areas.csv"
_SUFFIXES = ("自治州", "自治县", "地区", "新区", "省", "市", "区", "县", "盟", "旗")
#: Short forms that are ordinary words more often than places.
_NOT_PLACES = {"吉林", "南京", "开发", "高新", "城区", "市区", "新区", "郊区", "矿区", "林区"}


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: int  # 1 province, 2 city, 3 district


@functools.cache
def _shipped() -> tuple[Place, ...]:
    places = []
    for division in by_code().values():
        places.append(Place(division.code, division.name, 2 if division.parent else 1))
    with DISTRICTS.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            places.append(Place(row["code"], row["name"], 3))
    return tuple(places)


def _short(name: str) -> str | None:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            short = name[: -len(suffix)]
            return None if short in _NOT_PLACES else short
    return None


@functools.cache
def _matcher(extra: tuple[Place, ...]) -> tuple[re.Pattern, dict[str, Place]]:
    names: dict[str, Place] = {}
    for place in (*_shipped(), *extra):
        for name in (place.name, _short(place.name)):
            if name and names.get(name, place).level <= place.level:
                names[name] = place
    ordered = sorted(names, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))), names


def find_place(text: str, extra: tuple[Place, ...] = ()) -> Place | None:
    """Return the most specific division named in ``text``, the most named at that level;
    a tie goes to the one named first."""
    pattern, names = _matcher(extra)
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    places: dict[str, Place] = {}
    for match in pattern.finditer(text):
        place = names[match.group(0)]
        counts[place.code] = counts.get(place.code, 0) + 1
        first.setdefault(place.code, match.start())
        places[place.code] = place
    if not places:
        return None
    best = max(places.values(), key=lambda p: (p.level, counts[p.code], -first[p.code]))
    return best
