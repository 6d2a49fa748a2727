"""The 政策兑现 card of the project page (registered in ``apps.ready``): the project's
applications the user sees, with their amounts, and the way to the calculator and to
apply."""

from decimal import Decimal

from django.http import HttpRequest
from django.template.loader import render_to_string

from baton.projects.models import Project

from . import delivery_rules as rules


def delivery_card(request: HttpRequest, project: Project) -> str:
    user = request.user
    rows = list(
        rules.visible_applications(user)
        .filter(project=project)
        .select_related("policy", "clause")
        .prefetch_related("instalments")
        .order_by("-received_on", "-id")
    )
    for row in rows:
        row.paid = sum((i.paid_amount or Decimal(0) for i in row.instalments.all()), Decimal(0))
    context = {
        "project": project,
        "applications": rows,
        "can_apply": rules.can_receive(user, project),
    }
    return render_to_string("policies/_project_card.html", context, request)
