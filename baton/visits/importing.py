"""Import a district's trip ledger (外出招商台账) from Excel: all rows or none.

The columns are the export's (``exporting.TRIP_COLUMNS``); the 组织单位, the people
(小分队成员, 带队领导, by name, separated by 、 or commas) and the 拜访企业 (by their
name in the district's 客商库) must be found, else the row is refused with the reason. A
unit's promoter imports only its own unit's trips. A row with 出访信息 files the report
too. Nothing is written unless every row passes.
"""

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import load_workbook

from baton.accounts.models import User
from baton.companies.models import Company
from baton.core import messages
from baton.core.xlsx import unneutralize
from baton.org.models import District, Person, Unit

from . import services

COLUMNS = {
    "start": "出发日期",
    "end": "返回日期",
    "unit": "组织单位",
    "group": "组别",
    "title": "出访事由",
    "destinations": "目的地",
    "members": "小分队成员",
    "leaders": "带队领导",
    "companies": "拜访企业",
    "talks": "洽谈情况",
    "report": "出访信息",
}
_SPLIT = str.maketrans({",": "、", "，": "、", ";": "、", "；": "、"})


@dataclass
class Result:
    created: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = f"外出招商 {self.created} 条"
        return messages.dry_run(text) if self.dry_run else messages.imported(text)


def _names(value) -> list[str]:
    text = str(value or "").translate(_SPLIT)
    return [part.strip() for part in text.split("、") if part.strip()]


def _date(value, label: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-"))
    except ValueError:
        raise ValidationError({label: [f"{COLUMNS[label]}应为日期，如 2026-03-01。"]}) from None


def read_rows(data: bytes) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:
        return [], [messages.NOT_A_WORKBOOK]
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(rows, ())]
    where = {key: header.index(title) for key, title in COLUMNS.items() if title in header}
    missing = [COLUMNS[k] for k in ("start", "end", "title", "destinations") if k not in where]
    if missing:
        return [], [f"第 1 行应为表头，缺少列：{'、'.join(missing)}。"]
    out = []
    for number, row in enumerate(rows, start=2):
        values = {k: (row[i] if i < len(row) else None) for k, i in where.items()}
        if any(v not in (None, "") for v in values.values()):
            out.append((number, values))
    return out, []


def _find(rows, names: list[str], what: str, key: str) -> list:
    by_name: dict[str, list] = {}
    for row in rows:
        by_name.setdefault(row.name, []).append(row)
    found = []
    for name in names:
        hits = by_name.get(name, [])
        if len(hits) != 1:
            reason = "未找到" if not hits else "有重名，无法确定"
            raise ValidationError({key: [f"{what}“{name}”{reason}。"]})
        found.append(hits[0])
    return found


def _row_values(raw: dict, district: District) -> tuple[Unit | None, dict, str]:
    text = {k: unneutralize(str(v)).strip() if isinstance(v, str) else v for k, v in raw.items()}
    unit = None
    if text.get("unit"):
        unit = Unit.objects.filter(district=district, name=str(text["unit"]).strip()).first()
        if unit is None:
            raise ValidationError({"unit": [f"组织单位“{text['unit']}”不是本区的单位。"]})
    people = Person.objects.filter(city_id=district.city_id, is_active=True).exclude(
        district__isnull=False, district_id__in=District.objects.exclude(pk=district.pk)
    )
    companies = Company.objects.filter(district=district, merged_into__isnull=True)
    values = {
        "start": _date(text.get("start"), "start"),
        "end": _date(text.get("end"), "end"),
        "group": str(text.get("group") or ""),
        "title": str(text.get("title") or ""),
        "destinations": str(text.get("destinations") or ""),
        "talks": str(text.get("talks") or ""),
        "members": _find(people, _names(text.get("members")), "人员", "members"),
        "leaders": _find(people, _names(text.get("leaders")), "领导", "leaders"),
        "companies": _find(companies, _names(text.get("companies")), "企业", "companies"),
    }
    return unit, values, str(text.get("report") or "").strip()


def import_trips(*, data: bytes, actor: User, dry_run: bool = False) -> Result:
    """Import the ledger as ``actor`` (a promoter: its unit's rows; the office: its
    district's). All or nothing."""
    result = Result(dry_run=dry_run)
    rows, result.errors = read_rows(data)
    if result.errors:
        return result
    district = actor.district
    with transaction.atomic():
        for number, raw in rows:
            try:
                with transaction.atomic():
                    unit, values, report = _row_values(raw, district)
                    trip = services.trip_create(actor=actor, unit=unit, **values)
                    if report:
                        services.trip_report(trip=trip, actor=actor, report=report)
            except ValidationError as exc:
                for key, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                    label = COLUMNS.get(key or "", "")
                    result.errors += [f"第 {number} 行 {label}：{m}" for m in errors]
            except PermissionDenied as exc:
                result.errors.append(f"第 {number} 行：{exc}")
            else:
                result.created += 1
        if result.errors or dry_run:
            transaction.set_rollback(True)
    if result.errors:
        result.created = 0
    return result
