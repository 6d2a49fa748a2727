"""Reading a ledger workbook safely: limits first, formulas refused, cells converted exactly.

An .xlsx is a zip of XML parts. Before python-calamine parses anything, the zip is
checked (file size, entry count, declared and real uncompressed size, compression
ratio, CRC) by streaming every entry once. That same pass looks at the bytes of every
part that is XML — by its content, whatever its name — for a DTD or entity declaration
(refused) and for anything that could be a formula element (``<f>``, ``<x:f>``):
calamine gives a formula's cached value (or nothing) and a ledger must hold values that
people typed. The package is then followed as calamine follows it (``package.py``):
the sheets are the parts the workbook's relationships name, whatever they are called.
Only a data sheet where the byte test fires is parsed as XML, to name the cells that
hold formulas; the other 100,000 rows are not parsed twice.

The sheets' rows are read from calamine's own (Rust) copy one at a time
(``Sheet.iter_rows``), so that a large ledger is never held as Python objects all at
once; ``Sheet.rows`` builds the full list only when a caller needs it (the annotated
error workbook, the preview).
"""

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

import python_calamine
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl.utils import column_index_from_string, get_column_letter

from baton.core.forms import too_large
from baton.core.money import to_wan
from baton.core.xlsx import unneutralize
from baton.projects import rules

from .columns import HISTORY_SHEET, SHEET, normalize_header
from .package import PackageError, Part, check_encoding, check_names, read_package, sniff

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_entries: int = 1000
    max_uncompressed: int = 200 * 1024 * 1024
    #: A part that inflates more than this many times, and to more than ``ratio_floor``
    #: bytes, is a zip bomb: real sheets compress 5–50 times.
    max_ratio: int = 200
    ratio_floor: int = 5 * 1024 * 1024
    max_rows: int = 200_000


@dataclass(frozen=True)
class LedgerError:
    """One reason a workbook is refused; ``row`` is the Excel row number (0: whole file)."""

    sheet: str
    row: int
    column: str
    value: str
    reason: str
    letter: str = ""

    def line(self) -> str:
        where = f"第 {self.row} 行" if self.row else "—"
        column = f"{self.column}（{self.letter}列）" if self.letter else (self.column or "—")
        value = self.value if self.value != "" else "（空）"
        return f"工作表：{self.sheet or '—'}；行：{where}；列：{column}；值：{value}；原因：{self.reason}"


class LedgerRefused(Exception):
    def __init__(self, errors: list[LedgerError]):
        super().__init__("; ".join(e.line() for e in errors))
        self.errors = errors


class Sheet:
    """One sheet's cells, at absolute positions: row 0 is Excel row 1, cell 0 column A."""

    def __init__(self, name: str, source=None, rows: list[list] | None = None, load=None):
        self.name = name
        self._source = source  # a python_calamine CalamineSheet
        self._rows = rows
        self._load = load  # reads the sheet again once released

    @property
    def rows(self) -> list[list]:
        """Return every row (built once, on first use)."""
        if self._rows is None:
            source = self._source if self._source is not None else self._load()
            self._rows = _trimmed(source.to_python(skip_empty_area=False))
        return self._rows

    @property
    def height(self) -> int:
        """Return the sheet's rows, the empty ones included: what a progress counts to."""
        if self._source is not None:
            return self._source.height
        return len(self._rows or [])

    def release(self) -> None:
        """Let calamine's copy of the cells go; ``rows`` reads the workbook again."""
        if self._load is not None:
            self._source = None

    def iter_rows(self):
        """Yield the rows one at a time, as ``rows`` would list them."""
        if self._rows is not None or self._source is None:
            yield from self.rows
            return
        pad = [""] * self._source.start[1] if self._source.height else []
        # calamine yields the rows from Excel row 1 on, but each row from the first
        # used column on; blank rows at the end are cut as ``rows`` cuts them.
        blank: list[list] = []
        for cells in self._source.iter_rows():
            row = pad + cells if pad else cells
            if all(v == "" for v in cells):
                blank.append(row)
                continue
            yield from blank
            blank.clear()
            yield row


@dataclass
class Book:
    main: Sheet
    history: Sheet | None = None


def _file_error(reason: str, sheet: str = "") -> LedgerRefused:
    return LedgerRefused([LedgerError(sheet, 0, "", "", reason)])


