"""The API's input: its field types and the request bodies and filters, as validated before a
service sees them."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Router, Schema
from pydantic import StrictBool

from baton.accounts.models import User
from baton.core.api import (
    BLANK,
    Code,
    Id,
    In,
    IsoDate,
    Money,
    QueryId,
    Text,
    Version,
    text_limited,
)
from baton.core.uscc import ALPHABET as USCC_ALPHABET

from . import rules
from .listing import DEFAULT_SORT, MAX_SIZE, SORTS

Role = User.Role
router = Router(tags=["项目"])

# --- field types ------------------------------------------------------------------------

#: A stage's code (``Stage.code``, a slug); a district's code (six digits).
StageCode = Annotated[Code, Field(json_schema_extra={"pattern": r"^[-a-zA-Z0-9_]*$"})]
DistrictCode = Annotated[Code, Field(json_schema_extra={"pattern": r"^[0-9]{6}$"})]
#: The services' limits (``rules.TEXT_LIMITS``), one rule.
_LIMITS = rules.TEXT_LIMITS
Name = text_limited(_LIMITS["name"], required=True)
Investor = text_limited(_LIMITS["investor"])
ContactName = text_limited(_LIMITS["contact_name"])
#: A phone as the services take it once stripped: blank, or 5–30 of digits, spaces,
#: + - ( ) and 转, starting and ending with one that is not a space.
_P = r"[0-9+()\-转]"
PHONE = rf"^{BLANK}*$|^{BLANK}*{_P}(?:{_P}|{BLANK}){{3,28}}{_P}{BLANK}*$"
Phone = text_limited(_LIMITS["contact_phone"], pattern=PHONE)
#: 亩 as the services take it: at most 99 亿, two decimals; blank is none.
AREA = rf"^({BLANK}*[0-9]{{1,10}}(\.[0-9]{{1,2}})?{BLANK}*)?$"
Area = text_limited(None, pattern=AREA)
#: 统一社会信用代码 as the services take it: blank, or 18 of its characters (the check
#: character is the services' to check); 投资方所在地: blank or a six-digit code.
USCC = rf"^{BLANK}*([{USCC_ALPHABET}{USCC_ALPHABET.lower()}]{{18}})?{BLANK}*$"
Uscc = text_limited(None, pattern=USCC)
Region = text_limited(None, pattern=r"^([0-9]{6})?$")
ProjectType = Literal["", "domestic", "foreign", "hmt"]
LandUse = Literal["", "industrial", "warehousing", "commercial", "office", "research", "other"]
#: The API's names of the amounts in 万元, and the services' ones.
AMOUNTS = {
    "investment_wan": "investment",
    "fixed_investment_wan": "fixed_investment",
    "annual_output_wan": "annual_output",
    "annual_tax_wan": "annual_tax",
}


# --- input -----------------------------------------------------------------------------

#: The list's sort keys, the same as the web list's.
Sort = Literal[tuple(SORTS)]
ReviewStateCode = Literal["draft", "submitted", "district_approved", "admitted", "returned"]


class ProjectFilters(Schema):
    """The web list's filters (``listing.project_page``), districts and stages by code."""

    district: DistrictCode | None = Field(None, description="所属区的区划代码，如 350213")
    unit: QueryId | None = Field(None, description="责任单位 id（见 /units）")
    stage: StageCode | None = Field(None, description="阶段代码，如 negotiating（见 /stages）")
    report_group: Code | None = Field(None, description="报表分组，如 在谈")
    review_state: ReviewStateCode | None = Field(None, description="入库状态")
    industry: QueryId | None = Field(None, description="行业 id（见 /industries）")
    leader: QueryId | None = Field(None, description="挂钩领导（人员 id）")
    project_type: Literal["domestic", "foreign", "hmt"] | None = Field(
        None, description="项目类型：domestic 内资，foreign 外资，hmt 港澳台资"
    )
    tag: Literal["global500", "china500", "listed"] | None = Field(
        None, description="企业标签：global500 世界500强，china500 中国500强，listed 上市公司"
    )
    amount_min: Money | None = Field(None, description="总投资下限（万元，含：≥）")
    amount_max: Money | None = Field(None, description="总投资上限（万元，含：≤）")
    amount_below: Money | None = Field(
        None, description="总投资低于（万元，不含：<），与 amount_min 组成“下限 ≤ 总投资 < 上限”"
    )
    signed_from: dt.date | None = Field(None, description="签约日期起（含），年-月-日")
    signed_to: dt.date | None = Field(None, description="签约日期止（含）")
    registered_from: dt.date | None = Field(None, description="注册日期起（含）")
    registered_to: dt.date | None = Field(None, description="注册日期止（含）")
    land_supplied_from: dt.date | None = Field(None, description="供地日期起（含）")
    land_supplied_to: dt.date | None = Field(None, description="供地日期止（含）")
    started_from: dt.date | None = Field(None, description="开工日期起（含）")
    started_to: dt.date | None = Field(None, description="开工日期止（含）")
    in_production_from: dt.date | None = Field(None, description="投产日期起（含）")
    in_production_to: dt.date | None = Field(None, description="投产日期止（含）")
    at_capacity_from: dt.date | None = Field(None, description="达产日期起（含）")
    at_capacity_to: dt.date | None = Field(None, description="达产日期止（含）")
    as_of: dt.date | None = Field(
        None,
        description="截至日期：按当日在库的项目及其当日的阶段、金额、责任单位筛选"
        "（如月度统计的口径）",
    )
    landed: bool | None = Field(
        None, description="落地项目：true 阶段可记录里程碑（已落地），false 尚未落地"
    )
    credited: (
        Annotated[str, Field(max_length=40, pattern=r"^\d{1,9}-\d{1,9}-\d{1,9}(-\d{1,9})?$")] | None
    ) = Field(
        None,
        description="考核计分项目：排名id-指标id-单位id（完成率指标的分项再加 -分项序号，"
        "从 0 起），即考核排名中该单位该项得分所计入的项目",
    )
    q: Text | None = Field(
        None,
        description="项目名称、投资方、项目编号（开头）、原编号、联系人、拼音首字母（如 ndsd）"
        "中的文字，空格分隔多个词；区招商办与持棒单位还可按完整的联系电话查找",
    )
    sort: Sort = Field(
        DEFAULT_SORT,
        description="排序：" + "；".join(f"{key} {text}" for key, (text, _order) in SORTS.items()),
    )
    cursor: Text | None = Field(None, description="上一页返回的 next_cursor")
    page: Annotated[int, Field(ge=1, le=1_000_000)] | None = Field(
        None, description="页码（从 1 起）；与 cursor 二选一；超过末页时给出末页"
    )
    size: Annotated[int, Field(ge=1, le=MAX_SIZE)] = Field(
        50, description=f"每页条数，1–{MAX_SIZE}"
    )


