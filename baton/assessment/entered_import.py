"""Entered figures from a workbook or a CSV file: all rows or none.

Columns (first row, in any order): 被考核对象, 期间, 指标, 数值, 来源, and optionally 说明.
被考核对象 is a unit's name (or short name) of the district; 期间 is written as offices
write it (``periods.parse_period``); 来源 is 文件, 统计局, 商务局 or 其他部门. A row of a
party, figure and period already entered corrects it. Every error names the row, the
column and the reason.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from baton.accounts.models import User
from baton.core.xlsx import unneutralize
from baton.org.models import District, Unit

from .models import EnteredFact
from .periods import parse_period
from .services import ENTERED_NAME, entered_fact_set, source_of

COLUMNS = {
    "party": ("被考核对象", "被考核单位", "单位"),
    "period": ("期间", "考核期"),
    "name": ("指标", "指标名称"),
    "value": ("数值", "数据"),
    "source": ("来源", "数据来源"),
    "reason": ("说明", "理由", "备注"),
}
REQUIRED = ("party", "period", "name", "value", "source")
MAX_ROWS = 5000
NOT_A_FILE = "文件无法读取：请上传 .xlsx 工作簿或 UTF-8 编码的 .csv 文件。"


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return f"已导入录入数据：新增 {self.created} 条，更新 {self.updated} 条。"


class ImportRefused(ValidationError):
    """Nothing was imported; the messages name each bad row."""


def _table(data: bytes, filename: str) -> list[list]:
    if filename.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused([NOT_A_FILE]) from None
        return [list(row) for row in csv.reader(io.StringIO(text))]
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    except Exception:
        raise ImportRefused([NOT_A_FILE]) from None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unneutralize(str(value)).strip()


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) of the file's data rows; ImportRefused on its header."""
    table = _table(data, filename)
    if not table:
        raise ImportRefused(["文件是空的：第 1 行应为表头。"])
    header = [_text(cell) for cell in table[0]]
    where = {}
    for key, names in COLUMNS.items():
        for index, title in enumerate(header):
            if title in names:
                where[key] = index
                break
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in where]
    if missing:
        raise ImportRefused([f"表头（第 1 行）缺少列：{'、'.join(missing)}。"])
    rows = []
    for number, row in enumerate(table[1:], start=2):
        values = {k: _text(row[i]) if i < len(row) else "" for k, i in where.items()}
        if any(values.values()):
            rows.append((number, values))
        if len(rows) > MAX_ROWS:
            raise ImportRefused([f"文件超过 {MAX_ROWS} 行，请分成几个文件导入。"])
    if not rows:
        raise ImportRefused(["文件中没有数据行。"])
    return rows


def _units(districts) -> dict[str, list[Unit]]:
    by_name: dict[str, list[Unit]] = {}
    for unit in Unit.objects.filter(district__in=districts).select_related("district"):
        for name in {unit.name, unit.short_name} - {""}:
            by_name.setdefault(name, []).append(unit)
    return by_name


def _districts(districts) -> dict[str, list]:
    return {d.name: [d] for d in districts}


def import_entered(
    *, data: bytes, filename: str, districts, actor: User | None, by_district: bool = False
) -> Result:
    """Import the file's rows for units of ``districts`` (``by_district``: for the
    districts themselves, each as a whole); ImportRefused (every error, nothing written)
    unless every row is good."""
    rows = read_rows(data, filename)
    units = _districts(districts) if by_district else _units(districts)
    result, errors, seen = Result(), [], {}

    with transaction.atomic():
        for number, values in rows:

            def bad(column: str, reason: str, number=number) -> None:
                errors.append(f"第 {number} 行“{COLUMNS[column][0]}”列：{reason}")

            found = units.get(values["party"], [])
            if not values["party"]:
                bad("party", "不能为空。")
            elif not found:
                where = "本市的区" if by_district else "本区的单位"
                bad("party", f"“{values['party']}”不是{where}。")
            elif len(found) > 1:
                names = "、".join(sorted({u.district.name for u in found}))
                bad("party", f"“{values['party']}”在{names}都有，请分区导入。")
            try:
                period = parse_period(values["period"])
            except ValueError as exc:
                bad("period", str(exc))
                period = None
            name = values["name"]
            if not name or len(name) > 40:
                bad("name", ENTERED_NAME)
            value = None
            try:
                value = Decimal(values["value"].replace(",", ""))
                if not value.is_finite():
                    raise ValueError
            except (ArithmeticError, ValueError):
                bad("value", f"“{values['value']}”不是数字。")
                value = None
            try:
                source = source_of(values["source"])
            except ValidationError:
                bad("source", f"“{values['source']}”无效，应为 文件、统计局、商务局 或 其他部门。")
                source = None
            if len(found) != 1 or period is None or value is None or source is None or not name:
                continue
            key = (found[0].pk, name, period)
            if key in seen:
                bad("party", f"与第 {seen[key]} 行重复（同一单位、期间、指标）。")
                continue
            seen[key] = number
            party = {"district": found[0]} if by_district else {"unit": found[0]}
            existed = EnteredFact.objects.filter(
                **party,
                unit__isnull=by_district,
                name=name,
                period_start=period.start,
                period_end=period.end,
            ).exists()
            try:
                entered_fact_set(
                    **party,
                    name=name,
                    period_start=period.start,
                    period_end=period.end,
                    value=str(value),
                    source=source,
                    reason=values.get("reason", ""),
                    actor=actor,
                )
            except ValidationError as exc:
                column = next(iter(exc.message_dict)) if hasattr(exc, "error_dict") else "value"
                bad(column if column in COLUMNS else "value", exc.messages[0])
                continue
            if existed:
                result.updated += 1
            else:
                result.created += 1
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportRefused(errors)
    return result


def districts_named(text: str | None):
    """The districts of ``--district`` (code or name), or all."""
    if not text:
        return District.objects.all()
    return District.objects.filter(code=text) | District.objects.filter(name=text)