def read_book(data: bytes, limits: Limits) -> Book:
    """Return the ledger's sheets as rows of calamine values, or raise LedgerRefused."""
    if len(data) > limits.max_bytes:
        raise _file_error(too_large(limits.max_bytes, len(data)))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _file_error("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再导入。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise _file_error(
            "文件不是有效的 .xlsx 工作簿（无法作为 zip 打开），可能已损坏或被截断。"
        ) from None
    with archive:
        try:
            parts = _check_zip(archive, limits)
            sheets = read_package(archive, parts)
        except PackageError as exc:
            raise _file_error(str(exc)) from None
        main_name = _pick_main(list(sheets))
        formulas = {}
        for name in (main_name, HISTORY_SHEET):
            if name in sheets and parts[sheets[name]].formula:
                cells = _formula_cells(archive, sheets[name])
                if cells:
                    formulas[name] = cells
    if formulas:
        errors = [
            LedgerError(name, int(re.sub(r"\D", "", ref)), "", "", _FORMULA, re.sub(r"\d", "", ref))
            for name, refs in formulas.items()
            for ref in refs[:200]
        ]
        raise LedgerRefused(errors)
    try:
        book = _open(data)
        if book.sheet_names != list(sheets):  # calamine read another workbook than the one checked
            raise _file_error(
                "工作簿内容与其结构不一致，无法可靠读取，请用 Excel 打开检查后重新保存。"
            )
        main = _rows(book, main_name, limits, data)
        history = _rows(book, HISTORY_SHEET, limits, data) if HISTORY_SHEET in sheets else None
    except LedgerRefused:
        raise
    except Exception:  # calamine raises its own error types for every broken part
        raise _file_error("工作簿内容已损坏，无法读取，请用 Excel 打开检查后重新保存。") from None
    return Book(main=main, history=history)


_FORMULA = "单元格含公式；台账只接受数值，请复制后“选择性粘贴为数值”再导入。"


#: Bytes that start a formula element, with or without a namespace prefix. Text and
#: attribute values cannot hold a raw ``<``, so in a sheet without formulas this only
#: matches an odd ``:f`` in a value; the sheet is then parsed to be sure.
_FORMULA_BYTES = re.compile(rb"[<:]f[\s/>]")
_DTD_BYTES = (b"<!DOCTYPE", b"<!ENTITY")


