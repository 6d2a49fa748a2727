"""The figures as the monthly report words them, and as the JSON contract gives them."""

from baton.core.dates import chinese_date
from baton.core.money import plain, yi_2, yi_exact

from .selectors import Figures


def summary_paragraph(figures: Figures) -> str:
    """Return the paragraph in the wording of the district's monthly report, e.g.

    截至2019年8月31日，厦门翔安区上报并经市招商办审核入库招商项目119个，投资总额1126.106亿元。
    其中，策划项目8个，总投资118.15亿元；……；落地项目35个，总投资555.85亿元。
    """
    scope = figures.scope
    head = (
        f"截至{chinese_date(figures.as_of)}，{scope.name}上报并经{scope.reviewer}审核入库"
        f"招商项目{figures.count}个，投资总额{yi_exact(figures.investment)}亿元。"
    )
    parts = [
        f"{line.name}项目{line.count}个，总投资{yi_2(line.investment)}亿元"
        for line in figures.stages
    ]
    return f"{head}其中，{'；'.join(parts)}。" if parts else head


def _line(line, key: str) -> dict:
    return {key: line.name, "count": line.count, "investment_wan": plain(line.investment)}


def figures_json(figures: Figures) -> dict:
    scope = figures.scope
    return {
        "as_of": figures.as_of.isoformat(),
        "scope": {"kind": scope.kind, "code": scope.code, "name": scope.name},
        "total": {"count": figures.count, "investment_wan": plain(figures.investment)},
        "stages": [_line(line, "stage") for line in figures.stages],
        "milestones": [_line(line, "milestone") for line in figures.milestones],
        "exits": [_line(line, "stage") for line in figures.exits],
    }