class ProjectFieldsIn(In):
    """The reported fields a create or an update may set; ids for relations."""

    investor: Investor | None = Field(None, description="投资方")
    industry: Id | None = Field(None, description="行业 id（见 /industries）")
    leader: Id | None = Field(None, description="挂钩领导（人员 id）")
    land_area_mu: Area | None = Field(None, description="拟用地面积（亩），十进制字符串")
    info_source: text_limited(_LIMITS["info_source"]) | None = Field(None, description="信息来源")
    progress: text_limited(_LIMITS["progress"]) | None = Field(None, description="进展情况")
    issues_text: text_limited(_LIMITS["issues_text"]) | None = Field(None, description="存在问题")
    contact_name: ContactName | None = Field(None, description="联系人")
    contact_phone: Phone | None = Field(None, description="联系电话")
    remarks: text_limited(_LIMITS["remarks"]) | None = Field(None, description="备注")
    info_unit: Id | None = Field(None, description="信息提供单位 id")
    talks_unit: Id | None = Field(None, description="洽谈推进单位 id")
    landing_unit: Id | None = Field(None, description="落地服务单位 id")
    co_units: Annotated[list[Id], Field(max_length=50)] | None = Field(
        None, description="协同单位 id 列表"
    )
    project_type: ProjectType | None = Field(
        None, description="项目类型：domestic 内资，foreign 外资，hmt 港澳台资，空字符串为不填"
    )
    is_global500: StrictBool | None = Field(None, description="世界500强")
    is_china500: StrictBool | None = Field(None, description="中国500强")
    is_listed: StrictBool | None = Field(None, description="上市公司")
    investor_region: Region | None = Field(
        None, description="投资方所在地：省或地级市的六位行政区划代码，如 440300；空字符串为不填"
    )
    investor_uscc: Uscc | None = Field(
        None, description="投资方统一社会信用代码（18 位，核对校验位）；空字符串为不填"
    )
    fixed_investment_wan: Money | None = Field(
        None, description="固定资产投资（万元）；null 为清空"
    )
    annual_output_wan: Money | None = Field(None, description="预计年产值（万元）；null 为清空")
    annual_tax_wan: Money | None = Field(None, description="预计年税收（万元）；null 为清空")
    planned_start_on: IsoDate | None = Field(None, description="计划开工日期；null 为清空")
    planned_production_on: IsoDate | None = Field(
        None, description="计划投产日期（不早于计划开工日期）；null 为清空"
    )
    land_use: LandUse | None = Field(
        None,
        description="用地性质：industrial 工业，warehousing 仓储物流，commercial 商业，"
        "office 商务办公，research 科研，other 其他；空字符串为不填",
    )


