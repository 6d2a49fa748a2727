"""招商活动台账 as an Excel workbook: export (scoped) and import (all or nothing).

Sheet ``招商活动``: one activity a row. Sheet ``签约清单``: one signed line a row, naming
its activity by 活动编号 (export) or by 活动名称 + 开始日期 (a new file), its project by
项目编号 or its company by the library's exact name. Importing checks every row first;
any error writes nothing and names the sheet, row, column and reason. An activity that
already exists (same unit, name and start date) is not added again and a line already on
its list is not added again, so the same file twice changes nothing. Text cells are
neutralised against formula injection on export and read back as typed.
"""

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from baton.accounts.models import User
from baton.companies.models import Company
from baton.core import messages
from baton.core.money import to_wan
from baton.core.xlsx import BOLD, column_widths, neutralize, unneutralize
from baton.org.models import District, Unit
from baton.projects.models import Project

from . import rules, services
from .models import Activity, Kind, Signing, SigningKind

SHEET, SIGNINGS = "招商活动", "签约清单"
ACTIVITY_COLUMNS = (
    ("code", "活动编号", 18),
    ("title", "活动名称", 30),
    ("kind", "活动类型", 14),
    ("unit", "责任单位", 16),
    ("organizer", "主办单位", 20),
    ("host", "承办单位", 20),
    ("start_on", "开始日期", 12),
    ("end_on", "结束日期", 12),
    ("place", "地点", 20),
    ("budget", "预算（万元）", 12),
    ("cost", "实际费用（万元）", 12),
    ("companies", "邀请企业", 30),
    ("leaders", "出席领导", 20),
    ("guests", "嘉宾", 30),
    ("note", "备注", 30),
)
SIGNING_COLUMNS = (
    ("activity", "活动编号", 18),
    ("activity_title", "活动名称", 30),
    ("start_on", "开始日期", 12),
    ("project", "项目编号", 18),
    ("company", "企业名称", 30),
    ("title", "签约项目名称", 30),
    ("kind", "签约类型", 10),
    ("amount", "签约金额（万元）", 14),
)
_KINDS = {str(label): value for value, label in Kind.choices} | {
    "签约仪式": Kind.SIGNING,
    "签约大会": Kind.SIGNING,
}
_SIGNING_KINDS = {str(label): value for value, label in SigningKind.choices} | {
    "意向协议": SigningKind.INTENT,
    "投资协议": SigningKind.AGREEMENT,
    "正式合同": SigningKind.CONTRACT,
}


def _cell(sheet, value, *, bold=False, number=None):
    cell = WriteOnlyCell(sheet, value=neutralize(value) if isinstance(value, str) else value)
    if bold:
        cell.font = BOLD
    if number:
        cell.number_format = number
    return cell


