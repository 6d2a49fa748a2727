"""What happened in a period, per project, and which assessed units it credits.

Everything is read from the project history: the admitted projects and their state at
the end of the period from ``ProjectPeriod``; admissions and moves into a landed stage
from ``ProjectEvent``; 签约/开工 from the milestone dates; leader acts by their date; the
relay runners (info/talks/landing unit) as they stood at the period end, folded from
the events' ``new`` values.

Relay credit rule: each of the three roles earns its share of the scheme; a role with
no unit recorded passes its share to the responsible unit (the baton holder) at the
period end; a unit holding several roles gets the sum. Only projects admitted into the
library as of the period end, in the scheme's district, count.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from baton.core.dates import end_of_day
from baton.org.models import District
from baton.policies.models import Application, Instalment
from baton.projects.models import (
    Milestone,
    ProjectEvent,
    ProjectPeriod,
    ReviewState,
    Stage,
)
from baton.reports.selectors import Scope
from baton.reports.work import WorkRecord, work_records
from baton.supervision.models import LeaderAct

from .config import ENTERED, HOLDER_METRICS, WORK_METRICS, number
from .models import EnteredFact

ROLES = ("info", "talks", "landing")
#: Project ids per query: well under SQLite's 32,766 bound parameters.
_CHUNK = 900
ONE = Decimal(1)
#: The start of "no time window" for the work figures, which need a first day.
EVER = dt.date(1990, 1, 1)


@dataclass(frozen=True)
class State:
    unit_id: int
    stage_id: int
    industry: str
    amount: Decimal  # 万元
    district_id: int = 0


@dataclass(frozen=True)
class Case:
    """One counted thing (a project, or a leader act on one) and the units it credits."""

    project_id: int | None  # None: a unit's work (``WORK_METRICS``), not a project
    amount: Decimal
    industry: str
    credit: dict[int, Decimal]
    #: An entered figure (``EnteredFact``) this case is: its value is the credit.
    entered_id: int | None = None


class Facts:
    """The facts of a district's units, or with ``city`` of the city's districts, each
    counted as a whole (every admitted project of the district, whoever holds it): the
    credit of a case is then its district's, whole."""

    def __init__(
        self,
        *,
        district=None,
        city=None,
        shares: dict[str, Decimal],
        start: dt.date,
        end: dt.date,
    ):
        self.start, self.end, self.shares = start, end, shares
        self.by_district = district is None
        if self.by_district:
            self.districts = list(District.objects.filter(city=city).order_by("code"))
        else:
            self.districts = [district]
        self.district = district
        self.district_ids = [d.pk for d in self.districts]
        self.begin_at, self.cutoff = end_of_day(start - dt.timedelta(days=1)), end_of_day(end)
        #: Each project's state at the period end, read for the projects a metric names
        #: (``_states``): a district holds thousands, a period counts a few dozen.
        self.state: dict[int, State | None] = {}
        #: The project ids a metric gives for a window, asked once however many items
        #: (and parts of items) count by it.
        self._ids: dict[tuple, list[int]] = {}
        self.landing_stages = set(
            Stage.objects.filter(allows_milestones=True).values_list("pk", flat=True)
        )
        self.terminal_stages = set(
            Stage.objects.filter(is_terminal=True).values_list("pk", flat=True)
        )
        #: The relay runners of the projects counted so far (read on demand: a district
        #: holds thousands of projects, a period counts a few dozen).
        self.roles: dict[int, dict[str, int | None]] = {}
        self._work: dict[tuple[str, dt.date], list[tuple[int, WorkRecord]]] = {}

    def _load_roles(self, project_ids) -> None:
        wanted = [pid for pid in dict.fromkeys(project_ids) if pid not in self.roles]
        keys = [f"{role}_unit" for role in ROLES]
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            for pid in chunk:
                self.roles[pid] = {}
            events = ProjectEvent.objects.filter(project_id__in=chunk, at__lt=self.cutoff).order_by(
                "at", "id"
            )
            for pid, new in events.values_list("project_id", "new"):
                for role, key in zip(ROLES, keys, strict=True):
                    if isinstance(new, dict) and key in new:
                        self.roles[pid][role] = new[key]

    # --- credit ------------------------------------------------------------------------

    def credit(self, project_id: int, mode: str) -> dict[int, Decimal]:
        state = self.state[project_id]
        assert state is not None  # a project of a case: admitted at the period end
        if self.by_district:
            return {state.district_id: ONE}
        holder = state.unit_id
        roles = self.roles.get(project_id, {})
        if mode == "holder":
            return {holder: ONE}
        if mode == "info":
            return {roles.get("info") or holder: ONE}
        credit: dict[int, Decimal] = {}
        for role in ROLES:
            unit = roles.get(role) or holder
            credit[unit] = credit.get(unit, Decimal(0)) + self.shares[role]
        return {u: s for u, s in credit.items() if s}

    # --- metrics -----------------------------------------------------------------------

    def since(self, spec: dict) -> dt.date | None:
        """The first day of the metric's time window (None: no start), ``config.WINDOWS``."""
        if "window_days" in spec:
            return self.end - dt.timedelta(days=spec["window_days"] - 1)
        window = spec.get("window", "all" if spec["metric"] == "not_started" else "period")
        if window == "year":
            return dt.date(self.end.year, 1, 1)
        return self.start if window == "period" else None

    def cases(self, spec: dict) -> list[Case]:
        if spec["metric"] == ENTERED:
            return self._entered_cases(spec["name"].strip())
        if spec["metric"] in WORK_METRICS:
            return [Case(None, Decimal(0), "", {party: ONE}) for party, _ in self.work(spec)]
        mode = credit_mode(spec)
        key = (spec["metric"], self.since(spec), spec.get("days"))
        if key not in self._ids:
            self._ids[key] = getattr(self, f"_{spec['metric']}")(spec)
        ids = self._admitted_at_end(self._ids[key])
        if mode != "holder" and not self.by_district:
            self._load_roles(ids)
        cases = []
        for pid in ids:
            s = self.state[pid]
            assert s is not None  # _admitted_at_end
            if not _passes(spec, s):
                continue
            cases.append(Case(pid, s.amount, s.industry, self.credit(pid, mode)))
        return cases

    def _admitted_at_end(self, project_ids: list[int]) -> list[int]:
        """Return, in their order, the ids of projects admitted in the library (in the
        scheme's districts) at the period end, their states read once into ``state``."""
        wanted = [pid for pid in dict.fromkeys(project_ids) if pid not in self.state]
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            self.state.update(dict.fromkeys(chunk))
            periods = ProjectPeriod.objects.filter(
                project_id__in=chunk,
                district_id__in=self.district_ids,
                review_state=ReviewState.ADMITTED,
                valid_from__lt=self.cutoff,
            ).exclude(valid_to__lt=self.cutoff)
            # values_list() reads the MoneyField through from_db_value: 万元 Decimals.
            for pid, unit, stage, industry, amount, district_id in periods.values_list(
                "project_id", "unit_id", "stage_id", "industry__name", "investment", "district_id"
            ):
                self.state[pid] = State(
                    unit, stage, industry or "", amount or Decimal(0), district_id
                )
        return [pid for pid in project_ids if self.state[pid] is not None]

    def work(self, spec: dict) -> list[tuple[int, WorkRecord]]:
        """The records of the relay's everyday work a ``WORK_METRICS`` spec counts
        (``baton.reports.work.work_records``), each with the party it credits whole: the
        unit that did the work, or its district. One case per record (no project, no
        amount), so a party's count is the number of its records."""
        column, since = WORK_METRICS[spec["metric"]], self.since(spec) or EVER
        if (column, since) not in self._work:
            self._work[column, since] = [
                (district.pk if self.by_district else record.unit_id, record)
                for district in self.districts
                for record in work_records(
                    scope=Scope(district=district), since=since, as_of=self.end, column=column
                )
            ]
        return self._work[column, since]

    def _entered_cases(self, name: str) -> list[Case]:
        """The figures entered for the period: a party's entry of exactly this period, else
        the sum of its entries of periods inside it (a year from its months). The credit
        of the case is the figure."""
        entries = EnteredFact.objects.filter(
            district_id__in=self.district_ids,
            unit__isnull=self.by_district,
            name=name,
            period_start__gte=self.start,
            period_end__lte=self.end,
        ).order_by("period_start", "period_end", "pk")
        exact: dict[int, list[EnteredFact]] = {}
        inside: dict[int, list[EnteredFact]] = {}
        for entry in entries:
            whole = (entry.period_start, entry.period_end) == (self.start, self.end)
            party = entry.district_id if self.by_district else entry.unit_id or 0
            (exact if whole else inside).setdefault(party, []).append(entry)
        cases = []
        for unit_id in sorted(set(exact) | set(inside)):
            for entry in exact.get(unit_id) or _outermost(inside[unit_id]):
                cases.append(Case(None, Decimal(0), "", {unit_id: entry.value}, entry.pk))
        return cases

    def _in_period(self, spec):
        since = self.since(spec)
        if since is None:
            return {"at__lt": self.cutoff}
        return {"at__gte": end_of_day(since - dt.timedelta(days=1)), "at__lt": self.cutoff}

    def _days(self, spec, field: str = "date"):
        since = self.since(spec)
        days = {f"{field}__lte": self.end}
        if since is not None:
            days[f"{field}__gte"] = since
        return days

    def _admitted(self, spec) -> list[int]:
        return sorted(
            set(
                ProjectEvent.objects.filter(
                    kind=ProjectEvent.Kind.ADMITTED,
                    district_id__in=self.district_ids,
                    **self._in_period(spec),
                ).values_list("project_id", flat=True)
            )
        )

    _info_provided = _admitted

    def _milestone(self, kind, spec) -> list[int]:
        return sorted(
            Milestone.objects.filter(
                kind=kind, project__district_id__in=self.district_ids, **self._days(spec)
            ).values_list("project_id", flat=True)
        )

    def _signed(self, spec) -> list[int]:
        return self._milestone(Milestone.Kind.SIGNED, spec)

    def _started(self, spec) -> list[int]:
        return self._milestone(Milestone.Kind.STARTED, spec)

    def _in_production(self, spec) -> list[int]:
        return self._milestone(Milestone.Kind.IN_PRODUCTION, spec)

    def _landed(self, spec) -> list[int]:
        moves = ProjectEvent.objects.filter(
            kind=ProjectEvent.Kind.MOVED,
            district_id__in=self.district_ids,
            **self._in_period(spec),
        ).values_list("project_id", "new")
        return sorted({pid for pid, new in moves if new.get("stage") in self.landing_stages})

    def _leader_acts(self, spec) -> list[int]:
        # One case per act: a project visited twice counts twice.
        return list(
            LeaderAct.objects.filter(project__district_id__in=self.district_ids, **self._days(spec))
            .order_by("date", "id")
            .values_list("project_id", flat=True)
        )

    # --- policy applications (one case per application, through its project) -------------

    def _applications(self):
        return Application.objects.filter(district_id__in=self.district_ids)

    def _policy_applied(self, spec) -> list[int]:
        return list(
            self._applications()
            .filter(**self._days(spec, "received_on"))
            .exclude(status=Application.Status.WITHDRAWN)
            .order_by("received_on", "pk")
            .values_list("project_id", flat=True)
        )

    def _policy_approved(self, spec) -> list[int]:
        return list(
            self._applications()
            .filter(
                status__in=(Application.Status.APPROVED, Application.Status.PAID),
                **self._days(spec, "decided_on"),
            )
            .order_by("decided_on", "pk")
            .values_list("project_id", flat=True)
        )

    def _policy_paid(self, spec) -> list[int]:
        last = (
            Instalment.objects.filter(application=OuterRef("pk"))
            .order_by("-paid_on")
            .values("paid_on")[:1]
        )
        return list(
            self._applications()
            .filter(status=Application.Status.PAID)
            .annotate(last_paid=Subquery(last))
            .filter(**self._days(spec, "last_paid"))
            .order_by("last_paid", "pk")
            .values_list("project_id", flat=True)
        )

    def _not_started(self, spec) -> list[int]:
        deadline = self.end - dt.timedelta(days=spec["days"])
        in_district = Milestone.objects.filter(project__district_id__in=self.district_ids)
        # Signed in the window (all time unless the rule says), and by the deadline.
        signed = set(
            in_district.filter(kind=Milestone.Kind.SIGNED, **self._days(spec))
            .filter(date__lte=deadline)
            .values_list("project_id", flat=True)
        )
        started = set(
            in_district.filter(kind=Milestone.Kind.STARTED, date__lte=self.end).values_list(
                "project_id", flat=True
            )
        )
        waiting = self._admitted_at_end(sorted(signed - started))
        return [pid for pid in waiting if self.state[pid].stage_id not in self.terminal_stages]  # type: ignore[union-attr]


