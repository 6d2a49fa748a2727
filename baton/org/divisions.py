"""行政区划代码 of China's provinces and prefecture-level cities (GB/T 2260 six digits).

Read from ``data/divisions_cn.csv``: the provinces and cities of 国家统计局 2023年统计用
区划代码 (modood/Administrative-divisions-of-China, the same source as the district
and street files), a city's code padded to six digits (3502 → 350200), plus 台湾省,
香港 and 澳门 (710000, 810000, 820000). Where an investor is from (投资方所在地) is one
of these codes.
"""

import csv
import functools
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ValidationError

DATA = Path(__file__).parent / "data" / "divisions_cn.csv"


class Division(NamedTuple):
    code: str
    name: str
    parent: str  # the province's code; blank for a province

    @property
    def full_name(self) -> str:
        """Return the name with its province's: 广东省深圳市; a province as it is."""
        return f"{by_code()[self.parent].name}{self.name}" if self.parent else self.name


@functools.cache
def by_code() -> dict[str, Division]:
    with DATA.open(encoding="utf-8") as f:
        return {
            row["code"]: Division(row["code"], row["name"], row["parent"])
            for row in csv.DictReader(f)
        }


@functools.cache
def _by_name() -> dict[str, list[Division]]:
    names: dict[str, list[Division]] = {}
    for division in by_code().values():
        for name in {division.name, division.full_name}:
            names.setdefault(name, []).append(division)
    return names


def provinces() -> list[Division]:
    return [d for d in by_code().values() if not d.parent]


def choices() -> list[tuple[str, str]]:
    """Return (code, name) of every division, each province followed by its cities."""
    rows = []
    for province in provinces():
        rows.append((province.code, province.name))
        rows += [
            (d.code, f"{province.name} · {d.name}")
            for d in by_code().values()
            if d.parent == province.code
        ]
    return rows


def name_of(code: str) -> str:
    """Return the full name of a code (广东省深圳市), or the code itself if unknown."""
    division = by_code().get(code or "")
    return division.full_name if division else (code or "")


def clean_division(value) -> str:
    """Return the code of a province or city given by its code or its name, or refuse it.

    Blank stays blank. Accepted: 440300, 4403, 深圳市, 广东省深圳市, 广东省, 广东.
    """
    text = str(value or "").strip().replace(" ", "")
    if not text:
        return ""
    if text.isdigit():
        code = text.ljust(6, "0") if len(text) in (2, 4) else text
        if code in by_code():
            return code
        raise ValidationError(f"“{text}”不是省或地级市的行政区划代码（如 440300 深圳市）。")
    found = _by_name().get(text) or _by_name().get(f"{text}省") or _by_name().get(f"{text}市")
    if found and len(found) == 1:
        return found[0].code
    if found:
        raise ValidationError(f"“{text}”有多个同名地区，请填写行政区划代码。")
    raise ValidationError(f"找不到地区“{text}”，请填写省或地级市的名称或行政区划代码。")
