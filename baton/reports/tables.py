"""The pack's tables, shared by the Word and Excel writers.

A table's cells keep their numbers as numbers: counts as ``int``, amounts as exact
``Decimal`` in the unit its header names (亿元 = 万元 ÷ 10,000, never rounded here). The
Word writer prints them with thousands separators (``number_text``); the Excel writer
writes them as numbers with a number format, so that Excel sums them.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from baton.core.dates import chinese_date
from baton.core.money import plain, wan_to_yi, yi_2

from .work import COLUMNS

#: How a column's numbers are shown: a count, 亿元 with two decimals, 万元 as entered.
COUNT, YI, WAN = "count", "yi", "wan"
#: Excel number formats of the kinds above.
NUMBER_FORMATS = {COUNT: "#,##0", YI: "#,##0.00", WAN: "#,##0.####"}


@dataclass
class Table:
    """A header, its rows, and the kind of number (or ``None``: text) of each column.

    ``total`` says that the last row is the sum of the rows above it, column by column,
    for every numeric column.
    """

    header: list[str]
    rows: list[list]
    kinds: list[str | None] = field(default_factory=list)
    total: bool = False


def number_text(value, kind: str | None) -> str:
    """A cell as the Word pack prints it: 1,234 · 118.15 (亿元, half-up) · 12,345.5 (万元)."""
    if value is None:
        return ""
    if kind is None or not isinstance(value, int | Decimal):
        return str(value)
    if kind == YI:
        return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
    if kind == WAN:
        whole, _, frac = plain(Decimal(value)).partition(".")
        return f"{int(whole):,}.{frac}" if frac else f"{int(whole):,}"
    return f"{int(value):,}"


def _day(day) -> str:
    return f"{day:%Y-%m-%d}"


def stage_table(pack) -> Table:
    figures = pack.figures
    rows = [[line.name, line.count, wan_to_yi(line.investment)] for line in figures.stages]
    rows.append(["合计", figures.count, wan_to_yi(figures.investment)])
    return Table(["项目阶段", "项目数（个）", "总投资（亿元）"], rows, [None, COUNT, YI], True)


def unit_table(pack) -> Table:
    header, kinds = ["责任单位"], [None]
    for name in pack.stage_names:
        header += [f"{name}（个）", f"{name}（亿元）"]
        kinds += [COUNT, YI]
    header += ["合计（个）", "合计（亿元）"]
    kinds += [COUNT, YI]
    rows = []
    for unit in pack.units:
        row = [unit.name]
        for count, amount in unit.cells:
            row += [count, wan_to_yi(amount)]
        rows.append([*row, unit.count, wan_to_yi(unit.investment)])
    total = ["合计"]
    for line in pack.figures.stages:
        total += [line.count, wan_to_yi(line.investment)]
    rows.append([*total, pack.figures.count, wan_to_yi(pack.figures.investment)])
    return Table(header, rows, kinds, True)


MOVEMENT_HEADER = ["日期", "项目编号", "项目名称", "责任单位", "总投资（万元）", "说明"]
MOVEMENT_KINDS = [None, None, None, None, WAN, None]


def movement_rows(movements) -> list[list]:
    return [[_day(m.day), m.code, m.name, m.unit, m.investment, m.detail] for m in movements]


def movement_blocks(pack) -> list[tuple[str, Table]]:
    return [
        (heading, Table(MOVEMENT_HEADER, movement_rows(moves), MOVEMENT_KINDS))
        for heading, moves in (
            ("本月新入库项目", pack.admissions),
            ("本月阶段推进项目", pack.advances),
            ("本月新落地项目", pack.landings),
            ("本月接力交接项目", pack.handoffs),
        )
    ]


def idle_table(pack) -> Table:
    header = [
        "项目编号",
        "项目名称",
        "责任单位",
        "项目阶段",
        "总投资（万元）",
        "最近动态",
        "无进展天数",
    ]
    rows = [
        [r.code, r.name, r.unit, r.stage, r.investment, _day(r.last_day), r.days] for r in pack.idle
    ]
    return Table(header, rows, [None, None, None, None, WAN, None, COUNT])


def problem_table(pack) -> Table:
    header = [
        "项目编号",
        "项目名称",
        "问题类别",
        "问题描述",
        "责任单位",
        "办结时限",
        "状态",
        "是否逾期",
    ]
    rows = [
        [
            p.code,
            p.name,
            p.category,
            p.description,
            p.unit,
            _day(p.deadline),
            p.status,
            "逾期" if p.overdue else "",
        ]
        for p in pack.problems
    ]
    return Table(header, rows, [None] * len(header))


def as_of_text(pack) -> str:
    return f"统计时段：{chinese_date(pack.month_start)}至{chinese_date(pack.as_of)}"


# --- leads (投资信息) ------------------------------------------------------------------------


def leads_paragraph(pack) -> str:
    """The leads in words: the month's flows, the year's to ``D``, and the timings."""
    month, year = pack.leads_month, pack.leads_year
    m, y = month.flows, year.flows
    timings = "，".join(f"{t.label}按时率{t.share_text}" for t in year.timings)
    return (
        f"本月新登记投资信息{m['registered'].count}条，总投资{yi_2(m['registered'].investment)}亿元；"
        f"研判{m['assessed'].count}条，转化为项目{m['converted'].count}条，"
        f"不予跟进{m['rejected'].count}条。"
        f"本年累计登记{y['registered'].count}条，总投资{yi_2(y['registered'].investment)}亿元，"
        f"转化为项目{y['converted'].count}条；另有储备信息{year.reserve.count}条，未计入。"
        f"本年到期的信息中，{timings}。"
    )


def lead_status_table(pack) -> Table:
    """The counted leads at ``D`` by status (储备 and merged ones are not counted)."""
    figures = pack.leads_year
    rows = [
        [label, tally.count, wan_to_yi(tally.investment)] for _, label, tally in figures.statuses
    ]
    rows.append(["合计", figures.counted.count, wan_to_yi(figures.counted.investment)])
    return Table(["信息状态", "信息（条）", "总投资（亿元）"], rows, [None, COUNT, YI], True)


def lead_flow_table(figures, rows, label: str) -> Table:
    """The flows of ``figures``' window by source or unit; the totals row sums the rows."""
    header = [
        label,
        "登记（条）",
        "登记总投资（亿元）",
        "研判（条）",
        "转化（条）",
        "不予跟进（条）",
    ]

    def cells(flows) -> list:
        registered = flows["registered"]
        return [
            registered.count,
            wan_to_yi(registered.investment),
            flows["assessed"].count,
            flows["converted"].count,
            flows["rejected"].count,
        ]

    body = [[row.name, *cells(row.flows)] for row in rows]
    body.append(["合计", *cells(figures.flows)])
    return Table(header, body, [None, COUNT, YI, COUNT, COUNT, COUNT], True)


