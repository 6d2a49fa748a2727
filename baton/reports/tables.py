"""The pack's tables as headers and rows of text, shared by the Word and Excel writers."""

from baton.core.dates import chinese_date
from baton.core.money import plain, yi_2


def _day(day) -> str:
    return f"{day:%Y-%m-%d}"


def stage_table(pack) -> tuple[list[str], list[list]]:
    figures = pack.figures
    rows = [[line.name, line.count, yi_2(line.investment)] for line in figures.stages]
    rows.append(["合计", figures.count, yi_2(figures.investment)])
    return ["项目阶段", "项目数（个）", "总投资（亿元）"], rows


def unit_table(pack) -> tuple[list[str], list[list]]:
    header = ["责任单位"]
    for name in pack.stage_names:
        header += [f"{name}（个）", f"{name}（亿元）"]
    header += ["合计（个）", "合计（亿元）"]
    rows = []
    for unit in pack.units:
        row = [unit.name]
        for count, amount in unit.cells:
            row += [count, yi_2(amount)]
        rows.append([*row, unit.count, yi_2(unit.investment)])
    total = ["合计"]
    for line in pack.figures.stages:
        total += [line.count, yi_2(line.investment)]
    rows.append([*total, pack.figures.count, yi_2(pack.figures.investment)])
    return header, rows


MOVEMENT_HEADER = ["日期", "项目编号", "项目名称", "责任单位", "总投资（万元）", "说明"]


def movement_rows(movements) -> list[list]:
    return [[_day(m.day), m.code, m.name, m.unit, plain(m.investment), m.detail] for m in movements]


def movement_blocks(pack) -> list[tuple[str, list[list]]]:
    return [
        ("本月新入库项目", movement_rows(pack.admissions)),
        ("本月阶段推进项目", movement_rows(pack.advances)),
        ("本月新落地项目", movement_rows(pack.landings)),
        ("本月接力交接项目", movement_rows(pack.handoffs)),
    ]


def idle_table(pack) -> tuple[list[str], list[list]]:
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
        [r.code, r.name, r.unit, r.stage, plain(r.investment), _day(r.last_day), r.days]
        for r in pack.idle
    ]
    return header, rows


def problem_table(pack) -> tuple[list[str], list[list]]:
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
    return header, rows


def as_of_text(pack) -> str:
    return f"统计时段：{chinese_date(pack.month_start)}至{chinese_date(pack.as_of)}"
