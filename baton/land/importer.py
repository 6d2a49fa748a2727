"""Import parcels and buildings, all or nothing: GeoJSON (WGS84) or boundary-coordinate text.

``parcel_import`` is what ``baton import-parcels`` and the upload page call:

1. decode the file (UTF-8, or GB18030 as land bureaus' tools write it) and tell the
   format: a GeoJSON FeatureCollection, or the 国土资源部 界址点坐标交换格式 text
   (``[属性描述]`` / ``[地块坐标]``, X north and Y east on a CGCS2000 Gauss–Krüger zone);
2. check every feature or parcel block, reproject, compute the geodesic area, compare it
   with the declared area (more than 5 % apart: flagged), resolve districts, towns and
   industries, and plan each parcel as *create*, *update* or *unchanged* — collecting every
   error with where it is (line or feature), the field, the value and the reason;
3. only if there is no error, write the plan through the services in one transaction. A
   dry run does the same and rolls back, so it finds exactly what a real import would.

Re-importing the same file finds every parcel unchanged and writes nothing.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from baton.accounts.models import User
from baton.org.models import District, Unit
from baton.projects.models import Industry

from . import services
from .geometry import GeometryError, Outline, gauss_to_lonlat, outline_from_geojson, zone_crs
from .models import (
    AREA_TOLERANCE,
    CODE_PATTERN,
    M2_PER_MU,
    MU_PER_HECTARE,
    Building,
    LandUse,
    Parcel,
)

MAX_BYTES = 20 * 1024 * 1024
MAX_FEATURES = 5000
_CODE = re.compile(rf"^{CODE_PATTERN}$")
_STATUS = {
    "储备": Parcel.Status.RESERVE,
    "可供": Parcel.Status.AVAILABLE,
    "已出让": Parcel.Status.SOLD,
    "出让": Parcel.Status.SOLD,
    "已预留": Parcel.Status.RESERVED,
    **{value: value for value in Parcel.Status.values},
}
_BUILDING_KIND = {str(label): value for value, label in Building.Kind.choices}
_BUILDING_KIND.update({value: value for value in Building.Kind.values})
_BUILDING_KIND.update(
    {"厂房": "factory", "研发楼": "office", "写字楼": "office", "仓库": "warehouse"}
)
#: Land-use words and codes seen in land bureaus' files → GB 50137 classes. 0601/0508 are
#: the 第三次全国国土调查 codes for 工业用地 and 物流仓储用地.
_LAND_USE_WORDS = {
    "工业用地": "M",
    "一类工业用地": "M1",
    "二类工业用地": "M2",
    "三类工业用地": "M3",
    "物流仓储用地": "W",
    "仓储用地": "W",
    "一类物流仓储用地": "W1",
    "二类物流仓储用地": "W2",
    "三类物流仓储用地": "W3",
    "商业用地": "B1",
    "商务用地": "B2",
    "科研用地": "A35",
    "0601": "M",
    "0508": "W",
}
_SPLIT = re.compile(r"[、,，;；/|]+")


@dataclass
class RowError:
    """One reason a file is refused; ``row`` is the text line or the feature number."""

    row: int
    column: str
    value: str
    reason: str
    unit: str = "行"  # 行 (a line of the text file) or 个要素 (a GeoJSON feature)

    def line(self) -> str:
        where = f"第 {self.row} {self.unit}" if self.row else "整个文件"
        value = self.value if self.value != "" else "（空）"
        return f"位置：{where}；字段：{self.column or '—'}；值：{value}；原因：{self.reason}"


@dataclass
class AreaFlag:
    code: str
    declared_mu: Decimal
    computed_mu: Decimal

    @property
    def gap(self) -> Decimal:
        return (self.declared_mu - self.computed_mu) / self.computed_mu

    def line(self) -> str:
        return (
            f"地块 {self.code}：登记面积 {self.declared_mu} 亩，按边界计算 {self.computed_mu} 亩，"
            f"相差 {self.gap * 100:+.1f}%（超过 ±{AREA_TOLERANCE * 100:.0f}%），请核对。"
        )


@dataclass
class ImportResult:
    format: str = ""
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    buildings: dict = field(default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0})
    flagged: list[AreaFlag] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "将" if self.dry_run else ""
        text = (
            f"地块：{verb}新增 {len(self.created)} 块、{verb}更新 {len(self.updated)} 块、"
            f"未变 {len(self.unchanged)} 块"
        )
        if any(self.buildings.values()):
            b = self.buildings
            text += (
                f"；载体：{verb}新增 {b['created']} 处、{verb}更新 {b['updated']} 处、"
                f"未变 {b['unchanged']} 处"
            )
        if self.flagged:
            text += f"；面积差异超过 5% 的 {len(self.flagged)} 块"
        return f"试导入（未写入）：{text}。" if self.dry_run else f"{text}。"


@dataclass
class _Plan:
    number: int
    unit: str
    code: str
    district: District
    outline: Outline | None = None
    values: dict = field(default_factory=dict)
    parcel: Parcel | None = None
    building: dict | None = None  # a building's values, industries under "industries"


class _Refused(Exception):
    pass


class _Rollback(Exception):
    pass


def parcel_import(
    *,
    data: bytes,
    actor: User | None = None,
    district: District | None = None,
    dry_run: bool = False,
    at: dt.datetime | None = None,
) -> ImportResult:
    """Check a parcel file and, when it has no error, write it in one transaction.

    ``actor`` is the user importing (None: the system, for the CLI); a district office
    imports into its own district only. ``district`` is where parcels without a 所属区
    go. Nothing is written when the result has errors or ``dry_run``.
    """
    result = ImportResult(dry_run=dry_run)
    importer = _Importer(result, actor=actor, district=district)
    try:
        plans = importer.read(data)
    except _Refused:
        return result
    if result.errors:
        return result
    importer.write(plans, dry_run=dry_run, at=at)
    if result.errors:
        result.created, result.updated, result.unchanged = [], [], []
    return result


class _Importer:
    def __init__(self, result: ImportResult, *, actor, district):
        self.result = result
        self.actor = actor
        self.default = district
        self.districts = list(District.objects.all())
        self.industries = {i.name: i for i in Industry.objects.all()}
        self._towns: dict[int, list[Unit]] = {}
        self.unit = "行"

    # --- errors ----------------------------------------------------------------------------

    def error(self, row: int, column: str, value, reason: str) -> None:
        shown = "" if value is None else str(value)
        if len(shown) > 80:
            shown = shown[:80] + "…"
        self.result.errors.append(RowError(row, column, shown, reason, self.unit))

    def refuse(self, reason: str, column: str = "", value="") -> None:
        self.error(0, column, value, reason)
        raise _Refused

    # --- reading ---------------------------------------------------------------------------

    def read(self, data: bytes) -> list[_Plan]:
        if not data:
            self.refuse("文件是空的。")
        if len(data) > MAX_BYTES:
            self.refuse(
                f"文件过大（{len(data) / 1048576:.1f} MB），单个文件不能超过 20 MB，请分批导入。"
            )
        text = _decode(data)
        if text is None:
            self.refuse("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的文本。")
        stripped = text.lstrip()
        if stripped.startswith("{"):
            self.result.format = "geojson"
            self.unit = "个要素"
            return self.read_geojson(stripped)
        if "[地块坐标]" in text or "[属性描述]" in text:
            self.result.format = "txt"
            return self.read_txt(text)
        self.refuse(
            "无法识别文件格式：应为 GeoJSON（WGS84 经纬度）或国土部门的界址点坐标文本"
            "（含“[属性描述]”“[地块坐标]”两节）。"
        )
        return []

    # --- GeoJSON ---------------------------------------------------------------------------

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

    def _code(self, number: int, get, label: str) -> str | None:
        code = _text(get("code"))
        if not code:
            self.error(number, get.label("code", label), "", f"{label}不能为空。")
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
            if not 1 <= len(parts) <= 2:
                self.error(
                    number, get.label("far", "容积率"), text, "容积率应写作 1.2 或 1.2-2.5。"
                )
                return
            try:
                numbers = [Decimal(p) for p in parts]
            except InvalidOperation:
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
        if isinstance(raw, bool) or (isinstance(raw, float) and raw != raw):
            self.error(number, get.label(key, label), raw, f"{label}不是有效的数。")
            return None
        try:
            value = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation:
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
                    self.error(number, get.label(key, label), "", f"{label}不能为空。")
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

    # --- boundary-coordinate text ----------------------------------------------------------

    def read_txt(self, text: str) -> list[_Plan]:
        header: dict[str, tuple[int, str]] = {}
        blocks: list[dict] = []
        section = None
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip().replace("，", ",")
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
                continue
            if section == "属性描述":
                key, sep, value = line.partition("=")
                if sep:
                    header[key.strip()] = (number, value.strip())
            elif section == "地块坐标":
                if line.endswith("@"):
                    fields = [f.strip() for f in line[:-1].split(",")]
                    blocks.append({"line": number, "fields": fields, "points": []})
                elif not blocks:
                    self.error(
                        number, "界址点", line, "界址点出现在第一个地块属性行（以 @ 结尾）之前。"
                    )
                else:
                    blocks[-1]["points"].append((number, [p.strip() for p in line.split(",")]))
            else:
                self.error(number, "", line, "这一行不在“[属性描述]”或“[地块坐标]”节中。")
        if not blocks:
            self.refuse("没有地块：“[地块坐标]”节中找不到以 @ 结尾的地块属性行。")
        width, zone, zone_line = self._txt_header(header)
        if self.result.errors:
            return []
        plans, seen = [], {}
        for block in blocks:
            plan = self._txt_block(block, width, zone, zone_line, seen)
            if plan is not None:
                plans.append(plan)
        return plans

    def _txt_header(self, header: dict) -> tuple[int, int | None, int]:
        line, system = header.get("坐标系", (0, ""))
        if not system:
            self.error(0, "坐标系", "", "“[属性描述]”缺少“坐标系”，无法确定坐标含义。")
        elif "2000" not in system:
            self.error(
                line,
                "坐标系",
                system,
                "只支持 2000国家大地坐标系（CGCS2000）；西安80、北京54 坐标须先由国土部门转换。",
            )
        line, projection = header.get("投影类型", (0, ""))
        if projection and "高斯" not in projection:
            self.error(line, "投影类型", projection, "只支持高斯-克吕格投影。")
        line, unit = header.get("计量单位", (0, ""))
        if unit and unit not in ("米", "m", "M"):
            self.error(line, "计量单位", unit, "坐标的计量单位须为米。")
        line, width_text = header.get("几度分带", (0, "3"))
        width = 3
        if width_text.rstrip("度") not in ("3", "6"):
            self.error(line, "几度分带", width_text, "分带只能是 3 度或 6 度。")
        else:
            width = int(width_text.rstrip("度"))
        zone_line, zone_text = header.get("带号", (0, ""))
        zone = None
        if zone_text:
            if not zone_text.isdigit():
                self.error(zone_line, "带号", zone_text, "带号应为整数（如 39）。")
            else:
                zone = int(zone_text)
        return width, zone, zone_line

    def _txt_block(self, block: dict, width: int, zone: int | None, zone_line: int, seen: dict):
        number, fields = block["line"], block["fields"]
        fields += [""] * (8 - len(fields))
        count, area, code, name, shape_kind, _sheet, use_name, use_code = fields[:8]
        errors_before = len(self.result.errors)
        if not code:
            self.error(number, "地块编号", "", "地块编号不能为空（地块属性行第 3 项）。")
        elif not _CODE.match(code):
            self.error(
                number, "地块编号", code, "地块编号只能包含字母、数字、短横线和下划线，最长 40 位。"
            )
        elif code in seen:
            self.error(number, "地块编号", code, f"与第 {seen[code]} 行的地块编号重复。")
        else:
            seen[code] = number
        if shape_kind and shape_kind != "面":
            self.error(number, "记录图形属性", shape_kind, "只支持“面”状地块。")
        rings: dict[int, list] = {}
        zones = set()
        for line, parts in block["points"]:
            if len(parts) < 4:
                self.error(line, "界址点", ",".join(parts), "界址点应为：点号,圈号,X(北),Y(东)。")
                continue
            try:
                ring = int(parts[1])
                x, y = float(parts[2]), float(parts[3])
            except ValueError:
                self.error(line, "界址点", ",".join(parts), "圈号应为整数，X、Y 应为以米计的数。")
                continue
            if x > 1e7 and y < 1e7:
                self.error(
                    line,
                    "X",
                    parts[2],
                    "X、Y 可能颠倒：X 为北坐标（约 200 万–600 万米），Y 为带带号的东坐标。",
                )
                continue
            if not 0 < x < 6.2e6:
                self.error(line, "X", parts[2], "X（北坐标）超出中国范围（约 200 万–600 万米）。")
                continue
            if y >= 1e6:
                point_zone, easting = int(y // 1_000_000), y
            else:
                point_zone, easting = None, y
            if not 1e5 < easting % 1_000_000 < 9e5:
                self.error(line, "Y", parts[3], "Y（东坐标）不在投影带范围内。")
                continue
            zones.add(point_zone)
            rings.setdefault(ring, []).append((line, x, y))
        if len(self.result.errors) > errors_before:
            return None
        if not rings:
            self.error(number, "界址点", "", "该地块没有界址点。")
            return None
        if count.isdigit():
            points = sum(len(r) for r in rings.values())
            if abs(int(count) - points) > len(rings):
                self.error(
                    number,
                    "界址点数",
                    count,
                    f"声明 {count} 个界址点，实际 {points} 个：文件可能不完整。",
                )
                return None
        epsg = self._txt_zone(number, zones, width, zone, zone_line)
        if epsg is None:
            return None
        ordered = [rings[k] for k in sorted(rings)]
        geometry = {
            "type": "Polygon",
            "coordinates": [
                [list(p) for p in gauss_to_lonlat(epsg, [(x, y) for _line, x, y in ring])]
                for ring in ordered
            ],
        }
        try:
            outline = outline_from_geojson(geometry)
        except GeometryError as exc:
            self.error(number, "界址点", code, str(exc))
            return None
        existing = Parcel.objects.filter(code=code).first()
        values: dict = {}
        if name:
            values["name"] = name[:100]
        elif existing is None:
            self.error(number, "地块名称", "", "新地块的名称不能为空（地块属性行第 4 项）。")
        raw_use = use_code or use_name
        if raw_use:
            use = land_use_of(use_code) or land_use_of(use_name)
            if use is None:
                self.error(
                    number,
                    "地块用途",
                    raw_use,
                    "无法识别的用地性质：请填 GB 50137 代码（如 M1、W1）或“工业用地”等。",
                )
            else:
                values["land_use"] = use
        elif existing is None:
            self.error(
                number, "地块用途", "", "新地块须有地块用途或地类编码（如 M1、0601 工业用地）。"
            )
        if area:
            declared = _area_text(area)
            if declared is None:
                self.error(
                    number,
                    "地块面积",
                    area,
                    "地块面积应为数字，单位公顷（可写“0.7655公顷”“11.5亩”）。",
                )
            else:
                values["declared_area_mu"] = declared
        district = self.default
        if district is None:
            self.error(number, "所属区", "", "界址点文本不含所属区，请指定导入的区。")
        elif self.actor is not None and district.pk != self.actor.district_id:
            self.error(number, "所属区", district.name, "只能导入本区的地块。")
        if len(self.result.errors) > errors_before:
            return None
        return self._plan(number, code, district, outline, values, existing)

    def _txt_zone(self, number: int, zones: set, width: int, zone: int | None, zone_line: int):
        prefixed = {z for z in zones if z is not None}
        if len(zones) > 1:
            self.error(
                number,
                "Y",
                "",
                "同一地块的界址点带号不一致（部分 Y 坐标带带号、部分不带，或带号不同）。",
            )
            return None
        try:
            if prefixed:
                (point_zone,) = prefixed
                if zone is not None and zone != point_zone:
                    self.error(
                        zone_line,
                        "带号",
                        zone,
                        f"属性描述的带号 {zone} 与 Y 坐标前缀的带号 {point_zone} 不一致。",
                    )
                    return None
                return zone_crs(width, point_zone, prefixed=True)
            if zone is None:
                self.error(
                    number, "带号", "", "Y 坐标不带带号，属性描述中也没有“带号”，无法确定投影带。"
                )
                return None
            return zone_crs(width, zone, prefixed=False)
        except GeometryError as exc:
            self.error(zone_line or number, "带号", zone, str(exc))
            return None

    # --- writing ---------------------------------------------------------------------------

    def write(self, plans: list[_Plan], *, dry_run: bool, at) -> None:
        result = self.result
        try:
            with transaction.atomic():
                for plan in plans:
                    self.unit = plan.unit
                    try:
                        self._write(plan, at)
                    except ValidationError as exc:
                        self.error(plan.number, "", plan.code, "；".join(exc.messages))
                if result.errors or dry_run:
                    raise _Rollback
        except _Rollback:
            pass

    def _write(self, plan: _Plan, at) -> None:
        result = self.result
        if plan.building is not None:
            values = dict(plan.building)
            industries = values.pop("industries")
            values.pop("district")
            _building, outcome = services.building_save(
                code=plan.code, district=plan.district, values=values, industries=industries
            )
            result.buildings[outcome] += 1
            return
        if plan.parcel is None:
            services.parcel_create(
                actor=self.actor,
                code=plan.code,
                district=plan.district,
                outline=plan.outline,
                values=plan.values,
                at=at,
            )
            result.created.append(plan.code)
        elif services.parcel_update(
            parcel=plan.parcel, actor=self.actor, outline=plan.outline, values=plan.values, at=at
        ):
            result.updated.append(plan.code)
        else:
            result.unchanged.append(plan.code)


# --- helpers ---------------------------------------------------------------------------------

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
