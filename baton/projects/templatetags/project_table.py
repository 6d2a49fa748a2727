"""The 项目库's table rows, written in Python as Django's admin writes its change list.

Through the template language a page of rows cost ~10 ms, the larger part of the list
page's time; one format per row writes the same HTML in well under a millisecond.
``baton/projects/tests/test_project_table.py`` holds the rows to the template they
replace.
"""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from baton.core.templatetags.baton import wan
from baton.projects.models import ReviewState

register = template.Library()

_REVIEW = dict(ReviewState.choices)


@register.simple_tag
def project_rows(rows, show_district: bool) -> str:
    """Return the ``<tr>`` of each project; a row with ``period_then`` shows that period."""
    # A code is letters, digits, "_" and "-" (ProjectCodeConverter): nothing to quote, so
    # every row's address is the first one's with its own code in place.
    head, _, tail = reverse("projects:detail", args=["0"]).rpartition("0")
    return mark_safe("".join(_row(p, show_district, head, tail) for p in rows))  # noqa: S308 — every value escaped in _row


def _pending(p, then) -> str:
    """待接收 beside the holder today (not in a row showing another date's period)."""
    handoff = getattr(p, "handoff_pending_to", None)
    if handoff is None or then is not None:
        return ""
    to = escape(handoff.to_unit.name)
    return f' <span class="badge handoff-pending" title="已交给{to}，待对方接收">待接收</span>'


def _row(p, show_district: bool, head: str, tail: str) -> str:
    then = getattr(p, "period_then", None)
    unit, stage, amount = (
        (then.unit, then.stage, then.investment) if then else (p.unit, p.stage, p.investment)
    )
    updated = timezone.localtime(p.updated_at)
    district = (
        f'<td class="district" data-label="所属区">{escape(p.district.name)}</td>'
        if show_district
        else ""
    )
    return (
        "<tr>"
        f'<td class="code" data-label="项目编号">{escape(p.code)}</td>'
        f'<td class="name" data-label="项目名称"><a href="{escape(head + p.code + tail)}">{escape(p.name)}</a></td>'
        f'<td class="investor" data-label="投资方">{escape(p.investor) if p.investor else "—"}</td>'
        f"{district}"
        f'<td class="unit" data-label="责任单位">{escape(unit.name)}{_pending(p, then)}</td>'
        f'<td class="stage" data-label="阶段"><span class="badge stage-{escape(stage.code)}">{escape(stage.name)}</span></td>'
        f'<td class="review" data-label="入库状态"><span class="badge review-{escape(p.review_state)}">'
        f"{escape(_REVIEW.get(p.review_state, p.review_state))}</span></td>"
        f'<td class="num amount" data-label="总投资（万元）">{wan(amount)}</td>'
        f'<td class="when" data-label="最近动态"><time datetime="{updated.isoformat()}">{updated:%Y-%m-%d}</time></td>'
        "</tr>\n"
    )
