"""One project's history written through the services, step by step, back-dated."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from baton.accounts.models import User
from baton.org.models import Unit
from baton.projects import services
from baton.projects.models import Stage

from .fields import ledger_fields
from .names import NOTES, RETURN_REASONS, SOURCES


def moment(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class Builder:
    """Writes one project's history through the services, step by step in time."""

    def __init__(self, rng, org, actors, stages):
        self.rng, self.org, self.actors, self.stages = rng, org, actors, stages
        self.offices = {
            u.district_id: actors[u.pk] for u in Unit.objects.filter(kind=Unit.Kind.OFFICE)
        }
        self.reviewer = User.objects.filter(role=User.Role.CITY_REVIEWER).first()

    def actor(self, project):
        return self.actors[project.unit_id]

    def create(self, *, unit, name, investor, industry, amount, stage, day, leader=None):
        investor = investor if stage.code != "planning" else ""
        # Drawn in this order since the demo began: its history depends on it.
        source = self.rng.choice(SOURCES)
        land = Decimal(self.rng.choice([0, 30, 50, 80, 120, 200, 350])) or None
        contact = self.rng.choice(["张先生", "李女士", "王经理", "陈总", "林主任"])
        phone = f"1{self.rng.choice('35789')}{self.rng.randrange(10**8, 10**9)}"
        fields = ledger_fields(
            name,
            Decimal(str(amount)),
            day,
            investor=bool(investor),
            land=land is not None,
            today=timezone.localdate(),
        )
        return services.project_create(
            actor=self.actors[unit.pk],
            district=unit.district,
            unit=unit,
            name=name,
            investor=investor,
            investment=amount,
            industry=industry,
            stage=stage,
            leader=leader,
            at=moment(day, 9),
            info_source=source,
            land_area_mu=land,
            contact_name=contact,
            contact_phone=phone,
            **fields,
        )

    def submit(self, project, day):
        services.project_submit(project=project, actor=self.actor(project), at=moment(day, 10))

    def approve(self, project, day):
        services.project_review(
            project=project,
            actor=self.offices[project.district_id],
            approve=True,
            not_duplicate=True,
            at=moment(day, 15),
        )

    def admit(self, project, day):
        services.project_review(
            project=project,
            actor=self.reviewer,
            approve=True,
            not_duplicate=True,
            at=moment(day, 16),
        )

    def give_back(self, project, day):
        services.project_review(
            project=project,
            actor=self.offices[project.district_id],
            approve=False,
            reason=self.rng.choice(RETURN_REASONS),
            at=moment(day, 15),
        )

    def move(self, project, stage, day, investor, reason=""):
        fields = {}
        if "investor" in stage.required_fields and not project.investor:
            fields["investor"] = investor
        if "signed_on" in stage.required_fields:
            fields["signed_on"] = day
        services.project_move(
            project=project,
            stage=stage,
            actor=self.actor(project),
            reason=reason,
            fields=fields,
            at=moment(day, 11),
        )

    def amount(self, project, amount, day):
        services.project_update(
            project=project,
            actor=self.actor(project),
            changes={"investment": amount},
            reason="投资方调整投资计划",
            at=moment(day, 14),
        )

    def handoff(self, project, to_unit, day, role):
        """A unit hands the project on; the receiving unit accepts it the same afternoon."""
        reason = {
            "talks": f"项目进入实质洽谈，移交{to_unit.name}牵头推进",
            "landing": f"项目签约落地，移交{to_unit.name}做好落地服务",
        }[role]
        services.project_handoff(
            project=project,
            to_unit=to_unit,
            actor=self.actor(project),
            reason=reason,
            relay_role=role,
            keep_as_co_unit=True,
            at=moment(day, 17),
        )
        services.handoff_accept(
            project=project, actor=self.actors[to_unit.pk], at=moment(day, 17, 40)
        )

    def note(self, project, day):
        services.note_add(
            project=project,
            actor=self.actor(project),
            text=self.rng.choice(NOTES),
            at=moment(day, 18),
        )

    def milestone(self, project, kind, day):
        services.milestone_record(
            project=project, kind=kind, date=day, actor=self.actor(project), at=moment(day, 19)
        )


def ladder_path(stages: dict, start: str, end: str) -> list[Stage]:
    order = ["planning", "intent", "negotiating", "landed"]
    return [stages[code] for code in order[order.index(start) + 1 : order.index(end) + 1]]


def run_steps(b: Builder, project, investor, steps, days, amount):
    for step, day in zip(steps, days, strict=True):
        name, *args = step if isinstance(step, tuple) else (step,)
        if name == "amount":
            b.amount(project, args[0] if args else amount, day)
        elif name == "move":
            b.move(project, args[0], day, investor, *args[1:])
        elif name == "handoff":
            b.handoff(project, args[0], day, args[1])
        elif name == "milestone":
            b.milestone(project, args[0], day)
        else:
            getattr(
                b,
                {
                    "approve": "approve",
                    "admit": "admit",
                    "submit": "submit",
                    "note": "note",
                    "return": "give_back",
                }[name],
            )(project, day)