def _outermost(entries: list) -> list:
    """The entries not inside another (a quarter's figure, not also its months')."""
    return [
        e
        for e in entries
        if not any(
            o is not e
            and o.period_start <= e.period_start
            and e.period_end <= o.period_end
            and (o.period_start, o.period_end) != (e.period_start, e.period_end)
            for o in entries
        )
    ]


def credit_mode(spec: dict) -> str:
    """Return whom a metric credits: ``relay``, ``holder`` or ``info`` (``CREDITS``)."""
    metric = spec["metric"]
    if metric == "info_provided":
        return "info"
    return spec.get("credit", "holder" if metric in HOLDER_METRICS else "relay")


def _passes(spec: dict, state: State) -> bool:
    if "min_amount" in spec and state.amount < number(spec["min_amount"], "金额下限"):
        return False
    if "max_amount" in spec and state.amount >= number(spec["max_amount"], "金额上限"):
        return False
    industries = spec.get("industries")
    return not industries or state.industry in industries


def value(cases: list[Case], unit_id: int, measure: str) -> Decimal:
    """Return a unit's credited total of ``cases``: a count, or an amount in 万元 or 亿元."""
    total = Decimal(0)
    for case in cases:
        share = case.credit.get(unit_id)
        if not share:
            continue
        if measure == "count":
            total += share
        elif measure == "amount":
            total += share * case.amount
        else:
            total += share * case.amount / Decimal(10_000)
    return total
