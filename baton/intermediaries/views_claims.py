"""中介认定 pages: the claims in scope, filing a claim on a project (before its 签约), a
claim's page with the office's decisions, and its reward — the 中介 clauses with their
formulas, then 核定, 公示 and 支付 as dialogs (``core.views.run_dialog``)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from baton.core.views import deny, go_to, run_dialog
from baton.policies.expr import FIELDS
from baton.policies.models import Beneficiary, Instalment, clauses_in_force
from baton.policies.services_delivery import basis_date
from baton.projects.selectors import project_get
from baton.projects.services import ConflictError

from . import rewards, rules, services
from .forms import (
    ApproveForm,
    ClaimFilterForm,
    ClaimForm,
    ConfirmForm,
    PayForm,
    PublicizeForm,
    ReasonForm,
    RewardForm,
)
from .models import Claim, Intermediary, Reward
from .selectors import claim_get, reward_get

PER_PAGE = 20


@require_GET
@login_required
def claim_list(request):
    if not rules.reads_register(request.user):
        return deny(request, rules.NO_REGISTER_FOR_ROLE)
    form = ClaimFilterForm(request.GET or None)
    rows = rules.visible_claims(request.user).select_related("intermediary", "project")
    if form.is_bound and not form.is_valid():
        rows = rows.none()
    elif form.is_bound:
        data = form.cleaned_data
        if q := (data.get("q") or "").strip():
            rows = rows.filter(
                Q(project__name__icontains=q)
                | Q(intermediary__name__icontains=q)
                | Q(code__iexact=q)
                | Q(project__code__iexact=q)
            )
        if data.get("status"):
            rows = rows.filter(status=data["status"])
    page = Paginator(rows.order_by("-filed_on", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "page_title": "中介认定",
    }
    template = "intermediaries/_claims.html" if request.htmx else "intermediaries/claims.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def claim_new(request, code):
    """申报认定 on a project (``code``): its unit or the district office, for a registered
    intermediary of the district; refused on or after the project's 签约."""
    project = project_get(user=request.user, code=code)
    if not rules.can_file(request.user, project):
        return deny(
            request, rules.NOT_A_FILER, back_url=reverse("projects:detail", args=[project.code])
        )
    choices = Intermediary.objects.filter(
        district_id=project.district_id, status=Intermediary.Status.ACTIVE
    ).order_by("name")
    form = ClaimForm(request.POST or None, intermediaries=choices)

    def perform(data):
        claim = services.claim_file(actor=request.user, project=project, **data)
        request.created = claim
        return f"已申报中介认定（{claim.code}）。"

    def done(req, message):
        return go_to(reverse("intermediaries:claim", args=[req.created.code]))(req, message)

    signed = services.signed_on(project)
    return run_dialog(
        request, form, template="intermediaries/claim_form.html", perform=perform, done=done,
        context={"page_title": "申报中介认定", "project": project, "signed": signed,
                 "today": timezone.localdate(), "empty": not choices.exists()},
    )  # fmt: skip


def _reward_of(claim: Claim) -> Reward | None:
    """The reward (the latest) whose split names the claim."""
    rows = Reward.objects.filter(project_id=claim.project_id).select_related(
        "application", "application__clause", "application__policy"
    )
    for reward in rows.order_by("-created_at", "-id"):
        if any(part["claim"] == claim.pk for part in reward.split):
            return reward
    return None


@require_GET
@login_required
def claim_detail(request, code):
    claim = claim_get(user=request.user, code=code)
    office = rules.is_office(request.user, claim.district_id)
    reward = _reward_of(claim)
    options = []
    if office and claim.status == Claim.Status.CONFIRMED and reward is None:
        options = rewards.options(claim.project, timezone.localdate())
    context = {
        "claim": claim,
        "project": claim.project,
        "signed": services.signed_on(claim.project),
        "is_office": office,
        "can_withdraw": claim.status == Claim.Status.FILED
        and rules.can_file(request.user, claim.project),
        "others": Claim.objects.filter(project=claim.project)
        .exclude(pk=claim.pk)
        .select_related("intermediary"),
        "rule": services.settings_for(claim.district_id).get_claim_rule_display(),
        "reward": reward,
        "options": options,
        "events": claim.events.select_related("actor").order_by("-at", "-id"),
        "page_title": f"中介认定 {claim.code}",
    }
    return render(request, "intermediaries/claim.html", context)


def _office_claim(request, code) -> Claim:
    claim = claim_get(user=request.user, code=code)
    if not rules.is_office(request.user, claim.district_id):
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    return claim


def _claim_step(request, claim, form, perform, title, *, version=True):
    return run_dialog(
        request, form, template="intermediaries/action.html", perform=perform,
        done=go_to(reverse("intermediaries:claim", args=[claim.code])),
        context={"page_title": title, "subject": f"{claim.intermediary.name} · {claim.project.name}",
                 "version": claim.version if version else None},
        conflict=ConflictError,
    )  # fmt: skip


def _version(request, claim) -> int:
    try:
        return int(request.POST.get("version") or claim.version)
    except (TypeError, ValueError):
        return -1


@require_http_methods(["GET", "POST"])
@login_required
def claim_confirm(request, code):
    claim = _office_claim(request, code)
    if claim.status != Claim.Status.FILED:
        raise PermissionDenied(rules.not_now(claim.get_status_display(), "再认定"))
    form = ConfirmForm(request.POST or None, initial={"version": claim.version})

    def perform(data):
        services.claim_confirm(
            actor=request.user, claim=claim, expected_version=data["version"],
            share=data["share"], reason=data["reason"],
        )  # fmt: skip
        return "已认定。"

    return _claim_step(request, claim, form, perform, "中介认定", version=False)


