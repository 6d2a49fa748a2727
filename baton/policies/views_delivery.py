"""政策兑现 pages: the list (filters, pages, the office's 免申即享 run), receiving an
application for a project (the clauses that apply, by the calculator), an application's
page (formula, instalments, deadline in working days, timeline) and its steps, each a
dialog that writes through ``services_delivery``."""

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baton.accounts.areas import area_of
from baton.accounts.middleware import ADMINS_SEE_NO_BUSINESS_DATA
from baton.core.dates import working_days_between
from baton.core.templatetags.baton import wan
from baton.core.views import deny, go_to, run_dialog
from baton.projects.models import Project
from baton.projects.selectors import project_get, project_scope

from . import delivery_rules as rules
from . import services_delivery as services
from . import services_payment as payment
from .calculator import estimate, signed_on
from .forms_delivery import (
    ApproveForm,
    DayForm,
    DeliverForm,
    FilterForm,
    InstalmentReasonForm,
    PayForm,
    ReasonForm,
    ReceiveForm,
    TextForm,
)
from .models import Application, Clause, Payable

Status = Application.Status
PER_PAGE = 20
NO_DELIVERY_FOR_ROLE = "您的角色不查看政策兑现。"
NOT_OPEN = "该兑现{status}，不能{what}。"


def _posted(request):
    return request.POST if request.method == "POST" else None


def _role_refusal(request):
    """The 403 for the roles without delivery (the administrators: 三员分立), or None."""
    user = request.user
    if getattr(user, "is_admin_role", False):
        return deny(request, ADMINS_SEE_NO_BUSINESS_DATA)
    if getattr(user, "is_coordinating", False) or area_of(user).is_empty:
        return deny(request, NO_DELIVERY_FOR_ROLE)
    return None


def _application(user, code) -> Application:
    rows = rules.visible_applications(user).select_related(
        "project", "project__district", "project__unit", "policy", "clause", "district", "company"
    )
    return get_object_or_404(rows, code=code)


# --- the list ----------------------------------------------------------------------------


@require_GET
@login_required
def application_list(request):
    user = request.user
    if refusal := _role_refusal(request):
        return refusal
    today = timezone.localdate()
    base = rules.visible_applications(user)
    form = FilterForm(request.GET or None)
    rows = base
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("status"):
            rows = rows.filter(status=data["status"])
        if data.get("policy"):
            rows = rows.filter(policy=data["policy"])
        if data.get("overdue"):
            rows = rows.filter(services.overdue_q(today))
    elif form.is_bound:
        rows = base.none()
    rows = rows.select_related("project", "policy", "clause").order_by("-received_on", "-id")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for row in page:
        row.days_left = _days_left(row, today)
    is_office = user.role == user.Role.DISTRICT_OFFICE and user.district_id is not None
    context = {
        "form": form,
        "page": page,
        "total": base.count(),
        "overdue_count": base.filter(services.overdue_q(today)).count(),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "is_office": is_office,
        "deliver_form": DeliverForm(initial={"on": today}) if is_office else None,
        "page_title": "政策兑现",
    }
    return render(request, "policies/applications.html", context)


def _days_left(application: Application, today: dt.date) -> int | None:
    if application.status != Status.COMPLETE or application.due_on is None:
        return None
    return working_days_between(today, application.due_on)


@require_POST
@login_required
def application_deliver(request):
    """The office's run: 免申即享 opened, instalments whose milestone is reached marked due."""
    user = request.user
    back = reverse("policies:applications")
    if refusal := _role_refusal(request):
        return refusal
    if user.role != user.Role.DISTRICT_OFFICE or user.district_id is None:
        return deny(request, rules.NOT_THE_OFFICE, back_url=back, back_label="返回政策兑现")
    form = DeliverForm(request.POST)
    if not form.is_valid():
        text = "；".join(m for ms in form.errors.values() for m in ms)
        return deny(request, text, back_url=back, back_label="返回政策兑现")
    on = form.cleaned_data.get("on") or timezone.localdate()
    try:
        opened, due = payment.deliver(user.district, on, actor=user)
    except ValidationError as exc:
        return deny(request, "；".join(exc.messages), back_url=back, back_label="返回政策兑现")
    except PermissionDenied as exc:
        return deny(request, str(exc), back_url=back, back_label="返回政策兑现")
    messages.success(request, payment.deliver_summary(len(opened), len(due)))
    return redirect(back)