class ProjectCreateIn(ProjectFieldsIn):
    name: Name = Field(description="项目名称")
    investment_wan: Money = Field(description="总投资（万元）")
    stage: StageCode | None = Field(None, description="阶段代码，缺省为第一个阶段（策划）")
    signed_on: IsoDate | None = Field(None, description="签约日期（直接建为落地项目时必填）")


class ProjectUpdateIn(ProjectFieldsIn):
    version: Version
    reason: Text = Field("", description="修改说明")
    name: Name | None = Field(None, description="项目名称")
    investment_wan: Money | None = Field(None, description="总投资（万元）")


class VersionIn(In):
    version: Version


class ReviewIn(In):
    version: Version
    decision: Literal["approve", "return"] = Field(description="approve 通过，return 退回")
    reason: Text = Field("", description="说明；退回时必填")
    not_duplicate: bool = Field(False, description="已核对疑似重复项目，确认不是同一项目")


class MoveFieldsIn(In):
    """What a stage may require before entry (see /stages)."""

    investor: Investor | None = None
    industry: Id | None = None
    investment_wan: Money | None = None
    land_area_mu: Area | None = None
    contact_name: ContactName | None = None
    contact_phone: Phone | None = None
    leader: Id | None = None
    signed_on: IsoDate | None = Field(None, description="签约日期（进入落地时）")


#: The day a fact happened, as the move and the handoff take it (``rules.time_on``).
_ON = (
    "发生日期（YYYY-MM-DD），默认今天；不能晚于今天，不能早于项目最近一次动态的日期，"
    "早于今天 30 天以上须在 reason 中说明原因"
)


class MoveIn(In):
    version: Version
    stage: StageCode = Field(description="目标阶段代码")
    reason: Text = Field(
        "", description="说明；后退、中止、从中止恢复，或 on 早于今天 30 天以上时必填"
    )
    fields: MoveFieldsIn = Field(default_factory=MoveFieldsIn, description="目标阶段要求的字段")
    on: IsoDate | None = Field(None, description=_ON)


class HandoffIn(In):
    version: Version
    to_unit: Id = Field(description="接棒单位 id（本区单位）")
    reason: text_limited(None, required=True) = Field(description="交接原因")
    relay_role: Literal["talks", "landing"] | None = Field(
        None, description="接棒单位同时记为 talks 洽谈推进单位 或 landing 落地服务单位"
    )
    keep_as_co_unit: bool = Field(False, description="原责任单位保留为协同单位")
    on: IsoDate | None = Field(None, description=_ON)


class MilestoneIn(In):
    kind: Literal[
        "signed", "registered", "land_supplied", "started", "in_production", "at_capacity"
    ]
    date: IsoDate
    note: text_limited(200) = ""


class NoteIn(In):
    text: text_limited(2000, required=True) = Field(description="跟进记录内容")
