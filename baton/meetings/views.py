"""月例会 pages: the list by month, 下月例会 in one click, a meeting's page (agenda,
attendance, minutes, decisions), its small actions as dialogs (``core.views.run_dialog``),
and the minutes as a Word document."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baton.core.http import attachment
from baton.core.messages import SAVED
from baton.core.views import deny, go_to, run_dialog
from baton.projects.services import ConflictError
from baton.supervision import rules as sign_off

from . import rules, services, services_agenda, services_decisions
from .docx import file_name, minutes_docx
from .forms import (
    AgendaItemForm,
    AttendanceForm,
    CloseForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    VersionForm,
)
from .models import AgendaItem, Attendance, Meeting
from .selectors import decision_get, meeting_decisions, meeting_get, meeting_list

PER_PAGE = 12
STALE_BUTTON = "页面已过期，请刷新后重试。"


def _posted(request):
    return request.POST if request.method == "POST" else None


def _url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("meetings:detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def _numbers(page) -> list[int | None]:
    last, number = page.paginator.num_pages, page.number
    shown = sorted({1, last, *range(number - 2, number + 3)})
    out: list[int | None] = []
    for n in (n for n in shown if 1 <= n <= last):
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out


@require_GET
@login_required
def meeting_list_view(request):
    user = request.user
    if not rules.reads(user):
        return deny(request, rules.NO_MEETINGS_FOR_ROLE)
    page = Paginator(meeting_list(user=user), PER_PAGE).get_page(request.GET.get("page"))
    can_prepare = rules.can_prepare(user)
    next_label = next_month = ""
    if can_prepare:
        month = services.next_month(user.district, timezone.localdate())
        if month <= timezone.localdate().replace(day=1):
            next_label = f"{month.year}年{month.month}月"
            next_month = f"{month:%Y-%m}"
    context = {
        "page": page,
        "numbers": _numbers(page),
        "can_prepare": can_prepare,
        "next_label": next_label,
        "next_month": next_month,
        "is_unit": not rules.sees_whole_meeting(user, None),
        "page_title": "月例会",
    }
    template = "meetings/_meeting_results.html" if request.htmx else "meetings/meeting_list.html"
    return render(request, template, context)


@require_POST
@login_required
def meeting_new(request):
    """下月例会: one click opens the next month's meeting, its agenda drafted."""
    user = request.user
    if not rules.can_prepare(user):
        return deny(request, rules.NOT_THE_OFFICE, back_url=reverse("meetings:list"))
    month = services.next_month(user.district, timezone.localdate())
    if request.POST.get("month") != f"{month:%Y-%m}":
        # The button names the month it opens: a second click, or a stale page, opens none.
        messages.error(request, STALE_BUTTON)
        return redirect("meetings:list")
    try:
        meeting = services.meeting_create(actor=user, month=month)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("meetings:list")
    messages.success(
        request, f"已建立{meeting.month_label}例会，议程已按该月数据起草，请审阅修改。"
    )
    return redirect(_url(meeting))


@require_GET
@login_required
def meeting_detail(request, pk):
    user = request.user
    meeting = meeting_get(user=user, pk=pk)
    whole = rules.sees_whole_meeting(user, meeting)
    today = timezone.localdate()
    decisions = meeting_decisions(user=user, meeting=meeting)
    can_write = rules.can_write(user, meeting)
    for d in decisions:
        d.overdue = d.is_overdue(today)
        d.closable = can_write and d.status == d.Status.OPEN
        if d.supervision_id:
            # A 督办 is signed off once its unit has reported, by its leader's office; one
            # closed on the project's page has closed its decision already.
            reported = d.supervision.status == d.supervision.Status.REPORTED
            d.closable = d.closable and reported and sign_off.is_signer(user, d.supervision)
    context = {
        "meeting": meeting,
        "whole": whole,
        "agenda": meeting.agenda.select_related("decision") if whole else [],
        "attendance": meeting.attendance.select_related("unit", "person") if whole else [],
        "decisions": decisions,
        "events": meeting.events.select_related("actor") if whole else [],
        "can_write": can_write,
        "editable": can_write and not meeting.is_final,
        "page_title": meeting.title,
    }
    return render(request, "meetings/meeting_detail.html", context)


