"""Planning each row as *create*, *update* or *unchanged*: the checks a row must pass
before anything is written, and the steps (the services' calls) it will take."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from baton.accounts.models import User
from baton.accounts.privacy import FULL, contact_access, imported_phone_unchanged, is_masked
from baton.projects import permissions, rules, services
from baton.projects.models import (
    Milestone,
    Project,
    ReviewState,
    Stage,
)
from baton.projects.selectors import pending_handoff, project_list

from ..columns import (
    BY_KEY,
    MILESTONE_KEYS,
    TEXT_FIELDS,
)
from .result import (
    _MASKED_PHONE,
    _MILESTONE_KIND,
    _PLAN_CHUNK,
    CHANGES_KEPT,
    PLANNING,
    _original,
    _Row,
    _Step,
)


def _text(value) -> str:
    """Return a value as the preview shows it (a name, an amount in 万元, a date)."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


class _Plan:
    """Planning (a part of ``_Importer``)."""

    # --- plan ------------------------------------------------------------------------------

    def plan(self, rows: list[_Row]) -> list[tuple[_Row, list[_Step]]]:
        """Plan every row, a chunk at a time: the projects that exist are read for each
        chunk, and an unchanged row keeps only its code."""
        plans = []
        for start in range(0, len(rows), _PLAN_CHUNK):
            self.progress(start, len(rows), PLANNING)
            plans += self._plan_chunk(rows[start : start + _PLAN_CHUNK])
        self.progress(len(rows), len(rows), PLANNING)
        return plans

    def _plan_chunk(self, rows: list[_Row]) -> list[tuple[_Row, list[_Step]]]:
        # A row is the project of its 项目编号 in the importer's scope, or else the one an
        # import created from its office code (原编号, or 项目编号) in the row's district;
        # any other code is a new project's 原编号. Only the scope is read: a code outside
        # it reads exactly as an unknown one (no existence oracle).
        scope = Project.objects.all() if self.actor is None else project_list(user=self.actor)
        scope = scope.select_related("district", "unit", "stage", "industry", "leader")
        codes = [r.values["code"] for r in rows if r.values.get("code")]
        existing: dict[str, Project] = {}
        for start in range(0, len(codes), 500):
            for project in scope.filter(code__in=codes[start : start + 500]):
                existing[project.code] = project
        originals = sorted(
            {_original(r) for r in rows if _original(r) and r.values.get("code") not in existing}
        )
        by_original: dict[tuple[int, str], list[Project]] = defaultdict(list)
        for start in range(0, len(originals), 500):
            for project in scope.filter(original_code__in=originals[start : start + 500]):
                by_original[project.district_id, project.original_code].append(project)
        # A row without any code is the project of the same name in its district.
        names = sorted(
            {r.values["name"] for r in rows if not _original(r) and r.values.get("name")}
        )
        by_name: dict[tuple[int, str], list[Project]] = defaultdict(list)
        for start in range(0, len(names), 500):
            for project in scope.filter(name__in=names[start : start + 500]):
                by_name[project.district_id, project.name].append(project)
        milestones: dict[int, dict[str, dt.date]] = defaultdict(dict)
        ids = [p.pk for p in existing.values()]
        ids += [p.pk for found in by_original.values() for p in found]
        ids += [p.pk for found in by_name.values() for p in found]
        for start in range(0, len(ids), 500):
            for project_id, kind, date in Milestone.objects.filter(
                project_id__in=ids[start : start + 500]
            ).values_list("project_id", "kind", "date"):
                milestones[project_id][kind] = date
        self._milestone_dates = {
            (pid, kind): day for pid, kinds in milestones.items() for kind, day in kinds.items()
        }
        plans = []
        sheet = self.result.book.main.name
        for row in rows:
            project = existing.get(row.values.get("code"))
            if project is None and row.district is not None and _original(row):
                found = by_original.get((row.district.pk, _original(row)), [])
                if len(found) > 1:
                    key = "original_code" if row.values.get("original_code") else "code"
                    self.row_error(
                        sheet,
                        row,
                        key,
                        f"{row.district.name}有 {len(found)} 个项目的原编号都是“{_original(row)}”，"
                        "请填写系统项目编号。",
                    )
                    continue
                project = found[0] if found else None
            elif project is None and row.district is not None and not _original(row):
                found = by_name.get((row.district.pk, row.values.get("name")), [])
                if len(found) > 1:
                    self.row_error(
                        sheet,
                        row,
                        "name",
                        f"{row.district.name}有 {len(found)} 个项目都叫“{row.values['name']}”，"
                        "请填写项目编号。",
                    )
                    continue
                project = found[0] if found else None
            if row.district is None or ("unit" in self.positions and row.unit is None):
                continue
            if project is None and not self._may_create(row):
                self.row_error(sheet, row, "unit", "您无权在这个区或单位下新建项目。")
                continue
            row.project = project
            n_errors = len(self.result.errors)
            steps = (
                self._plan_create(sheet, row)
                if project is None
                else self._plan_update(sheet, row, project, milestones[project.pk])
            )
            if len(self.result.errors) == n_errors and self._may_change(sheet, row, steps):
                if steps and project is not None and len(self.result.changes) < CHANGES_KEPT:
                    self.result.changes[row.number] = self._changes(row, project, steps)
                if not steps:  # unchanged: only its code is needed from here on
                    row.project, row.values = None, {"code": project.code}
                plans.append((row, steps))
        return plans

    def _changes(self, row: _Row, project: Project, steps: list[_Step]) -> list:
        """Return what a row's steps change on an existing project, as the preview shows
        it: (column, old, new)."""
        changes = []

        written = list(self.headers.values())

        def header(key):
            # The header as written, unless two columns are read from it (德清's 固定资产投资)
            name = self.headers.get(key)
            return name if name and written.count(name) == 1 else BY_KEY[key].header

        for step in steps:
            args = step.args
            if step.kind == "move":
                changes.append((header("stage"), project.stage.name, args["stage"].name))
            elif step.kind == "update":
                for key, new in args["changes"].items():
                    old = getattr(project, key)
                    labels = dict(Project._meta.get_field(key).flatchoices)
                    if labels:  # a choice: its label (a related object: its name)
                        old, new = labels.get(old, old), labels.get(new, new)
                    changes.append((header(key), _text(old), _text(new)))
            elif step.kind == "milestone":
                label = Milestone.Kind(args["kind"]).label
                old = self._milestone_dates.get((project.pk, args["kind"]))
                changes.append((f"{label}日期", _text(old), _text(args["date"])))
            elif step.kind == "handoff":
                changes.append((header("unit"), project.unit.name, args["unit"].name))
        if any(s.kind in ("submit", "approve", "return") for s in steps):
            new = ReviewState(row.values["review_state"]).label
            changes.append((header("review_state"), project.get_review_state_display(), new))
        return changes

    def _may_change(self, sheet: str, row: _Row, steps: list[_Step]) -> bool:
        """A user changes only what they may change by hand (the web upload): the holder
        or the district office edits a project, and no unit reviews its own projects."""
        user = self.actor
        if user is None or not steps:
            return True
        project = row.project
        if project is not None and not permissions.can_move(user, project):
            self.row_error(
                sheet,
                row,
                "code",
                f"只有责任单位（{project.unit.name}）或区招商办可以通过台账修改该项目。",
            )
            return False
        if user.role == User.Role.UNIT_STAFF and any(
            s.kind in ("approve", "return") for s in steps
        ):
            self.row_error(
                sheet,
                row,
                "review_state",
                "审核由区招商办和市招商办办理；单位导入的入库状态只能是草稿或已上报。",
            )
            return False
        return True

    def _may_create(self, row: _Row) -> bool:
        user = self.actor
        if user is None:
            return True
        if row.unit is None and user.role == User.Role.DISTRICT_OFFICE:
            # No 责任单位 column: the district's office unit (a blank cell resolved to it).
            return user.district_id == row.district.pk
        return row.unit is not None and permissions.can_import_create(user, row.unit)

    def _review_path(self, sheet, row, district, current: str, target: str) -> list[str] | None:
        two = district.review_levels == 2
        if target == ReviewState.DISTRICT_APPROVED and not two:
            self.row_error(
                sheet, row, "review_state", f"{district.name}为一级审核，没有“区已审核”状态。"
            )
            return None
        after_submit = {
            ReviewState.SUBMITTED: [],
            ReviewState.DISTRICT_APPROVED: ["approve"],
            ReviewState.ADMITTED: ["approve", "approve"] if two else ["approve"],
            ReviewState.RETURNED: ["return"],
        }
        if current in (ReviewState.DRAFT, ReviewState.RETURNED):
            if target == ReviewState.DRAFT:
                return None if current == ReviewState.RETURNED and self._refuse(sheet, row) else []
            return ["submit", *after_submit[target]]
        if current == ReviewState.SUBMITTED and target != ReviewState.DRAFT:
            return after_submit[target]
        if current == ReviewState.DISTRICT_APPROVED and target in (
            ReviewState.ADMITTED,
            ReviewState.RETURNED,
        ):
            return ["approve"] if target == ReviewState.ADMITTED else ["return"]
        self.row_error(
            sheet,
            row,
            "review_state",
            f"项目当前为“{ReviewState(current).label}”，不能改为“{ReviewState(target).label}”。",
        )
        return None

    def _refuse(self, sheet, row) -> bool:
        self.row_error(sheet, row, "review_state", "已退回的项目不能改回草稿，请重新上报。")
        return True

    def _plan_create(self, sheet: str, row: _Row) -> list[_Step]:
        v = row.values
        try:
            rules.check_entry_stage(self.entry_stage)
        except ValidationError as exc:
            self.row_error(sheet, row, "stage", exc.messages[0])
            return []
        history = sorted(row.history, key=lambda h: (h[0], h[3]))
        timeline: list[tuple[Stage, dt.date | None, str]] = []
        for day, stage, reason, _number in history:
            if not timeline or timeline[-1][0] != stage:
                timeline.append((stage, day, reason))
        final = v.get("stage") or (timeline[-1][0] if timeline else self.entry_stage)
        stage_date = v.get("stage_date")
        if not timeline:
            timeline = [(final, stage_date, "")]
        elif timeline[-1][0] != final:
            if stage_date is None:
                self.row_error(
                    sheet,
                    row,
                    "stage",
                    f"阶段记录的最后阶段是“{timeline[-1][0].name}”，与项目阶段不一致，请填写阶段日期。",
                )
                return []
            if stage_date < timeline[-1][1]:
                self.row_error(sheet, row, "stage_date", "阶段日期早于阶段记录中的最后日期。")
                return []
            timeline.append((final, stage_date, ""))
        elif stage_date is not None and stage_date != timeline[-1][1]:
            self.row_error(
                sheet,
                row,
                "stage_date",
                f"阶段日期与阶段记录不一致（阶段记录为 {timeline[-1][1]}）。",
            )
            return []
        admitted_on = v.get("admitted_on")
        dates = [d for d in (timeline[0][1], admitted_on) if d is not None]
        created_on = min(dates) if dates else None
        first_stage, first_date, _ = timeline[0]
        moves = timeline[1:]
        if first_stage.is_terminal or (
            first_date is not None and created_on < first_date and first_stage != self.entry_stage
        ):
            # Before its first known stage a project was at the entry rung (策划).
            moves = timeline
            first_stage = self.entry_stage
        kept = (*TEXT_FIELDS, *rules.LEDGER_FIELDS, "industry", "leader", "land_area_mu")
        fields = {k: v[k] for k in kept if k in v}
        fields.pop("name", None)
        if is_masked(fields.get("contact_phone")):  # privacy: a masked number is no number
            self.row_error(sheet, row, "contact_phone", _MASKED_PHONE)
            return []
        steps = [
            _Step(
                "create",
                "code",
                args={
                    "stage": first_stage,
                    "original_code": _original(row),
                    "day": created_on,
                    "fields": fields,
                    "signed_on": v.get("signed"),
                },
            )
        ]
        keyed = []
        for seq, (stage, day, reason) in enumerate(moves):
            keyed.append(
                (
                    (day or dt.date.max, 2, seq),
                    _Step("move", "stage", None, {"stage": stage, "day": day, "reason": reason}),
                )
            )
        target = v.get("review_state") or ReviewState.DRAFT
        path = self._review_path(sheet, row, row.district, ReviewState.DRAFT, target)
        if path is None:
            return []
        review_day = admitted_on or created_on
        for seq, step in enumerate(path):
            keyed.append(
                (
                    (review_day or dt.date.max, 1, seq),
                    _Step(step, "review_state", None, {"day": review_day}),
                )
            )
        steps += [step for _key, step in sorted(keyed, key=lambda k: k[0])]
        return self._attach_milestones(sheet, row, steps, first_stage)

    def _attach_milestones(self, sheet, row, steps: list[_Step], stage: Stage) -> list[_Step]:
        """Record a new project's milestone dates right after it enters a stage that
        allows them (落地), at that step's time; 签约 goes with the creation."""
        wanted = [(k, row.values[k]) for k in MILESTONE_KEYS[1:] if row.values.get(k)]
        if not wanted:
            return steps
        anchor = 0 if stage.allows_milestones else None
        if anchor is None:
            anchor = next(
                (
                    i
                    for i, s in enumerate(steps)
                    if s.kind == "move" and s.args["stage"].allows_milestones
                ),
                None,
            )
        if anchor is None:
            self._no_milestones(sheet, row, [k for k, _day in wanted])
            return steps
        day = steps[anchor].args.get("day")
        records = [
            _Step("milestone", key, None, {"kind": _MILESTONE_KIND[key], "date": date, "day": day})
            for key, date in wanted
        ]
        return steps[: anchor + 1] + records + steps[anchor + 1 :]

    def _no_milestones(self, sheet, row, keys) -> None:
        for key in keys:
            label = Milestone.Kind(_MILESTONE_KIND[key]).label
            self.row_error(
                sheet, row, key, f"项目落地后才能记录{label}日期（项目未到达落地阶段）。"
            )

    def _plan_update(self, sheet, row: _Row, project: Project, milestones: dict) -> list[_Step]:
        v = row.values
        if row.district.pk != project.district_id:
            self.row_error(
                sheet, row, "district", f"项目已属于{project.district.name}，台账不能改变所属区。"
            )
            return []
        last_day = timezone.localdate(project.updated_at)
        steps: list[_Step] = []

        def dated(key, day):
            if day is not None and day < last_day:
                self.row_error(
                    sheet,
                    row,
                    key,
                    f"{BY_KEY[key].header}早于该项目最近一次动态（{last_day}），项目历史只能向后追加；"
                    "请填写不早于该日的日期，或留空按导入时间记录。",
                )
                return False
            return True

        stage = v.get("stage")
        if stage is not None and stage.pk != project.stage_id:
            day = v.get("stage_date")
            if not dated("stage_date", day):
                return []
            fields = {
                k: v[k] for k in stage.required_fields if k in v and k in services.EDITABLE_FIELDS
            }
            if "signed_on" in stage.required_fields and v.get("signed"):
                fields["signed_on"] = v["signed"]
                milestones = {**milestones, Milestone.Kind.SIGNED: v["signed"]}
            move = {"stage": stage, "day": day, "reason": "", "fields": fields}
            steps.append(_Step("move", "stage", None, move))
        target = v.get("review_state")
        if target and target != project.review_state:
            path = self._review_path(sheet, row, row.district, project.review_state, target)
            if path is None:
                return []
            day = v.get("admitted_on")
            if not dated("admitted_on", day):
                return []
            steps += [_Step(s, "review_state", None, {"day": day}) for s in path]
        steps.sort(key=lambda s: s.args.get("day") or dt.date.max)
        changes = {}
        compared = (*TEXT_FIELDS, *rules.LEDGER_FIELDS, "investment", "industry", "leader")
        for key in (*compared, "land_area_mu"):
            if key not in v:
                continue
            current = getattr(project, key if key not in ("industry", "leader") else f"{key}_id")
            new = v[key]
            new_cmp = new.pk if key in ("industry", "leader") and new is not None else new
            if key == "contact_phone":  # compared as the importer sees it (privacy)
                masked_view = self.actor is not None and contact_access(self.actor, project) != FULL
                if imported_phone_unchanged(new, current, masked_view=masked_view):
                    continue
                if is_masked(new):  # an export's masked number that is not this one's
                    self.row_error(sheet, row, key, _MASKED_PHONE)
                    return []
            if current != new_cmp or (new_cmp is None and new is not None):
                changes[key] = new  # (a value this import adds has no id yet)
        if changes:
            final_state = target or project.review_state
            if final_state in (ReviewState.SUBMITTED, ReviewState.DISTRICT_APPROVED):
                self.row_error(
                    sheet,
                    row,
                    next(iter(changes)),
                    rules.under_review_refusal(
                        ReviewState(final_state).label, "请审核或退回后再导入修改。"
                    ),
                )
                return []
            steps.append(_Step("update", next(iter(changes)), None, {"changes": changes}))
        final_stage = stage or project.stage
        changed = [
            k for k in MILESTONE_KEYS if v.get(k) and milestones.get(_MILESTONE_KIND[k]) != v[k]
        ]
        blocked = [k for k in changed if k != "signed" and not final_stage.allows_milestones]
        if blocked:
            self._no_milestones(sheet, row, blocked)
            return []
        steps += [
            _Step("milestone", k, None, {"kind": _MILESTONE_KIND[k], "date": v[k]}) for k in changed
        ]
        if row.unit is not None and row.unit.pk != project.unit_id:
            # Last: the holder edits and records, then hands on (after it, it holds no more).
            # A unit's handoff waits for the receiving unit: the row importing it again
            # while it waits asks for nothing new.
            waiting = pending_handoff(project)
            if waiting is None or waiting.to_unit_id != row.unit.pk:
                steps.append(_Step("handoff", "unit", None, {"unit": row.unit}))
        return steps
