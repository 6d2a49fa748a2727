"""What a parcel import reports (``ImportResult``, its errors and area flags), a planned
parcel or building, and the words and codes the files use."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from baton.core.messages import dry_run
from baton.org.models import District

from ..geometry import Outline
from ..models import (
    AREA_TOLERANCE,
    CODE_PATTERN,
    Building,
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
        return dry_run(text) if self.dry_run else f"{text}。"


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
