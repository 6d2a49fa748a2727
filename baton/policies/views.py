"""The policy library, read-only: every policy with its clauses, rules and explanations."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from . import selectors

app_name = "policies"


@require_GET
@login_required
def policy_list(request):
    rows = [
        (policy, [selectors.clause_view(c) for c in policy.clauses.all()])
        for policy in selectors.policy_rows()
    ]
    context = {"rows": rows, "page_title": "政策库"}
    return render(request, "policies/list.html", context)


urlpatterns = [path("", policy_list, name="list")]
