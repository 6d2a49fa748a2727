"""Import a district's ledger workbook (DESIGN §7 "Ledger workbook"), all or nothing.

``ledger_import`` is what the CLI (``baton import-ledger``) and a web upload call:

1. read the file within limits and refuse formulas (``reading``);
2. convert and check every cell, resolve districts, units, leaders, stages and
   industries, and plan each row as *create*, *update* or *unchanged*, collecting every
   error with its sheet, row, column, value and reason;
3. only if there is no error, write the plan inside one transaction, step by step as
   the project services take it: creations with their back-dated history (阶段记录,
   阶段日期, 入库日期), and for existing projects only the fields that differ. Any error
   a step raises rolls everything back and is reported against its row. A dry run does
   the same and rolls back at the end, so it finds exactly the errors a real import
   would.

The steps go to ``baton.projects.bulk.BulkWriter``, which offers the services' calls,
checks and messages and writes exactly the rows they would write, in bulk: a
100,000-row ledger in under a minute instead of days. ``through_services=True`` takes
them through the services themselves, row by row: the reference that
``tests/test_bulk.py`` compares the bulk writer with, table by table. A large import
then refreshes the planner's statistics (ANALYZE).

Re-importing the same file finds every row unchanged and writes nothing.
"""

import datetime as dt
import gc
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from baton.accounts.models import User
from baton.accounts.privacy import FULL, contact_access, imported_phone_unchanged, is_masked
from baton.audit.services import audit_batch
from baton.org.models import District, Person, Unit
from baton.projects import permissions, rules, services
from baton.projects.bulk import BulkWriter, analyze
from baton.projects.models import (
    Industry,
    Milestone,
    Project,
    ProjectEvent,
    ReviewState,
    Stage,
)
from baton.projects.selectors import project_list

from .columns import (
    BY_KEY,
    COLUMNS,
    HISTORY_COLUMNS,
    MILESTONE_KEYS,
    TEXT_FIELDS,
    TEXT_LIMITS,
    header_map,
    normalize_header,
)
from .reading import (
    Book,
    CellError,
    LedgerError,
    LedgerRefused,
    Limits,
    Sheet,
    letter,
    read_book,
    shown,
    to_amount,
    to_area,
    to_date,
    to_text,
)

_PHONE = rules.PHONE
_MASKED_PHONE = (
    "联系电话是隐去中间位的号码（如 138****1234），不能用来新建项目或更改号码，请填写完整号码。"
)
_CODE = rules.CODE
_REVIEW = {str(label): value for value, label in ReviewState.choices}
_REVIEW.update({value: value for value in ReviewState.values})
_MILESTONE_KIND = {
    "signed": Milestone.Kind.SIGNED,
    "registered": Milestone.Kind.REGISTERED,
    "land_supplied": Milestone.Kind.LAND_SUPPLIED,
    "started": Milestone.Kind.STARTED,
    "in_production": Milestone.Kind.IN_PRODUCTION,
    "at_capacity": Milestone.Kind.AT_CAPACITY,
}
_REASON = "台账导入"
#: An import that creates or updates this many projects refreshes the planner's
#: statistics afterwards (a tenfold table would otherwise be planned as the small one).
ANALYZE_AFTER = 1000
_HEADER_SCAN = 10
_PLAN_CHUNK = 2000


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)  # the projects' codes
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    actions: dict[int, str] = field(default_factory=dict)  # row → create, update, unchanged
    errors: list[LedgerError] = field(default_factory=list)
    events: int = 0
    dry_run: bool = False
    book: Book | None = None
    header_rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "将" if self.dry_run else ""
        text = (
            f"{verb}新建 {len(self.created)} 个、{verb}更新 {len(self.updated)} 个、"
            f"未变 {len(self.unchanged)} 个"
        )
        if self.dry_run:
            return f"试导入（未写入）：{text}。"
        return f"{text}（写入项目动态 {self.events} 条）。"


