"""``parcel_import``: a parcel file decoded, read in its format, checked and written
through the services, all or nothing."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from baton.accounts.models import User
from baton.org.models import District, Unit
from baton.projects.models import Industry

from .. import services
from .checks import _Checks
from .fields import (
    _decode,
)
from .geojson import _GeoJSON
from .result import (
    MAX_BYTES,
    ImportResult,
    RowError,
    _Plan,
    _Refused,
    _Rollback,
)
from .txt import _Txt


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


class _Importer(_GeoJSON, _Txt, _Checks):
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
