"""The generator's plans written through the services: the reference its bulk writer is
compared with (``test_generate.py``)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from baton.accounts.models import User
from baton.demo.generator import END, START, Plan, handoff_reason, wan
from baton.demo.generator.writer import ACCEPTED_AFTER
from baton.org.models import Person, Unit
from baton.projects import services
from baton.projects.models import Industry, Project, Stage


class ServiceWriter:
    """Write the same plans through the services: slow, the reference for the tests."""

    def __init__(self, stages: dict[str, int]):
        self.stages = {code: Stage.objects.get(pk=pk) for code, pk in stages.items()}
        self.units: dict[int, Unit] = {}
        self.users: dict[int, User] = {}
        self.projects: list[tuple[Plan, Project]] = []

    def _unit(self, pk):
        if pk not in self.units:
            self.units[pk] = Unit.objects.select_related("district").get(pk=pk)
        return self.units[pk]

    def _user(self, pk):
        if pk not in self.users:
            self.users[pk] = User.objects.get(pk=pk)
        return self.users[pk]

    def create(self, plan: Plan) -> None:
        unit = self._unit(plan.unit)
        project = services.project_create(
            actor=self._user(plan.district.unit_users[unit.pk]),
            district=unit.district,
            unit=unit,
            name=plan.name,
            investor=plan.investor,
            investment=Decimal(wan(plan.yuan)),
            industry=Industry.objects.get(pk=plan.industry),
            leader=Person.objects.get(pk=plan.leader) if plan.leader else None,
            stage=self.stages[plan.stage],
            at=START + dt.timedelta(minutes=plan.created),
            info_source=plan.info_source,
            land_area_mu=None if plan.land_area_mu is None else Decimal(plan.land_area_mu),
            contact_name=plan.contact_name,
            contact_phone=plan.contact_phone,
            **plan.ledger,
        )
        self.projects.append((plan, project))

    def run_steps(self) -> None:
        for plan, project in self.projects:
            info = plan.district
            for step in plan.steps:
                at = START + dt.timedelta(minutes=step.minute)
                who = self._user(info.unit_users[project.unit_id])
                if step.kind == "submit":
                    services.project_submit(project=project, actor=who, at=at)
                elif step.kind in ("approve", "admit"):
                    reviewer = (
                        info.reviewer_user
                        if project.review_state == "district_approved"
                        else info.office_user
                    )
                    services.project_review(
                        project=project, actor=self._user(reviewer), approve=True, at=at
                    )
                elif step.kind == "return":
                    services.project_review(
                        project=project,
                        actor=self._user(info.office_user),
                        approve=False,
                        reason=step.reason,
                        at=at,
                    )
                elif step.kind == "amount":
                    services.project_update(
                        project=project,
                        actor=who,
                        changes={"investment": Decimal(wan(step.arg))},
                        reason=step.reason,
                        at=at,
                    )
                elif step.kind == "move":
                    fields = {}
                    if step.arg in ("negotiating", "landed") and not project.investor:
                        fields["investor"] = plan.full_investor
                    if step.arg == "landed":
                        fields["signed_on"] = timezone.localtime(at).date()
                    services.project_move(
                        project=project,
                        stage=self.stages[step.arg],
                        actor=who,
                        reason=step.reason,
                        fields=fields,
                        at=at,
                    )
                elif step.kind == "handoff":
                    to_unit, role = step.arg
                    reason = handoff_reason(info, to_unit, role)
                    services.project_handoff(
                        project=project, to_unit=self._unit(to_unit), actor=who, reason=reason,
                        relay_role=role, keep_as_co_unit=True, at=at,
                    )  # fmt: skip
                    services.handoff_accept(
                        project=project,
                        actor=self._user(info.unit_users[to_unit]),
                        at=min(at + dt.timedelta(minutes=ACCEPTED_AFTER), END),
                    )
                elif step.kind == "milestone":
                    services.milestone_record(
                        project=project,
                        kind=step.arg,
                        date=timezone.localtime(at).date(),
                        actor=who,
                        at=at,
                    )
                elif step.kind == "note":
                    services.note_add(project=project, actor=who, text=step.arg, at=at)
