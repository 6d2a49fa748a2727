"""Import results (效益数据) from a workbook — the statistics bureau's table or an office's
own: all rows or none.

One row a project and period: 项目编号, 年度, 季度 (blank or 0 for the whole year), 到位资金,
产值, 税收 (万元), 就业人数, 数据来源 (统计局, 税务部门, 企业填报, 其他; blank: the source the
importer chose), 备注. Each row goes through ``services.result_record`` as a page's form
would, with the importer's rights (a unit's promoter: the projects its unit holds; the
district office: its district's). Any error — of the file, a header, a cell or a rule —
names its sheet, row, column and reason, and nothing is written. The same file twice
changes nothing. python-calamine reads; limits on size and zip entries come first, and
formulas are refused (only values are imported).
"""

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import python_calamine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl.utils import get_column_letter

from baton.accounts.models import User
from baton.core import messages
from baton.core.forms import too_large
from baton.core.xlsx import unneutralize
from baton.projects.models import Project
from baton.projects.selectors import project_list

from . import rules, services
from .models import Result

COLUMNS = {
    "project": "项目编号",
    "year": "年度",
    "quarter": "季度",
    "investment": "到位资金（万元）",
    "output": "产值（万元）",
    "tax": "税收（万元）",
    "jobs": "就业人数",
    "source": "数据来源",
    "note": "备注",
}
ALIASES = {
    "到位资金(万元)": "investment",
    "到位资金": "investment",
    "实际到位资金（万元）": "investment",
    "工业总产值（万元）": "output",
    "产值(万元)": "output",
    "产值": "output",
    "营业收入（万元）": "output",
    "税收(万元)": "tax",
    "税收": "tax",
    "纳税额（万元）": "tax",
    "从业人员": "jobs",
    "用工人数": "jobs",
    "年份": "year",
}
REQUIRED = ("project", "year")
SOURCES = {label: value for value, label in Result.Source.choices} | {
    "税务": Result.Source.TAX_BUREAU,
    "统计": Result.Source.STATISTICS,
    "企业": Result.Source.ENTERPRISE,
}
SOURCE_INVALID = "数据来源应为统计局、税务部门、企业填报或其他。"
QUARTER_WORDS = {"全年": 0, "": 0, "一": 1, "二": 2, "三": 3, "四": 4}
MAX_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 500
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ROWS = 20_000


@dataclass
class Report:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = f"效益数据新增 {self.created} 条，更新 {self.changed} 条，未变 {self.unchanged} 条"
        return messages.dry_run(text) if self.dry_run else messages.imported(text)


def _error(sheet: str, row: int, column: str, reason: str) -> str:
    where = f"第 {row} 行" if row else "—"
    return f"工作表：{sheet or '—'}；行：{where}；列：{column or '—'}；原因：{reason}"


def _check_package(data: bytes) -> str | None:
    if len(data) > MAX_BYTES:
        return too_large(MAX_BYTES, len(data))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "旧版 Excel（.xls）无法导入，请另存为 .xlsx 工作簿。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                return "工作簿包含的部件过多，无法安全读取。"
            if sum(e.file_size for e in entries) > MAX_UNCOMPRESSED:
                return "工作簿解压后过大（可能是压缩炸弹），无法安全读取。"
            for entry in entries:
                if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                    body = archive.read(entry)
                    if b"<f>" in body or b"<f " in body or b"<f/>" in body:
                        return "工作表含公式；只接受数值，请复制后“选择性粘贴为数值”再导入。"
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return "文件不是有效的 .xlsx 工作簿，可能已损坏或被截断。"
    return None


def read_rows(data: bytes) -> tuple[str, dict[str, int], list[tuple[int, list]], list[str]]:
    """Return the first sheet's name, its header (key → column), its non-blank rows
    (Excel row number, cells), or the errors of the file or its header."""
    problem = _check_package(data)
    if problem:
        return "", {}, [], [_error("", 0, "", problem)]
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = book.sheet_names[0]
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:  # calamine raises its own error types for every broken part
        return (
            "",
            {},
            [],
            [_error("", 0, "", "工作簿已损坏，无法读取，请在 Excel 中打开检查并重新保存。")],
        )
    if not rows:
        return name, {}, [], [_error(name, 1, "", "工作表是空的，第 1 行应为表头。")]
    if len(rows) - 1 > MAX_ROWS:
        return name, {}, [], [_error(name, 0, "", f"数据行超过上限 {MAX_ROWS} 行，请拆分后导入。")]
    by_title = {title: key for key, title in COLUMNS.items()} | ALIASES
    header: dict[str, int] = {}
    for index, cell in enumerate(rows[0]):
        title = str(cell or "").strip().replace(" ", "")
        key = by_title.get(title) or by_title.get(title.replace("(", "（").replace(")", "）"))
        if key and key not in header:
            header[key] = index
    missing = [COLUMNS[k] for k in REQUIRED if k not in header]
    if missing:
        return name, header, [], [_error(name, 1, "", f"缺少列：{'、'.join(missing)}。")]
    out = []
    for number, cells in enumerate(rows[1:], start=2):
        if any(c not in (None, "") for c in cells):
            out.append((number, cells))
    return name, header, out, []


