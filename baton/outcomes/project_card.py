"""The 履约与效益 card of the project page (registered in ``apps.ready``): the contract's
promises with their state and gap, the yearly results with 亩均产值/亩均税收 and the land
they are computed on, and the ways to record them."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from baton.accounts.models import User
from baton.projects.models import Project

from . import measure, rules


def outcomes_card(request: HttpRequest, project: Project) -> str:
    user = request.user
    if not isinstance(user, User) or not rules.reads(user):
        return ""
    promises = list(project.promises.select_related("problem").order_by("check_on", "id"))
    results = list(project.results.all())
    land = measure.project_land(project)
    signed = rules.signed_on(project)
    landed = rules.is_landed(project)
    if not promises and not results and not signed:
        return ""
    can_record = rules.can_record(user, project)
    context = {
        "project": project,
        "promises": promises,
        "lines": measure.year_lines(results, land),
        "land": land,
        "signed": signed,
        "can_promise": can_record and signed is not None,
        "can_result": can_record and landed,
        "broken": [p for p in promises if p.status == p.Status.BROKEN],
    }
    return render_to_string("outcomes/_project_card.html", context, request)
