"""领导驾驶舱: the page, its form, and the links from every figure to its projects.

The figures come from ``cockpit.cockpit_cached`` and the rendered board is kept beside
them (``_kept_board``); this module only turns them into
tables, chart data (read by ``static/baton/cockpit.js`` from a ``json_script`` block —
the CSP allows no inline script) and the project-list addresses that drill down.
"""

import datetime as dt
import hashlib
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from baton.core.cache import kept
from baton.core.dates import days_text
from baton.core.money import wan_to_yi
from baton.core.replica import WROTE_COOKIE
from baton.leads.figures import FLOWS
from baton.projects.asof import CHANGES
from baton.projects.models import Stage

from .cockpit import (
    CACHE_SECONDS,
    IDLE_DAYS,
    KEEP_SECONDS,
    WAIT_SECONDS,
    Cockpit,
    cockpit_cached,
    cockpit_key,
)
from .forms import MonthlyForm
from .scopes import scope_choices, scope_for
from .selectors import Scope


class CockpitForm(MonthlyForm):
    """The scope, the date (today unless told) and the days that make a project idle."""

    idle = forms.IntegerField(
        label="无进展天数",
        required=False,
        min_value=1,
        max_value=3650,
        widget=forms.NumberInput(attrs={"min": 1, "max": 3650}),
        error_messages={
            "invalid": "无进展天数必须是整数。",
            "min_value": "无进展天数至少为 1 天。",
            "max_value": "无进展天数不能超过 3650 天。",
        },
    )

    def clean_as_of(self):
        day = self.cleaned_data.get("as_of") or timezone.localdate()
        self.cleaned_data["as_of"] = day
        return super().clean_as_of()


