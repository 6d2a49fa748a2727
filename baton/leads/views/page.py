"""A lead's page: its deadlines, 撞车, 研判 and timeline, and the dialogs' shared steps."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.http import trigger_client_event

from baton.companies import rules as company_rules
from baton.core.dates import local_date
from baton.core.views import deny, go_to, run_dialog
from baton.org.models import Unit
from baton.projects.models import Industry, Project

from .. import rules, services
from ..deadlines import is_provisional, settings_of
from ..due import owed
from ..models import ASSESSMENT_POINTS, Kind, Lead, LeadEvent, Source, Status
from ..values import AMOUNTS, QUANTITIES
from .common import _lead


def _deadline_rows(lead: Lead, today: dt.date) -> list[dict]:
    pending = {due.kind: due for due in owed(lead, today)}
    rows = []
    for kind, label, due, done in (
        ("respond", "响应时限", lead.respond_due, lead.responded_at),
        ("assess", "研判时限", lead.assess_due, lead.assessed_at),
        ("feedback", "反馈时限", lead.feedback_due, lead.feedback_at),
    ):
        if done is not None:
            state = "done"
            late = local_date(done) > due
            note = f"已于 {local_date(done):%Y-%m-%d} 完成" + ("（逾期完成）" if late else "")
        elif kind in pending:
            late = pending[kind].overdue
            state = "overdue" if late else "open"
            days = (due - today).days
            note = (
                f"已逾期 {-days} 天" if late else ("今天到期" if days == 0 else f"还有 {days} 天")
            )
        elif lead.status == Status.CONFLICT:
            state, note = "none", "撞车待裁决，裁决后办理"
        else:
            state, note = "none", "无需办理"
        rows.append({"kind": kind, "label": label, "due": due, "state": state, "note": note})
    return rows


_FIELD_LABELS = {
    "unit": "跟进单位",
    "first_unit": "首报单位",
    "company": "投资方",
    "merged_from": "并入信息",
    "decision": "裁决结果",
}
_DECISIONS = {"merge": "合并至先报信息", "assign": "由本信息的单位首谈", "reject": "退回"}
_HIDDEN = {"assessment", "version", "reserve_reason"}


def _label(field: str) -> str:
    if field in _FIELD_LABELS:
        return _FIELD_LABELS[field]
    try:
        return str(Lead._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def _names(events) -> dict:
    """The names behind the ids the events keep: units, leads, industries, projects."""
    ids: dict[str, set] = {"unit": set(), "lead": set(), "industry": set(), "project": set()}
    kinds = {
        "unit": "unit",
        "first_unit": "unit",
        "conflict_with": "lead",
        "merged_into": "lead",
        "merged_from": "lead",
        "industry": "industry",
        "project": "project",
    }
    for event in events:
        for values in (event.old or {}, event.new or {}):
            for key, value in values.items():
                if key in kinds and isinstance(value, int):
                    ids[kinds[key]].add(value)
    return {
        "unit": dict(Unit.objects.filter(pk__in=ids["unit"]).values_list("pk", "name")),
        "lead": dict(Lead.objects.filter(pk__in=ids["lead"]).values_list("pk", "code")),
        "industry": dict(Industry.objects.filter(pk__in=ids["industry"]).values_list("pk", "name")),
        "project": dict(Project.objects.filter(pk__in=ids["project"]).values_list("pk", "code")),
        "kinds": kinds,
    }


def _shown(field: str, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    kind = names["kinds"].get(field)
    if kind:
        return str(names[kind].get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "status":
        return str(Status(value).label) if value in Status.values else str(value)
    if field == "source":
        return str(Source(value).label) if value in Source.values else str(value)
    if field == "kind":
        return str(Kind(value).label) if value in Kind.values else str(value)
    if field == "decision":
        return _DECISIONS.get(value, str(value))
    if field in AMOUNTS or field in QUANTITIES:
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            return str(value)
        return f"{number:,.4f}".rstrip("0").rstrip(".")  # the label names the unit
    if field.endswith("_at") and isinstance(value, str):
        try:
            return f"{timezone.localtime(dt.datetime.fromisoformat(value)):%Y-%m-%d %H:%M}"
        except ValueError:
            return value
    text = str(value)
    return text if len(text) <= 80 else text[:80] + "…"


def _timeline(lead: Lead) -> list[dict]:
    events = list(
        LeadEvent.objects.filter(lead=lead).select_related("actor").order_by("-at", "-id")
    )
    names = _names(events)
    out = []
    for event in events:
        old, new = event.old or {}, event.new or {}
        lines = []
        if event.kind != LeadEvent.Kind.REGISTERED:
            for key, value in new.items():
                if key in _HIDDEN:
                    continue
                if key in old:
                    before = _shown(key, old[key], names)
                    lines.append(f"{_label(key)}：{before} → {_shown(key, value, names)}")
                else:
                    lines.append(f"{_label(key)}：{_shown(key, value, names)}")
        else:
            unit = names["unit"].get(new.get("unit"), "")
            lines.append(f"首报单位：{unit}" if unit else "")
            if new.get("is_reserve"):
                lines.append(f"储备信息：{lead.reserve_reason or '低于入库门槛'}")
        if event.kind == LeadEvent.Kind.ASSESSED:
            conclusion = (new.get("assessment") or {}).get("conclusion")
            lines.append("研判结论：" + ("继续跟进" if conclusion == "follow" else "不予跟进"))
        who = event.actor.display_name if event.actor_id else "系统"
        out.append(
            {
                "kind": event.kind,
                "title": event.get_kind_display(),
                "lines": [line for line in lines if line],
                "text": event.reason,
                "who": who,
                "at": event.at,
            }
        )
    return out


def _abilities(user, lead: Lead) -> dict:
    work = rules.can_work(user, lead)
    office = rules.is_office(user, lead)
    reassign_now = services.can_reassign_now(lead)
    return {
        "work": work,
        "respond": work and lead.responded_at is None,
        "assess": work,
        "reject": work,
        "note": work,
        "edit": work,
        "convert": work and lead.status == Status.ASSESSED,
        "feedback": rules.can_feedback(user, lead),
        "office": office,
        "arbitrate": office and lead.status == Status.CONFLICT,
        "reassign": office and reassign_now,
        "reassign_later": office
        and lead.is_active
        and lead.status != Status.CONFLICT
        and not reassign_now,
    }


def _parts(request, lead: Lead) -> dict:
    user = request.user
    today = timezone.localdate()
    rules_ = settings_of(lead.district)
    earlier = None
    if lead.conflict_with_id:
        earlier = Lead.objects.select_related("unit", "company").get(pk=lead.conflict_with_id)
        earlier.visible = rules.visible_leads(user).filter(pk=earlier.pk).exists()
    merged_into = None
    if lead.merged_into_id:
        merged_into = Lead.objects.get(pk=lead.merged_into_id)
        merged_into.visible = rules.visible_leads(user).filter(pk=merged_into.pk).exists()
    assessment = lead.assessment or {}
    project = lead.project
    return {
        "lead": lead,
        "page_title": lead.title,
        "deadlines": _deadline_rows(lead, today),
        "provisional": is_provisional(lead),
        "earlier": earlier,
        "merged_into": merged_into,
        "points": [(label, assessment.get(key, "")) for key, label in ASSESSMENT_POINTS],
        "conclusion": assessment.get("conclusion", ""),
        "assessment_note": assessment.get("note", ""),
        "timeline": _timeline(lead),
        "can": _abilities(user, lead),
        "idle": services.idle_days(lead, today),
        "idle_limit": rules_.idle_days,
        "company_visible": company_rules.visible_companies(user)
        .filter(pk=lead.company_id)
        .exists(),
        "project_visible": project is not None and Project.objects.filter(pk=project.pk).exists(),
    }


@require_GET
@login_required
def lead_detail(request, code):
    lead = _lead(request.user, code)
    return render(request, "leads/detail.html", _parts(request, lead))


def _in_place(lead: Lead):
    """Success of an action: through htmx, the dialog closes and the page's parts are
    swapped in place; without JavaScript, back to the lead's page."""

    def done(request, message: str) -> HttpResponse:
        url = reverse("leads:detail", args=[lead.code])
        if not request.htmx:
            return go_to(url)(request, message)
        try:
            fresh = _lead(request.user, lead.code)
        except Http404:
            return go_to(reverse("leads:list"))(request, message)
        response = render(request, "leads/_parts.html", {**_parts(request, fresh), "oob": True})
        trigger_client_event(response, "showMessage", {"text": message})
        return trigger_client_event(response, "closeDialog")

    return done


def _action(request, lead, form, *, template, title, perform, **extra):
    back = reverse("leads:detail", args=[lead.code])
    return run_dialog(
        request,
        form,
        template=template,
        perform=perform,
        done=extra.pop("done", None) or _in_place(lead),
        context={
            "page_title": title,
            "lead": lead,
            "subject": f"{lead.code} {lead.title}",
            "subject_url": back,
            "cancel_url": back,
            "crumbs": [("投资信息", reverse("leads:list")), (lead.code, back)],
            **extra,
        },
    )


def _refuse(request, lead, message):
    back = reverse("leads:detail", args=[lead.code])
    return deny(request, message, back_url=back, back_label="返回投资信息")


def _why_not(lead: Lead) -> str:
    if lead.status == Status.CONFLICT:
        return rules.IN_CONFLICT
    if not lead.is_active:
        return rules.CLOSED_LEAD.format(status=lead.get_status_display())
    return rules.NOT_THE_HOLDER
