"""项目库: the list, the project page, create and edit, and the actions on a project.

Every page reads through the scoped selectors (outside a user's scope: 404) and asks
``permissions`` before offering or doing an action (refused: 403 with a Chinese reason).
Actions are small dialogs: htmx loads the form into ``#dialog``; without JavaScript the
same template renders as a page of its own, and every action still works.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, register_converter, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from baton.accounts import privacy
from baton.org.models import District, Person, Unit
from baton.reports.templatetags.baton import wan

from .. import page_cache, permissions, services
from ..duplicates import ELSEWHERE, candidates_shown, duplicate_candidates, outside_district
from ..forms import (
    HandoffForm,
    MilestoneForm,
    MoveForm,
    NoteForm,
    ProjectCreateForm,
    ProjectEditForm,
    ProjectFilterForm,
    SubmitForm,
    label,
    project_initial,
)
from ..listing import drill_caption, project_page
from ..models import (
    Industry,
    LeaderAct,
    Milestone,
    Problem,
    Project,
    ProjectEvent,
    ReviewState,
    Stage,
)
from ..selectors import project_events, project_get, project_list
from .contact import contact_phone_cell
from .problems import problem_section

Kind = ProjectEvent.Kind
PAGE_SIZE = 25


class ProjectCodeConverter:
    """A project code such as 350213-2019-0042.

    A code holds a digit, so that sibling pages such as /projects/review/ are never
    taken for a project.
    """

    regex = r"[A-Za-z0-9_\-]*[0-9][A-Za-z0-9_\-]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ProjectCodeConverter, "project_code")


# --- the list ---------------------------------------------------------------------------


def _results_only(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_GET
@login_required
@vary_on_headers("HX-Request")
def project_list_view(request):
    """The 项目库: the whole page, or only its results for htmx; kept by ``page_cache``."""
    user = request.user
    if user.is_admin_role:
        return _denied(request, "按照“三员分立”的要求，管理员不查看招商项目等业务数据。")
    results_only = _results_only(request)
    cache_key = page_cache.key(request, "results" if results_only else "page")
    html, status = page_cache.get(cache_key), 200
    if html is None:
        template = (
            "projects/_project_results.html" if results_only else "projects/_project_library.html"
        )
        context, status = _library(request)
        html = render_to_string(template, context, request)
        if status == 200:
            page_cache.put(cache_key, html)
    if results_only:
        return HttpResponse(html, status=status)
    context = {"library": html, "page_title": "项目库"}
    return render(request, "projects/project_list.html", context, status=status)


def _library(request) -> tuple[dict, int]:
    """Return the list's context, and 200 or 400 (a filter with an error)."""
    user = request.user
    form = ProjectFilterForm(request.GET, user=user)
    context = {
        "form": form,
        "can_create": permissions.can_create(user),
        "show_district": "district" in form.fields,
    }
    if not form.is_valid():
        return context, 400
    data = form.cleaned_data
    try:
        context["page"] = project_page(
            user=user,
            filters=form.filters(),
            sort=data["sort"],
            cursor=data["cursor"] or None,
            size=PAGE_SIZE,
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return context, 400
    context["filtered"] = bool(form.filters())
    context["drill"] = drill_caption(context["page"].filters)
    return context, 200


# --- the project page -------------------------------------------------------------------


@require_GET
@login_required
def project_detail(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    context = {
        "project": project,
        "page_title": project.name,
        "sections": _field_sections(project, request),
        "relay": [
            (label(f), getattr(project, f)) for f in ("info_unit", "talks_unit", "landing_unit")
        ],
        "co_units": list(project.co_units.all()),
        "milestones": _milestones(project),
        "timeline": _timeline(project, user),
        "problem_section": problem_section(user=user, project=project),
        "can": _abilities(user, project),
    }
    return render(request, "projects/project_detail.html", context)


def _abilities(user, project: Project) -> dict:
    terminal = project.stage.is_terminal
    return {
        "edit": permissions.can_edit(user, project),
        "submit": permissions.can_submit(user, project) and not terminal,
        "move": permissions.can_move(user, project),
        "handoff": permissions.can_hand_off(user, project),
        "milestone": permissions.can_record_milestone(user, project) and not terminal,
        "note": permissions.can_add_note(user, project),
        "review": permissions.can_review(user, project),
    }


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, QuerySet | list | set | tuple):
        return "、".join(sorted(str(v) for v in value)) or "—"
    return str(value)


_SECTIONS = [
    (
        "基本信息",
        [
            "code",
            "original_code",
            "name",
            "investor",
            "district",
            "industry",
            "investment",
            "land_area_mu",
            "info_source",
            "leader",
        ],
    ),
    (
        "阶段与审核",
        ["stage", "stage_entered_at", "review_state", "submitted_at", "admitted_at"],
    ),
    ("进展与问题", ["progress", "issues_text", "remarks"]),
    ("联系人", ["contact_name", "contact_phone"]),
    ("记录", ["created_by", "created_at", "updated_at", "version"]),
]


def _field_sections(project: Project, request) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return every reported field as (label, shown value), in the page's groups."""
    sections = []
    for title, names in _SECTIONS:
        rows = []
        for name in names:
            value = getattr(project, name)
            if name == "original_code" and not value:
                continue  # only a project an import created from an office's code has one
            if name == "investment":
                shown = f"{wan(value)} 万元"
            elif name == "land_area_mu":
                shown = f"{value} 亩" if value is not None else "—"
            elif name == "review_state":
                shown = project.get_review_state_display()
            elif name == "version":
                shown = f"第 {value} 版"
            elif name == "contact_phone":  # masked unless the user may see it (privacy)
                shown = contact_phone_cell(request, project)
            else:
                shown = _display(value)
            rows.append((label(name), shown))
        sections.append((title, rows))
    return sections


def _milestones(project: Project) -> list[tuple[str, object]]:
    dates = {m.kind: m for m in project.milestones.all()}
    if not project.stage.allows_milestones:
        return [(kind.label, dates[kind]) for kind in Milestone.Kind if kind in dates]
    return [(kind.label, dates.get(kind)) for kind in Milestone.Kind]


# --- the relay timeline -----------------------------------------------------------------

#: Event values that are ids, and the model they point at.
_REFERENCES = {
    "unit": Unit,
    "info_unit": Unit,
    "talks_unit": Unit,
    "landing_unit": Unit,
    "co_units": Unit,
    "responsible_unit": Unit,
    "leader": Person,
    "industry": Industry,
    "stage": Stage,
    "district": District,
    "problem": Problem,
}
_PROBLEM_STATUS = dict(Problem.Status.choices)
#: Labels whose unit the shown value already carries.
_SHORT_LABELS = {"investment": "总投资", "land_area_mu": "拟用地面积"}
_RELAY_ROLE = {"talks_unit": "洽谈推进单位", "landing_unit": "落地服务单位"}
_REVIEW_TITLES = {
    Kind.SUBMITTED: "上报审核",
    Kind.APPROVED: "区招商办审核通过",
    Kind.ADMITTED: "审核入库",
    Kind.RETURNED: "退回修改",
}


class _Names:
    """The names behind the ids in a list of events, loaded in one query per model."""

    def __init__(self, events):
        wanted = defaultdict(set)
        for event in events:
            for values in (event.old, event.new):
                for field, value in values.items():
                    model = _REFERENCES.get(field)
                    for pk in value if isinstance(value, list) else [value]:
                        if model and isinstance(pk, int):
                            wanted[model].add(pk)
        self.objects = {model: model.objects.in_bulk(pks) for model, pks in wanted.items()}

    def name(self, field: str, pk) -> str:
        obj = self.objects.get(_REFERENCES[field], {}).get(pk)
        if obj is None:
            return f"#{pk}"
        if isinstance(obj, Person):
            return obj.name
        return str(obj)

    def show(self, field: str, value) -> str:
        if value is None or value == "" or value == []:
            return "（空）"
        if field in _REFERENCES:
            values = value if isinstance(value, list) else [value]
            return "、".join(self.name(field, v) for v in values)
        if field == "investment":
            return f"{_wan(value)} 万元"
        if field == "land_area_mu":
            return f"{value} 亩"
        if field == "review_state":
            return str(ReviewState(value).label) if value in ReviewState.values else str(value)
        text = str(value)
        return text if len(text) <= 120 else f"{text[:120]}…"


def _wan(value) -> str:
    try:
        return wan(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


def _label_of(field: str) -> str:
    if field in _SHORT_LABELS:
        return _SHORT_LABELS[field]
    try:
        return label(field)
    except FieldDoesNotExist:  # an event may name a field the model no longer has
        return field


def _changes(event, names: _Names, skip=()) -> list[str]:
    """Return one line per changed field: 总投资：10,000 → 12,000 万元."""
    lines = []
    for field, new in event.new.items():
        if field in skip:
            continue
        old = event.old.get(field)
        if field == "investment":
            lines.append(f"{_label_of(field)}：{_wan(old or 0)} → {_wan(new)} 万元")
        else:
            lines.append(f"{_label_of(field)}：{names.show(field, old)} → {names.show(field, new)}")
    return lines


def _entry(event: ProjectEvent, names: _Names) -> dict:
    old, new = event.old, event.new
    entry = {
        "kind": event.kind,
        "title": event.get_kind_display(),
        "baton": None,
        "lines": [],
        "text": event.reason,
        "who": event.actor.display_name if event.actor else "系统",
        "at": event.at,
    }
    lines = entry["lines"]
    if event.kind == Kind.CREATED:
        entry["title"] = "创建项目"
        lines.append(
            f"责任单位：{names.show('unit', new.get('unit'))}；"
            f"阶段：{names.show('stage', new.get('stage'))}；"
            f"总投资：{_wan(new.get('investment', 0))} 万元"
        )
        if new.get("investor"):
            lines.append(f"投资方：{new['investor']}")
    elif event.kind == Kind.UPDATED:
        entry["title"] = "修改项目信息"
        lines += _changes(event, names)
    elif event.kind in _REVIEW_TITLES:
        entry["title"] = _REVIEW_TITLES[event.kind]
        if new.get("duplicates"):
            lines.append(f"系统提示疑似重复项目：{'、'.join(new['duplicates'])}")
        if new.get("duplicates_elsewhere"):
            lines.append(f"系统提示：{ELSEWHERE}")
        if new.get("checked_duplicates"):
            lines.append(
                f"已核对疑似重复项目：{'、'.join(new['checked_duplicates'])}，确认不是同一项目"
            )
        if new.get("checked_duplicates_elsewhere"):
            lines.append("已核对其他区的相似项目，确认不是同一项目")
    elif event.kind == Kind.MOVED:
        entry["title"] = (
            f"阶段变更：{names.show('stage', old.get('stage'))} → {names.show('stage', new.get('stage'))}"
        )
        lines += _changes(event, names, skip=("stage",))
    elif event.kind == Kind.HANDED_OFF:
        entry["title"] = "接力交接"
        entry["baton"] = (names.show("unit", old.get("unit")), names.show("unit", new.get("unit")))
        for field, role in _RELAY_ROLE.items():
            if field in new:
                lines.append(f"{names.show(field, new[field])}记为{role}")
        if "co_units" in new:
            lines.append(f"协同单位：{names.show('co_units', new['co_units'])}")
    elif event.kind == Kind.MILESTONE:
        kind_label = _milestone_label(new.get("kind"))
        if old.get("date"):
            entry["title"] = f"更正里程碑：{kind_label}"
            if old["date"] != new.get("date"):
                lines.append(f"日期：{old['date']} → {new.get('date')}")
        else:
            entry["title"] = f"里程碑：{kind_label}"
            lines.append(f"日期：{new.get('date')}")
        if new.get("note"):
            lines.append(new["note"])
        elif old.get("note"):
            # Only a landing recorded before a blank note kept the milestone's could erase
            # one: the timeline is where that note can be read back.
            lines.append(f"说明被清空（原为：{old['note']}）")
    elif event.kind == Kind.PROBLEM:
        _problem_entry(entry, old, new, names)
    elif event.kind == Kind.SUPERVISED:
        if old.get("status"):
            entry["title"] = "督办事项办结"
        else:
            entry["title"] = f"{names.show('leader', new.get('leader'))}督办"
            lines.append(f"办结时限：{new.get('deadline')}")
    elif event.kind == Kind.LEADER_ACT:
        act = _act_label(new.get("kind"))
        entry["title"] = f"领导活动：{names.show('leader', new.get('leader'))}{act}"
        lines.append(f"日期：{new.get('date')}")
    return entry


def _problem_entry(entry: dict, old: dict, new: dict, names: _Names) -> None:
    if old.get("status"):
        problem = names.show("problem", new.get("problem"))
        before = _PROBLEM_STATUS.get(old["status"], old["status"])
        after = _PROBLEM_STATUS.get(new.get("status"), new.get("status"))
        entry["title"] = f"问题状态：{before} → {after}"
        entry["lines"].append(problem)
    else:
        category = dict(Problem.Category.choices).get(new.get("category"), "")
        entry["title"] = f"提出问题：{category}"
        entry["lines"].append(
            f"责任单位：{names.show('responsible_unit', new.get('responsible_unit'))}；"
            f"办结时限：{new.get('deadline')}"
        )


def _milestone_label(kind) -> str:
    return str(Milestone.Kind(kind).label) if kind in Milestone.Kind.values else str(kind)


def _act_label(kind) -> str:
    return str(LeaderAct.Kind(kind).label) if kind in LeaderAct.Kind.values else str(kind)


def _timeline(project: Project, user) -> list[dict]:
    """Return the project's events, newest first, each worded for the relay view."""
    events = list(project_events(project=project))
    for event in events:  # a contact phone in the history is masked as on the page
        event.old = privacy.shown_values(user, project, event.old)
        event.new = privacy.shown_values(user, project, event.new)
    candidates_shown(user, events)
    names = _Names(events)
    return [_entry(event, names) for event in reversed(events)]


# --- create and edit --------------------------------------------------------------------


def _denied(request, message: str, *, project: Project | None = None):
    context = {"message": message, "project": project, "page_title": "无权操作"}
    context["frame"] = "projects/_dialog.html" if request.htmx else "projects/project_action.html"
    return render(request, "projects/project_denied.html", context, status=403)


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_http_methods(["GET", "POST"])
@login_required
def project_create(request):
    user = request.user
    if not permissions.can_create(user):
        return _denied(request, "只有镇街、部门、指挥部等招商单位的工作人员可以新建项目。")
    unit = user.unit
    form = ProjectCreateForm(request.POST or None, district=unit.district, unit=unit)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                project = services.project_create(
                    actor=user, district=unit.district, unit=unit, **form.cleaned_data
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, f"已创建项目 {project.code}（草稿），信息完善后可上报审核。"
                )
                return redirect("projects:detail", project.code)
    context = {"form": form, "page_title": "新建项目", "unit": unit}
    return render(request, "projects/project_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def project_edit(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_edit(user, project):
        return _denied(request, _edit_refusal(user, project), project=project)
    form = ProjectEditForm(request.POST or None, project=project)
    context = {"form": form, "project": project, "page_title": f"编辑：{project.name}"}
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = services.project_update(
                    project=project,
                    actor=user,
                    changes=form.changes(),
                    expected_version=data["version"],
                    reason=data["reason"],
                )
            except services.ConflictError as exc:
                latest = project_get(user=user, code=code)
                context.update(
                    conflict=exc.messages[0], latest=latest, differences=_differences(latest, data)
                )
                status = 409
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "已保存修改。" if changed else "没有需要保存的修改。")
                return redirect("projects:detail", project.code)
    return render(request, "projects/project_form.html", context, status=status)


def _edit_refusal(user, project: Project) -> str:
    if not project.is_editable:
        return (
            f"项目处于“{project.get_review_state_display()}”状态，审核期间不能修改；"
            "如需修改，请审核人先退回。"
        )
    return f"只有责任单位（{project.unit.name}）或区招商办可以修改该项目。"


def _differences(latest: Project, data: dict) -> list[tuple[str, str, str]]:
    """Return (label, saved value, your value) for every field where the two differ."""
    current = project_initial(latest)
    rows = []
    for name, saved in current.items():
        mine = data.get(name)
        if name == "co_units":
            same = {u.pk for u in saved} == {u.pk for u in (mine or ())}
        else:
            same = (saved or None) == (mine or None)
        if not same:
            rows.append((label(name), _shown(name, saved), _shown(name, mine)))
    return rows


def _shown(name: str, value) -> str:
    if name == "investment" and value is not None:
        return f"{wan(value)} 万元"
    return _display(value)


# --- actions ----------------------------------------------------------------------------


def _to_project(request, project: Project):
    url = reverse("projects:detail", args=[project.code])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _action(request, project, form, *, template, title, perform, stay=False, **extra):
    """Run one action's form: validate, call the service, answer as dialog or page.

    ``perform`` calls the service with the cleaned data and returns the success message.
    On success the browser goes to the project page; with ``stay``, a dialog instead
    closes and the page's timeline is swapped in place.
    """
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                done = perform(form.cleaned_data)
            except services.ConflictError as exc:
                extra["conflict"] = exc.messages[0]
                status = 409
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                if stay and request.htmx:
                    context = {
                        "project": project,
                        "can": _abilities(request.user, project),
                        "timeline": _timeline(project, request.user),
                        "oob": True,
                    }
                    response = render(request, "projects/_timeline.html", context)
                    return trigger_client_event(response, "closeDialog")
                messages.success(request, done)
                return _to_project(request, project)
    context = {
        "project": project,
        "form": form,
        "page_title": title,
        "frame": "projects/_dialog.html" if request.htmx else "projects/project_action.html",
        **extra,
    }
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def project_submit(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_submit(user, project) or project.stage.is_terminal:
        return _denied(
            request,
            f"只有责任单位（{project.unit.name}）可以上报草稿或已退回的项目；"
            f"该项目当前为“{project.get_review_state_display()}”“{project.stage.name}”。",
            project=project,
        )
    form = SubmitForm(request.POST or None, initial={"version": project.version})

    def perform(data):
        services.project_submit(project=project, actor=user, expected_version=data["version"])
        return f"已上报“{project.name}”，等待审核。"

    return _action(
        request,
        project,
        form,
        template="projects/project_submit.html",
        title="上报审核",
        perform=perform,
        **_duplicates(user, project),
    )


def _duplicates(user, project: Project) -> dict:
    """Return the possible duplicates in the user's district, each with whether the user
    may open it, and whether there are any elsewhere (not named: the office checks)."""
    candidates = duplicate_candidates(project)
    ours = [c for c in candidates if not outside_district(user, c.project)]
    pks = [c.project.pk for c in ours]
    visible = set(project_list(user=user).filter(pk__in=pks).values_list("pk", flat=True))
    return {
        "duplicates": [(c, c.project.pk in visible) for c in ours],
        "duplicates_elsewhere": len(ours) < len(candidates),
        "elsewhere": ELSEWHERE,
    }


@require_http_methods(["GET", "POST"])
@login_required
def project_move(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_move(user, project):
        return _denied(request, _holder_only(project, "变更阶段"), project=project)
    initial = {
        "version": request.GET.get("version") or project.version,
        "stage": request.GET.get("stage"),
        "reason": request.GET.get("reason", ""),
    }
    form = MoveForm(request.POST or None, project=project, initial=initial)

    def perform(data):
        services.project_move(
            project=project,
            stage=data["stage"],
            actor=user,
            reason=data["reason"],
            fields=form.fields_for_service(),
            expected_version=data["version"],
        )
        return f"已将项目转入“{data['stage'].name}”阶段。"

    return _action(
        request,
        project,
        form,
        template="projects/project_move.html",
        title="阶段变更",
        perform=perform,
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_handoff(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_hand_off(user, project):
        return _denied(request, _holder_only(project, "交接项目"), project=project)
    form = HandoffForm(request.POST or None, project=project, initial={"version": project.version})

    def perform(data):
        services.project_handoff(
            project=project,
            to_unit=data["to_unit"],
            actor=user,
            reason=data["reason"],
            relay_role=data["relay_role"],
            keep_as_co_unit=data["keep_as_co_unit"],
            expected_version=data["version"],
        )
        return f"接力棒已交给{data['to_unit'].name}。"

    return _action(
        request,
        project,
        form,
        template="projects/project_handoff.html",
        title="接力交接",
        perform=perform,
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_milestone(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_record_milestone(user, project):
        return _denied(request, _holder_only(project, "记录里程碑"), project=project)
    if project.stage.is_terminal:
        message = f"“{project.stage.name}”的项目不能记录里程碑，如项目恢复推进，请先变更阶段。"
        return _denied(request, message, project=project)
    form = MilestoneForm(request.POST or None, project=project)

    def perform(data):
        changed = services.milestone_record(
            project=project, kind=data["kind"], date=data["date"], actor=user, note=data["note"]
        )
        kind = Milestone.Kind(data["kind"]).label
        return f"已记录{kind}日期。" if changed else f"{kind}日期没有变化。"

    return _action(
        request,
        project,
        form,
        template="projects/project_milestone.html",
        title="记录里程碑",
        perform=perform,
    )


@require_http_methods(["GET", "POST"])
@login_required
def project_note(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_add_note(user, project):
        return _denied(request, "您的角色不能填写跟进记录。", project=project)
    form = NoteForm(request.POST or None)

    def perform(data):
        services.note_add(project=project, actor=user, text=data["text"])
        return "已添加跟进记录。"

    return _action(
        request,
        project,
        form,
        template="projects/project_note.html",
        title="跟进记录",
        perform=perform,
        stay=True,
    )


def _holder_only(project: Project, what: str) -> str:
    return f"只有责任单位（{project.unit.name}）或区招商办可以{what}。"


urls = [
    path("", project_list_view, name="list"),
    path("new/", project_create, name="create"),
    path("<project_code:code>/", project_detail, name="detail"),
    path("<project_code:code>/edit/", project_edit, name="edit"),
    path("<project_code:code>/submit/", project_submit, name="submit"),
    path("<project_code:code>/move/", project_move, name="move"),
    path("<project_code:code>/handoff/", project_handoff, name="handoff"),
    path("<project_code:code>/milestone/", project_milestone, name="milestone"),
    path("<project_code:code>/note/", project_note, name="note"),
]
