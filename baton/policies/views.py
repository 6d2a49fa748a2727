"""The policy library: the list (with its filters), a policy's page (clauses by version,
the fair competition review, the timeline), and the issuing office's two actions —
recording a review conclusion and publishing a draft (``core.views.run_dialog``)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from baton.core.views import deny, go_to, run_dialog

from . import fair, rules, selectors, services
from .forms import FilterForm, PublishForm, ReviewForm
from .models import Clause

app_name = "policies"
PER_PAGE = 20


def _posted(request):
    return request.POST if request.method == "POST" else None


@require_GET
@login_required
def policy_list(request):
    form = FilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # a filter with an error is shown with it and left out
    filters = form.filters()
    page = Paginator(selectors.policy_rows(filters), PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        (policy, selectors.pending_number(policy), selectors.versions(policy))
        for policy in page.object_list
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filtered": bool(filters),
        "legacy_label": fair.LEGACY,
        "page_title": "政策库",
    }
    return render(request, "policies/list.html", context)


@require_GET
@login_required
def policy_detail(request, pk):
    policy = selectors.policy_get(pk)
    context = {
        "policy": policy,
        "pending_number": selectors.pending_number(policy),
        "versions": selectors.versions(policy),
        "events": selectors.events(policy),
        "legacy": fair.is_legacy(policy.effective_on),
        "legacy_label": fair.LEGACY,
        "unresolved": services.unresolved(policy) if policy.is_draft else [],
        "can_manage": rules.can_manage(request.user, policy),
        "page_title": f"{policy.title} · 政策库",
    }
    return render(request, "policies/detail.html", context)


def _managed(request, pk):
    """The policy and None when the user may act on it, else the policy and the refusal."""
    policy = selectors.policy_get(pk)
    if rules.can_manage(request.user, policy):
        return policy, None
    back = reverse("policies:policy", args=[policy.pk])
    return policy, deny(request, rules.NOT_THE_ISSUER, back_url=back, back_label="返回政策")


def _dialog(request, policy, form, perform, *, title, **extra):
    back = reverse("policies:policy", args=[policy.pk])
    context = {
        "page_title": title,
        "subject": f"{policy.title}（{policy.number}）",
        "cancel_url": back,
        "crumbs": [("政策库", reverse("policies:list")), (policy.number, back)],
        **extra,
    }
    return run_dialog(
        request,
        form,
        template="policies/_dialog_form.html",
        perform=perform,
        done=go_to(back),
        context=context,
    )


@require_http_methods(["GET", "POST"])
@login_required
def clause_review(request, pk, clause_pk):
    policy, refused = _managed(request, pk)
    if refused:
        return refused
    clause = get_object_or_404(Clause, policy=policy, pk=clause_pk)
    form = ReviewForm(_posted(request))

    def perform(data):
        services.clause_review(clause=clause, conclusion=form.conclusion(), actor=request.user)
        return f"已记录{clause.number}的公平竞争审查结论。"

    title = f"公平竞争审查 · {clause.number}"
    return _dialog(request, policy, form, perform, title=title, flags=clause.fair_flags)


@require_http_methods(["GET", "POST"])
@login_required
def policy_publish(request, pk):
    policy, refused = _managed(request, pk)
    if refused:
        return refused
    form = PublishForm(_posted(request))

    def perform(data):
        services.policy_publish(policy=policy, actor=request.user)
        return f"已发布{policy.number}。"

    return _dialog(
        request, policy, form, perform, title="发布政策", problems=services.unresolved(policy)
    )


urlpatterns = [
    path("", policy_list, name="list"),
    path("<int:pk>/", policy_detail, name="policy"),
    path("<int:pk>/clauses/<int:clause_pk>/review/", clause_review, name="review"),
    path("<int:pk>/publish/", policy_publish, name="publish"),
]