def _dialog(request, meeting, form, *, title, perform, anchor="", submit="保存", conflict=True):
    back = _url(meeting, anchor)
    return run_dialog(
        request,
        form,
        template="meetings/action.html",
        perform=perform,
        # Not to ``back``: a new address that differs by its #anchor only would not reload.
        done=go_to(_url(meeting)),
        conflict=ConflictError if conflict else None,
        context={
            "page_title": title,
            "subject": meeting.title,
            "subject_url": _url(meeting),
            "cancel_url": back,
            "submit": submit,
        },
    )


def _writable(request, pk):
    """The meeting, and a refusal when the user may not write it (else None)."""
    meeting = meeting_get(user=request.user, pk=pk)
    if not rules.can_write(request.user, meeting):
        return meeting, deny(request, rules.NOT_THE_OFFICE, back_url=_url(meeting))
    if meeting.is_final:
        return meeting, deny(request, rules.FINAL, back_url=_url(meeting))
    return meeting, None


@require_http_methods(["GET", "POST"])
@login_required
def meeting_edit(request, pk):
    meeting, refused = _writable(request, pk)
    if refused:
        return refused
    initial = {f: getattr(meeting, f) for f in services.MEETING_FIELDS}
    initial["time"] = meeting.time or None
    form = MeetingForm(
        _posted(request), district=meeting.district, initial={**initial, "version": meeting.version}
    )

    def perform(data):
        values = {f: data.get(f) for f in services.MEETING_FIELDS}
        changed = services.meeting_update(
            meeting=meeting, actor=request.user, expected_version=data.get("version"), **values
        )
        return SAVED if changed else services.NOTHING_CHANGED

    return _dialog(request, meeting, form, title="会议信息", perform=perform)


@require_http_methods(["GET", "POST"])
@login_required
def agenda_new(request, pk):
    meeting, refused = _writable(request, pk)
    if refused:
        return refused
    form = AgendaItemForm(_posted(request), initial={"version": meeting.version})

    def perform(data):
        services_agenda.agenda_add(
            meeting=meeting, actor=request.user, text=data["text"],
            expected_version=data.get("version"),
        )  # fmt: skip
        return "已添加议题。"

    return _dialog(request, meeting, form, title="添加议题", perform=perform, anchor="agenda")


def _item(meeting, item_pk) -> AgendaItem:
    return get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)


@require_http_methods(["GET", "POST"])
@login_required
def agenda_edit(request, pk, item):
    meeting, refused = _writable(request, pk)
    if refused:
        return refused
    row = _item(meeting, item)
    form = AgendaItemForm(_posted(request), initial={"text": row.text, "version": meeting.version})

    def perform(data):
        changed = services_agenda.agenda_edit(
            meeting=meeting, item=row, actor=request.user, text=data["text"],
            expected_version=data.get("version"),
        )  # fmt: skip
        return "已修改议题。" if changed else services.NOTHING_CHANGED

    return _dialog(request, meeting, form, title="修改议题", perform=perform, anchor="agenda")


def _post_step(request, meeting, step, *, anchor: str = "") -> HttpResponse:
    """A button's step (remove, move, 召开, 定稿): done, or refused with the reason, on the
    meeting's page."""
    form = VersionForm(request.POST)
    version = form.cleaned_data.get("version") if form.is_valid() else None
    if version is None:  # every button posts the version of the page it is on
        messages.error(request, STALE_BUTTON)
        return redirect(_url(meeting, anchor))
    try:
        message = step(version)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect(_url(meeting, anchor))


