"""The 中介认定 card of the project page (registered in ``apps.ready``): the claims on the
project the user sees, and the way to file one (before the project's 签约)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from baton.accounts.models import User
from baton.projects.models import Project

from . import rules, services


def claims_card(request: HttpRequest, project: Project) -> str:
    user = request.user
    if not isinstance(user, User) or not rules.reads_register(user):
        return ""
    claims = (
        rules.visible_claims(user)
        .filter(project=project)
        .select_related("intermediary")
        .order_by("-filed_on", "-id")
    )
    context = {
        "project": project,
        "claims": list(claims),
        "can_file": rules.can_file(user, project),
        "signed": services.signed_on(project),
    }
    return render_to_string("intermediaries/_project_card.html", context, request)