@dataclass(slots=True)
class _Row:
    number: int  # Excel row
    cells: dict | None  # key → raw value, while the row is converted (then read again)
    values: dict = field(default_factory=dict)  # key → converted value
    district: District | None = None
    unit: Unit | None = None
    project: Project | None = None
    history: list = field(default_factory=list)  # (date, stage, reason, row number)


@dataclass
class _Step:
    kind: str
    column: str
    at: dt.datetime | None = None
    args: dict = field(default_factory=dict)


def ledger_import(
    *,
    data: bytes,
    actor: User | None = None,
    district: District | None = None,
    dry_run: bool = False,
    limits: Limits | None = None,
    through_services: bool = False,
) -> ImportResult:
    """Validate a ledger workbook and, when it has no error, write it in one transaction.

    ``actor`` is the user importing (None: the system, for the CLI); a user may only
    touch projects and districts in their scope. ``district`` is the default for rows
    whose 所属区 is blank. Nothing is written when the result has errors or ``dry_run``.
    ``through_services`` writes row by row through the project services instead of the
    bulk writer: the reference the bulk path is tested against, far slower.
    """
    # Millions of short-lived objects and no reference cycles among them: the cycle
    # collector would walk all the rows again and again (a tenth of a large import).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(data, actor, district, dry_run, limits, through_services)
    finally:
        if collecting:
            gc.enable()


IMPORT_REFUSED = "只有招商单位的工作人员和区招商办可以导入台账。"


def _import(data, actor, district, dry_run, limits, through_services) -> ImportResult:
    result = ImportResult(dry_run=dry_run)
    if actor is not None and not permissions.can_import(actor):
        result.errors = [LedgerError("", 0, "", "", IMPORT_REFUSED)]
        return result
    try:
        book = read_book(data, limits or Limits())
    except LedgerRefused as exc:
        result.errors = exc.errors
        return result
    result.book = book
    importer = _Importer(result, actor=actor, default_district=district)
    rows = importer.parse(book)
    if result.errors:
        return result
    plans = importer.plan(rows)
    del rows  # the plans hold the rows that matter; the write lets each go once written
    if result.errors:
        return result
    importer.write(plans, dry_run=dry_run, through_services=through_services)
    if result.errors:
        result.created, result.updated, result.unchanged, result.events = [], [], [], 0
        result.actions = {}
    return result


class _Rollback(Exception):
    pass


