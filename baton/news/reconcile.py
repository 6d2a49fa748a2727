"""A report's figures against the library as of the date the report states.

Each figure group whose kind the library counts is compared: 入库 with the admitted
total, a stage (策划, 意向, 在谈, 落地 …) with that stage's line, a milestone (签约, 开工,
投产 …) with its line — by ``baton.reports.selectors.figures_as_of``, the same figures
``baton report`` prints. A count matches when equal; an amount when the library's,
in the unit and to the decimals the text wrote it (1126.106亿元, 42.22亿元, 8500万元),
is the same. A kind the library does not count (工业, 上亿元) is shown as not compared.
Behind a difference are the projects of that line as of the date, latest entered first.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from baton.accounts.models import User
from baton.core.money import plain
from baton.org.models import District
from baton.reports.selectors import Figures, Line, Scope, figures_as_of, periods_as_of

from .extract import Group, Reading
from .numbers import plain_wan

#: Projects listed behind one differing figure.
SHOWN = 10
MATCH, DIFFER, UNCOMPARED = "match", "differ", "uncompared"
LABELS = {MATCH: "一致", DIFFER: "不一致", UNCOMPARED: "未核对"}


@dataclass
class Behind:
    code: str
    name: str
    investment_wan: Decimal
    since: dt.date


@dataclass
class Check:
    group: Group
    status: str
    library_count: int | None = None
    library_wan: Decimal | None = None
    count_ok: bool = True
    amount_ok: bool = True
    note: str = ""
    projects: list[Behind] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.status]

    def as_json(self) -> dict:
        return {
            **self.group.as_json(),
            "status": self.status,
            "library_count": self.library_count,
            "library_investment_wan": plain_wan(self.library_wan),
            "note": self.note,
            "projects": [
                {
                    "code": p.code,
                    "name": p.name,
                    "investment_wan": plain(p.investment_wan),
                    "since": p.since.isoformat(),
                }
                for p in self.projects
            ],
        }


@dataclass
class Reconciliation:
    district: District
    as_of: dt.date
    figures: Figures
    checks: list[Check]

    @property
    def all_match(self) -> bool:
        compared = [c for c in self.checks if c.status != UNCOMPARED]
        return bool(compared) and all(c.status == MATCH for c in compared)

    def as_json(self) -> dict:
        return {
            "district": self.district.code,
            "as_of": self.as_of.isoformat(),
            "all_match": self.all_match,
            "checks": [c.as_json() for c in self.checks],
        }

    def lines(self) -> list[str]:
        out = [f"{self.district.full_name} 截至 {self.as_of:%Y-%m-%d} 与项目库核对："]
        for check in self.checks:
            out.append(f"  [{check.label}] {describe(check)}")
            out += [
                f"      {p.code} {p.name} {plain(p.investment_wan)}万元（{p.since:%Y-%m-%d} 起）"
                for p in check.projects
            ]
        done = [c for c in self.checks if c.status != UNCOMPARED]
        same = sum(c.status == MATCH for c in done)
        out.append(f"核对 {len(done)} 项，一致 {same} 项，不一致 {len(done) - same} 项。")
        return out


def describe(check: Check) -> str:
    group = check.group
    text = f"{group.kind}项目 {group.count}个"
    if group.investment_wan is not None:
        text += f"，{written(group)}"
    if group.of:
        text = f"（其中）{text}"
    if check.status == UNCOMPARED:
        return f"{text}：{check.note}"
    library = f"项目库 {check.library_count}个，{_yi(check.library_wan)}亿元"
    return f"{text}；{library}" + (f"：{check.note}" if check.note else "")


def _yi(wan: Decimal | None) -> str:
    return plain((wan or Decimal(0)) / 10000)


def written(group: Group) -> str:
    """The group's amount as the text gave it (亿元 unless it is a whole 万元 figure)."""
    amount = group.investment_wan or Decimal(0)
    return f"{plain(amount / 10000)}亿元"


def _line(figures: Figures, kind: str) -> tuple[Line | None, str]:
    for line in figures.stages + figures.exits:
        if line.name == kind:
            return line, "stage"
    for line in figures.milestones:
        if line.name == kind:
            return line, "milestone"
    return None, ""


def _same_amount(text_wan: Decimal, library_wan: Decimal) -> bool:
    """Whether the library's amount, rounded as the text wrote its own (亿元 with the
    text's decimals), is the text's."""
    yi = text_wan / 10000
    places = max(0, -yi.normalize().as_tuple().exponent)  # type: ignore[operator]
    quantum = Decimal(1).scaleb(-places)
    return (library_wan / 10000).quantize(quantum, rounding=ROUND_HALF_UP) == yi.quantize(quantum)


def reconcile(
    *, reading: Reading, district: District, as_of: dt.date | None = None, user: User | None = None
) -> Reconciliation:
    """Compare ``reading``'s figure groups with ``district``'s library as of the date."""
    day = as_of or reading.as_of
    if day is None:
        raise ValueError("文中没有说明统计截止日期，也没有发布日期，请指定核对日期。")
    scope = Scope(district=district)
    figures = figures_as_of(as_of=day, scope=scope, user=user)
    checks = []
    for group in reading.groups:
        if group.kind == "入库":
            count, wan, stage_name = figures.count, figures.investment, None
        else:
            line, what = _line(figures, group.kind)
            if line is None:
                checks.append(Check(group, UNCOMPARED, note="项目库不按此口径统计"))
                continue
            count, wan, stage_name = line.count, line.investment, (line.name, what)
        check = Check(group, MATCH, library_count=count, library_wan=wan)
        check.count_ok = count == group.count
        check.amount_ok = group.investment_wan is None or _same_amount(group.investment_wan, wan)
        if not (check.count_ok and check.amount_ok):
            check.status = DIFFER
            notes = []
            if not check.count_ok:
                notes.append(f"个数差 {group.count - count:+d}")
            if not check.amount_ok and group.investment_wan is not None:
                notes.append(f"金额差 {plain((group.investment_wan - wan) / 10000)}亿元")
            check.note = "，".join(notes)
            check.projects = _behind(day, scope, stage_name, user)
        checks.append(check)
    return Reconciliation(district=district, as_of=day, figures=figures, checks=checks)


def _behind(
    day: dt.date, scope: Scope, stage: tuple[str, str] | None, user: User | None
) -> list[Behind]:
    periods = periods_as_of(as_of=day, scope=scope, user=user).select_related("project")
    if stage is not None:
        name, what = stage
        if what == "stage":
            periods = periods.filter(stage__name=name)
        else:
            periods = periods.filter(
                project__milestones__kind__in=_milestone_kinds(name),
                project__milestones__date__lte=day,
            ).distinct()
    else:
        periods = periods.filter(stage__is_terminal=False)
    return [
        Behind(p.project.code, p.project.name, p.investment, p.valid_from.date())
        for p in periods.order_by("-valid_from")[:SHOWN]
    ]


def _milestone_kinds(label: str) -> list[str]:
    from baton.projects.models import Milestone

    return [k.value for k in Milestone.Kind if k.label == label]