class CellError(ValueError):
    pass


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date | dt.datetime | bool):
        raise CellError("应为文本或数字。")
    text = str(value if value is not None else "").strip()
    return unneutralize(text) if text[:1] == "'" else text


def _number(value) -> str:
    """A figure as the text the services read (exactly: the float's shortest form)."""
    if value in (None, ""):
        return ""
    if isinstance(value, bool | dt.date | dt.datetime):
        raise CellError("应为数字。")
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", "")
    try:
        Decimal(text)
    except InvalidOperation:
        raise CellError("应填写数字。") from None
    return text


def _quarter(value) -> int:
    text = _text(value).replace("第", "").replace("季度", "").replace("季", "").strip()
    if text.upper().startswith("Q"):
        text = text[1:]
    if text in QUARTER_WORDS:
        return QUARTER_WORDS[text]
    if text in ("0", "1", "2", "3", "4"):
        return int(text)
    raise CellError("季度应为 1–4（或“第一季度”），全年数据留空或填 0。")


def _values(cells: list, header: dict[str, int], default_source: str) -> tuple[str, dict]:
    def cell(key: str):
        index = header.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    out: dict = {}
    errors: dict[str, list[str]] = {}
    readers = {
        "project": _text,
        "year": _number,
        "quarter": _quarter,
        "investment": _number,
        "output": _number,
        "tax": _number,
        "jobs": _number,
        "note": _text,
    }
    for key, read in readers.items():
        try:
            out[key] = read(cell(key))
        except CellError as exc:
            errors[key] = [str(exc)]
    source = _text(cell("source")) if "source" in header else ""
    out["source"] = SOURCES.get(source, source) if source else default_source
    if source and source not in SOURCES:
        errors["source"] = [SOURCE_INVALID]
    if errors:
        raise ValidationError(errors)
    code = out.pop("project")
    if not code:
        raise ValidationError({"project": ["请填写项目编号。"]})
    return code, out


def import_results(
    *,
    data: bytes,
    actor: User | None,
    source: str = Result.Source.STATISTICS,
    district_id: int | None = None,
    dry_run: bool = False,
) -> Report:
    """Import the workbook as ``actor`` (None: the server, for ``district_id``)."""
    result = Report(dry_run=dry_run)
    if source not in Result.Source.values:
        result.errors.append(_error("", 0, "", "数据来源无效。"))
        return result
    sheet, header, rows, result.errors = read_rows(data)
    if result.errors:
        return result
    if actor is not None:
        projects = project_list(user=actor)
    else:
        projects = Project.objects.filter(district_id=district_id)
    letters = {key: get_column_letter(i + 1) for key, i in header.items()}

    def column(key: str | None) -> str:
        if key in COLUMNS:
            return f"{COLUMNS[key]}（{letters[key]}列）" if key in letters else COLUMNS[key]
        return ""

    seen: dict[tuple, int] = {}
    now = timezone.now()
    with transaction.atomic():
        for number, cells in rows:
            try:
                with transaction.atomic():
                    code, values = _values(cells, header, source)
                    project = projects.filter(code=code).first()
                    if project is None:
                        raise ValidationError({"project": ["项目编号不存在，或不在您的范围内。"]})
                    period = (project.pk, values["year"], values["quarter"])
                    if period in seen:
                        raise ValidationError(
                            {"year": [f"与第 {seen[period]} 行是同一项目同一期间，重复。"]}
                        )
                    seen[period] = number
                    _row, changed = services.result_record(
                        actor=actor, project=project, values=values, at=now
                    )
            except ValidationError as exc:
                for key, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                    name = key if key in COLUMNS else None
                    result.errors += [_error(sheet, number, column(name), m) for m in errors]
            except PermissionDenied as exc:
                result.errors.append(_error(sheet, number, "", str(exc) or rules.NOT_A_RECORDER))
            else:
                if not changed:
                    result.unchanged += 1
                elif _row.version == 1 and _row.created_at == now:
                    result.created += 1
                else:
                    result.changed += 1
        if result.errors or dry_run:
            transaction.set_rollback(True)
    if result.errors:
        result.created = result.changed = result.unchanged = 0
    return result
