"""The records behind a count of the relay's everyday work in a ranking (计分记录).

An item counting activities held, trips, companies met, receptions, leads or projects
introduced (``WORK_METRICS``) is a count of records, not of projects: the page lists the
very records the engine counted for the party — ``Facts.work``, the list the cases are
made from, never a copy of its rule — so their number is the item's raw count. A record
opens its own page where the reader may read it (the record's app decides); otherwise its
row keeps its day and unit, and its title is withheld.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.urls import reverse

from baton.accounts.models import User
from baton.activities.models import Activity
from baton.activities.rules import visible_activities
from baton.intermediaries.models import Claim
from baton.intermediaries.rules import visible_claims
from baton.leads.models import Lead
from baton.leads.rules import visible_leads
from baton.org.models import District, Unit
from baton.reports.work import WorkRecord
from baton.visits.models import Reception, Trip
from baton.visits.rules import visible_receptions, visible_trips

from .config import METRICS
from .drill import NO_ITEM, ranking_facts, work_specs
from .models import Indicator, Ranking
from .periods import period_label

RECORDS_PER_PAGE = 50
BAD_ADDRESS = "计分记录的地址不完整或有误，请从考核排名页的得分打开。"
NOT_WORK = "该项得分不是按招商工作记录计数得出的，没有对应的记录列表。"
WITHHELD = "（无权查看该记录）"

#: Each kind of record: who reads it (the app's own rule) and its page.
READERS: dict[type[Model], tuple[Callable[[User], QuerySet], Callable[[Model], str]]] = {
    Activity: (visible_activities, lambda a: reverse("activities:detail", args=[a.code])),
    Trip: (visible_trips, lambda t: reverse("visits:trip_detail", args=[t.pk])),
    Reception: (visible_receptions, lambda r: reverse("visits:reception_detail", args=[r.pk])),
    Lead: (visible_leads, lambda lead: reverse("leads:detail", args=[lead.code])),
    Claim: (visible_claims, lambda c: reverse("intermediaries:claim", args=[c.code])),
}


@dataclass(frozen=True)
class Row:
    """A record as the reader sees it: its title and page only where they may read it."""

    day: dt.date
    unit: str
    title: str
    url: str | None


@dataclass(frozen=True)
class ScoredRecords:
    ranking: Ranking
    indicator: Indicator
    party: Unit | District
    part: int
    spec: dict
    since: dt.date | None
    records: list[WorkRecord]

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def caption(self) -> str:
        """The item in words, in the style of the project list's 列表口径."""
        ranking = self.ranking
        period = period_label(ranking.period_start, ranking.period_end)
        several = sum(s is not None for s in work_specs(self.indicator)) > 1
        part = f"第 {self.part + 1} 项，" if several else ""
        end = _day(ranking.period_end)
        window = f"{_day(self.since)}至{end}" if self.since else f"截至{end}"
        return (
            f"“{ranking.scheme.name}”{period}“{self.indicator.name}”"
            f"（{part}{METRICS[self.spec['metric']]}，计数期间 {window}）"
            f"计入{self.party.name}的记录（截至{end}24时的登记），按当前数据"
        )


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _number(value: str | None, default: str | None = None) -> int:
    text = value if value not in (None, "") else default
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 18:
        raise ValidationError(BAD_ADDRESS)
    return int(text)


def scored_records(*, ranking: Ranking, query) -> ScoredRecords:
    """Return the records the engine counts for the item ``query`` names (``item``: the
    indicator, ``party``: the unit, or the district of a city scheme, ``part``: which
    counted metric of the indicator); ValidationError in Chinese otherwise. The caller
    has read the ranking through ``ranking_get``."""
    indicator_id = _number(query.get("item"))
    party_id = _number(query.get("party"))
    part = _number(query.get("part"), "0")
    indicator = ranking.scheme.indicators.filter(pk=indicator_id).first()
    party = {"district_id" if ranking.scheme.is_city else "unit_id": party_id}
    line = ranking.lines.select_related("unit", "district").filter(**party).first()
    if indicator is None or line is None:
        raise ValidationError(NO_ITEM)
    specs = work_specs(indicator)
    spec = specs[part] if part < len(specs) else None
    if spec is None:
        raise ValidationError(NOT_WORK)
    facts = ranking_facts(ranking)
    records = [record for credited, record in facts.work(spec) if credited == party_id]
    return ScoredRecords(ranking, indicator, line.party, part, spec, facts.since(spec), records)


def record_rows(*, user: User, records: list[WorkRecord]) -> list[Row]:
    """Return the records as ``user`` sees them: a link and a title where the record's
    app lets them read it."""
    wanted: dict[type[Model], set[int]] = defaultdict(set)
    for record in records:
        wanted[type(record.record)].add(record.record.pk)
    readable = {
        model: set(READERS[model][0](user).filter(pk__in=ids).values_list("pk", flat=True))
        for model, ids in wanted.items()
    }
    units = Unit.objects.in_bulk({r.unit_id for r in records})
    rows = []
    for record in records:
        model = type(record.record)
        unit = units.get(record.unit_id)
        name = unit.name if unit is not None else ""
        if record.record.pk in readable[model]:
            rows.append(Row(record.day, name, record.title, READERS[model][1](record.record)))
        else:
            rows.append(Row(record.day, name, WITHHELD, None))
    return rows
