"""Import a company list from Excel: all or nothing, duplicates reported, enrichment only.

The first sheet, a header row naming the columns (``COLUMNS``, a few spellings each),
one company a row. A row with a bad value (a credit code whose check character is
wrong, an unknown region or industry code…) is an error with its row number, and any
error leaves the library as it was. A row whose credit code (else whose normalised
name) is a company of the district fills that company's empty fields, never overwrites;
a row whose name is only alike to a company's is reported and not imported (the user
registers it on the page, confirming it is another company).

The list the company export writes (``exporting``) reads back as it was: a cell the
export neutralised against formula injection gets its text back, and a masked phone
number (138****5678, what a reader's export shows) is left out, never written.
"""

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from baton.accounts.models import User
from baton.accounts.privacy import is_masked
from baton.audit.services import Event, Outcome, audit_write
from baton.core import messages
from baton.core.xlsx import unneutralize
from baton.org.models import District

from . import services
from .models import Company, Size, Tag
from .names import name_key
from .rules import visible_companies

#: Each field and the headers it is read from.
COLUMNS = {
    "name": ("企业名称", "名称", "企业全称"),
    "former_names": ("曾用名",),
    "uscc": ("统一社会信用代码", "信用代码", "社会信用代码"),
    "region": ("企业所在地", "所在地", "注册地"),
    "industry_code": ("行业代码", "国民经济行业代码"),
    "tags": ("企业标签", "标签"),
    "size": ("企业规模", "规模"),
    "contact_name": ("联系人",),
    "contact_phone": ("联系电话", "电话"),
    "note": ("备注",),
}
_TAGS = {str(label): value for value, label in Tag.choices}
_SIZES = {str(label): value for value, label in Size.choices}
_SPLIT = str.maketrans({c: "、" for c in ",，;；/\n"})


@dataclass
class Result:
    created: list[str] = field(default_factory=list)
    enriched: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = (
            f"新登记 {len(self.created)} 家，补充信息 {len(self.enriched)} 家，"
            f"未变 {len(self.unchanged)} 家，疑似重复未导入 {len(self.duplicates)} 家"
        )
        return messages.dry_run(text) if self.dry_run else messages.imported(text)


def _split(value) -> list[str]:
    return [part.strip() for part in str(value or "").translate(_SPLIT).split("、") if part.strip()]


def read_rows(data: bytes) -> tuple[list[tuple[int, dict]], list[str]]:
    """Return ``(row number, raw values)`` of the first sheet, and the header's errors."""
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:
        return [], [messages.NOT_A_WORKBOOK]
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(rows, ())]
    where = {}
    for key, names in COLUMNS.items():
        for index, title in enumerate(header):
            if title in names:
                where[key] = index
                break
    if "name" not in where:
        return [], ["第 1 行应为表头，且有“企业名称”列。"]
    out = []
    for number, row in enumerate(rows, start=2):
        values = {k: (row[i] if i < len(row) else None) for k, i in where.items()}
        if any(v not in (None, "") for v in values.values()):
            out.append((number, values))
    return out, []


def _values(raw: dict) -> dict:
    """A row's values as the services take them; unknown tags or sizes are refused."""
    values = {k: ("" if v is None else unneutralize(str(v)).strip()) for k, v in raw.items()}
    if is_masked(values.get("contact_phone")):
        values["contact_phone"] = ""
    errors = {}
    if "tags" in values:
        tags = _split(values["tags"])
        unknown = [t for t in tags if t not in _TAGS]
        if unknown:
            errors["tags"] = [f"未知的企业标签：{'、'.join(unknown)}。"]
        values["tags"] = [_TAGS[t] for t in tags if t in _TAGS]
    if values.get("size"):
        values["size"] = _SIZES.get(values["size"], values["size"])
    if "former_names" in values:
        values["former_names"] = _split(values["former_names"])
    try:
        values = services.clean_values(values)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return values


def import_companies(
    *, data: bytes, actor: User | None, district: District, dry_run: bool = False
) -> Result:
    """Import the list into ``district`` (``actor``: who imports; None: the server's
    administrator by the command line). All or nothing; see the module's docstring."""
    result = Result(dry_run=dry_run)
    rows, result.errors = read_rows(data)
    if result.errors:
        return result
    labels = {key: str(Company._meta.get_field(key).verbose_name) for key in COLUMNS}
    parsed = []
    seen: dict[str, int] = {}
    for number, raw in rows:
        try:
            values = _values(raw)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                result.errors += [f"第 {number} 行 {labels.get(key, '')}：{m}" for m in messages]
            continue
        code = values.get("uscc")
        if code and code in seen:
            result.errors.append(
                f"第 {number} 行：统一社会信用代码与第 {seen[code]} 行相同，同一企业只能一行。"
            )
            continue
        if code:
            seen[code] = number
        parsed.append((number, values))
    if result.errors:
        return result
    scope = Company.objects.filter(district=district, merged_into__isnull=True)
    if actor is not None:
        scope = scope & visible_companies(actor)
    with transaction.atomic():
        for number, values in parsed:
            _import_row(number, values, actor=actor, district=district, scope=scope, result=result)
        if result.errors or dry_run:
            transaction.set_rollback(True)
    if result.errors:
        result.created, result.enriched, result.unchanged = [], [], []
    return result


def _import_row(number, values, *, actor, district, scope, result) -> None:
    name = values.get("name", "")
    code = values.get("uscc", "")
    existing = services.same_code(code)
    if existing is not None and existing.district_id != district.pk:
        result.errors.append(f"第 {number} 行：{services.code_taken(existing, actor).messages[0]}")
        return
    if existing is None:
        key = name_key(name)
        existing = next((c for c in scope.all() if key and key in c.name_keys), None)
        if existing is not None and existing.uscc and code and existing.uscc != code:
            existing = None
    if existing is not None:
        filled = services.company_enrich(
            company=existing, actor=actor, values=values, note=f"导入企业名单（第 {number} 行）"
        )
        (result.enriched if filled else result.unchanged).append(existing.name)
        return
    keys = [name_key(name), *(name_key(n) for n in values.get("former_names", []))]
    alike = services.similar_names([k for k in keys if k], scope)
    if alike:
        names = "、".join(m.company.name for m in alike[:3])
        result.duplicates.append(f"第 {number} 行「{name}」与「{names}」名称相近")
        return
    company = services.company_create(actor=actor, district=district, confirmed=True, **values)
    result.created.append(company.name)


def audit_import(
    result: Result, *, file_name: str, district: District, request=None, user=None
) -> None:
    """Record one import of a company list (not a dry run) in the audit log, as a ledger
    import is recorded: its outcome and counts, the companies not one by one."""
    audit_write(
        request=request,
        user=user,
        event=Event.IMPORT,
        outcome=Outcome.SUCCESS if result.ok else Outcome.FAILURE,
        object_type="companies",
        object_label=file_name[:200],
        detail=(
            result.summary() if result.ok else f"名单有 {len(result.errors)} 处错误，未写入任何数据"
        ),
        after={
            "file": file_name,
            "district": district.name,
            "created": len(result.created),
            "enriched": len(result.enriched),
            "unchanged": len(result.unchanged),
            "duplicates": len(result.duplicates),
            "errors": len(result.errors),
        },
    )