def lead_timing_table(pack) -> Table:
    header = ["办理环节", "到期（条）", "按时办结（条）", "按时率", "已办结（条）", "用时中位"]
    rows = [
        [t.label, t.due, t.on_time, t.share_text, t.done, t.median_text]
        for t in pack.leads_year.timings
    ]
    return Table(header, rows, [None, COUNT, COUNT, None, COUNT, None])


def lead_blocks(pack) -> list[tuple[str, Table]]:
    """The leads' tables with their headings, for the Word and Excel packs."""
    year = pack.leads_year
    window = f"{chinese_date(year.since)}至{chinese_date(pack.as_of)}"
    return [
        (f"投资信息状态（截至{chinese_date(pack.as_of)}）", lead_status_table(pack)),
        (f"分信息来源（{window}）", lead_flow_table(year, year.by_source, "信息来源")),
        (f"分跟进单位（{window}）", lead_flow_table(year, year.by_unit, "跟进单位")),
        (f"办理时效（{window}到期的信息）", lead_timing_table(pack)),
    ]


# --- 政策兑现 ---------------------------------------------------------------------------------


def policies_paragraph(pack) -> str:
    """The policies' delivery in words: the month, the year to ``D``, the landed share."""
    figures = pack.policies
    month, year, share = figures.month, figures.year, figures.share
    return (
        f"本月核定政策兑现{month.promised_count}件，金额{number_text(month.promised, WAN)}万元；"
        f"兑付{month.paid_count}笔，金额{number_text(month.paid, WAN)}万元。"
        f"本年累计核定{year.promised_count}件，金额{number_text(year.promised, WAN)}万元，"
        f"兑付{year.paid_count}笔，金额{number_text(year.paid, WAN)}万元。"
        f"截至{chinese_date(pack.as_of)}，落地项目{len(share.landed)}个，"
        f"其中申报政策兑现的{len(share.applied)}个，占{share.share_text}。"
    )


_POLICY_HEADER = ["核定（件）", "核定金额（万元）", "兑付（笔）", "兑付金额（万元）"]
_POLICY_KINDS = [COUNT, WAN, COUNT, WAN]


