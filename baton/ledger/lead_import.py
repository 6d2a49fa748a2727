"""Import a district's 招商线索台账 (lead ledger) from Excel: all or nothing.

The first sheet, a header row naming the columns (``COLUMNS``, a few spellings each),
one lead a row. Every row is checked first — a bad amount, date, unit, source or credit
code is an error with its row number — and any error leaves everything as it was.

The rows are then registered through ``leads.services.lead_register`` in the order of
their 首报时间 (the row order for the same day), as if each had been registered that
day: the same rules as on the page apply — a project already 在谈 or signed in the
library is refused (an error of its row), a second unit's lead for the same company is
flagged 撞车 for the office, the thresholds make a lead 储备. The investor is found in
the district's company library by credit code, else by its exact normalised name; a
company not there is registered; a name only alike to another company's is an error (the
office confirms it in the library first).

Only a district office imports its district's ledger (or the server's administrator on
the command line): a back-dated 首报时间 decides who holds a lead, which is the office's
call.
"""

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from baton.accounts.models import User
from baton.companies import services as companies
from baton.companies.models import Company
from baton.companies.names import name_key
from baton.core import messages
from baton.core.uscc import clean_uscc
from baton.core.xlsx import unneutralize
from baton.leads import services
from baton.leads.models import Kind, Source, Status
from baton.org.models import District, Unit

from .reading import CellError, to_date

#: Each field and the headers it is read from.
COLUMNS = {
    "title": ("项目名称", "信息名称", "线索名称"),
    "company": ("投资方", "投资主体", "企业名称", "投资方名称"),
    "uscc": ("统一社会信用代码", "信用代码"),
    "source": ("信息来源", "线索来源", "来源"),
    "source_detail": ("来源说明", "引荐人", "引荐方"),
    "unit": ("首报单位", "报送单位"),
    "reported_on": ("首报时间", "首报日期", "报送时间", "报送日期"),
    "follower": ("跟进人",),
    "industry_code": ("行业代码", "国民经济行业代码"),
    "kind": ("项目性质",),
    "investment": ("总投资（万元）", "总投资(万元)", "总投资"),
    "fixed_investment": ("固定资产投资（万元）", "固定资产投资(万元)", "固定资产投资"),
    "land_mu": ("用地需求（亩）", "用地需求(亩)", "用地（亩）", "用地需求"),
    "energy_tce": ("用能需求（吨标准煤/年）", "用能需求"),
    "environment": ("环境容量需求", "环境容量"),
    "annual_output": ("预计年产值（万元）", "预计年产值(万元)", "预计产值"),
    "annual_tax": ("预计年税收（万元）", "预计年税收(万元)", "预计税收"),
    "summary": ("项目概况", "项目简介"),
    "products": ("工艺/产品", "主要产品", "工艺流程"),
    "coordination": ("需协调事项", "需政府协调支持事项"),
}
REQUIRED = ("title", "company", "source", "unit", "investment")
_SOURCES = {str(label): value for value, label in Source.choices} | {
    "新闻": Source.NEWS,
    "报告": Source.NEWS,
    "中介": Source.INTERMEDIARY,
    "来访": Source.VISIT,
}
_KINDS = {str(label): value for value, label in Kind.choices} | {
    "技改": Kind.EXPANSION,
    "扩建": Kind.EXPANSION,
}
#: The hour of the day a dated row is registered at (local time).
DAY_HOUR = 9


@dataclass
class Result:
    registered: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    reserves: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = (
            f"登记投资信息 {len(self.registered)} 条，其中撞车待裁决 {len(self.conflicts)} 条、"
            f"储备 {len(self.reserves)} 条；客商库新增企业 {len(self.companies)} 家"
        )
        return messages.dry_run(text) if self.dry_run else messages.imported(text)


@dataclass
class Row:
    number: int
    values: dict
    company: str
    uscc: str
    unit: Unit
    day: dt.date | None


def _header(sheet) -> tuple[dict, list]:
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip().replace(" ", "") for cell in next(rows, ())]
    where = {}
    for key, names in COLUMNS.items():
        for index, title in enumerate(header):
            if title in names:
                where[key] = index
                break
    return where, rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unneutralize(str(value)).strip()