def export_activities(*, out, activities: QuerySet[Activity]) -> int:
    """Write ``activities`` (already scoped) and their signed lists to ``out``."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    column_widths(sheet, [w for _, _, w in ACTIVITY_COLUMNS])
    sheet.append([_cell(sheet, h, bold=True) for _, h, _ in ACTIVITY_COLUMNS])
    rows = list(
        activities.select_related("unit")
        .prefetch_related("companies", "leaders")
        .order_by("start_on", "id")
    )
    for a in rows:
        values = {
            "code": a.code, "title": a.title, "kind": a.get_kind_display(),
            "unit": a.unit.name, "organizer": a.organizer, "host": a.host,
            "start_on": a.start_on, "end_on": a.end_on, "place": a.place,
            "budget": a.budget, "cost": a.cost,
            "companies": "、".join(c.name for c in a.companies.all()),
            "leaders": "、".join(p.name for p in a.leaders.all()),
            "guests": a.guests, "note": a.note,
        }  # fmt: skip
        sheet.append(
            [_cell(sheet, values[k], number=_format(values[k])) for k, _, _ in ACTIVITY_COLUMNS]
        )
    lines = book.create_sheet(SIGNINGS)
    column_widths(lines, [w for _, _, w in SIGNING_COLUMNS])
    lines.append([_cell(lines, h, bold=True) for _, h, _ in SIGNING_COLUMNS])
    signings = Signing.objects.filter(activity__in=[a.pk for a in rows]).select_related(
        "activity", "project", "company"
    )
    for s in signings.order_by("activity__start_on", "activity_id", "id"):
        values = {
            "activity": s.activity.code, "activity_title": s.activity.title,
            "start_on": s.activity.start_on, "project": s.project.code if s.project else "",
            "company": s.company.name if s.company else "", "title": s.title,
            "kind": s.get_kind_display(), "amount": s.amount,
        }  # fmt: skip
        lines.append(
            [_cell(lines, values[k], number=_format(values[k])) for k, _, _ in SIGNING_COLUMNS]
        )
    book.save(out)
    return len(rows)


def _format(value) -> str | None:
    if isinstance(value, Decimal):
        return "#,##0.####"
    if isinstance(value, dt.date):
        return "yyyy-mm-dd"
    return None


# --- import -----------------------------------------------------------------------------


@dataclass
class Result:
    created: list[str] = field(default_factory=list)
    signed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = f"新增招商活动 {len(self.created)} 场，录入签约 {self.signed} 条，已有未重复导入 {self.skipped} 条"
        return messages.dry_run(text) if self.dry_run else messages.imported(text)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unneutralize(str(value)).strip()


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-").replace(".", "-")[:10])
    except ValueError:
        raise ValidationError(f"“{text}”不是有效的日期，应为 年-月-日，如 2026-03-01。") from None


def _rows(sheet, columns) -> tuple[dict[str, int], list[tuple[int, dict]]]:
    rows = sheet.iter_rows(values_only=True)
    header = [
        str(c or "").strip().replace(" ", "").replace("(", "（").replace(")", "）")
        for c in next(rows, ())
    ]
    where = {key: header.index(title) for key, title, _ in columns if title in header}
    out = []
    for number, cells in enumerate(rows, start=2):
        raw = {k: _text(cells[i] if i < len(cells) else None) for k, i in where.items()}
        if any(raw.values()):
            out.append((number, raw))
    return where, out


def _where(sheet: str, number: int, column: str, reason: str) -> str:
    return f"工作表：{sheet}；行：第 {number} 行；列：{column or '—'}；原因：{reason}"


def import_activities(
    *, data: bytes, actor: User, district: District, dry_run: bool = False
) -> Result:
    """Import the workbook into ``district`` as ``actor``; all or nothing."""
    if not (rules.is_office_of(actor, district.pk) or actor.role == User.Role.UNIT_STAFF):
        raise PermissionDenied(rules.NOT_A_WRITER)
    result = Result(dry_run=dry_run)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        result.errors.append(messages.NOT_A_WORKBOOK)
        return result
    if SHEET not in book.sheetnames:
        result.errors.append(f"缺少工作表“{SHEET}”。")
        return result
    where, rows = _rows(book[SHEET], ACTIVITY_COLUMNS)
    missing = [h for k, h, _ in ACTIVITY_COLUMNS if k in REQUIRED and k not in where]
    if missing:
        result.errors.append(_where(SHEET, 1, "、".join(missing), "缺少这些列。"))
        return result
    lines: list[tuple[int, dict]] = []
    if SIGNINGS in book.sheetnames:
        _, lines = _rows(book[SIGNINGS], SIGNING_COLUMNS)
    with transaction.atomic():
        made: dict[tuple[str, str], Activity] = {}
        for number, raw in rows:
            _one_activity(number, raw, actor, district, made, result)
        for number, raw in lines:
            _one_signing(number, raw, actor, district, made, result)
        if result.errors or dry_run:
            transaction.set_rollback(True)
    if result.errors:
        result.created, result.signed, result.skipped = [], 0, 0
    return result


REQUIRED = ("title", "kind", "unit", "organizer", "start_on", "place")
_LABEL = {k: h for k, h, _ in ACTIVITY_COLUMNS} | {f"s_{k}": h for k, h, _ in SIGNING_COLUMNS}


def _fail(result: Result, sheet: str, number: int, exc: Exception, prefix: str = "") -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for key, found in exc.message_dict.items():
            label = _LABEL.get(prefix + key, "")
            result.errors += [_where(sheet, number, label, m) for m in found]
    else:
        found = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        result.errors += [_where(sheet, number, "", m) for m in found]


def _one_activity(number, raw, actor, district, made, result) -> None:
    try:
        for key in REQUIRED:
            if not raw.get(key):
                raise ValidationError({key: [f"{_LABEL[key]}不能为空。"]})
        kind = _KINDS.get(raw["kind"])
        if kind is None:
            raise ValidationError({"kind": [f"活动类型应为：{'、'.join(map(str, Kind.labels))}。"]})
        unit = Unit.objects.filter(district=district, is_active=True, name=raw["unit"]).first()
        if unit is None:
            raise ValidationError({"unit": [f"“{raw['unit']}”不是本区在用的单位。"]})
        try:
            start_on, end_on = _date(raw["start_on"]), _date(raw.get("end_on", ""))
        except ValidationError as exc:
            raise ValidationError({"start_on": exc.messages}) from None
        existing = Activity.objects.filter(unit=unit, title=raw["title"], start_on=start_on).first()
        if existing:
            result.skipped += 1
            made[(raw["title"], raw["start_on"])] = existing
            if raw.get("code"):
                made[(raw["code"], "")] = existing
            return
        names = [n for n in raw.get("companies", "").replace(",", "、").split("、") if n.strip()]
        companies = list(Company.objects.filter(district=district, name__in=names))
        unknown = set(names) - {c.name for c in companies}
        if unknown:
            raise ValidationError({"companies": [f"客商库中没有：{'、'.join(sorted(unknown))}。"]})
        with transaction.atomic():
            activity = services.activity_create(
                actor=actor, unit=unit, kind=kind, title=raw["title"],
                organizer=raw["organizer"], host=raw.get("host", ""), place=raw["place"],
                start_on=start_on, end_on=end_on, budget=raw.get("budget") or None,
                cost=raw.get("cost") or None, guests=raw.get("guests", ""),
                note=raw.get("note", ""), companies=companies,
            )  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        _fail(result, SHEET, number, exc)
        return
    result.created.append(activity.code)
    made[(raw["title"], raw["start_on"])] = activity
    if raw.get("code"):
        made[(raw["code"], "")] = activity


def _one_signing(number, raw, actor, district, made, result) -> None:
    try:
        activity = made.get((raw.get("activity", ""), "")) or made.get(
            (raw.get("activity_title", ""), raw.get("start_on", ""))
        )
        if activity is None and raw.get("activity"):
            activity = rules.visible_activities(actor).filter(code=raw["activity"]).first()
        if activity is None:
            raise ValidationError(
                {
                    "s_activity": [
                        "找不到该活动：请填活动编号，或与“招商活动”表一致的活动名称和开始日期。"
                    ]
                }
            )
        kind = _SIGNING_KINDS.get(raw.get("kind", ""))
        if kind is None:
            raise ValidationError({"s_kind": ["签约类型应为：合同、协议或意向。"]})
        try:
            amount = to_wan(raw.get("amount") or "")
        except ValidationError as exc:
            raise ValidationError({"s_amount": exc.messages}) from None
        project = company = None
        if raw.get("project"):
            project = Project.objects.filter(code=raw["project"], district=district).first()
            if project is None:
                raise ValidationError({"s_project": [f"本区项目库中没有项目“{raw['project']}”。"]})
        elif raw.get("company"):
            company = Company.objects.filter(district=district, name=raw["company"]).first()
            if company is None:
                raise ValidationError({"s_company": [f"本区客商库中没有“{raw['company']}”。"]})
        else:
            raise ValidationError({"s_project": [rules.NO_SUBJECT]})
        subject = {"project": project} if project else {"company": company, "project": None}
        if activity.signings.filter(**subject).exists():
            result.skipped += 1
            return
        with transaction.atomic():
            services.signing_add(
                activity=activity, actor=actor, kind=kind, amount=amount,
                project=project, company=company, title=raw.get("title", ""),
            )  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        _fail(result, SIGNINGS, number, exc, prefix="s_")
        return
    result.signed += 1