# --- receiving ---------------------------------------------------------------------------


def _choices(project: Project) -> tuple:
    """The clauses one may apply under for the project: those that apply or need a fact
    the library lacks, by the calculator, on the project's signing date (else today)."""
    result = estimate(project=project)
    shown = [*result.items, *result.excluded]
    ids = [i.clause.pk for i in shown if not i.clause.no_application]
    ids += [m.clause.pk for m in result.missing if not m.clause.no_application]
    return result, Clause.objects.filter(pk__in=ids).select_related("policy")


@require_http_methods(["GET", "POST"])
@login_required
def application_new(request):
    user = request.user
    if refusal := _role_refusal(request):
        return refusal
    code = request.GET.get("project", "")
    if not code:
        if user.role not in (user.Role.DISTRICT_OFFICE, user.Role.UNIT_STAFF):
            return deny(request, rules.NOT_A_RECEIVER)
        status = 400 if request.method == "POST" else 200  # nothing to receive without one
        context = {"page_title": "申报政策"}
        return render(request, "policies/application_new.html", context, status=status)
    project = project_get(user=user, code=code)
    back = reverse("projects:detail", kwargs={"code": project.code})
    if not rules.can_receive(user, project):
        return deny(request, rules.NOT_A_RECEIVER, back_url=back, back_label="返回项目")
    result, clauses = _choices(project)
    initial = {"received_on": timezone.localdate(), "beneficiary_name": project.investor}
    form = ReceiveForm(_posted(request), clauses=clauses, initial=initial)
    made: list[Application] = []

    def perform(data):
        application = services.receive(
            user,
            project,
            data["clause"],
            received_on=data["received_on"],
            beneficiary_name=data["beneficiary_name"],
            requested_amount=data["requested_amount"] or None,
            facts=data["facts"],
            note=data["note"],
        )
        made.append(application)
        return f"已受理，兑现编号 {application.code}。"

    def done(request, message):
        return go_to(reverse("policies:application", args=[made[0].code]))(request, message)

    context = {
        "page_title": "申报政策",
        "project": project,
        "estimate": result,
        "basis": signed_on(project),
        "cancel_url": back,
        "submit": "受理",
    }
    return run_dialog(
        request,
        form,
        template="policies/application_new.html",
        perform=perform,
        done=done,
        context=context,
    )


# --- an application's page --------------------------------------------------------------

_FIELD_LABELS = {
    "instalment": "期次",
    "instalments": "分期",
    "materials": "材料",
    "held": "暂缓兑付",
    "hold_reason": "暂缓原因",
    "project": "项目",
    "clause": "条款",
    "facts": "补充数据",
}
_HIDDEN = {"project", "clause", "mode"}