def _check_zip(archive: zipfile.ZipFile, limits: Limits) -> dict[str, Part]:
    """Check the limits by streaming every entry; return what was seen of each part. An
    XML part with a DTD or an entity declaration, or not in UTF-8, is refused."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise _file_error(
            f"文件包含 {len(infos)} 个部件，超过上限 {limits.max_entries}，不像正常的台账。"
        )
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_uncompressed:
        raise _file_error(
            f"文件解压后过大（{declared / 1048576:.0f} MB），上限 {limits.max_uncompressed // 1048576} MB。"
        )
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _file_error("文件不是 Excel 工作簿（缺少 xl/workbook.xml），请确认是 .xlsx 文件。")
    check_names(infos)
    total = 0
    parts = {}
    for info in infos:
        if info.flag_bits & 0x1:
            raise _file_error("工作簿已加密，请取消密码保护后再导入。")
        size = 0
        xml = None  # decided on the first chunk: XML by content, whatever the name
        formula = False
        tail = b""
        try:
            with archive.open(info) as part:
                while chunk := part.read(_CHUNK):
                    size += len(chunk)
                    total += len(chunk)
                    if size > info.file_size or total > limits.max_uncompressed:
                        raise _file_error("文件解压后超过上限（疑似压缩炸弹），已拒绝。")
                    if size > limits.ratio_floor and size > limits.max_ratio * max(
                        info.compress_size, 1
                    ):
                        raise _file_error(
                            f"部件 {info.filename} 压缩比超过 {limits.max_ratio} 倍（疑似压缩炸弹），已拒绝。"
                        )
                    if xml is None:
                        xml, head = sniff(chunk, info.filename), chunk[:1024]
                    if xml:
                        text = tail + chunk  # a match may straddle two chunks
                        if any(marker in text for marker in _DTD_BYTES):
                            raise _dtd_error(info.filename)
                        formula = formula or bool(_FORMULA_BYTES.search(text))
                        tail = text[-16:]
        except LedgerRefused:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
            raise _file_error(f"文件已损坏或被截断（部件 {info.filename} 无法解压）。") from None
        if xml:  # after the whole part: a zip bomb is named as one
            check_encoding(head, info.filename)
        parts[info.filename] = Part(xml=bool(xml) or sniff(b"", info.filename), formula=formula)
    return parts


def _dtd_error(path: str) -> LedgerRefused:
    return _file_error(f"工作簿部件 {path} 含有 DTD/实体声明，不是正常的 Excel 文件，已拒绝。")


def _pick_main(names: list[str]) -> str:
    if SHEET in names:
        return SHEET
    for name in names:
        if normalize_header(name) == SHEET:
            return name
    others = [n for n in names if n != HISTORY_SHEET]
    if len(others) == 1:  # a real ledger's only sheet is often called Sheet1
        return others[0]
    raise _file_error(
        f"工作簿中没有名为“{SHEET}”的工作表（现有：{'、'.join(names) or '无'}）。", SHEET
    )


def _formula_cells(archive: zipfile.ZipFile, path: str) -> list[str]:
    """Return the references of the cells holding a formula. Elements are matched by
    local name in any namespace, as calamine reads them; a cell or row without its
    reference is placed as calamine places it, after the one before."""
    cells = []
    row, column = 0, 0
    try:
        with archive.open(path) as part:
            for event, element in ElementTree.iterparse(part, events=("start", "end")):  # noqa: S314 (no DTD: streamed first)
                tag = element.tag.rsplit("}", 1)[-1]
                if event == "start":
                    if tag == "row":
                        row = _number(element.get("r")) or row + 1
                        column = 0
                    continue
                if tag == "c":
                    ref = element.get("r") or ""
                    column = (
                        column_index_from_string(_letters(ref)) if _letters(ref) else column + 1
                    )
                    if any(e.tag.rsplit("}", 1)[-1] == "f" for e in element.iter()):
                        cells.append(f"{get_column_letter(column)}{_number(ref) or row}")
                    element.clear()
                elif tag == "row":
                    element.clear()
    except ElementTree.ParseError:
        raise _file_error("工作表内容已损坏（XML 无法解析）。") from None
    return cells


def _number(ref: str | None) -> int:
    digits = re.sub(r"\D", "", ref or "")
    return int(digits) if digits and len(digits) < 8 else 0


def _letters(ref: str) -> str:
    letters = re.sub(r"[^A-Za-z]", "", ref).upper()
    return letters if 0 < len(letters) <= 3 else ""


def _rows(book, name: str, limits: Limits, data: bytes) -> Sheet:
    sheet = book.get_sheet_by_name(name)
    if sheet.height and sheet.end[0] > limits.max_rows:
        # Perhaps too many rows (or blank ones at the end): count them as they are read.
        rows = _trimmed(sheet.to_python(skip_empty_area=False, nrows=limits.max_rows + 12))
        if len(rows) - 1 > limits.max_rows:
            raise _file_error(f"数据行超过上限 {limits.max_rows} 行，请拆分为多个文件导入。", name)
    return Sheet(name, source=sheet, load=lambda: _open(data).get_sheet_by_name(name))


def _open(data: bytes):
    return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))


def _trimmed(rows: list[list]) -> list[list]:
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    return rows


# --- cells -----------------------------------------------------------------------------


class CellError(ValueError):
    pass


def letter(col: int) -> str:
    return get_column_letter(col + 1)


def shown(value) -> str:
    """Return a cell value as the error report shows it."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)[:100]


def to_text(value) -> str:
    if type(value) is str:  # the common case first
        text = value.strip()
        return unneutralize(text) if text[:1] == "'" else text
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError("应为文本，不能是逻辑值。")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        raise CellError("应为文本，不能是日期或时间。")
    return unneutralize(str(value).strip())


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool | dt.date | dt.time | dt.timedelta):
        raise CellError("应为数字。")
    if isinstance(value, float):
        # repr gives the shortest text that reads back as the same float: the number
        # the cell shows (1234.5678), never the binary expansion; 0.1+0.2 typed as a
        # computed value stays 0.30000000000000004 and is refused for its 17 decimals.
        text = repr(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
    amount: Decimal | None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise CellError("不是有效的数字。")
    return amount


def to_amount(value) -> Decimal | None:
    amount = _decimal(value)
    if amount is None:
        return None
    try:
        return to_wan(amount)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


def to_area(value) -> Decimal | None:
    area = _decimal(value)
    if area is None:
        return None
    try:
        return rules.clean_area(area)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


_DATE = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")
_DATE_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")


def to_date(value, today: dt.date | None = None) -> dt.date | None:
    """Return a date cell or typed date; ``today`` (default: now) is the latest allowed."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        match = _DATE.fullmatch(text) or _DATE_ZH.fullmatch(text)
        if not match:
            raise CellError(
                "日期格式不正确，应为日期单元格或 2019-05-01、2019/5/1、2019.5.1、2019年5月1日。"
            )
        try:
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise CellError("不存在这个日期。") from None
    else:
        raise CellError("日期格式不正确，应为日期单元格或 2019-05-01 这样的文本（不接受纯数字）。")
    try:
        rules.check_date_span(day, today or timezone.localdate())
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None
    return day