@require_GET
@login_required
def cockpit(request):
    """领导驾驶舱 for a scope as of a date: every figure links to its projects."""
    choices = scope_choices(request.user)
    keys = [(key, label) for key, label, _ in choices]
    form = CockpitForm(request.GET or None, choices=keys)
    context = {"form": form, "page_title": "领导驾驶舱"}
    if not choices:
        return render(request, "reports/cockpit.html", context)
    if form.is_bound and not form.is_valid():
        return render(request, "reports/cockpit.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    as_of = data.get("as_of") or timezone.localdate()
    idle = data.get("idle") or IDLE_DAYS
    scope = scope_for(request.user, data.get("scope"))
    key = data.get("scope") or keys[0][0]
    board, board_html = _kept_board(request, scope=scope, scope_key=key, as_of=as_of, idle=idle)
    context.update(board=board, board_html=board_html)
    # Show what the figures are for, the defaults filled in.
    initial = {"as_of": as_of, "scope": key, "idle": idle}
    context["form"] = CockpitForm(initial=initial, choices=keys)
    return render(request, "reports/cockpit.html", context)


def _kept_board(request, *, scope: Scope, scope_key: str, as_of: dt.date, idle: int):
    """Return the cockpit's figures and its rendered board (the cards, tables and chart
    data below the form), kept together in the cache under the figures' own key
    (``cockpit_key``: scope, date, idle days, the viewer where it matters, the library's
    counters, the day) and the scope as chosen, as ``kept`` keeps the figures.

    The board's 275-odd drill-down links and tables cost more than the figures do once
    those are kept (~25 ms a page at province scale); a kept board costs one cache read.
    A user who has just changed something gets both afresh, like the figures."""
    fresh = WROTE_COOKIE in request.COOKIES
    figures_key = cockpit_key(scope=scope, as_of=as_of, user=request.user, idle_days=idle)
    key = f"{figures_key}:board:{hashlib.sha256(scope_key.encode()).hexdigest()[:16]}"

    def build() -> tuple[Cockpit, str]:
        board = cockpit_cached(
            scope=scope,
            as_of=as_of,
            user=request.user,
            idle_days=idle,
            fresh=fresh,
            key=figures_key,
        )
        view = _view(board)
        query = urlencode({"scope": scope_key, "as_of": as_of.isoformat()})
        view["work_url"] = f"{reverse('reports:work')}?{query}"
        view["work_rows"] = [(f"{as_of.month}月", board.work_month), ("本年累计", board.work_year)]
        view["outcomes_url"] = f"{reverse('outcomes:figures')}?as_of={as_of.isoformat()}"
        html = render_to_string("reports/_cockpit_board.html", {"board": board, "view": view})
        return board, str(html)

    board, html = kept(
        key,
        build,
        fresh_seconds=CACHE_SECONDS,
        keep_seconds=KEEP_SECONDS,
        wait_seconds=WAIT_SECONDS,
        rebuild=fresh,
    )
    return board, mark_safe(html)  # noqa: S308 — rendered by the template engine above


# --- drill-down links --------------------------------------------------------------------


def scope_filters(scope: Scope) -> dict:
    """Return the project list's filters that stand for ``scope``.

    A city is the city reviewer's or city leader's own scope already: no filter.
    """
    if scope.unit:
        return {"unit": scope.unit.pk}
    if scope.district:
        return {"district": scope.district.pk}
    return {}


class Links:
    def __init__(self, board: Cockpit):
        self.base = scope_filters(board.scope)
        self.as_of = board.as_of.isoformat()
        self.since = board.since.isoformat()
        self.url = reverse("projects:list")

    def __call__(self, **filters) -> str:
        values = {**self.base, **{k: v for k, v in filters.items() if v is not None}}
        return f"{self.url}?{urlencode(values)}"

    def at(self, **filters) -> str:
        return self(as_of=self.as_of, **filters)

    def window(self, first: dt.date | None = None, last: dt.date | None = None, **filters):
        since = first.isoformat() if first else self.since
        until = last.isoformat() if last else self.as_of
        return self(**filters, since=since, until=until)


def stage_links(scope: Scope, as_of: dt.date, figures) -> tuple[list[tuple], str]:
    """Return the stage table's rows, each (line, the list of the projects it counts), and
    the list of the total: the project list as of the same date, in the same scope."""
    base = {**scope_filters(scope), "as_of": as_of.isoformat()}
    url = reverse("projects:list")
    stages = dict(Stage.objects.values_list("code", "pk"))
    rows = [
        (line, f"{url}?{urlencode({**base, 'stage': stages[line.code]})}")
        for line in figures.stages
    ]
    return rows, f"{url}?{urlencode(base)}"


def milestone_links(scope: Scope, as_of: dt.date, figures) -> list[tuple]:
    """Return the milestone table's rows, each (line, the list of the projects it counts):
    landed projects in the library at ``as_of`` whose milestone is dated by then."""
    base = {**scope_filters(scope), "as_of": as_of.isoformat(), "landed": 1}
    url = reverse("projects:list")
    return [
        (line, f"{url}?{urlencode({**base, f'{line.code}_to': as_of.isoformat()})}")
        for line in figures.milestones
    ]


def _yi(amount: Decimal) -> float:
    return float(round(wan_to_yi(amount), 2))


def _view(board: Cockpit) -> dict:
    """Return the tables' rows and the charts' data, each figure with its drill-down URL."""
    link = Links(board)
    stage_names = [s.name for s in board.stages]
    funnel = [
        {
            "name": line.name,
            "code": line.code,
            "count": line.count,
            "investment": line.investment,
            "yi": _yi(line.investment),
            "url": link.at(stage=stage.pk),
        }
        for line, stage in zip(board.figures.stages, board.stages, strict=True)
    ]
    exit_stages = {s.code: s for s in board.ladder if s.is_terminal}
    exits = [
        {"line": line, "url": link.at(stage=exit_stages[line.code].pk)}
        for line in board.figures.exits
    ]
    months = [
        {
            "month": m,
            "changes": [
                {"count": m.changes[kind], "url": link.window(m.first, m.last, change=kind)}
                for kind in CHANGES
            ],
            "stock_url": link(as_of=m.last.isoformat()),
        }
        for m in board.months
    ]
    this_month = [
        {"kind": kind, "label": label, **cell}
        for (kind, label), cell in zip(CHANGES.items(), months[-1]["changes"], strict=True)
    ]
    area_key = board.area_kind
    areas = [_breakdown_row(link, b, board, area_key) for b in board.areas]
    industries = [_breakdown_row(link, b, board, "industry") for b in board.industries]
    conversions = [
        {
            "c": c,
            "next": _next_names(board, c.stage),
            "entered_url": link.window(entered=c.stage.pk),
            "reached_url": link.window(entered=c.stage.pk, reached=1),
            "days": [days_text(q) for q in c.quartiles] if c.quartiles else None,
            "rate": f"{c.rate * 100:.1f}%" if c.rate is not None else "—",
        }
        for c in board.conversions
    ]
    idle_url = link.at(idle=board.idle_days)
    paused_url = link.at(idle=board.idle_days, open_problem=1)
    leaders = [{"row": row, "url": link.window(acted_by=row.person.pk)} for row in board.leaders]
    charts = {
        "stages": stage_names,
        "funnel": [
            {"name": f["name"], "count": f["count"], "yi": f["yi"], "url": f["url"]} for f in funnel
        ],
        "trend": {
            "months": [_axis_month(m["month"].first, i) for i, m in enumerate(months)],
            "series": [
                {
                    "name": label,
                    "data": [
                        {"value": m["changes"][i]["count"], "url": m["changes"][i]["url"]}
                        for m in months
                    ],
                }
                for i, label in enumerate(CHANGES.values())
            ],
            "stock": [
                {
                    "value": m["month"].stock.count,
                    "yi": _yi(m["month"].stock.investment),
                    "url": m["stock_url"],
                }
                for m in months
            ],
        },
        "areas": _breakdown_chart(areas),
        "industries": [
            {"name": r["name"], "value": r["count"], "yi": r["yi"], "url": r["url"]}
            for r in industries
            if r["count"]
        ],
        "conversion": [
            {
                "name": f"{c['c'].stage.name}→{c['next']}",
                "rate": round(c["c"].rate * 100, 1) if c["c"].rate is not None else 0,
                "entered": c["c"].entered,
                "reached": c["c"].reached,
                "quartiles": [round(q, 2) for q in c["c"].quartiles] if c["c"].quartiles else None,
                "days": c["days"],
                "url": c["reached_url"],
            }
            for c in conversions
        ],
        "leaders": [
            {
                "name": r["row"].person.name,
                "acts": r["row"].acts,
                "projects": r["row"].projects,
                "url": r["url"],
            }
            for r in leaders
        ],
    }
    return {
        "leads": lead_links(board.leads) if board.leads is not None else None,
        "funnel": funnel,
        "exits": exits,
        "library_url": link.at(),
        "this_month": this_month,
        "change_labels": list(CHANGES.values()),
        "months": months,
        "area_label": {"unit": "责任单位", "district": "区"}.get(area_key, ""),
        "areas": areas,
        "industries": industries,
        "conversions": conversions,
        "idle_url": idle_url,
        "paused_url": paused_url,
        "acts_url": link.window(acted_by="all"),
        "leaders": leaders,
        "charts": charts,
    }


# --- leads (投资信息) -----------------------------------------------------------------------


def leads_list_url() -> str | None:
    """The lead list's address, or None while the leads' pages are not installed."""
    try:
        return reverse("leads:list")
    except NoReverseMatch:
        return None


def lead_links(figures) -> dict:
    """The leads' tables, each count with the lead list behind it: the list's figure mode
    (``as_of``, the scope as ``in_*``, a status at D or a flow since ``since``, a source,
    the unit holding the lead at D) lists exactly the leads the count counted."""
    url = leads_list_url()
    scope = figures.scope
    base = {"as_of": figures.as_of.isoformat()}
    for key in ("city", "district", "unit", "industry"):
        if getattr(scope, key, None) is not None:
            base[f"in_{key}"] = getattr(scope, key).pk

    def link(**filters) -> str | None:
        return f"{url}?{urlencode({**base, **filters})}" if url else None

    window = {"since": figures.since.isoformat()} if figures.since else {}

    def flows(row, **key) -> list[dict]:
        return [
            {
                "count": row.flows[flow].count,
                "yi": row.flows[flow].yi,
                "url": link(**key, flow=flow, **window),
            }
            for flow in FLOWS
        ]

    return {
        "list_url": link(),
        "flow_labels": list(FLOWS.values()),
        "totals": flows(figures),
        "statuses": [
            {"code": code, "label": label, "tally": tally, "url": link(status=code)}
            for code, label, tally in figures.statuses
        ],
        "reserve": figures.reserve,
        "timings": figures.timings,
        "tables": [
            (
                "分信息来源",
                [{"name": r.name, "cells": flows(r, source=r.key)} for r in figures.by_source],
                "leads-sources",
            ),
            (
                "分跟进单位",
                [{"name": r.name, "cells": flows(r, holder=r.key)} for r in figures.by_unit],
                "leads-units",
            ),
        ],
    }


def _breakdown_row(link: Links, b, board: Cockpit, kind: str) -> dict:
    if kind == "industry":
        key = {"industry": b.key} if b.key else {"no_industry": 1}
    else:
        key = {kind: b.key}
    return {
        "name": b.name,
        "count": b.count,
        "investment": b.investment,
        "yi": _yi(b.investment),
        "url": link.at(**key),
        "cells": [
            {"count": cell.count, "investment": cell.investment, "url": link.at(**key, stage=s.pk)}
            for cell, s in zip(b.cells, board.stages, strict=True)
        ],
    }


def _breakdown_chart(rows: list[dict]) -> dict:
    return {
        "names": [r["name"] for r in rows],
        "cells": [[{"value": c["count"], "url": c["url"]} for c in r["cells"]] for r in rows],
        "totals": [{"value": r["count"], "yi": r["yi"], "url": r["url"]} for r in rows],
    }


def _next_names(board: Cockpit, stage) -> str:
    return next(s.name for s in board.stages if s.order > stage.order)


def _axis_month(first: dt.date, i: int) -> str:
    if i == 0 or first.month == 1:
        return f"{first.year}年{first.month}月"
    return f"{first.month}月"