@require_POST
@login_required
def agenda_remove(request, pk, item):
    meeting, refused = _writable(request, pk)
    if refused:
        return refused
    row = _item(meeting, item)

    def step(version):
        services_agenda.agenda_remove(
            meeting=meeting, item=row, actor=request.user, expected_version=version
        )
        return "已删除议题。"

    return _post_step(request, meeting, step, anchor="agenda")


@require_POST
@login_required
def agenda_move(request, pk, item, direction):
    meeting, refused = _writable(request, pk)
    if refused:
        return refused
    row = _item(meeting, item)

    def step(version):
        moved = services_agenda.agenda_move(
            meeting=meeting, item=row, actor=request.user, direction=direction,
            expected_version=version,
        )  # fmt: skip
        return "已调整议题顺序。" if moved else "议题已在最前（最后）。"

    return _post_step(request, meeting, step, anchor="agenda")


@require_POST
@login_required
def agenda_redraft(request, pk):
    """按最新数据重新起草: the drafted items again from the figures as they stand now."""
    meeting, refused = _writable(request, pk)
    if refused:
        return refused

    def step(version):
        services_agenda.agenda_redraft(
            meeting=meeting, actor=request.user, expected_version=version
        )
        return f"已按截至 {meeting.figures_as_of:%Y-%m-%d} 的数据重新起草议程，其他议题保留在后。"

    return _post_step(request, meeting, step, anchor="agenda")


@require_http_methods(["GET", "POST"])
@login_required
def attendance_new(request, pk):
    meeting, refused = _writable(request, pk)
    if refused:
        return refused
    form = AttendanceForm(
        _posted(request), district=meeting.district, initial={"version": meeting.version}
    )

    def perform(data):
        services.attendance_add(
            meeting=meeting, actor=request.user, unit=data.get("unit"),
            person=data.get("person"), present=data["present"], reason=data.get("reason"),
            expected_version=data.get("version"),
        )  # fmt: skip
        return "已登记出席情况。"

    return _dialog(
        request, meeting, form, title="登记出席情况", perform=perform, anchor="attendance"
    )


@require_POST
@login_required
def attendance_remove(request, pk, row):
    meeting, refused = _writable(request, pk)
    if refused:
        return refused
    found = get_object_or_404(Attendance, meeting=meeting, pk=row)

    def step(version):
        services.attendance_remove(
            meeting=meeting, row=found, actor=request.user, expected_version=version
        )
        return "已删除出席记录。"

    return _post_step(request, meeting, step, anchor="attendance")


@require_http_methods(["GET", "POST"])
@login_required
def minutes_edit(request, pk):
    meeting, refused = _writable(request, pk)
    if refused:
        return refused
    initial = {"minutes": meeting.minutes, "version": meeting.version}
    form = MinutesForm(_posted(request), initial=initial)

    def perform(data):
        changed = services.minutes_save(
            meeting=meeting, actor=request.user, minutes=data.get("minutes"),
            expected_version=data.get("version"),
        )  # fmt: skip
        return "已保存会议纪要。" if changed else services.NOTHING_CHANGED

    return _dialog(request, meeting, form, title="会议纪要", perform=perform, anchor="minutes")


@require_POST
@login_required
def meeting_hold(request, pk):
    meeting, refused = _writable(request, pk)
    if refused:
        return refused

    def step(version):
        services.meeting_hold(meeting=meeting, actor=request.user, expected_version=version)
        return "已登记例会召开。"

    return _post_step(request, meeting, step)


@require_POST
@login_required
def meeting_finalize(request, pk):
    meeting, refused = _writable(request, pk)
    if refused:
        return refused

    def step(version):
        services.meeting_finalize(meeting=meeting, actor=request.user, expected_version=version)
        return f"会议纪要已定稿，文号 {meeting.number}。"

    return _post_step(request, meeting, step)


