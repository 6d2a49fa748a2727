"""The leads API's schemas: the list's filters and the request bodies, as validated before
a service sees them (texts are checked by the services, with Chinese messages by field;
the document states their limits), and the answers."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

from baton.core.api import (
    BLANK,
    DistrictRef,
    Id,
    In,
    Money,
    QueryId,
    Ref,
    Text,
    Version,
    text_limited,
)

from .models import ASSESSMENT_POINTS, Kind, Source, Status
from .values import TEXT_LIMITS

#: The API's names of the amounts in 万元, and the services' ones.
AMOUNTS = {
    "investment_wan": "investment",
    "fixed_investment_wan": "fixed_investment",
    "annual_output_wan": "annual_output",
    "annual_tax_wan": "annual_tax",
}
#: A quantity (亩, 吨标准煤) as a decimal string, two decimals; blank is none.
QUANTITY = rf"^({BLANK}*[0-9]{{1,10}}(\.[0-9]{{1,2}})?{BLANK}*)?$"
Quantity = text_limited(None, pattern=QUANTITY)
SourceCode = Literal[tuple(Source.values)]
KindCode = Literal[tuple(Kind.values)]
StatusCode = Literal[tuple(Status.values)]
MAX_SIZE = 200


def _choices(choices) -> str:
    return "，".join(f"{value} {label}" for value, label in choices)


def _text(field: str, required: bool = False):
    return text_limited(TEXT_LIMITS[field], required=required)


class LeadFilters(Schema):
    status: StatusCode | None = Field(None, description=f"状态：{_choices(Status.choices)}")
    source: SourceCode | None = Field(None, description=f"信息来源：{_choices(Source.choices)}")
    unit: QueryId | None = Field(
        None, description="单位 id（见 /units）：该单位跟进或首报的信息，与网页的筛选相同"
    )
    reserve: bool | None = Field(
        None, description="true 只列储备信息（低于入库门槛或不纳入），false 只列计入的信息"
    )
    overdue: bool | None = Field(
        None, description="true 只列响应、研判或反馈已逾期的信息，false 只列未逾期的"
    )
    q: Text | None = Field(None, description="信息编号（开头）、项目名称、投资方名称中的文字")
    page: Annotated[int, Field(ge=1, le=1_000_000)] = Field(
        1, description="页码（从 1 起）；超过末页时给出末页"
    )
    size: Annotated[int, Field(ge=1, le=MAX_SIZE)] = Field(
        50, description=f"每页条数，1–{MAX_SIZE}"
    )


class LeadFieldsIn(In):
    """The fields a registration or an edit may set."""

    source_detail: _text("source_detail") | None = Field(
        None, description="来源说明：引荐人、中介机构或活动的名称"
    )
    summary: _text("summary") | None = Field(None, description="项目概况")
    products: _text("products") | None = Field(None, description="工艺/产品")
    industry_code: Annotated[Text, Field(max_length=10)] | None = Field(
        None, description="行业代码（GB/T 4754），如 C3841"
    )
    industry: Id | None = Field(None, description="行业 id（见 /industries）")
    kind: KindCode | None = Field(None, description=f"项目性质：{_choices(Kind.choices)}")
    fixed_investment_wan: Money | None = Field(None, description="固定资产投资（万元）")
    land_mu: Quantity | None = Field(None, description="用地需求（亩），十进制字符串")
    energy_tce: Quantity | None = Field(None, description="用能需求（吨标准煤/年），十进制字符串")
    environment: _text("environment") | None = Field(None, description="环境容量需求")
    annual_output_wan: Money | None = Field(None, description="预计年产值（万元）")
    annual_tax_wan: Money | None = Field(None, description="预计年税收（万元）")
    coordination: _text("coordination") | None = Field(None, description="需协调事项")
    follower: _text("follower") | None = Field(None, description="跟进人")


class LeadCreateIn(LeadFieldsIn):
    company: Id = Field(description="投资方：本区客商库中企业的 id（见 /companies）")
    unit: Id | None = Field(
        None, description="首报单位 id：区招商办登记时必填；单位招商员只能是本单位（可不填）"
    )
    title: _text("title", required=True) = Field(description="项目名称")
    source: SourceCode = Field(description=f"信息来源：{_choices(Source.choices)}")
    investment_wan: Money = Field(description="总投资（万元）")
    confirmed: bool = Field(
        False, description="本单位已登记过该企业的投资信息时，确认是另一个项目后再提交"
    )


class LeadUpdateIn(LeadFieldsIn):
    version: Version = Field(description="读到的信息版本号（乐观锁）")
    reason: Text = Field("", description="修改说明")
    title: _text("title", required=True) | None = Field(None, description="项目名称")
    source: SourceCode | None = Field(None, description="信息来源")
    investment_wan: Money | None = Field(None, description="总投资（万元）")


class RespondIn(In):
    follower: _text("follower") = Field("", description="跟进人；缺省为操作人")
    note: text_limited(2000) = Field("", description="说明")


_POINTS = "；".join(f"{key} {label}" for key, label in ASSESSMENT_POINTS)


class PointsIn(In):
    direction: text_limited(1000) = Field("", description="产业方向")
    market: text_limited(1000) = Field("", description="市场前景")
    technology: text_limited(1000) = Field("", description="技术路线")
    environment: text_limited(1000) = Field("", description="环保")
    energy: text_limited(1000) = Field("", description="能耗")
    benefit: text_limited(1000) = Field("", description="效益")


class AssessIn(In):
    points: PointsIn = Field(description=f"六项研判意见，均须填写：{_POINTS}")
    conclusion: Literal["follow", "drop"] = Field(description="follow 继续跟进，drop 不予跟进")
    note: text_limited(2000) = Field("", description="说明；不予跟进时必填")


class TextIn(In):
    text: text_limited(2000, required=True) = Field(description="内容")


class ReasonIn(In):
    reason: text_limited(2000, required=True) = Field(description="理由")


class ArbitrateIn(In):
    decision: Literal["merge", "assign", "reject"] = Field(
        description="merge 并入先报信息（先报单位首谈），assign 改由本信息的单位首谈"
        "（先报信息并入本信息），reject 退回本信息"
    )
    reason: text_limited(2000, required=True) = Field(description="裁决理由")


class ReassignIn(In):
    unit: Id = Field(description="改派给本区的另一个单位（id）")
    reason: text_limited(2000, required=True) = Field(description="改派理由")


class ConvertIn(In):
    stage: Literal["planning", "intent"] = Field(
        "planning", description="planning 转化为策划项目，intent 转化为意向项目"
    )


# --- output ----------------------------------------------------------------------------


class CompanyRef(Schema):
    id: int
    name: str
    uscc: str = Field(description="统一社会信用代码")


class LeadRow(Schema):
    code: str = Field(description="信息编号")
    title: str = Field(description="项目名称")
    company: CompanyRef = Field(description="投资方（客商库）")
    district: DistrictRef
    unit: Ref = Field(description="跟进单位（首谈单位）")
    first_unit: Ref = Field(description="首报单位")
    source: str
    source_label: str
    status: str
    status_label: str
    is_reserve: bool = Field(description="储备信息：低于入库门槛或不纳入，不计入统计")
    investment_wan: str = Field(description="总投资（万元）")
    reported_at: dt.datetime = Field(description="首报时间")
    overdue: list[str] = Field(description="已逾期的事项：respond 响应、assess 研判、feedback 反馈")
    version: int
    updated_at: dt.datetime


class DeadlinesOut(Schema):
    respond: dt.date = Field(description="响应时限")
    assess: dt.date = Field(description="研判时限（重大项目另计）")
    feedback: dt.date = Field(description="反馈来源方时限")
    hold_until: dt.date = Field(description="首谈期至")
    provisional: bool = Field(
        description="true：时限所在年份的放假调休安排尚未公布，按周一至周五计算，可能变动"
    )


class AssessmentOut(Schema):
    direction: str
    market: str
    technology: str
    environment: str
    energy: str
    benefit: str
    conclusion: str = Field(description="follow 继续跟进，drop 不予跟进")
    note: str


class ProjectLink(Schema):
    code: str
    name: str
    url: str = Field(description="项目页面的地址")
    api_url: str = Field(description="项目在本接口中的地址")


class LeadActionsOut(Schema):
    edit: bool
    respond: bool
    assess: bool
    feedback: bool
    note: bool
    reject: bool
    arbitrate: bool
    reassign: bool
    convert: bool


class LeadEventOut(Schema):
    id: int
    kind: str
    kind_label: str
    actor: str | None
    at: dt.datetime
    old: dict
    new: dict
    reason: str


class LeadOut(LeadRow):
    source_detail: str
    summary: str
    products: str
    industry_code: str
    industry: Ref | None
    kind: str
    kind_label: str
    fixed_investment_wan: str | None
    annual_output_wan: str | None
    annual_tax_wan: str | None
    land_mu: str | None = Field(description="用地需求（亩）")
    energy_tce: str | None = Field(description="用能需求（吨标准煤/年）")
    environment: str
    coordination: str
    follower: str
    reported_by: str | None
    reserve_reason: str
    conflict_with: str | None = Field(description="撞车的先报信息编号，待区招商办裁决")
    merged_into: str | None = Field(description="已并入的信息编号")
    deadlines: DeadlinesOut
    responded_at: dt.datetime | None
    assessed_at: dt.datetime | None
    feedback_at: dt.datetime | None
    assessment: AssessmentOut | None = Field(description="研判意见；未研判时为 null")
    project: ProjectLink | None = Field(description="转化的项目；未转化时为 null")
    converted_at: dt.datetime | None
    last_progress_at: dt.datetime
    actions: LeadActionsOut = Field(description="当前用户可执行的操作")
    events: list[LeadEventOut] = Field(description="动态，按时间先后")


class LeadPage(Schema):
    items: list[LeadRow]
    count: int
    page: int
    pages: int


class ConvertOut(Schema):
    code: str = Field(description="新项目的编号")
    name: str
    url: str = Field(description="新项目页面的地址")
    api_url: str = Field(description="新项目在本接口中的地址")
    lead: LeadOut