def _policy_cells(line) -> list:
    return [line.promised_count, line.promised, line.paid_count, line.paid]


def policy_blocks(pack) -> list[tuple[str, Table]]:
    """The policies' tables with their headings, for the Word and Excel packs."""
    figures = pack.policies
    periods = [
        ["本月", *_policy_cells(figures.month)],
        ["本年累计", *_policy_cells(figures.year)],
        ["历年累计", *_policy_cells(figures.total)],
    ]
    by_policy = [[x.label, x.detail, *_policy_cells(x)] for x in figures.policies.lines]
    by_policy.append(["合计", "", *_policy_cells(figures.policies.total)])
    year = f"{chinese_date(pack.as_of.replace(month=1, day=1))}至{chinese_date(pack.as_of)}"
    return [
        (
            f"政策兑现（截至{chinese_date(pack.as_of)}）",
            Table(["期间", *_POLICY_HEADER], periods, [None, *_POLICY_KINDS]),
        ),
        (
            f"分政策（{year}）",
            Table(["政策", "文号", *_POLICY_HEADER], by_policy, [None, None, *_POLICY_KINDS], True),
        ),
    ]


# --- 招商工作 (activities, trips, receptions, leads, intermediaries) --------------------------


def work_paragraph(pack) -> str:
    """The month's and the year's work in words."""
    m, y = pack.work_month.total, pack.work_year.total
    return (
        f"本月举办招商活动{m.activities}场，签约计入项目{m.signed}个、"
        f"签约额{number_text(m.signed_wan, WAN)}万元；外出招商{m.trips}批次{m.person_times}人次、"
        f"{m.days}天，拜访企业{m.companies_met}家次；接待来访{m.receptions}批次；"
        f"首报投资信息{m.leads}条，转化为项目{m.converted}条；中介申报{m.claims}件。"
        f"本年累计举办活动{y.activities}场，外出招商{y.trips}批次，拜访企业{y.companies_met}家次，"
        f"接待来访{y.receptions}批次，首报投资信息{y.leads}条，转化{y.converted}条，"
        f"中介引进项目{y.introduced}个。"
    )


#: The Word pack's narrower table (a portrait page holds eight columns): the counts a
#: meeting reads; the workbook keeps every column.
COMPACT = {
    "activities": "活动（场）",
    "signed": "签约计入（个）",
    "trips": "外出招商（批）",
    "companies_met": "拜访企业（家次）",
    "receptions": "来访接待（批）",
    "leads": "首报线索（条）",
    "converted": "线索转化（条）",
}


def work_table(work, *, compact: bool = False) -> Table:
    """Each unit's work in the window, with its totals row (a SUM in the workbook)."""
    columns = COMPACT if compact else COLUMNS
    kinds = [None, *(WAN if name == "signed_wan" else COUNT for name in columns)]
    rows = [[row.name, *(getattr(row, name) for name in columns)] for row in work.rows]
    rows.append(["合计", *(getattr(work.total, name) for name in columns)])
    return Table(["单位", *columns.values()], rows, kinds, True)


def work_blocks(pack, *, compact: bool = False) -> list[tuple[str, Table]]:
    """The month's and the year's work by unit, for the Word (``compact``) and Excel packs."""
    year = f"{chinese_date(pack.as_of.replace(month=1, day=1))}至{chinese_date(pack.as_of)}"
    return [
        (
            f"本月分单位（截至{chinese_date(pack.as_of)}）",
            work_table(pack.work_month, compact=compact),
        ),
        (f"本年累计分单位（{year}）", work_table(pack.work_year, compact=compact)),
    ]


def outcome_blocks(pack) -> list[tuple[str, Table]]:
    """履约与效益: the five batches at ``D``, and the promises' states by unit."""
    s = pack.outcomes
    batches = Table(
        ["批次", "项目（个）", "总投资（亿元）"],
        [[b.label, b.count, wan_to_yi(b.investment)] for b in s.batches],
        [None, COUNT, YI],
    )
    units = Table(
        ["责任单位", "承诺（项）", "已履约", "有风险", "未履约"],
        [
            [c.name, c.total, c.counts.get("kept", 0), c.counts.get("at_risk", 0),
             c.counts.get("broken", 0)]
            for c in s.compliance
        ],
        [None, COUNT, COUNT, COUNT, COUNT],
    )  # fmt: skip
    day = chinese_date(pack.as_of)
    return [(f"五个一批（截至{day}）", batches), ("投资协议承诺履约情况（分责任单位）", units)]
