"""Reading a ledger's rows: the header row, each cell converted and checked, districts,
units, leaders and stages resolved, the 阶段记录 sheet; every error with its sheet, row,
column, value and reason."""

import datetime as dt
import itertools
import re
import unicodedata

from baton.accounts.privacy import is_masked
from baton.org.models import District, Person, Unit
from baton.projects import permissions
from baton.projects.models import Industry, ReviewState, Stage

from ..columns import (
    BY_KEY,
    COLUMNS,
    HISTORY_COLUMNS,
    TEXT_LIMITS,
    header_map,
    normalize_header,
)
from ..mapping import BUILT_IN, UNIT_KINDS
from ..models import LedgerAlias
from ..reading import (
    Book,
    CellError,
    LedgerError,
    Sheet,
    letter,
    shown,
    to_amount,
    to_area,
    to_date,
    to_text,
)
from .result import (
    _CODE,
    _HEADER_SCAN,
    _PHONE,
    _REVIEW,
    PROGRESS_EVERY,
    READING,
    _Row,
)


def same_value(text: str) -> str:
    """A catalogue value as the import compares it: NFKC, without whitespace or invisible
    format characters (a zero-width space, U+200B, pasted from a web page), so that
    “新能源” with one and “新 能源” are the catalogue's 新能源, not a new 行业 beside it."""
    text = unicodedata.normalize("NFKC", str(text))
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def _alike(values: list, text: str, name) -> list:
    """The values named ``text``: as written, else read as ``same_value`` reads them (a
    zero-width space, a BOM or a space inside is no other unit or leader)."""
    exact = [v for v in values if name(v) == text]
    if exact:
        return exact
    key = same_value(text)
    return [v for v in values if name(v) and same_value(name(v)) == key]