class _Importer:
    def __init__(self, result: ImportResult, *, actor, default_district):
        self.result = result
        self.actor = actor
        self.default_district = default_district
        self.stages = list(Stage.objects.order_by("order"))
        self.entry_stage = next((s for s in self.stages if not s.is_terminal), None)
        self._units: dict[int, list[Unit]] = {}
        self._leaders: dict[int, list[Person]] = {}
        self.industries = {i.name: i for i in Industry.objects.all()}
        self.districts = list(District.objects.select_related("city"))
        self.today = timezone.localdate()
        self._midnights: dict[dt.date, dt.datetime] = {}
        self.positions: dict[str, int] = {}  # key → column of the main sheet
        self.headers: dict[str, str] = {}  # key → header as written
        self.letters: dict[str, str] = {}  # key → column letter

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
        code_headers = {k for k, c in known.items() if c.key == "code"}
        for index, cells in enumerate(sheet.rows[:_HEADER_SCAN] if head is None else head):
            normalized = [normalize_header(v) if isinstance(v, str) else "" for v in cells]
            if not code_headers & set(normalized):
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
            f"找不到表头行：前 {_HEADER_SCAN} 行中没有“项目编号”列（必填列：{names}）。",
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
        for offset, cells in enumerate(lines, start=index + 2):
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
        if kind == "amount":
            return to_amount(raw)
        if kind == "area":
            return to_area(raw)
        if kind == "date":
            return to_date(raw, self.today)
        text = to_text(raw)
        if kind == "choice":
            if text and text not in _REVIEW:
                raise CellError("入库状态只能是：草稿、已上报、区已审核、已入库、已退回。")
            return _REVIEW.get(text, "")
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
            row.unit = self._unit(sheet, row, district, values.get("unit", ""))
        if values.get("leader"):
            leaders = [p for p in self._leaders_of(district) if p.name == values["leader"]]
            if not leaders:
                self.row_error(sheet, row, "leader", f"{district.name}或本市没有这位在职领导。")
            elif len(leaders) > 1:
                self.row_error(sheet, row, "leader", "有多位同名领导，无法确定是哪一位。")
            else:
                values["leader"] = leaders[0]
        elif "leader" in values:
            values["leader"] = None
        if values.get("industry"):
            industry = self.industries.get(values["industry"])
            if industry is None:
                known = "、".join(self.industries)
                self.row_error(sheet, row, "industry", f"未知行业，可选：{known}。")
            else:
                values["industry"] = industry
        elif "industry" in values:
            values["industry"] = None
        if values.get("stage"):
            stage = self._stage(values["stage"])
            if stage is None:
                known = "、".join(s.name for s in self.stages)
                self.row_error(sheet, row, "stage", f"未知项目阶段，可选：{known}。")
            else:
                values["stage"] = stage
        else:
            values.pop("stage", None)

    def _date(self, raw) -> dt.date | None:
        return to_date(raw, self.today)

    def _district(self, text: str) -> District | None:
        for d in self.districts:
            if text in (d.code, d.name, d.full_name):
                return d
        return None

    def _unit(self, sheet, row, district: District, text: str) -> Unit | None:
        if district.pk not in self._units:
            self._units[district.pk] = list(Unit.objects.filter(district=district))
        units = self._units[district.pk]
        if not text:
            offices = [u for u in units if u.kind == Unit.Kind.OFFICE and u.is_active]
            if not offices:
                self.row_error(
                    sheet, row, "unit", f"责任单位为空，且{district.name}没有区招商办单位。"
                )
                return None
            return offices[0]
        matches = [u for u in units if u.name == text] or [u for u in units if u.short_name == text]
        if len(matches) != 1:
            reason = (
                "有多个单位简称相同，请填写全称。" if matches else f"{district.name}没有这个单位。"
            )
            self.row_error(sheet, row, "unit", reason)
            return None
        if not matches[0].is_active:
            self.row_error(sheet, row, "unit", "该单位已停用。")
            return None
        return matches[0]

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
            stage = self._stage(stage_text)
            if stage is None:
                fail("stage", f"未知项目阶段，可选：{'、'.join(s.name for s in self.stages)}。")
                continue
            if day is None:
                fail("date", "日期不能为空。")
                continue
            row.history.append((day, stage, reason, number))

    # --- plan ------------------------------------------------------------------------------

    def plan(self, rows: list[_Row]) -> list[tuple[_Row, list[_Step]]]:
        """Plan every row, a chunk at a time: the projects that exist are read for each
        chunk, and an unchanged row keeps only its code."""
        plans = []
        for start in range(0, len(rows), _PLAN_CHUNK):
            plans += self._plan_chunk(rows[start : start + _PLAN_CHUNK])
        return plans

    def _plan_chunk(self, rows: list[_Row]) -> list[tuple[_Row, list[_Step]]]:
        # A row is the project of its 项目编号 in the importer's scope, or else the one an
        # import created from its office code (原编号, or 项目编号) in the row's district;
        # any other code is a new project's 原编号. Only the scope is read: a code outside
        # it reads exactly as an unknown one (no existence oracle).
        scope = Project.objects.all() if self.actor is None else project_list(user=self.actor)
        scope = scope.select_related("district", "unit", "stage")
        codes = [r.values["code"] for r in rows if r.values.get("code")]
        existing: dict[str, Project] = {}
        for start in range(0, len(codes), 500):
            for project in scope.filter(code__in=codes[start : start + 500]):
                existing[project.code] = project
        originals = sorted(
            {_original(r) for r in rows if _original(r) and r.values.get("code") not in existing}
        )
        by_original: dict[tuple[int, str], list[Project]] = defaultdict(list)
        for start in range(0, len(originals), 500):
            for project in scope.filter(original_code__in=originals[start : start + 500]):
                by_original[project.district_id, project.original_code].append(project)
        milestones: dict[int, dict[str, dt.date]] = defaultdict(dict)
        ids = [p.pk for p in existing.values()]
        ids += [p.pk for found in by_original.values() for p in found]
        for start in range(0, len(ids), 500):
            for project_id, kind, date in Milestone.objects.filter(
                project_id__in=ids[start : start + 500]
            ).values_list("project_id", "kind", "date"):
                milestones[project_id][kind] = date
        plans = []
        sheet = self.result.book.main.name
        for row in rows:
            project = existing.get(row.values.get("code"))
            if project is None and row.district is not None and _original(row):
                found = by_original.get((row.district.pk, _original(row)), [])
                if len(found) > 1:
                    key = "original_code" if row.values.get("original_code") else "code"
                    self.row_error(
                        sheet,
                        row,
                        key,
                        f"{row.district.name}有 {len(found)} 个项目的原编号都是“{_original(row)}”，"
                        "请填写系统项目编号。",
                    )
                    continue
                project = found[0] if found else None
            if row.district is None or ("unit" in self.positions and row.unit is None):
                continue
            if project is None and not self._may_create(row):
                self.row_error(sheet, row, "unit", "您无权在这个区或单位下新建项目。")
                continue
            row.project = project
            n_errors = len(self.result.errors)
            steps = (
                self._plan_create(sheet, row)
                if project is None
                else self._plan_update(sheet, row, project, milestones[project.pk])
            )
            if len(self.result.errors) == n_errors and self._may_change(sheet, row, steps):
                if not steps:  # unchanged: only its code is needed from here on
                    row.project, row.values = None, {"code": project.code}
                plans.append((row, steps))
        return plans

    def _may_change(self, sheet: str, row: _Row, steps: list[_Step]) -> bool:
        """A user changes only what they may change by hand (the web upload): the holder
        or the district office edits a project, and no unit reviews its own projects."""
        user = self.actor
        if user is None or not steps:
            return True
        project = row.project
        if project is not None and not permissions.can_move(user, project):
            self.row_error(
                sheet,
                row,
                "code",
                f"只有责任单位（{project.unit.name}）或区招商办可以通过台账修改该项目。",
            )
            return False
        if user.role == User.Role.UNIT_STAFF and any(
            s.kind in ("approve", "return") for s in steps
        ):
            self.row_error(
                sheet,
                row,
                "review_state",
                "审核由区招商办和市招商办办理；单位导入的入库状态只能是草稿或已上报。",
            )
            return False
        return True

    def _may_create(self, row: _Row) -> bool:
        user = self.actor
        if user is None:
            return True
        if row.unit is None and user.role == User.Role.DISTRICT_OFFICE:
            # No 责任单位 column: the district's office unit (a blank cell resolved to it).
            return user.district_id == row.district.pk
        return row.unit is not None and permissions.can_import_create(user, row.unit)

    def _review_path(self, sheet, row, district, current: str, target: str) -> list[str] | None:
        two = district.review_levels == 2
        if target == ReviewState.DISTRICT_APPROVED and not two:
            self.row_error(
                sheet, row, "review_state", f"{district.name}为一级审核，没有“区已审核”状态。"
            )
            return None
        after_submit = {
            ReviewState.SUBMITTED: [],
            ReviewState.DISTRICT_APPROVED: ["approve"],
            ReviewState.ADMITTED: ["approve", "approve"] if two else ["approve"],
            ReviewState.RETURNED: ["return"],
        }
        if current in (ReviewState.DRAFT, ReviewState.RETURNED):
            if target == ReviewState.DRAFT:
                return None if current == ReviewState.RETURNED and self._refuse(sheet, row) else []
            return ["submit", *after_submit[target]]
        if current == ReviewState.SUBMITTED and target != ReviewState.DRAFT:
            return after_submit[target]
        if current == ReviewState.DISTRICT_APPROVED and target in (
            ReviewState.ADMITTED,
            ReviewState.RETURNED,
        ):
            return ["approve"] if target == ReviewState.ADMITTED else ["return"]
        self.row_error(
            sheet,
            row,
            "review_state",
            f"项目当前为“{ReviewState(current).label}”，不能改为“{ReviewState(target).label}”。",
        )
        return None

    def _refuse(self, sheet, row) -> bool:
        self.row_error(sheet, row, "review_state", "已退回的项目不能改回草稿，请重新上报。")
        return True

    def _plan_create(self, sheet: str, row: _Row) -> list[_Step]:
        v = row.values
        try:
            rules.check_entry_stage(self.entry_stage)
        except ValidationError as exc:
            self.row_error(sheet, row, "stage", exc.messages[0])
            return []
        history = sorted(row.history, key=lambda h: (h[0], h[3]))
        timeline: list[tuple[Stage, dt.date | None, str]] = []
        for day, stage, reason, _number in history:
            if not timeline or timeline[-1][0] != stage:
                timeline.append((stage, day, reason))
        final = v.get("stage") or (timeline[-1][0] if timeline else self.entry_stage)
        stage_date = v.get("stage_date")
        if not timeline:
            timeline = [(final, stage_date, "")]
        elif timeline[-1][0] != final:
            if stage_date is None:
                self.row_error(
                    sheet,
                    row,
                    "stage",
                    f"阶段记录的最后阶段是“{timeline[-1][0].name}”，与项目阶段不一致，请填写阶段日期。",
                )
                return []
            if stage_date < timeline[-1][1]:
                self.row_error(sheet, row, "stage_date", "阶段日期早于阶段记录中的最后日期。")
                return []
            timeline.append((final, stage_date, ""))
        elif stage_date is not None and stage_date != timeline[-1][1]:
            self.row_error(
                sheet,
                row,
                "stage_date",
                f"阶段日期与阶段记录不一致（阶段记录为 {timeline[-1][1]}）。",
            )
            return []
        admitted_on = v.get("admitted_on")
        dates = [d for d in (timeline[0][1], admitted_on) if d is not None]
        created_on = min(dates) if dates else None
        first_stage, first_date, _ = timeline[0]
        moves = timeline[1:]
        if first_stage.is_terminal or (
            first_date is not None and created_on < first_date and first_stage != self.entry_stage
        ):
            # Before its first known stage a project was at the entry rung (策划).
            moves = timeline
            first_stage = self.entry_stage
        fields = {k: v[k] for k in (*TEXT_FIELDS, "industry", "leader", "land_area_mu") if k in v}
        fields.pop("name", None)
        if is_masked(fields.get("contact_phone")):  # privacy: a masked number is no number
            self.row_error(sheet, row, "contact_phone", _MASKED_PHONE)
            return []
        steps = [
            _Step(
                "create",
                "code",
                args={
                    "stage": first_stage,
                    "original_code": _original(row),
                    "day": created_on,
                    "fields": fields,
                    "signed_on": v.get("signed"),
                },
            )
        ]
        keyed = []
        for seq, (stage, day, reason) in enumerate(moves):
            keyed.append(
                (
                    (day or dt.date.max, 2, seq),
                    _Step("move", "stage", None, {"stage": stage, "day": day, "reason": reason}),
                )
            )
        target = v.get("review_state") or ReviewState.DRAFT
        path = self._review_path(sheet, row, row.district, ReviewState.DRAFT, target)
        if path is None:
            return []
        review_day = admitted_on or created_on
        for seq, step in enumerate(path):
            keyed.append(
                (
                    (review_day or dt.date.max, 1, seq),
                    _Step(step, "review_state", None, {"day": review_day}),
                )
            )
        steps += [step for _key, step in sorted(keyed, key=lambda k: k[0])]
        return self._attach_milestones(sheet, row, steps, first_stage)

    def _attach_milestones(self, sheet, row, steps: list[_Step], stage: Stage) -> list[_Step]:
        """Record a new project's milestone dates right after it enters a stage that
        allows them (落地), at that step's time; 签约 goes with the creation."""
        wanted = [(k, row.values[k]) for k in MILESTONE_KEYS[1:] if row.values.get(k)]
        if not wanted:
            return steps
        anchor = 0 if stage.allows_milestones else None
        if anchor is None:
            anchor = next(
                (
                    i
                    for i, s in enumerate(steps)
                    if s.kind == "move" and s.args["stage"].allows_milestones
                ),
                None,
            )
        if anchor is None:
            self._no_milestones(sheet, row, [k for k, _day in wanted])
            return steps
        day = steps[anchor].args.get("day")
        records = [
            _Step("milestone", key, None, {"kind": _MILESTONE_KIND[key], "date": date, "day": day})
            for key, date in wanted
        ]
        return steps[: anchor + 1] + records + steps[anchor + 1 :]

    def _no_milestones(self, sheet, row, keys) -> None:
        for key in keys:
            label = Milestone.Kind(_MILESTONE_KIND[key]).label
            self.row_error(
                sheet, row, key, f"项目落地后才能记录{label}日期（项目未到达落地阶段）。"
            )

    def _plan_update(self, sheet, row: _Row, project: Project, milestones: dict) -> list[_Step]:
        v = row.values
        if row.district.pk != project.district_id:
            self.row_error(
                sheet, row, "district", f"项目已属于{project.district.name}，台账不能改变所属区。"
            )
            return []
        last_day = timezone.localdate(project.updated_at)
        steps: list[_Step] = []

        def dated(key, day):
            if day is not None and day < last_day:
                self.row_error(
                    sheet,
                    row,
                    key,
                    f"{BY_KEY[key].header}早于该项目最近一次动态（{last_day}），项目历史只能向后追加；"
                    "请填写不早于该日的日期，或留空按导入时间记录。",
                )
                return False
            return True

        stage = v.get("stage")
        if stage is not None and stage.pk != project.stage_id:
            day = v.get("stage_date")
            if not dated("stage_date", day):
                return []
            fields = {
                k: v[k] for k in stage.required_fields if k in v and k in services.EDITABLE_FIELDS
            }
            if "signed_on" in stage.required_fields and v.get("signed"):
                fields["signed_on"] = v["signed"]
                milestones = {**milestones, Milestone.Kind.SIGNED: v["signed"]}
            move = {"stage": stage, "day": day, "reason": "", "fields": fields}
            steps.append(_Step("move", "stage", None, move))
        target = v.get("review_state")
        if target and target != project.review_state:
            path = self._review_path(sheet, row, row.district, project.review_state, target)
            if path is None:
                return []
            day = v.get("admitted_on")
            if not dated("admitted_on", day):
                return []
            steps += [_Step(s, "review_state", None, {"day": day}) for s in path]
        steps.sort(key=lambda s: s.args.get("day") or dt.date.max)
        changes = {}
        for key in (*TEXT_FIELDS, "investment", "industry", "leader", "land_area_mu"):
            if key not in v:
                continue
            current = getattr(project, key if key not in ("industry", "leader") else f"{key}_id")
            new = v[key]
            new_cmp = new.pk if key in ("industry", "leader") and new is not None else new
            if key == "contact_phone":  # compared as the importer sees it (privacy)
                masked_view = self.actor is not None and contact_access(self.actor, project) != FULL
                if imported_phone_unchanged(new, current, masked_view=masked_view):
                    continue
                if is_masked(new):  # an export's masked number that is not this one's
                    self.row_error(sheet, row, key, _MASKED_PHONE)
                    return []
            if current != new_cmp:
                changes[key] = new
        if changes:
            final_state = target or project.review_state
            if final_state in (ReviewState.SUBMITTED, ReviewState.DISTRICT_APPROVED):
                self.row_error(
                    sheet,
                    row,
                    next(iter(changes)),
                    rules.under_review_refusal(
                        ReviewState(final_state).label, "请审核或退回后再导入修改。"
                    ),
                )
                return []
            steps.append(_Step("update", next(iter(changes)), None, {"changes": changes}))
        final_stage = stage or project.stage
        changed = [
            k for k in MILESTONE_KEYS if v.get(k) and milestones.get(_MILESTONE_KIND[k]) != v[k]
        ]
        blocked = [k for k in changed if k != "signed" and not final_stage.allows_milestones]
        if blocked:
            self._no_milestones(sheet, row, blocked)
            return []
        steps += [
            _Step("milestone", k, None, {"kind": _MILESTONE_KIND[k], "date": v[k]}) for k in changed
        ]
        if row.unit is not None and row.unit.pk != project.unit_id:
            # Last: the holder edits and records, then hands on (after it, it holds no more).
            steps.append(_Step("handoff", "unit", None, {"unit": row.unit}))
        return steps

    # --- write -----------------------------------------------------------------------------

    def write(self, plans, *, dry_run: bool, through_services: bool = False) -> None:
        result = self.result
        bulk = None if through_services else BulkWriter(dry_run=dry_run)
        try:
            # One audit record for the import (written by the caller), none per project.
            with audit_batch(), transaction.atomic():
                if bulk is None:
                    before = ProjectEvent.objects.aggregate(m=Max("id"))["m"] or 0
                else:
                    changed = [row for row, steps in plans if steps]
                    bulk.prepare(
                        projects=[row.project for row in changed if row.project is not None],
                        new=sum(row.project is None for row in changed),
                        cities={row.district.city_id for row in changed},
                        rows=len(changed),
                        steps=sum(len(steps) for _row, steps in plans),
                    )
                    del changed
                try:
                    self._write_rows(plans, bulk)
                finally:
                    if bulk is not None:
                        bulk.stop()  # its thread is done before the transaction ends
                if bulk is None:
                    result.events = ProjectEvent.objects.filter(id__gt=before).count()
                else:
                    result.events = bulk.events
                if result.errors or dry_run:
                    raise _Rollback
        except _Rollback:
            return
        finally:
            if bulk is not None:
                bulk.close()
        if len(result.created) + len(result.updated) >= ANALYZE_AFTER:
            analyze()

    def _write_rows(self, plans, bulk) -> None:
        result = self.result
        now = timezone.now()
        for index, (row, steps) in enumerate(plans):
            if bulk is not None:
                plans[index] = None  # written once, then let go
            if not steps:
                result.unchanged.append(row.values["code"])
                result.actions[row.number] = "unchanged"
                continue
            is_new = row.project is None
            ok = self._run(row, steps, now, bulk or services)
            if ok:
                (result.created if is_new else result.updated).append(row.project.code)
                result.actions[row.number] = "create" if is_new else "update"
            if bulk is not None:
                bulk.end_row(ok)
                row.project = None  # the writer has it; let it go
        if bulk is not None:
            bulk.finish()

    def _run(self, row: _Row, steps: list[_Step], now: dt.datetime, writer) -> bool:
        """Take a row's steps through ``writer``: the project services, or a BulkWriter
        that offers the same calls."""
        sheet = self.result.book.main.name
        project = row.project
        last = project.updated_at if project else None
        actor = self.actor
        v = row.values
        for step in steps:
            at = self._at(step.args.get("day"), last, now)
            if project is not None and actor is not None:
                current = project if writer is services else writer.held(project)
                refusal = _refusal(step.kind, actor, current)
                if refusal:
                    self.row_error(sheet, row, step.column, refusal)
                    return False
            try:
                if step.kind == "create":
                    project = writer.project_create(
                        actor=actor,
                        district=row.district,
                        unit=row.unit or self._unit(sheet, row, row.district, ""),
                        name=v["name"],
                        investment=v["investment"],
                        stage=step.args["stage"],
                        original_code=step.args["original_code"],
                        signed_on=step.args["signed_on"],
                        at=at,
                        **step.args["fields"],
                    )
                elif step.kind == "move":
                    writer.project_move(
                        project=project,
                        stage=step.args["stage"],
                        actor=actor,
                        reason=step.args["reason"] or _REASON,
                        fields=step.args.get("fields"),
                        at=at,
                    )
                elif step.kind == "submit":
                    writer.project_submit(project=project, actor=actor, at=at)
                elif step.kind in ("approve", "return"):
                    writer.project_review(
                        project=project,
                        actor=actor,
                        approve=step.kind == "approve",
                        reason="" if step.kind == "approve" else f"{_REASON}：台账记为已退回",
                        not_duplicate=True,
                        at=at,
                    )
                elif step.kind == "handoff":
                    writer.project_handoff(
                        project=project,
                        to_unit=step.args["unit"],
                        actor=actor,
                        reason=f"{_REASON}：责任单位调整为{step.args['unit'].name}",
                        at=at,
                    )
                elif step.kind == "update":
                    writer.project_update(
                        project=project,
                        actor=actor,
                        changes=step.args["changes"],
                        reason=_REASON,
                        at=at,
                    )
                elif step.kind == "milestone":
                    writer.milestone_record(
                        project=project,
                        kind=step.args["kind"],
                        date=step.args["date"],
                        actor=actor,
                        at=at,
                    )
            except ValidationError as exc:
                self.row_error(sheet, row, step.column, "；".join(exc.messages))
                return False
            last = at
            row.project = row.project or project
        return True

    def _at(self, day: dt.date | None, last: dt.datetime | None, now: dt.datetime) -> dt.datetime:
        """Return when a step happened: the start of its day, after the previous step."""
        if day is None:
            at = now
        else:
            at = self._midnights.get(day)
            if at is None:
                at = self._midnights[day] = timezone.make_aware(
                    dt.datetime.combine(day, dt.time.min)
                )
        if last is not None and at <= last:
            at = last + dt.timedelta(seconds=1)
        return at


