"""The actions on a lead, each a dialog (``core.views.run_dialog``) that writes through
the services and updates the page in place."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from baton.core.messages import NOTE_ADDED, SAVED
from baton.core.views import go_to, run_dialog
from baton.org.models import Unit
from baton.projects.models import Project

from .. import rules, services
from ..deadlines import settings_of
from ..forms import (
    LEAD_FIELDS,
    ArbitrateForm,
    AssessForm,
    ConvertForm,
    EditForm,
    ReassignForm,
    RespondForm,
    TextForm,
)
from ..models import Lead, Status
from .common import _lead, _posted
from .page import _abilities, _action, _refuse, _why_not


@require_http_methods(["GET", "POST"])
@login_required
def lead_respond(request, code):
    user = request.user
    lead = _lead(user, code)
    if not _abilities(user, lead)["respond"]:
        return _refuse(
            request, lead, rules.ALREADY_RESPONDED if lead.responded_at else _why_not(lead)
        )
    form = RespondForm(_posted(request), initial={"follower": lead.follower})

    def perform(data):
        services.lead_respond(lead=lead, actor=user, follower=data["follower"], note=data["note"])
        return "已响应，开始跟进。"

    return _action(
        request, lead, form, template="leads/action.html", title="响应", perform=perform,
        submit="确认响应",
    )  # fmt: skip


def _text_action(request, code, *, able, service, label, title, done_message, kw="text"):
    user = request.user
    lead = _lead(user, code)
    if not _abilities(user, lead)[able]:
        return _refuse(request, lead, _why_not(lead))
    form = TextForm(_posted(request), label=label)

    def perform(data):
        service(lead=lead, actor=user, **{kw: data["text"]})
        return done_message

    return _action(request, lead, form, template="leads/action.html", title=title, perform=perform)


@require_http_methods(["GET", "POST"])
@login_required
def lead_note(request, code):
    return _text_action(
        request, code, able="note", service=services.lead_note, label="跟进情况",
        title="跟进记录", done_message=NOTE_ADDED,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_feedback(request, code):
    return _text_action(
        request, code, able="feedback", service=services.lead_feedback, label="反馈内容",
        title="反馈来源方", done_message="已记录向来源方的反馈。",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_reject(request, code):
    return _text_action(
        request, code, able="reject", service=services.lead_reject, label="不予跟进的理由",
        title="不予跟进", done_message="已标记为不予跟进。", kw="reason",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_assess(request, code):
    user = request.user
    lead = _lead(user, code)
    if not _abilities(user, lead)["assess"]:
        return _refuse(request, lead, _why_not(lead))
    initial = dict(lead.assessment or {})
    form = AssessForm(_posted(request), initial=initial)

    def perform(data):
        services.lead_assess(
            lead=lead,
            actor=user,
            points=form.points(),
            conclusion=data["conclusion"],
            note=data["note"],
        )
        return "已保存研判意见。" if data["conclusion"] == "follow" else "研判结论：不予跟进。"

    return _action(
        request, lead, form, template="leads/action.html", title="研判", perform=perform,
        submit="保存研判",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_arbitrate(request, code):
    user = request.user
    lead = _lead(user, code)
    if not _abilities(user, lead)["arbitrate"]:
        message = rules.NOT_THE_OFFICE if not rules.is_office(user, lead) else rules.NO_CONFLICT
        return _refuse(request, lead, message)
    form = ArbitrateForm(_posted(request))
    earlier = Lead.objects.select_related("unit").get(pk=lead.conflict_with_id)

    def perform(data):
        services.lead_arbitrate(
            lead=lead, actor=user, decision=data["decision"], reason=data["reason"]
        )
        return {
            "merge": f"已裁决：本信息并入 {earlier.code}，由{earlier.unit.name}继续首谈。",
            "assign": f"已裁决：改由{lead.unit.name}首谈，{earlier.code} 并入本信息。",
            "reject": "已裁决：本信息退回，先报信息不变。",
        }[data["decision"]]

    return _action(
        request, lead, form, template="leads/action.html", title="撞车裁决", perform=perform,
        submit="确认裁决", earlier=earlier,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_reassign(request, code):
    user = request.user
    lead = _lead(user, code)
    can = _abilities(user, lead)
    if not can["reassign"]:
        if not can["office"]:
            return _refuse(request, lead, rules.NOT_THE_OFFICE)
        limit = settings_of(lead.district).idle_days
        idle = services.idle_days(lead)
        if lead.is_active and lead.status != Status.CONFLICT:
            message = rules.too_early_to_reassign(idle, limit)
        else:
            message = rules.not_reassignable(lead.get_status_display())
        return _refuse(request, lead, message)
    units = Unit.objects.filter(district=lead.district, is_active=True).promotion()
    form = ReassignForm(_posted(request), units=units.exclude(pk=lead.unit_id))

    def perform(data):
        services.lead_reassign(lead=lead, actor=user, unit=data["unit"], reason=data["reason"])
        return f"已改派给{data['unit'].name}。"

    return _action(
        request, lead, form, template="leads/action.html", title="改派", perform=perform,
        submit="确认改派",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_convert(request, code):
    user = request.user
    lead = _lead(user, code)
    if not _abilities(user, lead)["convert"]:
        message = _why_not(lead)
        if rules.can_work(user, lead):
            message = rules.NOT_CONVERTIBLE
        return _refuse(request, lead, message)
    form = ConvertForm(_posted(request))
    made: list[Project] = []

    def perform(data):
        project = services.lead_convert(lead=lead, actor=user, stage=data["stage"])
        made.append(project)
        return f"已转化为项目 {project.code}。"

    def done(request, message):
        url = reverse("projects:detail", kwargs={"code": made[0].code})
        return go_to(url)(request, message)

    return _action(
        request, lead, form, template="leads/action.html", title="转化为项目", perform=perform,
        submit="确认转化", done=done,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def lead_edit(request, code):
    user = request.user
    lead = _lead(user, code)
    if not _abilities(user, lead)["edit"]:
        return _refuse(request, lead, _why_not(lead))
    initial = {name: getattr(lead, name) for name in LEAD_FIELDS}
    initial["version"] = lead.version
    form = EditForm(_posted(request), initial=initial)

    def perform(data):
        changed = services.lead_update(
            lead=lead,
            actor=user,
            changes=form.values(),
            expected_version=data["version"],
            reason=data["reason"],
        )
        return SAVED if changed else "没有修改任何内容。"

    back = reverse("leads:detail", args=[lead.code])
    return run_dialog(
        request,
        form,
        template="leads/edit.html",
        perform=perform,
        done=go_to(back),
        context={"page_title": "修改投资信息", "lead": lead, "cancel_url": back},
    )


# --- the district's rules ---------------------------------------------------------------
