"""The fields of a parcel or building as the files name them, and the conversions of
their values (text, dates, areas, land-use words)."""

import datetime as dt
import json
import re
from decimal import Decimal

from ..models import (
    M2_PER_MU,
    MU_PER_HECTARE,
    LandUse,
)
from .result import (
    _LAND_USE_WORDS,
)

PARCEL_KEYS = {
    "code": ("地块编号", "code", "dkbh", "编号"),
    "name": ("地块名称", "name", "dkmc", "名称"),
    "district": ("所属区", "district", "行政区"),
    "town": ("所属镇街", "镇街", "town", "所属街道"),
    "address": ("坐落", "土地坐落", "地址", "address"),
    "land_use": (
        "用地性质",
        "land_use",
        "地类编码",
        "dlbm",
        "土地用途",
        "地块用途",
        "dkyt",
        "用途",
    ),
    "planned_use": ("规划用途", "planned_use"),
    "industries": ("招商方向", "产业方向", "industries"),
    "far": ("容积率", "far"),
    "far_min": ("容积率下限", "far_min"),
    "far_max": ("容积率上限", "far_max"),
    "status": ("供应状态", "状态", "status"),
    "supply_date": ("可供日期", "计划供地日期", "supply_date"),
    "sold_on": ("出让日期", "sold_on"),
    "area_mu": ("面积(亩)", "登记面积(亩)", "area_mu"),
    "area_ha": ("面积(公顷)", "登记面积(公顷)", "area_ha", "mj"),
    "area_m2": ("面积(平方米)", "面积(㎡)", "area_m2"),
    "price": ("参考价格(万元/亩)", "参考价格", "price_wan_per_mu", "price"),
    "note": ("备注", "note"),
}
BUILDING_KEYS = {
    "code": ("载体编号", "编号", "code"),
    "name": ("载体名称", "名称", "name"),
    "kind": ("载体类型", "类型", "kind"),
    "district": ("所属区", "district"),
    "town": ("所属镇街", "镇街", "town"),
    "address": ("坐落", "地址", "address"),
    "parcel": ("所在地块", "地块编号", "parcel"),
    "floor_area": ("建筑面积(平方米)", "建筑面积", "floor_area_m2"),
    "standard_floor_area": ("标准层面积(平方米)", "标准层面积", "standard_floor_area_m2"),
    "floors": ("层数", "floors"),
    "clear_height": ("层高(米)", "层高", "净高(米)", "clear_height_m"),
    "vacant": ("空置面积(平方米)", "空置面积", "vacant_area_m2"),
    "rent": ("租金(元/平方米·月)", "租金(元/㎡·月)", "租金", "rent_yuan_per_m2_month", "rent"),
    "owner": ("产权单位", "业主", "owner"),
    "industries": ("招商方向", "产业方向", "industries"),
    "note": ("备注", "note"),
}


def _key(key) -> str:
    text = str(key).strip().lower().replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", text)


class _Getter:
    """Read a feature's properties by field, under any of the field's accepted names."""

    def __init__(self, props: dict, keys: dict):
        self.props = props
        self.keys = {name: tuple(_key(a) for a in aliases) for name, aliases in keys.items()}
        self.raw = {name: aliases[0] for name, aliases in keys.items()}

    def __call__(self, name: str):
        for alias in self.keys[name]:
            if alias in self.props and self.props[alias] not in (None, ""):
                return self.props[alias]
        return None

    def label(self, name: str, default: str = "") -> str:
        return self.raw.get(name, default or name)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:60] + "…"


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def land_use_of(text: str) -> str | None:
    """Return the GB 50137 class a land-use code or word names, or None."""
    text = (text or "").strip()
    if not text:
        return None
    code = text.split()[0].upper()
    if code in LandUse.values:
        return code
    if text in _LAND_USE_WORDS:
        return _LAND_USE_WORDS[text]
    for value, label in LandUse.choices:
        if text == str(label) or text == str(label).split(" ", 1)[1]:
            return value
    return None


def _area_text(text: str) -> Decimal | None:
    """Return a TXT header's 地块面积 in 亩: a bare number is 公顷 (as the format has it)."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(公顷|亩|平方米|㎡|m2)?\s*", text)
    if not match:
        return None
    value = Decimal(match[1])
    unit = match[2] or "公顷"
    factor = {"公顷": MU_PER_HECTARE, "亩": Decimal(1)}.get(unit, 1 / M2_PER_MU)
    area = (value * factor).quantize(Decimal("0.01"))
    return area if area > 0 else None


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = _text(value)
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
