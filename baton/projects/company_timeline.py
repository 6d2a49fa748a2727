"""A company's projects on its timeline in 客商库 (``companies.timeline``).

A project is the company's when its investor has the company's 统一社会信用代码, or
(without a code) is written with the company's name or one of its former names. Only the
projects the user may see are listed.
"""

from django.db.models import Q
from django.urls import reverse

from baton.companies.timeline import Entry, timeline_provider

from .selectors import project_list


@timeline_provider("projects")
def company_projects(user, company):
    """Each project of ``company`` that ``user`` may see, on the day it was created."""
    match = Q(investor_uscc=company.uscc) if company.uscc else Q(pk__in=[])
    names = [company.name, *company.former_names]
    rows = project_list(user=user).filter(match | Q(investor_uscc="", investor__in=names))
    for project in rows.order_by("created_at", "id"):
        yield Entry(
            at=project.created_at,
            kind="项目",
            title=f"{project.name}（{project.stage.name}，{project.unit.name}）",
            url=reverse("projects:detail", kwargs={"code": project.code}),
        )