_HOLDER_OR_OFFICE = {
    "move": (permissions.can_move, "变更该项目的阶段"),
    "handoff": (permissions.can_hand_off, "交接该项目"),
    "milestone": (permissions.can_record_milestone, "记录该项目的里程碑"),
}


def _refusal(kind: str, user: User, project: Project) -> str | None:
    """Return why ``user`` may not take a row's step on ``project`` as the row's earlier
    steps left it, by the rules the pages and the API apply (``permissions``), or None."""
    if kind == "submit" and not permissions.can_submit(user, project):
        return f"只有责任单位（{project.unit.name}）可以上报该项目，台账导入不能代为上报。"
    if kind in ("approve", "return") and not permissions.can_review(user, project):
        district = project.district
        verb = "改为“已入库”" if kind == "approve" else "退回"
        if project.review_state == ReviewState.DISTRICT_APPROVED:
            return (
                f"{district.name}为二级审核：区招商办初审通过后，须由市招商办审核入库或退回；"
                f"您不能通过台账导入把“区已审核”的项目{verb}。"
            )
        level = "初审" if district.review_levels == 2 else "审核入库"
        return f"已上报的项目须由{district.name}招商办{level}；您不能通过台账导入审核该项目。"
    if kind in _HOLDER_OR_OFFICE:
        may, what = _HOLDER_OR_OFFICE[kind]
        if not may(user, project):
            return f"只有责任单位（{project.unit.name}）或区招商办可以{what}。"
    # The holder of a project under review passes: the writer says why it must wait.
    if (
        kind == "update"
        and not permissions.can_edit(user, project)
        and (project.is_editable or not permissions.can_move(user, project))
    ):
        return f"只有责任单位（{project.unit.name}）或区招商办可以修改该项目。"
    return None


def _original(row: _Row) -> str:
    """Return the office's own code of a row: its 原编号, or else its 项目编号."""
    return row.values.get("original_code") or row.values.get("code") or ""


def amount_text(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")
