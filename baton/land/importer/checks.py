"""The checks of a feature's or parcel block's fields: code, district, town, industries,
land use, floor-area ratio, declared area, amounts, dates and lengths."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from baton.core.messages import required
from baton.org.models import District, Unit
from baton.projects.models import Industry

from ..models import (
    M2_PER_MU,
    MU_PER_HECTARE,
)
from .fields import (
    _text,
    land_use_of,
    parse_date,
)
from .result import (
    _CODE,
    _SPLIT,
)


class _Checks:
    """The field checks (a part of ``_Importer``)."""

    def _code(self, number: int, get, label: str) -> str | None:
        code = _text(get("code"))
        if not code:
            self.error(number, get.label("code", label), "", required(label))
            return None
        if not _CODE.match(code):
            self.error(
                number,
                get.label("code", label),
                code,
                f"{label}只能包含字母、数字、短横线和下划线，最长 40 位（如 XA-2019-M01）。",
            )
            return None
        return code

    def _district(self, number: int, get) -> District | None:
        raw = _text(get("district"))
        if raw:
            match = [d for d in self.districts if raw in (d.code, d.name)]
            if not match:
                self.error(
                    number, get.label("district", "所属区"), raw, "找不到该区（填区划代码或名称）。"
                )
                return None
            district = match[0]
        else:
            district = self.default
            if district is None:
                self.error(
                    number, get.label("district", "所属区"), "", "所属区为空，且未指定默认的区。"
                )
                return None
        actor = self.actor
        if actor is not None and district.pk != actor.district_id:
            self.error(
                number,
                get.label("district", "所属区"),
                district.name,
                f"只能导入本区（{actor.district.name if actor.district_id else '—'}）的地块。",
            )
            return None
        return district

    def _town(self, number: int, get, district: District | None) -> Unit | None:
        raw = _text(get("town"))
        if not raw or district is None:
            return None
        if district.pk not in self._towns:
            self._towns[district.pk] = list(
                Unit.objects.filter(district=district, kind=Unit.Kind.TOWN, is_active=True)
            )
        towns = self._towns[district.pk]
        for town in towns:
            if raw in (town.name, town.short_name):
                return town
        names = "、".join(t.name for t in towns) or "（本区未登记镇街）"
        self.error(
            number,
            get.label("town", "所属镇街"),
            raw,
            f"不是{district.name}的镇街，应为：{names}。",
        )
        return None

    def _industries(self, number: int, get) -> list[Industry]:
        raw = get("industries")
        if raw in (None, ""):
            return []
        names = raw if isinstance(raw, list) else _SPLIT.split(str(raw))
        found, unknown = [], []
        for name in names:
            name = str(name).strip()
            if not name:
                continue
            if name in self.industries:
                found.append(self.industries[name])
            else:
                unknown.append(name)
        if unknown:
            known = "、".join(self.industries)
            self.error(
                number,
                get.label("industries", "招商方向"),
                "、".join(unknown),
                f"不是系统中的行业，招商方向应从以下选择：{known}。",
            )
        return found

    def _land_use(self, number: int, get, existing) -> str | None:
        raw = get("land_use")
        text = _text(raw)
        if not text:
            if existing is None:
                self.error(
                    number,
                    get.label("land_use", "用地性质"),
                    "",
                    "新地块须填写用地性质（如 M1、M2、W1）。",
                )
            return None
        use = land_use_of(text)
        if use is None:
            self.error(
                number,
                get.label("land_use", "用地性质"),
                text,
                "无法识别的用地性质：请填 GB 50137 代码，如 M1 一类工业用地、M2、W1、B2、A35。",
            )
        return use

    def _far(self, number: int, get, values: dict) -> None:
        low = high = None
        if get("far") not in (None, ""):
            text = _text(get("far"))
            parts = [p for p in re.split(r"\s*[-–~～至]\s*", text) if p]
            try:
                numbers = [Decimal(p) for p in parts] if 1 <= len(parts) <= 2 else []
            except InvalidOperation:
                numbers = []
            if not numbers:
                self.error(
                    number, get.label("far", "容积率"), text, "容积率应写作 1.2 或 1.2-2.5。"
                )
                return
            low, high = numbers[0], numbers[-1]
        if get("far_min") not in (None, ""):
            low = self._decimal(number, get, "far_min", "容积率下限", places=2, upper=Decimal(50))
        if get("far_max") not in (None, ""):
            high = self._decimal(number, get, "far_max", "容积率上限", places=2, upper=Decimal(50))
        for value in (low, high):
            if value is not None and not (
                0 <= value <= 50 and value == value.quantize(Decimal("0.01"))
            ):
                self.error(
                    number,
                    get.label("far", "容积率"),
                    value,
                    "容积率应在 0–50 之间，最多 2 位小数。",
                )
                return
        if low is not None and high is not None and low > high:
            self.error(
                number, get.label("far_min", "容积率"), f"{low}-{high}", "容积率下限大于上限。"
            )
            return
        if low is not None:
            values["far_min"] = low
        if high is not None:
            values["far_max"] = high

    def _declared_area(self, number: int, get) -> Decimal | None:
        for key, factor, label in (
            ("area_mu", Decimal(1), "面积（亩）"),
            ("area_ha", MU_PER_HECTARE, "面积（公顷）"),
            ("area_m2", 1 / M2_PER_MU, "面积（平方米）"),
        ):
            if get(key) not in (None, ""):
                value = self._decimal(number, get, key, label, places=4, upper=Decimal(10) ** 9)
                if value is None:
                    return None
                if value <= 0:
                    self.error(number, get.label(key, label), value, "面积必须大于 0。")
                    return None
                return (value * factor).quantize(Decimal("0.01"))
        return None

    def _decimal(self, number, get, key, label, *, places: int, upper: Decimal) -> Decimal | None:
        raw = get(key)
        value = None
        if not (isinstance(raw, bool) or (isinstance(raw, float) and raw != raw)):
            try:
                value = Decimal(str(raw).strip().replace(",", ""))
            except InvalidOperation:
                value = None
        if value is None:
            self.error(number, get.label(key, label), raw, f"{label}不是有效的数。")
            return None
        if not value.is_finite() or value < 0 or value > upper:
            self.error(number, get.label(key, label), raw, f"{label}应在 0 到 {upper} 之间。")
            return None
        if value.normalize().as_tuple().exponent < -places:
            detail = "应为整数" if places == 0 else f"最多保留 {places} 位小数"
            self.error(number, get.label(key, label), raw, f"{label}{detail}。")
            return None
        return value

    def _date(self, number: int, get, key: str, label: str) -> dt.date | None:
        raw = get(key)
        day = parse_date(raw)
        if day is None:
            self.error(number, get.label(key, label), raw, f"{label}格式不正确，应为 YYYY-MM-DD。")
        elif not dt.date(1990, 1, 1) <= day <= dt.date(2100, 12, 31):
            self.error(number, get.label(key, label), raw, f"{label}超出合理范围。")
            return None
        return day

    def _limited(self, number: int, get, key: str, text: str, limit: int) -> str:
        if len(text) > limit:
            self.error(number, get.label(key, key), text, f"不能超过 {limit} 个字。")
        return text[:limit]
