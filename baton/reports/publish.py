"""Publishing a month's figures, and what has changed since (DESIGN §6).

A published month is frozen in a ``PublishedReport``; the 月度统计 page then shows
who published it and when, and any later correction as a difference against the
published figures, never as silently changed numbers.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.core.dates import chinese_date

from .models import PublishedReport, ReportNotes
from .selectors import Figures, Scope, figures_as_of
from .snapshots import is_closed_month_end
from .summary import figures_json

Role = User.Role
MONTH_NOT_CLOSED = "只能发布已结束月份的月末数字（截止日期须为某月最后一天，且早于今天）。"
SCOPE_REFUSED = "只能发布区或市的月报（不含单位、行业范围）。"


def _where(scope: Scope) -> dict | None:
    if scope.unit or scope.industry:
        return None
    if scope.district:
        return {"scope_kind": PublishedReport.ScopeKind.DISTRICT, "district": scope.district}
    if scope.city:
        return {"scope_kind": PublishedReport.ScopeKind.CITY, "city": scope.city}
    return None


def published_get(*, scope: Scope, as_of: dt.date) -> PublishedReport | None:
    """Return the published report of this scope and date, if there is one."""
    where = _where(scope)
    if where is None:
        return None
    return (
        PublishedReport.objects.select_related("published_by").filter(as_of=as_of, **where).first()
    )


def can_publish(user, scope: Scope) -> bool:
    """The district office publishes its district's month, the city reviewer the city's."""
    if not user.is_authenticated or not user.is_active or scope.unit or scope.industry:
        return False
    if user.role == Role.DISTRICT_OFFICE and scope.district and not scope.city:
        return scope.district.pk == user.district_id
    if user.role == Role.CITY_REVIEWER and scope.city and not scope.district:
        return scope.city.pk == user.city_id
    return False


def _refusal(report: PublishedReport) -> str:
    return (
        f"截至{chinese_date(report.as_of)}的月报已于{timezone.localtime(report.published_at):%Y-%m-%d %H:%M}"
        f"由{publisher(report)}发布，不能重复发布；此后的更正会显示为与已发布数字的差异。"
    )


def publisher(report: PublishedReport) -> str:
    user = report.published_by
    if user is None:
        return "命令行（baton publish-report）"
    return user.get_full_name() or user.username


@transaction.atomic
def report_publish(*, scope: Scope, as_of: dt.date, actor: User | None) -> PublishedReport:
    """Freeze the figures of ``scope`` as of a closed month end. The caller checked who may."""
    where = _where(scope)
    if where is None:
        raise ValidationError(SCOPE_REFUSED)
    if not is_closed_month_end(as_of):
        raise ValidationError(MONTH_NOT_CLOSED)
    existing = published_get(scope=scope, as_of=as_of)
    if existing is not None:
        raise ValidationError(_refusal(existing), code="published")
    figures = figures_json(figures_as_of(as_of=as_of, scope=scope))
    notes = _notes_latest(where, as_of)
    try:
        with transaction.atomic():
            return PublishedReport.objects.create(
                **where,
                as_of=as_of,
                figures=figures,
                published_by=actor,
                published_at=timezone.now(),
                highlights=notes.highlights if notes else "",
                next_steps=notes.next_steps if notes else "",
            )
    except IntegrityError:  # published at the same moment by someone else
        raise ValidationError(_refusal(published_get(scope=scope, as_of=as_of))) from None


# --- 工作亮点 and 下步工作: the office's text of the month ---------------------------------

NOTES_CLOSED = "本月月报已发布，工作亮点和下步工作随之冻结，不能再修改。"


def _notes_latest(where: dict, as_of: dt.date) -> ReportNotes | None:
    return ReportNotes.objects.filter(as_of=as_of, **where).order_by("-written_at", "-id").first()


def notes_get(*, scope: Scope, as_of: dt.date) -> tuple[str, str]:
    """Return the month's 工作亮点 and 下步工作: as published, else as last saved, else empty."""
    where = _where(scope)
    if where is None:
        return "", ""
    published = published_get(scope=scope, as_of=as_of)
    if published is not None:
        return published.highlights, published.next_steps
    notes = _notes_latest(where, as_of)
    return (notes.highlights, notes.next_steps) if notes else ("", "")


@transaction.atomic
def notes_save(
    *, scope: Scope, as_of: dt.date, highlights: str, next_steps: str, actor: User
) -> ReportNotes:
    """Save a new version of the month's text; refused once the month is published. The
    caller checked who may (``can_publish``)."""
    where = _where(scope)
    if where is None:
        raise ValidationError(SCOPE_REFUSED)
    if published_get(scope=scope, as_of=as_of) is not None:
        raise ValidationError(NOTES_CLOSED, code="published")
    return ReportNotes.objects.create(
        **where,
        as_of=as_of,
        highlights=highlights.strip(),
        next_steps=next_steps.strip(),
        written_by=actor,
        written_at=timezone.now(),
    )


@dataclass(frozen=True)
class Difference:
    """One line whose count or amount now differs from what was published."""

    name: str
    published_count: int
    count: int
    published_investment: Decimal
    investment: Decimal

    @property
    def count_change(self) -> int:
        return self.count - self.published_count

    @property
    def investment_change(self) -> Decimal:
        return self.investment - self.published_investment


def report_differences(*, report: PublishedReport, figures: Figures) -> list[Difference]:
    """Return the lines of ``figures`` that differ from the published ones, total first."""
    now = figures_json(figures)
    published = report.figures

    def lines(data: dict) -> list[tuple[str, dict]]:
        rows = [("合计（在库）", data["total"])]
        rows += [(line["stage"], line) for line in data.get("stages", [])]
        rows += [(f"{line['stage']}（出库）", line) for line in data.get("exits", [])]
        rows += [(f"已{line['milestone']}", line) for line in data.get("milestones", [])]
        return rows

    before = dict(lines(published))
    diffs = []
    for name, line in lines(now):
        old = before.pop(name, {"count": 0, "investment_wan": "0"})
        if old["count"] != line["count"] or Decimal(old["investment_wan"]) != Decimal(
            line["investment_wan"]
        ):
            diffs.append(
                Difference(
                    name,
                    old["count"],
                    line["count"],
                    Decimal(old["investment_wan"]),
                    Decimal(line["investment_wan"]),
                )
            )
    for name, old in before.items():  # a stage since removed from the ladder
        diffs.append(Difference(name, old["count"], 0, Decimal(old["investment_wan"]), Decimal(0)))
    return diffs
