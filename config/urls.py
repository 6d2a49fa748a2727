from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path, reverse

from baton.ops.health import healthz
from baton.ops.metrics import metrics
from config.api import api

admin.site.site_header = "接力棒 · 系统配置"
admin.site.site_title = "接力棒"
admin.site.index_title = "配置首页"


def _admin_login(request, extra_context=None):
    """Sign in to the admin through the one login page, not the admin's own form.

    Only that page records the login session (so that disabling the account ends it)
    and sends an administrator straight on to the second factor.
    """
    return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"))


admin.site.login = _admin_login


def _admin_permission(request) -> bool:
    """The configuration site is the system administrator's alone (三员分立): an account
    of another role does not get in even if its ``is_staff`` flag was set somehow."""
    from baton.accounts.models import User

    user = request.user
    return user.is_active and user.is_staff and user.role == User.Role.SYS_ADMIN


admin.site.has_permission = _admin_permission

#: A refusal anywhere (``raise PermissionDenied("中文原因")``): the reason, on the one
#: refusal page, in the dialog or in place for htmx.
handler403 = "baton.core.views.permission_denied"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("", include("baton.reports.urls")),
    path("accounts/", include("baton.accounts.urls")),
    path("projects/", include("baton.projects.urls")),
    path("projects/", include("baton.supervision.urls")),
    path("projects/", include("baton.files.urls")),
    path("leads/", include("baton.leads.urls")),
    path("visits/", include("baton.visits.urls")),
    path("activities/", include("baton.activities.urls")),
    path("companies/", include("baton.companies.urls")),
    path("intermediaries/", include("baton.intermediaries.urls")),
    path("chains/", include("baton.chains.urls")),
    path("policies/", include("baton.policies.urls")),
    path("ledger/", include("baton.ledger.urls")),
    path("jobs/", include("baton.jobs.urls")),
    path("land/", include("baton.land.urls")),
    path("audit/", include("baton.audit.urls")),
    path("assessment/", include("baton.assessment.urls")),
    path("todo/", include("baton.todo.urls")),
    path("notices/", include("baton.notices.urls")),
    path("meetings/", include("baton.meetings.urls")),
    path("outcomes/", include("baton.outcomes.urls")),
    path("news/", include("baton.news.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
