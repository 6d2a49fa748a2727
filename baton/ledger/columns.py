"""The ledger workbook's columns: the contract headers (DESIGN §7) and the aliases real
ledgers use, and the cell-level conversions shared by import and export."""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from baton.core.uscc import clean_uscc
from baton.org.divisions import clean_division, name_of
from baton.projects import rules
from baton.projects.models import Project

SHEET = "项目台账"
HISTORY_SHEET = "阶段记录"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text, amount, area, date, choice, field (one of the fields real ledgers keep)
    aliases: tuple[str, ...] = ()
    required: bool = False
    #: A column read as this one when the sheet lacks it (德清's 固定资产投资 is its amount).
    fallback: str = ""
    #: A cell's conversion to the stored value (raising ``CellError``), for kind ``field``.
    convert: Callable | None = None


# --- the fields real ledgers keep: each cell's conversion, and back for the export ----

_YES = {"是", "√", "✓", "Y", "YES", "TRUE", "1"}
_NO = {"否", "×", "N", "NO", "FALSE", "0", "/", "-", "—", "无"}
#: The words real ledgers write for 项目类型 and 用地性质 (GB 50137-2011 codes too).
PROJECT_TYPES = {
    "内资": "domestic",
    "外资": "foreign",
    "外商投资": "foreign",
    "港澳台资": "hmt",
    "港澳台": "hmt",
    "港资": "hmt",
    "澳资": "hmt",
    "台资": "hmt",
}
LAND_USES = {
    "工业": "industrial",
    "M": "industrial",
    "M1": "industrial",
    "M2": "industrial",
    "M3": "industrial",
    "仓储": "warehousing",
    "物流": "warehousing",
    "仓储物流": "warehousing",
    "物流仓储": "warehousing",
    "W": "warehousing",
    "W1": "warehousing",
    "W2": "warehousing",
    "W3": "warehousing",
    "商业": "commercial",
    "商服": "commercial",
    "商业服务业设施": "commercial",
    "B": "commercial",
    "B1": "commercial",
    "商务": "office",
    "办公": "office",
    "商务办公": "office",
    "B2": "office",
    "科研": "research",
    "A35": "research",
    "其他": "other",
}


def _reading():
    from . import reading  # which imports this module's names

    return reading


def _checked(clean, value):
    try:
        return clean(value)
    except ValidationError as exc:
        raise _reading().CellError(exc.messages[0]) from None


def to_text(value) -> str:
    return _reading().to_text(value)


def to_amount(value):
    return _reading().to_amount(value)


def to_flag(value) -> bool:
    """Return a yes/no cell (是/否, √, a logical value); blank is no."""
    if isinstance(value, bool):
        return value
    text = to_text(value).upper()
    if not text or text in _NO:
        return False
    if text in _YES:
        return True
    raise _reading().CellError("只能填“是”或“否”（空白为否）。")


def _choice(words: dict[str, str], field: str):
    labels = {str(label): code for code, label in Project._meta.get_field(field).choices}

    def convert(value) -> str:
        text = to_text(value).upper().removesuffix("用地")
        code = labels.get(text) or words.get(text)
        if text and code is None:
            raise _reading().CellError(f"只能是：{'、'.join(labels)}。")
        return code or ""

    return convert


def to_plan_date(value) -> dt.date | None:
    """Return a planned day: a date cell or text as other dates, but it may be ahead."""
    day = _reading().to_date(value, dt.date.max)
    return None if day is None else _checked(rules.clean_planned_date, day)


def ledger_value(key: str, value):
    """Return a stored value of a field real ledgers keep as its cell shows it (the
    import reads it back to the same value)."""
    if key in rules.FLAG_FIELDS:
        return "是" if value else ""
    if key in ("project_type", "land_use"):
        return str(dict(Project._meta.get_field(key).choices).get(value, value)) if value else ""
    if key == "investor_region":
        return name_of(value)
    return value