@require_http_methods(["GET", "POST"])
@login_required
def decision_new(request, pk):
    meeting, refused = _writable(request, pk)
    if refused:
        return refused
    form = DecisionForm(
        _posted(request), district=meeting.district, initial={"version": meeting.version}
    )

    def perform(data):
        decision = services_decisions.decision_record(
            meeting=meeting, actor=request.user, text=data["text"], deadline=data["deadline"],
            owner_unit=data.get("owner_unit"), owner_person=data.get("owner_person"),
            project=data.get("project"), expected_version=data.get("version"),
        )  # fmt: skip
        if decision.supervision_id:
            return (
                f"已记录决定事项第{decision.number}项，并作为督办下达{decision.owner_unit.name}。"
            )
        return f"已记录决定事项第{decision.number}项，已列入{decision.owner_unit.name}的待办。"

    return _dialog(
        request, meeting, form, title="记录决定事项", perform=perform, anchor="decisions"
    )


@require_http_methods(["GET", "POST"])
@login_required
def decision_close(request, pk):
    user = request.user
    decision = decision_get(user=user, pk=pk)
    meeting = decision.meeting
    back = _url(meeting, f"decision-{decision.pk}")
    if not rules.can_write(user, meeting):
        return deny(request, rules.NOT_THE_OFFICE, back_url=back)
    form = CloseForm(_posted(request), initial={"version": decision.version})

    def perform(data):
        services_decisions.decision_close(
            decision=decision, actor=user, note=data["note"], expected_version=data.get("version")
        )
        return f"决定事项第{decision.number}项已办结。"

    return run_dialog(
        request,
        form,
        template="meetings/action.html",
        perform=perform,
        done=go_to(_url(meeting)),
        conflict=ConflictError,
        context={
            "page_title": f"办结决定事项第{decision.number}项",
            "subject": decision.text[:60],
            "subject_url": back,
            "cancel_url": back,
            "submit": "办结",
            "intro": (
                "该事项已作为督办下达，办结即确认督办办结（须交办单位已报送办理情况）。"
                if decision.supervision_id
                else ""
            ),
        },
    )


@require_GET
@login_required
def meeting_docx(request, pk):
    meeting = meeting_get(user=request.user, pk=pk)
    if not rules.sees_whole_meeting(request.user, meeting):
        return deny(request, rules.NO_MEETINGS_FOR_ROLE, back_url=_url(meeting))
    response = HttpResponse(
        minutes_docx(meeting),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    return attachment(response, file_name(meeting))


urlpatterns = [
    path("", meeting_list_view, name="list"),
    path("new/", meeting_new, name="new"),
    path("<int:pk>/", meeting_detail, name="detail"),
    path("<int:pk>/edit/", meeting_edit, name="edit"),
    path("<int:pk>/agenda/new/", agenda_new, name="agenda_new"),
    path("<int:pk>/agenda/redraft/", agenda_redraft, name="agenda_redraft"),
    path("<int:pk>/agenda/<int:item>/edit/", agenda_edit, name="agenda_edit"),
    path("<int:pk>/agenda/<int:item>/remove/", agenda_remove, name="agenda_remove"),
    path("<int:pk>/agenda/<int:item>/up/", agenda_move, {"direction": "up"}, name="agenda_up"),
    path(
        "<int:pk>/agenda/<int:item>/down/", agenda_move, {"direction": "down"}, name="agenda_down"
    ),
    path("<int:pk>/attendance/new/", attendance_new, name="attendance_new"),
    path("<int:pk>/attendance/<int:row>/remove/", attendance_remove, name="attendance_remove"),
    path("<int:pk>/minutes/", minutes_edit, name="minutes"),
    path("<int:pk>/hold/", meeting_hold, name="hold"),
    path("<int:pk>/final/", meeting_finalize, name="final"),
    path("<int:pk>/decisions/new/", decision_new, name="decision_new"),
    path("<int:pk>/docx/", meeting_docx, name="docx"),
    path("decisions/<int:pk>/close/", decision_close, name="decision_close"),
]
