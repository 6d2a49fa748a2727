"""Writing the plan in one transaction, through the bulk writer or row by row through
the project services, with each step's permission checked against the project as the
row's earlier steps left it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from baton.accounts.models import User
from baton.audit.models import AuditRecord
from baton.audit.services import audit_batch, audit_write
from baton.org.models import Person, Unit
from baton.projects import permissions, rules, services
from baton.projects.bulk import BulkWriter, analyze
from baton.projects.models import (
    Industry,
    Project,
    ProjectEvent,
    ReviewState,
)

from ..models import LedgerAlias
from ..reading import LedgerError
from .result import (
    _REASON,
    ANALYZE_AFTER,
    PROGRESS_EVERY,
    WRITING,
    _Row,
    _Step,
)


class _Rollback(Exception):
    pass


_HOLDER_OR_OFFICE = {
    "move": (permissions.can_move, "变更该项目的阶段"),
    "handoff": (permissions.can_hand_off, "交接该项目"),
    "milestone": (permissions.can_record_milestone, "记录该项目的里程碑"),
}


def _refusal(kind: str, user: User, project: Project) -> str | None:
    """Return why ``user`` may not take a row's step on ``project`` as the row's earlier
    steps left it, by the rules the pages and the API apply (``permissions``), or None."""
    if kind == "submit" and not permissions.can_submit(user, project):
        return f"只有责任单位（{project.unit.name}）可以上报该项目，台账导入不能代为上报。"
    if kind in ("approve", "return") and not permissions.can_review(user, project):
        district = project.district
        verb = "改为“已入库”" if kind == "approve" else "退回"
        if project.review_state == ReviewState.DISTRICT_APPROVED:
            return (
                f"{district.name}为二级审核：区招商办初审通过后，须由市招商办审核入库或退回；"
                f"您不能通过台账导入把“区已审核”的项目{verb}。"
            )
        level = "初审" if district.review_levels == 2 else "审核入库"
        return f"已上报的项目须由{district.name}招商办{level}；您不能通过台账导入审核该项目。"
    if kind in _HOLDER_OR_OFFICE:
        may, what = _HOLDER_OR_OFFICE[kind]
        if not may(user, project):
            return rules.holder_only(project, what)
    # The holder of a project under review passes: the writer says why it must wait.
    if (
        kind == "update"
        and not permissions.can_edit(user, project)
        and (project.is_editable or not permissions.can_move(user, project))
    ):
        return rules.holder_only(project)
    return None


class _Write:
    """Writing (a part of ``_Importer``)."""

    def write(self, plans, *, dry_run: bool, through_services: bool = False) -> None:
        result = self.result
        bulk = None if through_services else BulkWriter(dry_run=dry_run)
        try:
            # One audit record for the import (written by the caller), none per project.
            with audit_batch(), transaction.atomic():
                self._save_catalogue()  # before the bulk writer takes the connection
                if bulk is None:
                    before = ProjectEvent.objects.aggregate(m=Max("id"))["m"] or 0
                else:
                    changed = [row for row, steps in plans if steps]
                    bulk.prepare(
                        projects=[row.project for row in changed if row.project is not None],
                        new=sum(row.project is None for row in changed),
                        cities={row.district.city_id for row in changed},
                        rows=len(changed),
                        steps=sum(len(steps) for _row, steps in plans),
                    )
                    del changed
                try:
                    self._write_rows(plans, bulk)
                finally:
                    if bulk is not None:
                        bulk.stop()  # its thread is done before the transaction ends
                if bulk is None:
                    result.events = ProjectEvent.objects.filter(id__gt=before).count()
                else:
                    result.events = bulk.events
                if result.errors or dry_run:
                    raise _Rollback
                if self.on_written is not None:
                    self.on_written(result)
        except _Rollback:
            return
        finally:
            if bulk is not None:
                bulk.close()
        if len(result.created) + len(result.updated) >= ANALYZE_AFTER:
            analyze()

    def _save_catalogue(self) -> None:
        """Add the catalogue values this import adds and remember the aliases it mapped,
        each audited as a configuration change, in the import's transaction."""
        for value in self._added.values():
            if isinstance(value, Industry):
                value.order = (Industry.objects.aggregate(m=Max("order"))["m"] or 0) + 1
                value.save()
                what, after = "行业", {"name": value.name, "order": value.order}
            elif isinstance(value, Unit):
                units = Unit.objects.filter(district=value.district)
                value.order = (units.aggregate(m=Max("order"))["m"] or 0) + 1
                self._clean_added(value)
                value.save()
                what = f"{value.district.name}{value.get_kind_display()}"
                after = {"name": value.name, "kind": value.kind, "order": value.order}
            else:  # a leader of the district, after the leaders the office ranked
                leaders = Person.objects.filter(district=value.district).exclude(
                    level=Person.Level.STAFF
                )
                value.rank = (leaders.aggregate(m=Max("rank"))["m"] or 0) + 1
                self._clean_added(value)
                value.save()
                what = f"{value.district.name}挂钩领导"
                after = {"name": value.name, "level": value.level, "rank": value.rank}
            audit_write(
                user=self.actor,
                event=AuditRecord.Event.CONFIG_CHANGED,
                obj=value,
                object_label=value.name,
                detail=f"台账导入新增{what}：{value.name}",
                after=after,
            )
        districts = {d.pk: d for d in self.districts}
        for (district_id, key, value), target in self.result.aliases.items():
            alias, created = LedgerAlias.objects.update_or_create(
                district_id=district_id,
                column=key,
                value=value,
                defaults={"target": target, "created_by": self.actor},
            )
            column = alias.get_column_display()
            audit_write(
                user=self.actor,
                event=AuditRecord.Event.CONFIG_CHANGED,
                obj=alias,
                object_label=f"{districts[district_id].name} {column}“{value}”",
                detail=f"台账导入记住对应关系：{column}“{value}”→“{target}”",
                after={"column": key, "value": value, "target": target, "new": created},
            )

    def _clean_added(self, value) -> None:
        """Check a unit or leader the import adds as the configuration site would (a unit
        of the same name added meanwhile, say): a refusal is the import's error, and
        nothing is written."""
        try:
            value.full_clean()
        except ValidationError:
            reason = (
                f"无法加入目录：{value.district.name}已有“{value.name}”，请您重新校验台账后再导入。"
            )
            self.result.errors.append(LedgerError("", 0, "", value.name, reason))
            raise _Rollback from None

    def _write_rows(self, plans, bulk) -> None:
        result = self.result
        now = timezone.now()
        total = len(plans)
        for index, (row, steps) in enumerate(plans):
            if index % PROGRESS_EVERY == 0:
                self.progress(index, total, WRITING)
            if bulk is not None:
                plans[index] = None  # written once, then let go
            if not steps:
                result.unchanged.append(row.values["code"])
                result.actions[row.number] = "unchanged"
                continue
            is_new = row.project is None
            ok = self._run(row, steps, now, bulk or services)
            if ok:
                (result.created if is_new else result.updated).append(row.project.code)
                result.actions[row.number] = "create" if is_new else "update"
            if bulk is not None:
                bulk.end_row(ok)
                row.project = None  # the writer has it; let it go
        if bulk is not None:
            bulk.finish()
        self.progress(total, total, WRITING)

    def _run(self, row: _Row, steps: list[_Step], now: dt.datetime, writer) -> bool:
        """Take a row's steps through ``writer``: the project services, or a BulkWriter
        that offers the same calls."""
        sheet = self.result.book.main.name
        project = row.project
        last = project.updated_at if project else None
        actor = self.actor
        v = row.values
        for step in steps:
            at = self._at(step.args.get("day"), last, now)
            if project is not None and actor is not None:
                current = project if writer is services else writer.held(project)
                refusal = _refusal(step.kind, actor, current)
                if refusal:
                    self.row_error(sheet, row, step.column, refusal)
                    return False
            try:
                if step.kind == "create":
                    project = writer.project_create(
                        actor=actor,
                        district=row.district,
                        unit=row.unit or self._unit(sheet, row, row.district, ""),
                        name=v["name"],
                        investment=v["investment"],
                        stage=step.args["stage"],
                        original_code=step.args["original_code"],
                        signed_on=step.args["signed_on"],
                        at=at,
                        **step.args["fields"],
                    )
                elif step.kind == "move":
                    writer.project_move(
                        project=project,
                        stage=step.args["stage"],
                        actor=actor,
                        reason=step.args["reason"] or _REASON,
                        fields=step.args.get("fields"),
                        at=at,
                    )
                elif step.kind == "submit":
                    writer.project_submit(project=project, actor=actor, at=at)
                elif step.kind in ("approve", "return"):
                    writer.project_review(
                        project=project,
                        actor=actor,
                        approve=step.kind == "approve",
                        reason="" if step.kind == "approve" else f"{_REASON}：台账记为已退回",
                        not_duplicate=True,
                        at=at,
                    )
                elif step.kind == "handoff":
                    writer.project_handoff(
                        project=project,
                        to_unit=step.args["unit"],
                        actor=actor,
                        reason=f"{_REASON}：责任单位调整为{step.args['unit'].name}",
                        at=at,
                    )
                elif step.kind == "update":
                    writer.project_update(
                        project=project,
                        actor=actor,
                        changes=step.args["changes"],
                        reason=_REASON,
                        at=at,
                    )
                elif step.kind == "milestone":
                    writer.milestone_record(
                        project=project,
                        kind=step.args["kind"],
                        date=step.args["date"],
                        actor=actor,
                        at=at,
                    )
            except ValidationError as exc:
                self.row_error(sheet, row, step.column, "；".join(exc.messages))
                return False
            last = at
            row.project = row.project or project
        return True

    def _at(self, day: dt.date | None, last: dt.datetime | None, now: dt.datetime) -> dt.datetime:
        """Return when a step happened: the start of its day, after the previous step."""
        if day is None:
            at = now
        else:
            at = self._midnights.get(day)
            if at is None:
                at = self._midnights[day] = timezone.make_aware(
                    dt.datetime.combine(day, dt.time.min)
                )
        if last is not None and at <= last:
            at = last + dt.timedelta(seconds=1)
        return at