#: The contract layout, in order. ``export-ledger --layout contract`` writes exactly these.
COLUMNS = (
    # Blank, or no such column: a new project (the system gives it a code), or the one
    # of the same name in its district.
    Column("code", "项目编号", "text", ("编号", "项目代码")),
    # An office's own code for the project (kept when an import creates it; see importer).
    Column("original_code", "原编号", "text", ("原项目编号",)),
    Column("name", "项目名称", "text", ("政府招商项目名称", "政府储备项目名称"), required=True),
    Column("investor", "投资方", "text", ("投资主体", "项目业主", "项目业主单位业主名称")),
    Column(
        "district",
        "所属区",
        "text",
        ("所属区(代码或名称)", "所属区县", "所属地区", "区域", "所属片区"),
    ),
    Column(
        "unit",
        "责任单位",
        "text",
        # (主管单位 is not one: a town system keeps it beside 所在镇/街道/开发区, the holder)
        ("挂钩责任单位", "挂钩责任单位单位名称", "牵头单位", "所在镇/街道/开发区", "片区"),
    ),
    Column("leader", "挂钩领导", "text", ("挂钩区领导", "责任领导")),
    Column("industry", "行业", "text", ("所属行业", "产业类型", "行业类别")),
    Column("stage", "项目阶段", "text", ("阶段", "项目状态")),
    Column("stage_date", "阶段日期", "date", ("进入阶段日期",)),
    Column("review_state", "入库状态", "choice", ("审核状态",)),
    Column("admitted_on", "入库日期", "date", ("入库时间",)),
    Column(
        "investment",
        "总投资(万元)",
        "amount",
        (
            "计划总投资(万元)",
            "总投资",
            "计划总投资",
            "投资总额(万元)",
            "投资总额",
            "拟投资总额(万元)",
        ),
        required=True,
        fallback="fixed_investment",
    ),
    Column("land_area_mu", "拟用地面积(亩)", "area", ("用地面积(亩)", "需用土地", "用地规模")),
    Column("info_source", "信息来源", "text"),
    Column(
        "progress", "进展情况", "text", ("项目进度", "项目进展", "进度", "推进情况", "进度、备注")
    ),
    Column("issues_text", "存在问题", "text", ("存在的问题",)),
    Column("contact_name", "联系人", "text", ("企业联系人", "项目联系人", "项目业主单位联系人")),
    Column("contact_phone", "联系电话", "text", ("联系方式", "电话")),
    Column("remarks", "备注", "text"),
    Column("signed", "签约日期", "date", ("签约时间",)),
    Column("registered", "注册日期", "date", ("注册时间",)),
    Column("land_supplied", "供地日期", "date", ("供地时间",)),
    Column("started", "开工日期", "date", ("开工时间",)),
    Column("in_production", "投产日期", "date", ("投产时间",)),
    Column("at_capacity", "达产日期", "date", ("达产时间",)),
    # The fields real ledgers keep (rules.LEDGER_FIELDS), each with the headers seen.
    Column(
        "project_type",
        "项目类型",
        "field",
        ("投资类型", "内外资", "资本类型", "项目资本类型"),
        convert=_choice(PROJECT_TYPES, "project_type"),
    ),
    Column("is_global500", "世界500强", "field", ("是否世界500强",), convert=to_flag),
    Column("is_china500", "中国500强", "field", ("是否中国500强",), convert=to_flag),
    Column("is_listed", "上市公司", "field", ("是否上市公司", "是否上市"), convert=to_flag),
    Column(
        "investor_region",
        "投资方所在地",
        "field",
        ("投资方所在地区", "投资方来源地", "客商来源地", "投资来源地"),
        convert=lambda value: _checked(clean_division, to_text(value)),
    ),
    Column(
        "investor_uscc",
        "投资方统一社会信用代码",
        "field",
        ("统一社会信用代码", "社会信用代码", "投资方信用代码"),
        convert=lambda value: _checked(clean_uscc, to_text(value)),
    ),
    Column(
        "fixed_investment",
        "固定资产投资(万元)",
        "field",
        ("固定资产投资", "计划固定资产投资(万元)"),
        convert=to_amount,
    ),
    Column(
        "annual_output",
        "预计年产值(万元)",
        "field",
        ("预计年产值", "达产后年产值(万元)", "预计产值(万元)", "年产值(万元)"),
        convert=to_amount,
    ),
    Column(
        "annual_tax",
        "预计年税收(万元)",
        "field",
        ("预计年税收", "达产后年税收(万元)", "预计税收(万元)", "年税收(万元)"),
        convert=to_amount,
    ),
    Column(
        "planned_start_on",
        "计划开工日期",
        "field",
        ("计划开工时间", "拟开工日期", "拟开工时间", "约定开工时间"),
        convert=to_plan_date,
    ),
    Column(
        "planned_production_on",
        "计划投产日期",
        "field",
        ("计划投产时间", "拟投产日期", "拟投产时间"),
        convert=to_plan_date,
    ),
    Column(
        "land_use",
        "用地性质",
        "field",
        ("规划用途", "土地用途", "用地类型"),
        convert=_choice(LAND_USES, "land_use"),
    ),
)
BY_KEY = {c.key: c for c in COLUMNS}
MILESTONE_KEYS = (
    "signed",
    "registered",
    "land_supplied",
    "started",
    "in_production",
    "at_capacity",
)
#: Project fields ``project_update`` may change, read from these columns as they are.
TEXT_FIELDS = ("name", "investor", "info_source", "progress", "issues_text")
TEXT_FIELDS += ("contact_name", "contact_phone", "remarks")
#: The longest text of each column: a project field's is the services' (``rules.TEXT_LIMITS``).
TEXT_LIMITS = {"code": 32, "original_code": 32, **rules.TEXT_LIMITS}

HISTORY_COLUMNS = (
    Column("code", "项目编号", "text", ("编号",), required=True),
    Column("stage", "阶段", "text", ("项目阶段",), required=True),
    Column("date", "日期", "date", ("阶段日期", "进入日期"), required=True),
    Column("reason", "说明", "text", ("原因", "备注")),
)


def normalize_header(text) -> str:
    """Return a header as compared: NFKC (full-width brackets and spaces to half-width),
    without any whitespace or a trailing colon."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"\s+", "", text).rstrip(":")


def header_map(columns) -> dict[str, Column]:
    mapping = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            mapping[normalize_header(name)] = column
    return mapping
