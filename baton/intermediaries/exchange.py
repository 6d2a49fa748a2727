"""The register as an Excel sheet (中介备案表): exported in the user's scope, imported by
the district office all or nothing.

One sheet, a header row (``COLUMNS``, a few spellings each), one intermediary a row. A
row with a 备案编号 of the district updates that intermediary; a row without one
registers a new one — unless an intermediary of the same type and name (or credit code)
is on the register, which it updates, so that the same file twice changes nothing. The
three declaration columns (是否公职人员 …) answered 是 refuse the row by the rule's name.
Any error (sheet, row, column, reason) writes nothing. The export writes the import's
headers; its text cells are neutralised against formula injection, and phones are
masked for whoever is not the district's office (the import leaves a masked one out).
"""

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from baton.accounts.models import User
from baton.accounts.privacy import is_masked, mask_phone
from baton.core import messages
from baton.core.dates import parse_iso_date
from baton.core.xlsx import BOLD, column_widths, neutralize, unneutralize
from baton.org.models import District

from . import rules, services
from .models import Intermediary

SHEET = "中介备案表"
COLUMNS = {
    "code": ("备案编号",),
    "kind": ("类型", "中介类型"),
    "name": ("名称或姓名", "名称", "姓名", "中介名称"),
    "uscc": ("统一社会信用代码", "信用代码"),
    "contact_name": ("联系人",),
    "contact_phone": ("联系电话", "电话"),
    "address": ("地址",),
    "filed_on": ("备案日期",),
    "declared_on": ("声明日期",),
    "documents": ("备案材料",),
    "affiliates": ("关联方",),
    "official": ("是否公职人员",),
    "relative": ("是否公职人员直系亲属", "是否直系亲属"),
    "state_owned": ("是否国有企业",),
    "declaration": ("利益冲突声明", "声明内容"),
    "note": ("备注",),
}
HEADERS = [names[0] for names in COLUMNS.values()]
KINDS = {str(label): value for value, label in Intermediary.Kind.choices} | {
    "中介": "agency",
    "机构": "agency",
    "引荐人": "person",
    "个人": "person",
}
YES = {"是", "有", "Y", "y", "yes", "1"}
NO = {"", "否", "无", "N", "n", "no", "0"}
MAX_ROWS = 5000


@dataclass
class Result:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = (
            f"新备案 {len(self.created)} 个，更新 {len(self.updated)} 个，"
            f"未变 {len(self.unchanged)} 个"
        )
        return messages.dry_run(text) if self.dry_run else messages.imported(text)


def _where(header: list[str]) -> dict[str, int]:
    where = {}
    for key, names in COLUMNS.items():
        for index, title in enumerate(header):
            if title in names:
                where[key] = index
                break
    return where


def read_rows(data: bytes) -> tuple[list[tuple[int, dict]], list[str]]:
    """``(row number, raw values)`` of the first sheet, or the header's errors."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(rows, ())]
    except Exception:
        return [], [messages.NOT_A_WORKBOOK]
    where = _where(header)
    missing = [COLUMNS[k][0] for k in ("kind", "name", "filed_on") if k not in where]
    if missing:
        return [], [f"工作表“{sheet.title}”第 1 行应为表头，缺少列：{'、'.join(missing)}。"]
    out = []
    try:
        for number, row in enumerate(rows, start=2):
            values = {k: (row[i] if i < len(row) else None) for k, i in where.items()}
            if any(v not in (None, "") for v in values.values()):
                out.append((number, values))
            if len(out) > MAX_ROWS:
                return [], [f"一次最多导入 {MAX_ROWS} 行，请分批导入。"]
    except Exception:
        return [], [messages.NOT_A_WORKBOOK]
    return out, []


def _date(value, label: str):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date) or value in (None, ""):
        return value or None
    try:
        return parse_iso_date(str(value).strip())
    except (ValueError, ValidationError):
        raise ValidationError(f"{label}格式不正确，应为 年-月-日，如 2024-03-01。") from None


def _values(raw: dict) -> tuple[str, dict]:
    """The row's 备案编号 and its values as the services take them, or its errors."""
    text = {
        k: "" if v is None or isinstance(v, dt.date) else unneutralize(str(v)).strip()
        for k, v in raw.items()
    }
    errors: dict[str, list[str]] = {}
    values: dict = {k: text.get(k, "") for k in COLUMNS if k not in ("code",)}
    kind = text.get("kind", "")
    values["kind"] = KINDS.get(kind, kind)
    if is_masked(values.get("contact_phone")):
        values["contact_phone"] = ""
    for key, label in (("filed_on", "备案日期"), ("declared_on", "声明日期")):
        try:
            values[key] = _date(raw.get(key), label)
        except ValidationError as exc:
            errors[key] = exc.messages
    if values.get("declared_on") is None and not errors.get("declared_on"):
        values["declared_on"] = values.get("filed_on")
    for key in services.DECLARED:
        answer = text.get(key, "")
        if answer not in YES | NO:
            errors[key] = ["请填写“是”或“否”。"]
        values[key] = answer in YES
    try:
        values = {**values, **services.clean_values(values)}
    except ValidationError as exc:
        for key, found in exc.message_dict.items():
            errors.setdefault(key, []).extend(m for m in found if m not in errors.get(key, []))
    if errors:
        raise ValidationError(errors)
    return text.get("code", ""), values