def _label(field: str) -> str:
    if field in _FIELD_LABELS:
        return _FIELD_LABELS[field]
    try:
        return str(Application._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def _shown(field: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "status" and value in Status.values:
        return str(Status(value).label)
    if field == "materials":
        return "不齐全，退回补正"
    if field == "instalments" and isinstance(value, list):
        parts = []
        for row in value:
            text = f"第 {row.get('instalment') or row.get('order')} 期"
            if row.get("milestone") in Payable.values:
                text += f" {Payable(row['milestone']).label}"
            if row.get("amount"):
                text += f" {row['amount']} 万元"
            text += f" 应付 {row.get('due_on') or '待节点'}"
            parts.append(text)
        return "；".join(parts)
    if field == "facts" and isinstance(value, dict):
        return "，".join(f"{k}={v}" for k, v in value.items()) or "—"
    text = str(value)
    return text if len(text) <= 120 else text[:120] + "…"


def _timeline(application: Application) -> list[dict]:
    events = application.events.select_related("actor").order_by("-at", "-id")
    out = []
    for event in events:
        old, new = event.old or {}, event.new or {}
        lines = []
        for key, value in new.items():
            if key in _HIDDEN or (event.kind in ("received", "opened") and key == "status"):
                continue
            if key in old and old[key] != value:
                lines.append(f"{_label(key)}：{_shown(key, old[key])} → {_shown(key, value)}")
            elif key not in old:
                lines.append(f"{_label(key)}：{_shown(key, value)}")
        out.append(
            {
                "kind": event.kind,
                "title": event.get_kind_display(),
                "lines": lines,
                "text": event.reason,
                "who": event.actor.display_name if event.actor_id else "系统",
                "at": event.at,
            }
        )
    return out


def abilities(user, application: Application) -> dict:
    office = rules.is_office(user, application.district_id) if user.is_authenticated else False
    status = application.status
    unpaid = [i for i in application.instalments.all() if i.paid_on is None]
    return {
        "office": office,
        "complete": office and status == Status.RECEIVED,
        "return": office and status == Status.RECEIVED,
        "approve": office and status == Status.COMPLETE,
        "reject": office and status in services.IN_PROGRESS,
        "withdraw": office and status in services.IN_PROGRESS,
        "note": rules.can_note(user, application) if user.is_authenticated else False,
        "pay": office
        and status == Status.APPROVED
        and any(i.due_on and not i.held for i in unpaid),
        "hold": office and status == Status.APPROVED and any(not i.held for i in unpaid),
        "release": office and status == Status.APPROVED and any(i.held for i in unpaid),
    }


def _deadline(application: Application, today: dt.date) -> dict | None:
    if application.due_on is None:
        return None
    days = working_days_between(today, application.due_on)
    decided = application.decided_on
    if decided is not None:
        late = decided > application.due_on
        text = f"已于 {decided:%Y-%m-%d} 办结" + ("（逾期办结）" if late else "")
        state = "late" if late else "done"
    elif application.status != Status.COMPLETE:
        text, state = "无需办理", "done"
    elif days < 0:
        text, state = f"已逾期 {-days} 个工作日", "overdue"
    elif days == 0:
        text, state = "今天到期", "soon"
    else:
        text, state = f"还有 {days} 个工作日", "soon" if days <= 5 else "open"
    return {
        "due": application.due_on,
        "text": text,
        "state": state,
        "note": services.deadline_note(application),
        "days": application.policy.delivery_days,
    }


@require_GET
@login_required
def application_detail(request, code):
    if refusal := _role_refusal(request):
        return refusal
    application = _application(request.user, code)
    today = timezone.localdate()
    instalments = list(application.instalments.all())
    context = {
        "application": application,
        "page_title": f"政策兑现 {application.code}",
        "instalments": instalments,
        "paid_total": sum((i.paid_amount or Decimal(0) for i in instalments), Decimal(0)),
        "deadline": _deadline(application, today),
        "timeline": _timeline(application),
        "can": abilities(request.user, application),
        "awaiting": services.awaiting_materials(application),
        "project_visible": Project.objects.filter(
            project_scope(request.user), pk=application.project_id
        ).exists(),
    }
    return render(request, "policies/application.html", context)


# --- the steps ---------------------------------------------------------------------------

#: step → (the dialog's title, the submit label, what a refusal says cannot be done)
STEPS = {
    "complete": ("材料齐全", "确认材料齐全", "登记材料齐全"),
    "return": ("退回补正", "退回补正", "退回补正"),
    "approve": ("核定", "确认核定", "核定"),
    "reject": ("不予兑现", "确认不予兑现", "不予兑现"),
    "withdraw": ("撤回", "确认撤回", "撤回"),
    "note": ("备注", "添加备注", "添加备注"),
    "pay": ("支付", "确认支付", "支付"),
    "hold": ("暂缓兑付", "确认暂缓", "暂缓兑付"),
    "release": ("恢复兑付", "确认恢复", "恢复兑付"),
}


def _refusal(user, application: Application, step: str) -> str:
    if step == "note":
        return rules.NOT_A_NOTER
    if not rules.is_office(user, application.district_id):
        return rules.NOT_THE_OFFICE
    what = STEPS[step][2]
    if application.status == Status.APPROVED and step in ("pay", "hold", "release"):
        return f"没有可{what}的分期。"
    return NOT_OPEN.format(status=application.get_status_display(), what=what)


def _form(step: str, request, application: Application):
    data = _posted(request)
    initial = {"version": application.version, "on": timezone.localdate()}
    unpaid = [i for i in application.instalments.all() if i.paid_on is None]
    if step == "complete":
        return DayForm(data, initial=initial)
    if step == "approve":
        return ApproveForm(data, initial={**initial, "amount": application.estimate_amount or ""})
    if step in ("return", "reject", "withdraw"):
        label = {"return": "需补正的材料", "reject": "不予兑现的理由", "withdraw": "撤回的理由"}
        return ReasonForm(data, initial=initial, label=label[step])
    if step == "note":
        return TextForm(data)
    if step == "pay":
        payable = [i for i in unpaid if i.due_on and not i.held]
        first = payable[0] if payable else None
        extra = {"instalment": first.order, "amount": first.amount} if first else {}
        return PayForm(data, instalments=payable, initial={**initial, **extra})
    held = step == "release"
    rows = [i for i in unpaid if i.held == held]
    label = "恢复兑付的理由" if held else "暂缓原因"
    return InstalmentReasonForm(data, instalments=rows, label=label, initial=initial)


def _perform(step: str, user, application: Application, data: dict) -> str:
    version = data.get("version")
    if step == "complete":
        services.complete(user, application, on=data["on"], expected_version=version)
        return f"已登记材料齐全，兑现时限 {application.due_on:%Y-%m-%d}。"
    if step == "return":
        services.return_incomplete(
            user, application, reason=data["reason"], expected_version=version
        )
        return "已退回补正，待责任单位补充材料。"
    if step == "approve":
        services.approve(
            user,
            application,
            amount=data["amount"],
            on=data["on"],
            reason=data["reason"],
            expected_version=version,
        )
        return f"已核定 {wan(application.approved_amount)} 万元。"
    if step in ("reject", "withdraw"):
        service = services.reject if step == "reject" else services.withdraw
        service(user, application, reason=data["reason"], expected_version=version)
        return "已记录不予兑现。" if step == "reject" else "已记录撤回。"
    if step == "note":
        services.note(user, application, text=data["text"])
        return "已添加备注。"
    instalment = application.instalments.get(order=data["instalment"])
    if step == "pay":
        payment.pay(
            user,
            instalment,
            on=data["on"],
            amount=data["amount"],
            voucher=data["voucher"],
            expected_version=version,
        )
        return f"已记录第 {instalment.order} 期支付。"
    service = payment.hold if step == "hold" else payment.release
    service(user, instalment, reason=data["reason"], expected_version=version)
    return f"第 {instalment.order} 期已" + ("暂缓兑付。" if step == "hold" else "恢复兑付。")


def _step_view(step: str):
    @require_http_methods(["GET", "POST"])
    @login_required
    def view(request, code):
        user = request.user
        if refusal := _role_refusal(request):
            return refusal
        application = _application(user, code)
        back = reverse("policies:application", args=[application.code])
        if not abilities(user, application)[step]:
            return deny(
                request,
                _refusal(user, application, step),
                back_url=back,
                back_label="返回政策兑现",
            )
        form = _form(step, request, application)
        title = STEPS[step][0]

        def perform(data):
            return _perform(step, user, application, data)

        return run_dialog(
            request,
            form,
            template="policies/application_action.html",
            perform=perform,
            done=go_to(back),
            conflict=services.ConflictError,
            context={
                "page_title": title,
                "application": application,
                "subject": f"{application.code} {application.beneficiary_name}",
                "subject_url": back,
                "cancel_url": back,
                "submit": STEPS[step][1],
            },
        )

    view.__name__ = f"application_{step}"
    return view


urlpatterns = [
    path("applications/", application_list, name="applications"),
    path("applications/new/", application_new, name="application_new"),
    path("applications/deliver/", application_deliver, name="application_deliver"),
    path("applications/<str:code>/", application_detail, name="application"),
    *(
        path(f"applications/<str:code>/{step}/", _step_view(step), name=f"application_{step}")
        for step in STEPS
    ),
]
