"""Import a district's trip ledger (外出招商台账) or reception ledger (来访接待台账) from
Excel: all rows or none.

The columns are the exports' (``exporting``); the unit, the people (by name, separated by
、 or commas), the companies (by their name in the district's 客商库) and, for receptions,
the parcels and buildings (by their code, as the export writes them: "code name") must be
found, else the row is refused with the reason. A unit's promoter imports only its own
unit's rows. A trip row with 出访信息 files the report too. Nothing is written unless every
row passes.
"""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import load_workbook

from baton.accounts.models import User
from baton.companies.models import Company
from baton.core import messages
from baton.core.xlsx import unneutralize
from baton.land.models import Building, Parcel
from baton.org.models import District, Person, Unit

from . import rules, services

TRIP_COLUMNS = {
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
RECEPTION_COLUMNS = {
    "date": "来访日期",
    "unit": "接待单位",
    "visitors": "来访人员",
    "companies": "来访企业",
    "leaders": "接待领导",
    "hosts": "陪同人员",
    "parcels": "考察地块",
    "buildings": "考察载体",
    "talks": "洽谈情况",
}
TRIP_REQUIRED = ("start", "end", "title", "destinations")
RECEPTION_REQUIRED = ("date", "visitors", "companies")
_SPLIT = str.maketrans({",": "、", "，": "、", ";": "、", "；": "、"})


@dataclass
class Result:
    what: str = "外出招商"
    created: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = f"{self.what} {self.created} 条"
        return messages.dry_run(text) if self.dry_run else messages.imported(text)


def _names(value) -> list[str]:
    text = str(value or "").translate(_SPLIT)
    return [part.strip() for part in text.split("、") if part.strip()]


def _date(value, key: str, columns: dict) -> dt.date | None:
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
        raise ValidationError({key: [f"{columns[key]}应为日期，如 2026-03-01。"]}) from None


def read_rows(data: bytes, columns: dict, required) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:
        return [], [messages.NOT_A_WORKBOOK]
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(rows, ())]
    where = {key: header.index(title) for key, title in columns.items() if title in header}
    missing = [columns[k] for k in required if k not in where]
    if missing:
        return [], [f"第 1 行应为表头，缺少列：{'、'.join(missing)}。"]
    out = []
    for number, row in enumerate(rows, start=2):
        values = {k: (row[i] if i < len(row) else None) for k, i in where.items()}
        if any(v not in (None, "") for v in values.values()):
            out.append((number, values))
    return out, []


def _find(rows, names: list[str], what: str, key: str, attr: str = "name") -> list:
    by_name: dict[str, list] = {}
    for row in rows:
        by_name.setdefault(getattr(row, attr), []).append(row)
    found = []
    for name in names:
        hits = by_name.get(name, [])
        if len(hits) != 1:
            reason = "未找到" if not hits else "有重名，无法确定"
            raise ValidationError({key: [f"{what}“{name}”{reason}。"]})
        found.append(hits[0])
    return found


def _codes(value) -> list[str]:
    """The codes of "code name、code name" (an export's cell), or of bare codes."""
    return [part.split()[0] for part in _names(value)]


class _Row:
    """One row's texts, and the district's people, companies and units to match them."""

    def __init__(self, raw: dict, district: District, columns: dict):
        self.text = {
            k: unneutralize(str(v)).strip() if isinstance(v, str) else v for k, v in raw.items()
        }
        self.district, self.columns = district, columns

    def text_of(self, key: str) -> str:
        return str(self.text.get(key) or "")

    def date(self, key: str) -> dt.date | None:
        return _date(self.text.get(key), key, self.columns)

    def unit(self) -> Unit | None:
        name = self.text_of("unit")
        if not name:
            return None
        unit = Unit.objects.filter(district=self.district, name=name).first()
        if unit is None:
            raise ValidationError({"unit": [f"“{name}”不是本区的单位。"]})
        return unit

    def people(self, key: str, what: str) -> list:
        rows = Person.objects.filter(city_id=self.district.city_id, is_active=True).exclude(
            district__isnull=False, district_id__in=District.objects.exclude(pk=self.district.pk)
        )
        return _find(rows, _names(self.text.get(key)), what, key)

    def companies(self) -> list:
        rows = Company.objects.filter(district=self.district, merged_into__isnull=True)
        return _find(rows, _names(self.text.get("companies")), "企业", "companies")

    def land(self, model, key: str, what: str) -> list:
        rows = model.objects.filter(district=self.district)
        return _find(rows, _codes(self.text.get(key)), what, key, attr="code")


def _trip(row: _Row, actor: User) -> None:
    trip = services.trip_create(
        actor=actor,
        unit=row.unit(),
        start=row.date("start"),
        end=row.date("end"),
        group=row.text_of("group"),
        title=row.text_of("title"),
        destinations=row.text_of("destinations"),
        talks=row.text_of("talks"),
        members=row.people("members", "人员"),
        leaders=row.people("leaders", "领导"),
        companies=row.companies(),
    )
    if row.text_of("report").strip():
        services.trip_report(trip=trip, actor=actor, report=row.text_of("report"))


def _reception(row: _Row, actor: User) -> None:
    services.reception_create(
        actor=actor,
        unit=row.unit(),
        date=row.date("date"),
        visitors=row.text_of("visitors"),
        hosts=row.text_of("hosts"),
        talks=row.text_of("talks"),
        leaders=row.people("leaders", "领导"),
        companies=row.companies(),
        parcels=row.land(Parcel, "parcels", "地块"),
        buildings=row.land(Building, "buildings", "载体"),
    )


def _import(
    data: bytes,
    actor: User,
    dry_run: bool,
    *,
    what: str,
    columns: dict,
    required: tuple,
    write: Callable[[_Row, User], None],
) -> Result:
    result = Result(what=what, dry_run=dry_run)
    rows, result.errors = read_rows(data, columns, required)
    if result.errors:
        return result
    district = actor.district
    if district is None:
        raise PermissionDenied(rules.NOT_A_WRITER)
    with transaction.atomic():
        for number, raw in rows:
            try:
                with transaction.atomic():
                    write(_Row(raw, district, columns), actor)
            except ValidationError as exc:
                for key, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                    label = columns.get(key or "", "")
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


def import_trips(*, data: bytes, actor: User, dry_run: bool = False) -> Result:
    """Import the trip ledger as ``actor`` (a promoter: its unit's rows; the office: its
    district's). All or nothing."""
    return _import(
        data, actor, dry_run, what="外出招商", columns=TRIP_COLUMNS, required=TRIP_REQUIRED,
        write=_trip,
    )  # fmt: skip


def import_receptions(*, data: bytes, actor: User, dry_run: bool = False) -> Result:
    """Import the reception ledger as ``actor``. All or nothing."""
    return _import(
        data, actor, dry_run, what="来访接待", columns=RECEPTION_COLUMNS,
        required=RECEPTION_REQUIRED, write=_reception,
    )  # fmt: skip
