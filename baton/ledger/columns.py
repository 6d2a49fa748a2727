"""The ledger workbook's columns: the contract headers (DESIGN §7) and the aliases real
ledgers use, and the cell-level conversions shared by import and export."""

import re
import unicodedata
from dataclasses import dataclass

from baton.projects import rules

SHEET = "项目台账"
HISTORY_SHEET = "阶段记录"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text, amount, area, date, choice
    aliases: tuple[str, ...] = ()
    required: bool = False


#: The contract layout, in order. ``export-ledger --layout contract`` writes exactly these.
COLUMNS = (
    Column("code", "项目编号", "text", ("编号", "项目代码"), required=True),
    # An office's own code for the project (kept when an import creates it; see importer).
    Column("original_code", "原编号", "text", ("原项目编号",)),
    Column("name", "项目名称", "text", ("政府招商项目名称",), required=True),
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
        ("挂钩责任单位", "挂钩责任单位单位名称", "牵头单位", "主管单位", "所在镇/街道/开发区"),
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
            "固定资产投资",
            "固定资产投资(万元)",
            "拟投资总额(万元)",
        ),
        required=True,
    ),
    Column("land_area_mu", "拟用地面积(亩)", "area", ("用地面积(亩)", "需用土地", "用地规模")),
    Column("info_source", "信息来源", "text"),
    Column(
        "progress", "进展情况", "text", ("项目进度", "项目进展", "进度", "推进情况", "进度、备注")
    ),
    Column("issues_text", "存在问题", "text", ("存在的问题",)),
    Column("contact_name", "联系人", "text", ("企业联系人", "项目联系人")),
    Column("contact_phone", "联系电话", "text", ("联系方式", "电话")),
    Column("remarks", "备注", "text"),
    Column("signed", "签约日期", "date", ("签约时间",)),
    Column("registered", "注册日期", "date", ("注册时间",)),
    Column("land_supplied", "供地日期", "date", ("供地时间",)),
    Column("started", "开工日期", "date", ("开工时间",)),
    Column("in_production", "投产日期", "date", ("投产时间",)),
    Column("at_capacity", "达产日期", "date", ("达产时间",)),
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