def _label(key: str) -> str:
    return COLUMNS[key][0] if key in COLUMNS else ""


def import_register(
    *, data: bytes, actor: User | None, district: District, dry_run: bool = False
) -> Result:
    """Import the sheet into ``district``'s register (``actor``: its office). All or
    nothing; see the module's docstring."""
    result = Result(dry_run=dry_run)
    if actor is not None and not rules.is_office(actor, district.pk):
        result.errors.append(rules.NOT_THE_OFFICE)
        return result
    rows, result.errors = read_rows(data)
    if result.errors:
        return result
    parsed = []
    seen: dict[tuple, int] = {}
    for number, raw in rows:
        try:
            code, values = _values(raw)
        except ValidationError as exc:
            for key, found in exc.message_dict.items():
                result.errors += [f"{SHEET} 第 {number} 行 {_label(key)}：{m}" for m in found]
            continue
        same = (values["kind"], values["name"])
        if same in seen:
            result.errors.append(f"{SHEET} 第 {number} 行：与第 {seen[same]} 行是同一中介。")
            continue
        seen[same] = number
        parsed.append((number, code, values))
    if result.errors:
        return result
    with transaction.atomic():
        for number, code, values in parsed:
            try:
                _import_row(code, values, actor=actor, district=district, result=result)
            except ValidationError as exc:
                by_field = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                for key, texts in by_field.items():
                    result.errors += [f"{SHEET} 第 {number} 行 {_label(key)}：{m}" for m in texts]
        if result.errors or dry_run:
            transaction.set_rollback(True)
    if result.errors:
        result.created, result.updated, result.unchanged = [], [], []
    return result


def _import_row(code: str, values: dict, *, actor, district, result: Result) -> None:
    rows = Intermediary.objects.filter(district=district)
    existing = rows.filter(code=code).first() if code else None
    if code and existing is None:
        raise ValidationError({"code": [f"本区没有备案编号为 {code} 的中介。"]})
    if existing is None:
        active = rows.filter(status=Intermediary.Status.ACTIVE)
        existing = active.filter(kind=values["kind"], name=values["name"]).first()
        if existing is None and values.get("uscc"):
            existing = active.filter(uscc=values["uscc"]).first()
    if existing is None:
        row = services.intermediary_register(actor=actor, district=district, values=values)
        result.created.append(row.name)
        return
    if not values.get("contact_phone"):
        values["contact_phone"] = existing.contact_phone
    version = existing.version
    row = services.intermediary_update(actor=actor, intermediary=existing, values=values)
    (result.updated if row.version != version else result.unchanged).append(row.name)


# --- export ------------------------------------------------------------------------------


def _cells(sheet, values: Iterable) -> list:
    out = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=neutralize(value) if isinstance(value, str) else value)
        out.append(cell)
    return out


def export_register(*, out, user: User, rows) -> int:
    """Write the register ``rows`` (the user's scope) to ``out``; return how many."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    column_widths(sheet, [20, 12, 34, 22, 10, 16, 24, 12, 12, 30, 30, 10, 10, 10, 40, 30])
    head = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = BOLD
        head.append(cell)
    sheet.append(head)
    count = 0
    for row in rows:
        phone = row.contact_phone
        if not rules.is_office(user, row.district_id):
            phone = mask_phone(phone)
        sheet.append(
            _cells(
                sheet,
                [
                    row.code,
                    row.get_kind_display(),
                    row.name,
                    row.uscc,
                    row.contact_name,
                    phone,
                    row.address,
                    row.filed_on,
                    row.declared_on,
                    "；".join(row.documents or []),
                    "；".join(f"{a['name']} {a.get('uscc', '')}".strip() for a in row.affiliates),
                    "否",
                    "否",
                    "否",
                    row.declaration,
                    row.note,
                ],
            )
        )
        count += 1
    book.save(out)
    return count
