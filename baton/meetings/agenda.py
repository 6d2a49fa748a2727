"""The agenda Baton drafts for a district's meeting, each item with the list behind it.

It opens with the decisions of earlier meetings still open, then the month's figures as of
its end (``as_of``: the month end, or today while the month runs): the library by stage
(``reports.selectors.figures_as_of``), the projects admitted (入库) and landed in the month
(``projects.asof.changes``), the projects idle for ``IDLE_DAYS`` at ``as_of``
(``reports.selectors.idle_as_of``); then what the meeting must act on now — the open
problems and overdue 督办, the leads whose step is overdue — and the latest published
assessment ranking. Each item's ``url`` is the list that makes its number (the project
list in the cockpit's drill-down filters, the problems, the leads, the ranking).
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from baton.assessment.models import Ranking
from baton.core.dates import month_end
from baton.core.money import yi_2
from baton.leads.due import overdue_q
from baton.leads.models import Lead
from baton.org.models import District
from baton.projects.asof import IDLE_DAYS, changes
from baton.reports.selectors import Scope, figures_as_of, idle_as_of
from baton.supervision.models import Problem, Supervision

from .models import OPEN_DECISION, AgendaItem, Decision

Kind = AgendaItem.Kind


@dataclass(frozen=True)
class Draft:
    kind: str
    text: str
    url: str = ""
    decision: Decision | None = None


def _party(line) -> str:
    """A ranking line's unit (a district scheme's; a city scheme's lines are districts)."""
    party = line.unit if line.unit_id else getattr(line, "district", None)
    return party.name if party is not None else ""


def figures_day(month: dt.date, today: dt.date) -> dt.date:
    """The day the month's figures are taken as of: its end, or today while it runs."""
    return min(month_end(month), today)


def _projects(district: District, **filters) -> str:
    query = urlencode({"district": district.pk, **filters})
    return f"{reverse('projects:list')}?{query}"


def carried(district: District, month: dt.date) -> list[Draft]:
    """The decisions of the district's earlier meetings that are still open, oldest first."""
    rows = (
        Decision.objects.filter(OPEN_DECISION, district=district, meeting__month__lt=month)
        .select_related("meeting", "owner_unit", "owner_person", "supervision", "project")
        .order_by("meeting__month", "number")
    )
    out = []
    for d in rows:
        owner = d.owner_unit.name
        if d.supervision_id:
            owner = f"{d.owner_person.name}督办，{owner}办理" if d.owner_person else owner
        text = (
            f"{d.meeting.month_label}例会决定第{d.number}项：{d.text}"
            f"（{owner}，{d.deadline:%Y-%m-%d}前办结；{d.status_label}）"
        )
        url = reverse("meetings:detail", args=[d.meeting_id]) + f"#decision-{d.pk}"
        out.append(Draft(Kind.CARRIED, text, url, d))
    return out


def draft(district: District, month: dt.date, *, as_of: dt.date, today: dt.date) -> list[Draft]:
    """The agenda of ``district``'s meeting for ``month``, as the office will first see it."""
    items = carried(district, month)
    scope = Scope(district=district)
    label = f"{as_of.month}月{as_of.day}日"
    figures = figures_as_of(as_of=as_of, scope=scope)
    stages = "，".join(
        f"{line.name} {line.count} 个 {yi_2(line.investment)} 亿元" for line in figures.stages
    )
    items.append(
        Draft(
            Kind.FIGURES,
            f"通报全区项目情况：截至{label}，在库项目 {figures.count} 个，"
            f"总投资 {yi_2(figures.investment)} 亿元；其中{stages}。",
            _projects(district, as_of=as_of.isoformat()),
        )
    )
    first = month.replace(day=1)
    where = Q(district_id=district.pk)
    for kind, change, word in (
        (Kind.ADMITTED, "admitted", "新入库"),
        (Kind.LANDED, "landed", "新落地"),
    ):
        rows = changes(kind=change, since=first, until=as_of, where=where)
        found = rows.order_by().aggregate(n=Count("project_id", distinct=True))["n"]
        items.append(
            Draft(
                kind,
                f"{month.month}月{word}项目 {found} 个。",
                _projects(
                    district, change=change, since=first.isoformat(), until=as_of.isoformat()
                ),
            )
        )
    idle = idle_as_of(as_of=as_of, scope=scope).count()
    items.append(
        Draft(
            Kind.IDLE,
            f"截至{label}连续 {IDLE_DAYS} 天以上无进展项目 {idle} 个，请责任单位说明原因和下步安排。",
            _projects(district, as_of=as_of.isoformat(), idle=IDLE_DAYS),
        )
    )
    problems = Problem.objects.filter(district=district, status__in=Problem.OPEN_STATUSES)
    late_problems = problems.filter(deadline__lt=today).count()
    supervisions = Supervision.objects.filter(
        district=district, status__in=Supervision.OPEN_STATUSES
    )
    late = supervisions.filter(deadline__lt=today).count()
    items.append(
        Draft(
            Kind.PROBLEMS,
            f"协调项目存在问题：未解决 {problems.count()} 个，其中逾期 {late_problems} 个。",
            reverse("supervision:problems"),
        )
    )
    items.append(
        Draft(
            Kind.SUPERVISION,
            f"督办事项：在办 {supervisions.count()} 项，其中逾期未办结 {late} 项。",
            f"{reverse('supervision:problems')}?overdue=1",
        )
    )
    leads = Lead.objects.filter(overdue_q(today), district=district).count()
    items.append(
        Draft(
            Kind.LEADS,
            f"投资信息响应、研判或反馈逾期 {leads} 条，请跟进单位限期办理。",
            f"{reverse('leads:list')}?overdue=1",
        )
    )
    ranking = (
        Ranking.objects.filter(
            scheme__district=district, status=Ranking.Status.PUBLISHED, period_end__lte=as_of
        )
        .select_related("scheme")
        .order_by("-period_end", "-published_at")
        .first()
    )
    if ranking is not None:
        lines = list(ranking.lines.select_related("unit").order_by("rank", "id")[:3])
        top = "、".join(f"第{ln.rank}名{_party(ln)}（{ln.total}分）" for ln in lines)
        items.append(
            Draft(
                Kind.ASSESSMENT,
                f"通报考核排名（{ranking.scheme.name}，{ranking.period_start:%Y-%m-%d}至"
                f"{ranking.period_end:%Y-%m-%d}）：{top or '暂无排名'}。",
                reverse("assessment:ranking", args=[ranking.pk]),
            )
        )
    else:
        items.append(Draft(Kind.ASSESSMENT, "考核排名：本期尚未发布考核排名。"))
    items.append(Draft(Kind.OTHER, "研究部署下月招商工作。"))
    return items
