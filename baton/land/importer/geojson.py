"""Reading a GeoJSON FeatureCollection (WGS84): each feature a parcel or a building,
checked and planned."""

import json
import re
from decimal import Decimal

from baton.core import messages

from ..geometry import GeometryError, outline_from_geojson
from ..models import (
    AREA_TOLERANCE,
    Building,
    Parcel,
)
from .fields import BUILDING_KEYS, PARCEL_KEYS, _Getter, _key, _short, _text
from .result import _BUILDING_KIND, _STATUS, MAX_FEATURES, AreaFlag, _Plan


class _GeoJSON:
    """GeoJSON (a part of ``_Importer``)."""

    def read_geojson(self, text: str) -> list[_Plan]:
        try:
            doc = json.loads(text)
        except ValueError as exc:
            self.refuse(f"不是有效的 JSON：{exc.msg}（第 {exc.lineno} 行第 {exc.colno} 列）。")
        if not isinstance(doc, dict):
            self.refuse("GeoJSON 应为一个 FeatureCollection 对象。")
        crs = doc.get("crs")
        if crs is not None:
            name = json.dumps(crs, ensure_ascii=False)
            if not re.search(r"CRS84|EPSG:*:?(4326|4490)\b", name):
                self.refuse(
                    "GeoJSON 的坐标系须为 WGS84 经纬度（EPSG:4326/CRS84）；投影坐标请导出为经纬度，"
                    "或使用界址点坐标文本导入。",
                    "crs",
                    name,
                )
        if doc.get("type") == "Feature":
            features = [doc]
        elif doc.get("type") == "FeatureCollection" and isinstance(doc.get("features"), list):
            features = doc["features"]
        else:
            self.refuse(
                "GeoJSON 应为 FeatureCollection（含 features 数组）。", "type", doc.get("type")
            )
        if not features:
            self.refuse("文件中没有要素（features 为空）。")
        if len(features) > MAX_FEATURES:
            self.refuse(f"要素过多（{len(features)} 个，上限 {MAX_FEATURES}），请分批导入。")
        plans, seen = [], {}
        for number, feature in enumerate(features, start=1):
            plan = self._feature(number, feature, seen)
            if plan is not None:
                plans.append(plan)
        return plans

    def _feature(self, number: int, feature, seen: dict) -> _Plan | None:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            self.error(number, "type", _short(feature), "不是 GeoJSON Feature。")
            return None
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            self.error(number, "properties", _short(props), "properties 应为对象。")
            return None
        props = {_key(k): v for k, v in props.items()}
        geometry = feature.get("geometry")
        is_building = isinstance(geometry, dict) and geometry.get("type") == "Point"
        keys = BUILDING_KEYS if is_building else PARCEL_KEYS
        get = _Getter(props, keys)
        errors_before = len(self.result.errors)
        code = self._code(number, get, "载体编号" if is_building else "地块编号")
        if code is not None:
            key = ("b" if is_building else "p", code)
            if key in seen:
                self.error(number, get.label("code"), code, f"与第 {seen[key]} 个要素的编号重复。")
            seen.setdefault(key, number)
        district = self._district(number, get)
        if is_building:
            plan = self._building(number, get, geometry, code, district)
        else:
            plan = self._parcel(number, get, geometry, code, district)
        if len(self.result.errors) > errors_before:
            return None
        return plan

    def _parcel(self, number: int, get, geometry, code, district) -> _Plan | None:
        try:
            outline = outline_from_geojson(geometry)
        except GeometryError as exc:
            self.error(number, "geometry", "", str(exc))
            outline = None
        values: dict = {}
        name = _text(get("name"))
        if name:
            values["name"] = self._limited(number, get, "name", name, 100)
        existing = Parcel.objects.filter(code=code).first() if code else None
        if existing is None and not name:
            self.error(number, get.label("name", "地块名称"), "", "新地块的名称不能为空。")
        town = self._town(number, get, district)
        if town is not None:
            values["town"] = town
        address = _text(get("address"))
        if address:
            values["address"] = self._limited(number, get, "address", address, 200)
        use = self._land_use(number, get, existing)
        if use:
            values["land_use"] = use
        planned = _text(get("planned_use"))
        if planned:
            values["planned_use"] = self._limited(number, get, "planned_use", planned, 100)
        if get("industries") not in (None, ""):
            values["industries"] = self._industries(number, get)
        self._far(number, get, values)
        status = _text(get("status"))
        if status:
            if status not in _STATUS:
                self.error(
                    number,
                    get.label("status", "供应状态"),
                    status,
                    "供应状态应为 储备、可供 或 已出让。",
                )
            elif _STATUS[status] == Parcel.Status.RESERVED:
                self.error(
                    number,
                    get.label("status", "供应状态"),
                    status,
                    "“已预留”须在招商地图上为具体项目预留，导入时请填 储备 或 可供。",
                )
            else:
                values["status"] = _STATUS[status]
        for key, label in (("supply_date", "可供日期"), ("sold_on", "出让日期")):
            if get(key) not in (None, ""):
                values[key] = self._date(number, get, key, label)
        price = get("price")
        if price not in (None, ""):
            values["price_wan_per_mu"] = self._decimal(
                number, get, "price", "参考价格（万元/亩）", places=4, upper=Decimal(100000)
            )
        note = _text(get("note"))
        if note:
            values["note"] = self._limited(number, get, "note", note, 2000)
        declared = self._declared_area(number, get)
        if declared is not None:
            values["declared_area_mu"] = declared
        return self._plan(number, code, district, outline, values, existing)

    def _plan(self, number, code, district, outline, values, existing) -> _Plan | None:
        if code is None or district is None:
            return None
        if existing is not None and existing.district_id != district.pk:
            self.error(number, "地块编号", code, f"该编号的地块已属于{existing.district.name}。")
            return None
        if outline is not None:
            declared = values.get("declared_area_mu")
            if declared is None and existing is not None:
                declared = existing.declared_area_mu
            gap = abs(declared - outline.area_mu) / outline.area_mu if declared is not None else 0
            if gap > AREA_TOLERANCE:
                self.result.flagged.append(AreaFlag(code, declared, outline.area_mu))
        if existing is None and outline is None:
            return None
        return _Plan(number, self.unit, code, district, outline, values, existing)

    def _building(self, number: int, get, geometry, code, district) -> _Plan | None:
        coords = geometry.get("coordinates")
        lon = lat = None
        if (
            isinstance(coords, list)
            and len(coords) >= 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords[:2])
        ):
            lon, lat = float(coords[0]), float(coords[1])
        if lon is None or not (73 <= lon <= 136 and 3 <= lat <= 54):
            self.error(
                number, "geometry", _short(coords), "载体位置须为中国境内的 [经度, 纬度] 点。"
            )
        values: dict = {}
        name = _text(get("name"))
        if not name:
            self.error(number, get.label("name", "载体名称"), "", "载体名称不能为空。")
        values["name"] = self._limited(number, get, "name", name, 100)
        kind = _text(get("kind"))
        if kind not in _BUILDING_KIND:
            choices = "、".join(str(label) for _v, label in Building.Kind.choices)
            self.error(number, get.label("kind", "载体类型"), kind, f"载体类型应为：{choices}。")
        else:
            values["kind"] = _BUILDING_KIND[kind]
        values["town"] = self._town(number, get, district)
        values["address"] = self._limited(number, get, "address", _text(get("address")), 200)
        values["owner"] = self._limited(number, get, "owner", _text(get("owner")), 200)
        values["note"] = self._limited(number, get, "note", _text(get("note")), 2000)
        parcel_code = _text(get("parcel"))
        values["parcel"] = None
        if parcel_code:
            values["parcel"] = Parcel.objects.filter(code=parcel_code, district=district).first()
            if values["parcel"] is None:
                self.error(
                    number, get.label("parcel", "所在地块"), parcel_code, "本区没有该编号的地块。"
                )
        numbers = {
            "floor_area_m2": ("floor_area", "建筑面积（平方米）", 2, Decimal(10) ** 8, True),
            "standard_floor_area_m2": (
                "standard_floor_area",
                "标准层面积（平方米）",
                2,
                Decimal(10) ** 7,
                False,
            ),
            "clear_height_m": ("clear_height", "层高（米）", 2, Decimal(100), False),
            "vacant_area_m2": ("vacant", "空置面积（平方米）", 2, Decimal(10) ** 8, False),
            "rent_yuan_per_m2_month": ("rent", "租金（元/平方米·月）", 2, Decimal(10000), False),
            "floors": ("floors", "层数", 0, Decimal(200), False),
        }
        for field_name, (key, label, places, upper, required) in numbers.items():
            if get(key) in (None, ""):
                if required:
                    self.error(number, get.label(key, label), "", messages.required(label))
                values[field_name] = Decimal(0) if field_name == "vacant_area_m2" else None
                continue
            value = self._decimal(number, get, key, label, places=places, upper=upper)
            if value is not None and places == 0:
                value = int(value)
            values[field_name] = value
        floor, vacant = values.get("floor_area_m2"), values.get("vacant_area_m2")
        if floor is not None and vacant is not None and vacant > floor:
            self.error(
                number, get.label("vacant", "空置面积"), vacant, "空置面积不能大于建筑面积。"
            )
        industries = self._industries(number, get)
        if code is None or district is None or lon is None:
            return None
        values["lon"], values["lat"] = round(lon, 7), round(lat, 7)
        values["district"] = district
        return _Plan(
            number, self.unit, code, district, building={**values, "industries": industries}
        )
