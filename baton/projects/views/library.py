"""项目库: the list, the project page, create and edit, and the actions on a project.

Every page reads through the scoped selectors (outside a user's scope: 404) and asks
``permissions`` before offering or doing an action (refused: 403 with a Chinese reason,
``baton.core.views.deny``). Actions are small dialogs run by ``baton.core.views.run_dialog``:
htmx loads the form into ``#dialog``; without JavaScript the same template renders as a
page of its own, and every action still works. The administrators get none of these
pages (``BusinessDataMiddleware``).
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, register_converter, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from baton.accounts import privacy
from baton.core.messages import NOTE_ADDED, SAVED
from baton.core.templatetags.baton import wan
from baton.core.views import add_errors, deny, go_to, run_dialog
from baton.org.divisions import name_of

from .. import hooks, page_cache, permissions, rules, services
from ..duplicates import (
    ELSEWHERE,
    candidates_shown,
    duplicate_candidates,
    lists_others,
    outside_district,
)
from ..events import Names, describe
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
from ..listing import COLUMNS, SORTS, bounds_caption, drill_caption, project_page
from ..models import (
    Milestone,
    Project,
    ProjectEvent,
)
from ..selectors import (
    NOT_FOUND,
    handoff_due,
    pending_handoff,
    pending_handoffs,
    project_events,
    project_get,
    project_list,
)
from .contact import contact_phone_cell

Kind = ProjectEvent.Kind


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
    results_only = _results_only(request)
    cache_key = page_cache.key(request, "results" if results_only else "page")
    html, status = page_cache.get(cache_key), 200
    if html is None:
        template = (
            "projects/_project_results.html" if results_only else "projects/_project_library.html"
        )
        context, status = _library(request)
        if results_only:  # the sort and size the headers and links chose, in the form too
            context["controls"] = [
                context["form"][name].as_widget(attrs={"hx-swap-oob": "true"})
                for name in ("sort", "size")
            ]
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
    cursor = data["cursor"] or None  # a link from before numbered pages still works
    try:
        context["page"] = project_page(
            user=user,
            filters=form.filters(),
            sort=data["sort"],
            cursor=cursor,
            page=None if cursor else (data["page"] or 1),
            size=data["size"],
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return context, 400
    pending = pending_handoffs([row.pk for row in context["page"].rows])
    for row in context["page"].rows:  # 待接收, shown beside the holder
        row.handoff_pending_to = pending.get(row.pk)
    context["filtered"] = bool(form.filters())
    context["drill"] = drill_caption(context["page"].filters)
    context["bounds"] = bounds_caption(context["page"].filters)
    context["columns"] = _columns(data["sort"])
    return context, 200


def _columns(sort: str) -> dict[str, dict]:
    """Each sortable column's header: the sort a click asks for and how it is sorted now
    (``aria-sort``: ascending, descending or none)."""
    headers = {}
    for column, (first, second) in COLUMNS.items():
        if sort in (first, second):
            now = "ascending" if SORTS[sort][1][0][0] != "-" else "descending"
            headers[column] = {"sort": second if sort == first else first, "now": now}
        else:
            headers[column] = {"sort": first, "now": "none"}
    return headers


# --- the project page -------------------------------------------------------------------


#: What the project page shows of the project's relations beyond ``project_list``'s.
PAGE_RELATED = ("info_unit", "talks_unit", "landing_unit", "created_by")


@require_GET
@login_required
def project_detail(request, code):
    user = request.user
    seen = page_cache.project_seen(request, project_list(user=user).filter(code=code))
    if seen is None:
        raise Http404(NOT_FOUND)
    title, page = seen.name, page_cache.get(seen.key)
    if page is None:
        project = project_get(user=user, code=code, related=PAGE_RELATED)
        context = {**_page_parts(request, project), "cards": hooks.cards(request, project)}
        page = render_to_string("projects/_project_page.html", context, request)
        title = project.name
        if project.pk == seen.pk and not context["lists_others"]:
            page_cache.put(seen.key, page)
    else:
        page = page_cache.with_own_tokens(request, page)
    return render(request, "projects/project_detail.html", {"page_title": title, "page": page})


def _page_parts(request, project: Project) -> dict:
    """What the project page's parts show (heading, 待接收, fields, relay, milestones,
    timeline): the page and the in-place answer after an action read the same."""
    user = request.user
    handoff = pending_handoff(project)
    timeline, others = _timeline(project, user)
    return {
        "project": project,
        "page_title": project.name,
        "handoff": handoff,
        "handoff_due": handoff_due(handoff) if handoff else None,
        "sections": _field_sections(project, request),
        "relay": [
            (label(f), getattr(project, f)) for f in ("info_unit", "talks_unit", "landing_unit")
        ],
        "co_units": list(project.co_units.all()),
        "milestones": _milestones(project),
        "timeline": timeline,
        "lists_others": others,  # the page is then not kept
        "can": _abilities(user, project, handoff),
    }


@require_GET
@login_required
def project_timeline(request, code):
    """The timeline alone, for the page to fetch again when another app's dialog (a
    problem, a 督办) wrote to it."""
    project = project_get(user=request.user, code=code)
    can = _abilities(request.user, project, pending_handoff(project))
    context = {"project": project, "can": can}
    context["timeline"] = _timeline(project, request.user)[0]
    return render(request, "projects/_timeline.html", context)


def _abilities(user, project: Project, handoff) -> dict:
    """What ``user`` may do on the page; ``handoff``: the project's pending one, or None."""
    terminal = project.stage.is_terminal
    return {
        "edit": permissions.can_edit(user, project),
        "submit": permissions.can_submit(user, project) and not terminal,
        "move": permissions.can_move(user, project),
        "handoff": permissions.can_hand_off(user, project) and handoff is None,
        "answer_handoff": permissions.can_answer_handoff(user, project, handoff),
        "withdraw_handoff": permissions.can_withdraw_handoff(user, project, handoff),
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
            "project_type",
            "investment",
            "info_source",
            "leader",
        ],
    ),
    (
        "投资方与规模",
        [
            "investor_region",
            "investor_uscc",
            "tags",
            "fixed_investment",
            "annual_output",
            "annual_tax",
            "land_area_mu",
            "land_use",
        ],
    ),
    (
        "阶段与审核",
        [
            "stage",
            "stage_entered_at",
            "planned_start_on",
            "planned_production_on",
            "review_state",
            "submitted_at",
            "admitted_at",
        ],
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
            if name == "tags":
                rows.append(("企业标签", "、".join(project_tags(project)) or "—"))
                continue
            value = getattr(project, name)
            if name == "original_code" and not value:
                continue  # only a project an import created from an office's code has one
            if name in ("investment", *rules.AMOUNT_FIELDS):
                shown = f"{wan(value)} 万元" if value is not None else "—"
            elif name in ("project_type", "land_use"):
                shown = getattr(project, f"get_{name}_display")() or "—"
            elif name == "investor_region":
                shown = name_of(value) or "—"
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


def project_tags(project: Project) -> list[str]:
    """Return the labels of the tags a project's investor carries: 世界500强, 中国500强, 上市公司."""
    return [label(name) for name in rules.FLAG_FIELDS if getattr(project, name)]


def _milestones(project: Project) -> list[tuple[str, object]]:
    dates = {m.kind: m for m in project.milestones.all()}
    if not project.stage.allows_milestones:
        return [(kind.label, dates[kind]) for kind in Milestone.Kind if kind in dates]
    return [(kind.label, dates.get(kind)) for kind in Milestone.Kind]


# --- the relay timeline -----------------------------------------------------------------


def _timeline(project: Project, user) -> tuple[list[dict], bool]:
    """Return the project's events, newest first, each worded for the relay view, and
    whether they list other projects as possible duplicates (``lists_others``)."""
    events = list(project_events(project=project))
    others = lists_others(events)
    for event in events:  # a contact phone in the history is masked as on the page
        event.old = privacy.shown_values(user, project, event.old)
        event.new = privacy.shown_values(user, project, event.new)
    candidates_shown(user, events)
    names = Names(events)
    return [describe(event, names) for event in reversed(events)], others


# --- create and edit --------------------------------------------------------------------


def _about(project: Project) -> dict:
    """What a dialog or a refusal about ``project`` shows it by, and where it goes back to."""
    url = reverse("projects:detail", args=[project.code])
    return {
        "project": project,
        "subject": f"{project.code} · {project.name}",
        "subject_url": url,
        "cancel_url": url,
        "back_url": url,  # a refusal's way back
        "back_label": "返回项目",
    }


@require_http_methods(["GET", "POST"])
@login_required
def project_create(request):
    user = request.user
    if not permissions.can_create(user):
        return deny(request, "只有镇街、部门、指挥部等招商单位的工作人员可以新建项目。")
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
                add_errors(form, exc)
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
        return deny(request, _edit_refusal(user, project), **_about(project))
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
                add_errors(form, exc)
            else:
                messages.success(request, SAVED if changed else "没有需要保存的修改。")
                return redirect("projects:detail", project.code)
    return render(request, "projects/project_form.html", context, status=status)


def _edit_refusal(user, project: Project) -> str:
    if not project.is_editable:
        return rules.under_review_refusal(project.get_review_state_display())
    return rules.holder_only(project)


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


def _action(request, project, form, *, template, title, perform, **extra):
    """Run one action's dialog (``run_dialog``). On success, through htmx, the dialog
    closes, the page says what was done and its parts are swapped in place (``_in_place``);
    without JavaScript the browser goes to the project page, the message on it. A save
    that meets someone else's (``ConflictError``) comes back with 409."""
    return run_dialog(
        request,
        form,
        template=template,
        perform=perform,
        done=_in_place(project),
        context={"page_title": title, **_about(project), **extra},
        conflict=services.ConflictError,
    )


def _in_place(project: Project):
    def done(request, message: str) -> HttpResponse:
        url = reverse("projects:detail", args=[project.code])
        if not request.htmx:
            return go_to(url)(request, message)
        try:  # read again, in the user's scope: the action may have taken it out of sight
            fresh = project_get(user=request.user, code=project.code)
        except Http404:
            return go_to(reverse("projects:list"))(request, message)
        context = {**_page_parts(request, fresh), "oob": True}
        response = render(request, "projects/_project_parts.html", context)
        trigger_client_event(response, "showMessage", {"text": message})
        trigger_client_event(response, "projectChanged")
        return trigger_client_event(response, "closeDialog")

    return done


@require_http_methods(["GET", "POST"])
@login_required
def project_submit(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    if not permissions.can_submit(user, project) or project.stage.is_terminal:
        return deny(
            request,
            f"只有责任单位（{project.unit.name}）可以上报草稿或已退回的项目；"
            f"该项目当前为“{project.get_review_state_display()}”“{project.stage.name}”。",
            **_about(project),
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
        return deny(request, rules.holder_only(project, "变更阶段"), **_about(project))
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
            on=data["on"],
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
        return deny(request, rules.holder_only(project, "交接项目"), **_about(project))
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
            on=data["on"],
        )
        if pending_handoff(project) is not None:
            return f"已交给{data['to_unit'].name}，待对方接收；接收前仍由本单位负责。"
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
        return deny(request, rules.holder_only(project, "记录里程碑"), **_about(project))
    if project.stage.is_terminal:
        message = f"“{project.stage.name}”的项目不能记录里程碑，如项目恢复推进，请先变更阶段。"
        return deny(request, message, **_about(project))
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
        return deny(request, "您的角色不能填写跟进记录。", **_about(project))
    form = NoteForm(request.POST or None)

    def perform(data):
        services.note_add(project=project, actor=user, text=data["text"])
        return NOTE_ADDED

    return _action(
        request,
        project,
        form,
        template="projects/project_note.html",
        title="跟进记录",
        perform=perform,
    )


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
    path("<project_code:code>/timeline/", project_timeline, name="timeline"),
]
