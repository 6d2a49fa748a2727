"""What a ledger import reports (``ImportResult``), a row as it is read and planned, and
a planned step."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from baton.org.models import District, Unit
from baton.projects import rules
from baton.projects.models import (
    Milestone,
    Project,
    ReviewState,
)

from ..reading import (
    Book,
    LedgerError,
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
#: The preview shows what changes on this many of the rows that update a project.
CHANGES_KEPT = 1000
#: Rows between two reports of an import's progress.
PROGRESS_EVERY = 500
READING, PLANNING, WRITING = "正在读取并校验", "正在核对项目库", "正在写入"


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
    #: (column key, value) → rows: the values outside the catalogues nothing mapped
    unknown: dict[tuple[str, str], int] = field(default_factory=dict)
    #: column key → the catalogue values an unknown one of that column may be mapped to
    catalogue: dict[str, list[str]] = field(default_factory=dict)
    #: (district id, column key, value) → target: the mapping this import remembers
    aliases: dict[tuple[int, str, str], str] = field(default_factory=dict)
    #: (column key, value): the values this import adds to the catalogue
    added: list[tuple[str, str]] = field(default_factory=list)
    #: (column key, name) of an added 责任单位 → its kind, of a 挂钩领导 → its district
    added_kinds: dict[tuple[str, str], str] = field(default_factory=dict)
    #: row → [(column header, old, new)]: what an update changes (the first rows)
    changes: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)

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


def _original(row: _Row) -> str:
    """Return the office's own code of a row: its 原编号, or else its 项目编号."""
    return row.values.get("original_code") or row.values.get("code") or ""


def amount_text(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")
