"""The demo's promises (履约) and results (效益) of 翔安: the contract terms of some signed
projects, the last two years' figures of the projects in production (from the statistics
bureau), and one project whose output stays below its promise — broken, with its problem
raised for the holding unit and its policy payments held. All through the services.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from baton.accounts.models import User
from baton.org.models import District
from baton.outcomes import services
from baton.outcomes.models import Promise
from baton.projects.models import Milestone, Project

from .builder import moment

#: How many projects get promises, and how many of those in production report figures.
PROMISED = 6


def _wan(value: Decimal) -> str:
    return str(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def load_outcomes(district: District, today: dt.date) -> int:
    """Record the promises and results; returns how many promises (0 when already there)."""
    if Promise.objects.filter(district=district).exists():
        return 0
    office = User.objects.filter(role=User.Role.DISTRICT_OFFICE, district=district).first()
    if office is None:
        return 0
    signed = Project.objects.filter(
        district=district, stage__allows_milestones=True, milestones__kind=Milestone.Kind.SIGNED
    ).order_by("-investment", "pk")
    producing = [p for p in signed if p.milestones.filter(kind=Milestone.Kind.IN_PRODUCTION)]
    building = [p for p in signed if p not in producing][: PROMISED // 2]
    last = today.year - 1
    made = 0
    evening = moment(today - dt.timedelta(days=1), 20)

    def when(project: Project) -> dt.datetime:
        """Yesterday evening on the demo's clock, after the project's last event."""
        return max(evening, project.updated_at + dt.timedelta(minutes=1))

    for index, project in enumerate(producing[: PROMISED - len(building)]):
        investment = Decimal(project.investment)
        output = investment * Decimal("1.2")
        tax = investment * Decimal("0.06")
        # The first one delivers 55% of its promised output: broken at its check date.
        share = Decimal("0.55") if index == 0 else Decimal("1.08") + Decimal(index) / 50
        tax_share = Decimal("1.02") if index == 0 else share
        for year, ramp in ((last - 1, Decimal("0.7")), (last, Decimal(1))):
            values = {
                "year": year,
                "quarter": 0,
                "investment": _wan(investment * Decimal("0.4") * ramp),
                "output": _wan(output * share * ramp),
                "tax": _wan(tax * tax_share * ramp),
                "jobs": str(int(investment / 200 * ramp) + 20),
                "source": "statistics",
                "note": "区统计局年报",
            }
            services.result_record(actor=office, project=project, values=values, at=when(project))
        terms = [
            ("output", _wan(output), dt.date(last, 12, 31)),
            ("tax", _wan(tax), dt.date(last, 12, 31)),
            ("fixed_investment", _wan(investment * Decimal("0.6")), dt.date(today.year + 1, 6, 30)),
        ]
        for kind, target, due in terms:
            services.promise_create(
                actor=office,
                project=project,
                values={"kind": kind, "target": target, "due_on": due, "clause": "投资协议第六条"},
                at=when(project),
            )
            made += 1
    for project in building:
        investment = Decimal(project.investment)
        terms = [
            (
                "fixed_investment",
                _wan(investment * Decimal("0.7")),
                dt.date(today.year + 2, 12, 31),
            ),
            ("production", None, dt.date(today.year + 1, 12, 31)),
        ]
        for kind, target, due in terms:
            services.promise_create(
                actor=office,
                project=project,
                values={"kind": kind, "target": target, "due_on": due, "clause": "投资协议第四条"},
                at=when(project),
            )
            made += 1
    return made