class _Parse:
    """Errors and reading (a part of ``_Importer``)."""

    # --- errors --------------------------------------------------------------------------

    def error(self, sheet: str, row: int, column: str, value, reason: str, col_letter=""):
        self.result.errors.append(LedgerError(sheet, row, column, shown(value), reason, col_letter))

    def row_error(self, sheet: str, row: _Row, key: str, reason: str):
        self.error(
            sheet,
            row.number,
            self.headers.get(key, BY_KEY[key].header if key in BY_KEY else key),
            self._raw(row, key),
            reason,
            self.letters.get(key, ""),
        )

    def _raw(self, row: _Row, key: str):
        """Return the cell as written (kept while the row is converted; after that, an
        error reads it again from the sheet, which is then built in full, once)."""
        if row.cells is not None:
            return row.cells.get(key, "")
        col = self.positions.get(key)
        if col is None:
            return ""
        cells = self.result.book.main.rows[row.number - 1]
        return cells[col] if col < len(cells) else ""

    # --- parse -----------------------------------------------------------------------------

    def _header(
        self, sheet: Sheet, columns, head: list | None = None
    ) -> tuple[int, dict[str, int], dict[str, str]] | None:
        known = header_map(columns)
        # The header row names the project: by its code, or (a ledger kept without
        # codes, such as 德清's) by its name.
        anchors = {k for k, c in known.items() if c.key in ("code", "name")}
        for index, cells in enumerate(sheet.rows[:_HEADER_SCAN] if head is None else head):
            normalized = [normalize_header(v) if isinstance(v, str) else "" for v in cells]
            if not anchors & set(normalized):
                continue
            positions, headers = {}, {}
            for col, text in enumerate(normalized):
                column = known.get(text)
                if column is None:
                    continue
                if column.key in positions:
                    self.error(
                        sheet.name,
                        index + 1,
                        str(cells[col]),
                        cells[col],
                        f"与 {letter(positions[column.key])} 列重复，都表示“{column.header}”。",
                        letter(col),
                    )
                    continue
                positions[column.key] = col
                headers[column.key] = str(cells[col]).strip()
            for column in columns:
                if column.key not in positions and column.fallback in positions:
                    positions[column.key] = positions[column.fallback]
                    headers[column.key] = headers[column.fallback]
                if column.required and column.key not in positions:
                    self.error(
                        sheet.name,
                        index + 1,
                        column.header,
                        "",
                        f"缺少必填列“{column.header}”（表头行第 {index + 1} 行）。",
                    )
            return index, positions, headers
        names = "、".join(c.header for c in columns if c.required)
        self.error(
            sheet.name,
            1,
            "项目编号",
            "",
            f"找不到表头行：前 {_HEADER_SCAN} 行中没有“项目编号”或“项目名称”列（必填列：{names}）。",
        )
        return None

    def parse(self, book: Book) -> list[_Row]:
        sheet = book.main
        lines = sheet.iter_rows()  # one at a time: a large ledger is never held whole
        head = list(itertools.islice(lines, _HEADER_SCAN))
        found = self._header(sheet, COLUMNS, head)
        if found is None or self.result.errors:
            return []
        index, positions, headers = found
        self.positions, self.headers = positions, headers
        self.letters = {k: letter(c) for k, c in positions.items()}
        self.result.header_rows[sheet.name] = index + 1
        rows: list[_Row] = []
        seen: dict[str, int] = {}
        columns = list(positions.items())
        lines = itertools.chain(head[index + 1 :], lines)
        total = max(sheet.height - index - 1, 0)
        for offset, cells in enumerate(lines, start=index + 2):
            if offset % PROGRESS_EVERY == 0:
                self.progress(offset - index - 1, total, READING)
            width = len(cells)
            raw = {k: (cells[c] if c < width else "") for k, c in columns}
            if all(v in ("", None) for v in raw.values()):
                continue
            row = _Row(offset, raw)
            self._convert(sheet.name, row)
            row.cells = None
            code = row.values.get("code")
            if code:
                if code in seen:
                    self.row_error(sheet.name, row, "code", f"项目编号与第 {seen[code]} 行重复。")
                else:
                    seen[code] = offset
            rows.append(row)
        sheet.release()  # an error found later reads its cell again
        self.progress(total, total, READING)
        if not rows and not self.result.errors:
            self.error(sheet.name, index + 2, "", "", "表头下没有任何数据行。")
        if book.history is not None:
            self._parse_history(book.history, {r.values.get("code"): r for r in rows})
        return rows

    def _convert(self, sheet: str, row: _Row) -> None:
        for key, raw in row.cells.items():
            column = BY_KEY[key]
            try:
                value = self._cell(key, column.kind, raw)
            except CellError as exc:
                self.row_error(sheet, row, key, str(exc))
                continue
            row.values[key] = value
        # A blank 项目编号 is a new project (the system gives it a code).
        for key in ("name", "investment"):
            if key in row.values and row.values[key] in ("", None):
                self.row_error(sheet, row, key, f"{BY_KEY[key].header}不能为空。")
                row.values.pop(key)
        self._resolve(sheet, row)

    def _cell(self, key: str, kind: str, raw):
        if kind == "field":  # one of the fields real ledgers keep: its column converts it
            return BY_KEY[key].convert(raw)
        if kind == "amount":
            return to_amount(raw)
        if kind == "area":
            return to_area(raw)
        if kind == "date":
            return to_date(raw, self.today)
        text = to_text(raw)
        if kind == "choice":  # resolved with the catalogues (an alias may name it)
            return text
        if key in ("code", "original_code") and text and not _CODE.match(text):
            header = BY_KEY[key].header
            raise CellError(f"{header}只能包含字母、数字、短横线和下划线，最长 32 位。")
        if key in TEXT_LIMITS and len(text) > TEXT_LIMITS[key]:
            raise CellError(f"不能超过 {TEXT_LIMITS[key]} 个字（现有 {len(text)} 个）。")
        if key == "contact_phone" and text and not _PHONE.match(text) and not is_masked(text):
            raise CellError("联系电话格式不正确，只能包含数字、空格、+、-、括号，5 到 30 位。")
        return text

    def _resolve(self, sheet: str, row: _Row) -> None:
        values = row.values
        district_text = values.get("district", "")
        if district_text:
            row.district = self._district(district_text)
            if row.district is None:
                known = "、".join(f"{d.code} {d.name}" for d in self.districts[:20])
                self.row_error(
                    sheet, row, "district", f"找不到这个区（可填区划代码或名称：{known}）。"
                )
                return
        elif self.default_district is not None:
            row.district = self.default_district
        elif "district" not in self.positions and len(self.districts) == 1:
            row.district = self.districts[0]
        else:
            self.row_error(
                sheet, row, "district", "所属区为空，且导入时未指定默认区（--district）。"
            )
            return
        district = row.district
        if "unit" in self.positions:
            text = values.get("unit", "")
            if text:
                row.unit = self._catalogue(sheet, row, "unit", text)
            else:
                row.unit = self._unit(sheet, row, district, text)
        for key in ("leader", "industry", "review_state"):
            if values.get(key):
                values[key] = self._catalogue(sheet, row, key, values[key])
            elif key in values:
                values[key] = "" if key == "review_state" else None
        if values.get("stage"):
            values["stage"] = self._catalogue(sheet, row, "stage", values["stage"])
        else:
            values.pop("stage", None)

    # --- catalogue values, known, mapped or added -----------------------------------------

    def _catalogue(self, sheet: str, row: _Row, key: str, text: str):
        """Return the catalogue value ``text`` stands for in the row's district: itself,
        the import's mapping, the district's alias, a built-in word, or a value this
        import adds; else record the error (None, and an unknown value is counted)."""
        district = row.district
        found, reason = self._find(key, district, text)
        if found is not None or reason:
            if reason:
                self.row_error(sheet, row, key, reason)
            return found
        target, remember = self._alias(key, district, text)
        if target is not None:
            found, reason = self._find(key, district, target)
            if found is None:
                why = reason or f"台账中的“{text}”对应的“{target}”不在目录中。"
                self.row_error(sheet, row, key, why)
                return None
            if remember:
                self.result.aliases[district.pk, key, text] = target
            return found
        kind = self.mapping.adds_value(key, text)
        if kind is not None and (kind or key != "unit"):
            return self._add(sheet, row, key, text, kind)
        unknown = self.result.unknown
        unknown[key, text] = unknown.get((key, text), 0) + 1
        self._unknown_in.setdefault(key, district)
        self.row_error(sheet, row, key, self._unknown_reason(key, district))
        return None

    def _find(self, key: str, district: District, text: str):
        """Return (the catalogue value named ``text``, None), (None, why it cannot be
        that one) or (None, None) when the catalogue has no such value."""
        if key == "industry":
            found = self.industries.get(text)
            if found is None:  # 新能源 with a zero-width space copied from a web page
                found = self._industry_keys().get(same_value(text))
            return found or self._added.get((key, None, same_value(text))), None
        if key == "stage":
            return self._stage(text), None
        if key == "review_state":
            return _REVIEW.get(text), None
        added = self._added.get((key, district.pk, same_value(text)))
        if key == "unit":
            units = self._units_of(district)
            matches = _alike(units, text, lambda u: u.name) or _alike(
                units, text, lambda u: u.short_name
            )
            if len(matches) > 1:
                return None, "有多个单位简称相同，请填写全称。"
            if matches and not matches[0].is_active:
                return None, "该单位已停用。"
            return (matches[0] if matches else added), None
        leaders = _alike(self._leaders_of(district), text, lambda p: p.name)
        if len(leaders) > 1:
            return None, "有多位同名领导，无法确定是哪一位。"
        return (leaders[0] if leaders else added), None

    def _alias(self, key: str, district: District, text: str) -> tuple[str | None, bool]:
        """Return what ``text`` is mapped to, and whether this import remembers it (for
        the district, when the actor may: ``permissions.can_remember_alias``)."""
        target = self.mapping.targets.get((key, text))
        if target is not None:
            return target, permissions.can_remember_alias(self.actor, district.pk)
        if district.pk not in self._aliases:
            self._aliases[district.pk] = {
                (a.column, a.value): a.target for a in LedgerAlias.objects.filter(district=district)
            }
        target = self._aliases[district.pk].get((key, text))
        if target is None:
            target = BUILT_IN.get(key, {}).get(text)
        return target, False

    def _industry_keys(self) -> dict:
        """The catalogue's 行业 by ``same_value`` of their names."""
        if self._industries_same is None:
            self._industries_same = {same_value(n): i for n, i in self.industries.items()}
        return self._industries_same

    def _add(self, sheet: str, row: _Row, key: str, text: str, kind: str = ""):
        """Return the catalogue value this import adds for ``text`` (saved with the
        import, in its transaction), named without invisible characters: a 行业 of the
        city, a 责任单位 of kind ``kind`` or a 挂钩领导 of the row's district."""
        district = row.district
        slot = (key, None if key == "industry" else district.pk, same_value(text))
        if slot not in self._added:
            name = "".join(c for c in text if unicodedata.category(c) != "Cf").strip()
            if not name:
                self.row_error(sheet, row, key, self._unknown_reason(key, district))
                return None
            model = {"industry": Industry, "unit": Unit, "leader": Person}[key]
            limit = model._meta.get_field("name").max_length
            if len(name) > limit:
                self.row_error(sheet, row, key, f"不能超过 {limit} 个字（现有 {len(name)} 个）。")
                return None
            if key == "industry":
                value = Industry(name=name)
            elif key == "unit":
                if kind not in UNIT_KINDS:  # a 协调部门 holds no project
                    self.row_error(sheet, row, key, self._unknown_reason(key, district))
                    return None
                value = Unit(district=district, name=name, kind=kind)
                self.result.added_kinds[key, name] = value.get_kind_display()
            else:
                value = Person(
                    name=name,
                    level=Person.Level.DISTRICT_LEADER,
                    city_id=district.city_id,
                    district=district,
                )
                self.result.added_kinds[key, name] = district.name
            self._added[slot] = value
            self.result.added.append((key, name))
        return self._added[slot]

    def _unknown_reason(self, key: str, district: District) -> str:
        if key == "industry":
            return f"未知行业，可选：{'、'.join(self.industries)}。"
        if key == "stage":
            return f"未知项目阶段，可选：{'、'.join(s.name for s in self.stages)}。"
        if key == "review_state":
            return "入库状态只能是：草稿、已上报、区已审核、已入库、已退回。"
        if key == "unit":
            return f"{district.name}没有这个单位。"
        return f"{district.name}或本市没有这位在职领导。"

    def catalogue_choices(self) -> dict[str, list[str]]:
        """Return, for each column with unknown values, what they may be mapped to."""
        choices = {}
        for key, district in self._unknown_in.items():
            if key == "industry":
                names = list(self.industries)
            elif key == "stage":
                names = [s.name for s in self.stages]
            elif key == "review_state":
                names = [str(label) for _value, label in ReviewState.choices]
            elif key == "unit":
                names = [u.name for u in self._units_of(district) if u.is_active]
            else:
                names = sorted({p.name for p in self._leaders_of(district)})
            choices[key] = names
        return choices

    def _date(self, raw) -> dt.date | None:
        return to_date(raw, self.today)

    def _district(self, text: str) -> District | None:
        for d in self.districts:
            if text in (d.code, d.name, d.full_name):
                return d
        return None

    def _units_of(self, district: District) -> list[Unit]:
        if district.pk not in self._units:
            self._units[district.pk] = list(Unit.objects.filter(district=district))
        return self._units[district.pk]

    def _unit(self, sheet, row, district: District, text: str) -> Unit | None:
        """Return the unit of a blank 责任单位: the district's investment office."""
        offices = [
            u for u in self._units_of(district) if u.kind == Unit.Kind.OFFICE and u.is_active
        ]
        if not offices:
            self.row_error(sheet, row, "unit", f"责任单位为空，且{district.name}没有区招商办单位。")
            return None
        return offices[0]

    def _leaders_of(self, district: District) -> list[Person]:
        if district.pk not in self._leaders:
            self._leaders[district.pk] = [
                p
                for p in Person.objects.filter(city_id=district.city_id, is_active=True).exclude(
                    level=Person.Level.STAFF
                )
                if p.district_id in (None, district.pk)
            ]
        return self._leaders[district.pk]

    def _stage(self, text: str) -> Stage | None:
        for candidate in (text, re.sub(r"(项目|阶段)$", "", text)):
            for stage in self.stages:
                if candidate in (stage.name, stage.code):
                    return stage
        return None

    def _parse_history(self, sheet: Sheet, by_code: dict) -> None:
        found = self._header(sheet, HISTORY_COLUMNS)
        if found is None:
            return
        index, positions, headers = found
        self.result.header_rows[sheet.name] = index + 1
        if len(positions) < len([c for c in HISTORY_COLUMNS if c.required]):
            return
        for number, cells in enumerate(sheet.rows[index + 1 :], start=index + 2):
            raw = {k: (cells[c] if c < len(cells) else "") for k, c in positions.items()}
            if all(v in ("", None) for v in raw.values()):
                continue
            where = {k: letter(c) for k, c in positions.items()}

            def fail(key, reason, raw=raw, number=number, where=where):
                self.error(sheet.name, number, headers[key], raw.get(key), reason, where[key])

            converted = {}
            for key, convert in (("code", to_text), ("stage", to_text), ("date", self._date)):
                try:
                    converted[key] = convert(raw[key])
                except CellError as exc:
                    fail(key, str(exc))
            if len(converted) < 3:
                continue
            code, stage_text, day = converted["code"], converted["stage"], converted["date"]
            try:
                reason = to_text(raw.get("reason", ""))[:2000]
            except CellError:
                reason = ""
            row = by_code.get(code)
            if row is None:
                fail("code", "项目台账中没有这个项目编号。")
                continue
            stage = self._history_stage(row, stage_text)
            if stage is None:
                fail("stage", self._unknown_reason("stage", row.district))
                continue
            if day is None:
                fail("date", "日期不能为空。")
                continue
            row.history.append((day, stage, reason, number))

    def _history_stage(self, row: _Row, text: str) -> Stage | None:
        """Return the stage a 阶段记录 line names, read as the 项目阶段 column is."""
        stage = self._stage(text)
        if stage is not None or row.district is None:
            return stage
        target, remember = self._alias("stage", row.district, text)
        stage = self._stage(target) if target is not None else None
        if stage is not None and remember:
            self.result.aliases[row.district.pk, "stage", text] = target
        elif stage is None and target is None:
            unknown = self.result.unknown
            unknown["stage", text] = unknown.get(("stage", text), 0) + 1
            self._unknown_in.setdefault("stage", row.district)
        return stage