def _parse(number: int, raw: dict, units: dict[str, Unit], today: dt.date) -> Row:
    errors: dict[str, list[str]] = {}
    text = {k: _text(v) for k, v in raw.items() if k != "reported_on"}
    for key in REQUIRED:
        if not text.get(key):
            errors[key] = [f"{COLUMNS[key][0]}不能为空。"]
    source = _SOURCES.get(text.get("source", ""))
    if text.get("source") and source is None:
        errors["source"] = [
            f"信息来源“{text['source']}”不是：{'、'.join(map(str, Source.labels))}。"
        ]
    unit = units.get(text.get("unit", ""))
    if text.get("unit") and unit is None:
        errors["unit"] = [f"“{text['unit']}”不是本区在用的招商单位。"]
    kind = Kind.NEW
    if text.get("kind"):
        kind = _KINDS.get(text["kind"])
        if kind is None:
            errors["kind"] = [f"项目性质应为：{'、'.join(map(str, Kind.labels))}。"]
    uscc = ""
    try:
        uscc = clean_uscc(text.get("uscc", ""))
    except ValidationError as exc:
        errors["uscc"] = exc.messages
    day = None
    try:
        day = to_date(raw.get("reported_on"), today)
    except CellError as exc:
        errors["reported_on"] = [str(exc)]
    values = {
        key: text.get(key, "")
        for key in COLUMNS
        if key not in ("company", "uscc", "unit", "reported_on", "source", "kind")
    }
    values.update(source=source, kind=kind)
    try:
        values = services.clean_values(values)
    except ValidationError as exc:
        for key, found in exc.message_dict.items():
            errors.setdefault(key, []).extend(found)
    if errors:
        raise ValidationError(errors)
    return Row(number, values, text["company"], uscc, unit, day)


def _company(row: Row, district: District, actor: User | None, result: Result) -> Company:
    existing = companies.same_code(row.uscc)
    if existing is not None:
        if existing.district_id != district.pk:
            raise ValidationError(companies.code_taken(existing, actor).messages[0])
        return existing
    key = name_key(row.company)
    scope = Company.objects.filter(district=district, merged_into__isnull=True)
    for company in scope:
        if key and key in company.name_keys and not (company.uscc and row.uscc):
            return company
    alike = companies.similar_names([key], scope)
    if alike:
        names = "、".join(m.company.name for m in alike[:3])
        raise ValidationError(
            f"投资方「{row.company}」与客商库中的「{names}」名称相近，请先在客商库中确认后再导入。"
        )
    company = companies.company_create(
        actor=actor, district=district, confirmed=True, name=row.company, uscc=row.uscc
    )
    result.companies.append(company.name)
    return company


def _moment(day: dt.date | None, now: dt.datetime) -> dt.datetime:
    if day is None:
        return now
    at = timezone.make_aware(
        dt.datetime.combine(day, dt.time(DAY_HOUR)), timezone.get_default_timezone()
    )
    return min(at, now)


def import_leads(
    *, data: bytes, actor: User | None, district: District, dry_run: bool = False
) -> Result:
    """Import the ledger into ``district``; all or nothing (see the module's docstring)."""
    if actor is not None and not (
        actor.role == User.Role.DISTRICT_OFFICE and actor.district_id == district.pk
    ):
        raise PermissionDenied("只有本区的区招商办可以导入投资信息台账。")
    result = Result(dry_run=dry_run)
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:
        result.errors.append(messages.NOT_A_WORKBOOK)
        return result
    where, rows = _header(sheet)
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in where]
    if missing:
        result.errors.append(f"第 1 行应为表头，缺少这些列：{'、'.join(missing)}。")
        return result
    units = {
        name: unit
        for unit in Unit.objects.filter(district=district, is_active=True)
        for name in (unit.name, unit.short_name)
        if name
    }
    today = timezone.localdate()
    parsed: list[Row] = []
    for number, cells in enumerate(rows, start=2):
        raw = {k: (cells[i] if i < len(cells) else None) for k, i in where.items()}
        if all(v in (None, "") for v in raw.values()):
            continue
        try:
            parsed.append(_parse(number, raw, units, today))
        except ValidationError as exc:
            for key, found in exc.message_dict.items():
                label = COLUMNS.get(key, ("",))[0]
                result.errors += [f"第 {number} 行 {label}：{m}" for m in found]
    if result.errors:
        return result
    if not parsed:
        result.errors.append("台账中没有投资信息。")
        return result
    now = timezone.now()
    parsed.sort(key=lambda row: (row.day or today, row.number))
    with transaction.atomic():
        for row in parsed:
            _register(row, district, actor, now, result)
        if result.errors or dry_run:
            transaction.set_rollback(True)
    if result.errors:
        result.registered, result.conflicts, result.reserves, result.companies = [], [], [], []
    return result


def _register(row: Row, district, actor, now, result: Result) -> None:
    try:
        with transaction.atomic():
            company = _company(row, district, actor, result)
            lead = services.lead_register(
                actor=actor,
                company=company,
                unit=row.unit,
                confirmed=True,
                at=_moment(row.day, now),
                **row.values,
            )
    except (ValidationError, PermissionDenied) as exc:
        found = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        result.errors += [f"第 {row.number} 行：{m}" for m in found]
        return
    result.registered.append(lead.code)
    if lead.status == Status.CONFLICT:
        result.conflicts.append(f"第 {row.number} 行 {lead.code}「{lead.title}」")
    if lead.is_reserve:
        result.reserves.append(f"第 {row.number} 行 {lead.code}：{lead.reserve_reason}")
