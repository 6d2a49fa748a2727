"""显示号码: a leader or the city reviewer asks for a contact's full number (audited).

Who sees what is decided in ``baton.accounts.privacy``; this view only answers the
request: POST (htmx swaps the number into the page; without JavaScript, a small page).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import re_path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from baton.accounts import privacy

from ..models import CODE_PATTERN, Project
from ..selectors import project_get

CODE = rf"(?P<code>{CODE_PATTERN})"


def contact_phone_cell(request, project: Project, *, revealed: str | None = None) -> str:
    """The phone as the signed-in user may see it, with the 显示号码 button if they may ask."""
    user = request.user
    context = {
        "project": project,
        "phone": revealed if revealed is not None else privacy.shown_phone(user, project),
        # Shown in full after asking: the view was audited.
        "audited": revealed is not None and privacy.can_reveal(user, project),
        "can_reveal": revealed is None
        and bool(project.contact_phone)
        and privacy.can_reveal(user, project),
    }
    return render_to_string("projects/_contact_phone.html", context, request=request)


@never_cache
@require_POST
@login_required
def contact_reveal(request, code):
    user = request.user
    project = project_get(user=user, code=code)
    phone = privacy.full_phone(user=user, project=project, request=request)
    cell = contact_phone_cell(request, project, revealed=phone)
    if request.htmx:
        return HttpResponse(cell)
    context = {
        "project": project,
        "cell": cell,
        "page_title": "联系人电话",
        "subject": f"{project.code} · {project.name}",
        "subject_url": reverse("projects:detail", args=[project.code]),
    }
    return render(request, "projects/project_contact.html", context)


urls = [re_path(rf"^{CODE}/contact/$", contact_reveal, name="contact")]