@require_http_methods(["GET", "POST"])
@login_required
def claim_refuse(request, code):
    claim = _office_claim(request, code)
    if claim.status != Claim.Status.FILED:
        raise PermissionDenied(rules.not_now(claim.get_status_display(), "不予认定"))
    form = ReasonForm(request.POST or None)

    def perform(data):
        services.claim_refuse(
            actor=request.user, claim=claim, reason=data["reason"],
            expected_version=_version(request, claim),
        )  # fmt: skip
        return "已不予认定。"

    return _claim_step(request, claim, form, perform, "不予认定")


@require_http_methods(["GET", "POST"])
@login_required
def claim_withdraw(request, code):
    claim = claim_get(user=request.user, code=code)
    if not rules.can_file(request.user, claim.project):
        raise PermissionDenied(rules.NOT_A_FILER)
    if claim.status != Claim.Status.FILED:
        raise PermissionDenied(rules.not_now(claim.get_status_display(), "撤回"))
    form = ReasonForm(request.POST or None)

    def perform(data):
        services.claim_withdraw(
            actor=request.user, claim=claim, reason=data["reason"],
            expected_version=_version(request, claim),
        )  # fmt: skip
        return "已撤回。"

    return _claim_step(request, claim, form, perform, "撤回申报")


@require_http_methods(["GET", "POST"])
@login_required
def reward_new(request, code):
    """申请奖励: a 中介 clause for the project's confirmed claims (the office)."""
    claim = _office_claim(request, code)
    if claim.status != Claim.Status.CONFIRMED:
        raise PermissionDenied("认定后才能申请中介奖励。")
    project = claim.project
    basis = basis_date(project, timezone.localdate())
    clauses = clauses_in_force(basis).filter(
        beneficiary=Beneficiary.INTERMEDIARY, policy__region__in=_prefixes(project.district.code)
    )
    form = RewardForm(request.POST or None, clauses=clauses)

    def perform(data):
        reward = rewards.reward_apply(actor=request.user, project=project, **data)
        request.created = reward
        return f"已受理中介奖励（{reward.application.code}）。"

    def done(req, message):
        code = req.created.application.code
        return go_to(reverse("intermediaries:reward", args=[code]))(req, message)

    return run_dialog(
        request, form, template="intermediaries/action.html", perform=perform, done=done,
        context={"page_title": "申请中介奖励", "subject": project.name},
    )  # fmt: skip


def _prefixes(code: str) -> list[str]:
    return [code[:n] for n in range(0, len(code) + 1)]


@require_GET
@login_required
def reward_detail(request, code):
    reward = reward_get(user=request.user, code=code)
    app = reward.application
    today = timezone.localdate()
    context = {
        "reward": reward,
        "app": app,
        "instalments": app.instalments.all(),
        "facts": [
            (FIELDS[k].label if k in FIELDS else k, v, FIELDS[k].unit if k in FIELDS else "")
            for k, v in app.facts.items()
        ],
        "is_office": rules.is_office(request.user, reward.district_id),
        "in_publicity": reward.publicity_to is not None and today < reward.publicity_to,
        "events": app.events.select_related("actor").order_by("-at", "-id"),
        "page_title": f"中介奖励 {app.code}",
    }
    return render(request, "intermediaries/reward.html", context)


def _office_reward(request, code) -> Reward:
    reward = reward_get(user=request.user, code=code)
    if not rules.is_office(request.user, reward.district_id):
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    return reward


def _reward_step(request, reward, form, perform, title):
    return run_dialog(
        request, form, template="intermediaries/action.html", perform=perform,
        done=go_to(reverse("intermediaries:reward", args=[reward.application.code])),
        context={"page_title": title, "subject": reward.application.beneficiary_name},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@login_required
def reward_approve(request, code):
    reward = _office_reward(request, code)
    if reward.application.status not in ("received", "complete"):
        raise PermissionDenied(f"该奖励{reward.application.get_status_display()}，不能核定。")
    form = ApproveForm(request.POST or None, initial={"amount": reward.application.estimate_amount})

    def perform(data):
        rewards.reward_approve(actor=request.user, reward=reward, **data)
        return "已核定中介奖励。"

    return _reward_step(request, reward, form, perform, "核定中介奖励")


@require_http_methods(["GET", "POST"])
@login_required
def reward_publicize(request, code):
    reward = _office_reward(request, code)
    if reward.application.status != "approved" or reward.publicity_from is not None:
        raise PermissionDenied("核定后、尚未公示的奖励才能公示。")
    form = PublicizeForm(request.POST or None)

    def perform(data):
        done = rewards.reward_publicize(actor=request.user, reward=reward)
        return f"已公示，公示期至 {done.publicity_to:%Y-%m-%d}。"

    return _reward_step(request, reward, form, perform, "奖励公示")


@require_http_methods(["GET", "POST"])
@login_required
def reward_pay(request, code):
    reward = _office_reward(request, code)
    unpaid = Instalment.objects.filter(
        application=reward.application, paid_on__isnull=True, due_on__isnull=False, held=False
    )
    if reward.application.status != "approved" or not unpaid.exists():
        raise PermissionDenied("该奖励没有应付未付的分期。")
    try:
        rewards.publicity_guard(reward.application, timezone.localdate())
    except ValidationError as exc:
        raise PermissionDenied(exc.messages[0]) from None
    form = PayForm(request.POST or None, instalments=unpaid)

    def perform(data):
        rewards.reward_pay(actor=request.user, reward=reward, **data)
        return "已登记支付。"

    return _reward_step(request, reward, form, perform, "支付中介奖励")
