import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect

from baton.core.views import deny

from .coordinating import COORDINATING_ONLY, may_open
from .services import password_expired

#: Views a signed-in user may reach before finishing the second factor or a forced
#: password change.
_OPEN_VIEWS = {"accounts:login", "accounts:logout", "accounts:otp", "accounts:password_change"}


class _ViewGate:
    """A middleware that may answer a signed-in user's request before its view runs:
    ``refuse`` returns that answer, or None to let the view run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        match = request.resolver_match
        if not user.is_authenticated or match is None:
            return None
        return self.refuse(request, user, match)

    def refuse(self, request, user, match):
        raise NotImplementedError


class AccountSecurityMiddleware(_ViewGate):
    """Hold a signed-in user at the door until the login is complete.

    The three administrators must pass the TOTP second factor; anyone whose password
    is older than the allowed age must change it first.
    """

    def refuse(self, request, user, match):
        if match.view_name in _OPEN_VIEWS or match.route.startswith("api/"):
            return None
        if user.is_admin_role and not user.is_verified():
            return redirect("accounts:otp")
        if password_expired(user):
            messages.warning(request, "您的密码已超过有效期，请先修改密码。")
            return redirect("accounts:password_change")
        return None


#: Why the three administrators get no business page (三员分立).
ADMINS_SEE_NO_BUSINESS_DATA = "按照“三员分立”的要求，管理员不查看招商项目等业务数据。"

#: The apps whose pages show business data: every page under their URL namespaces but
#: the 工作台 (where every account starts, the administrators included).
BUSINESS_NAMESPACES = frozenset(
    {
        "activities",
        "outcomes",
        "projects",
        "supervision",
        "files",
        "reports",
        "ledger",
        "land",
        "assessment",
        "companies",
        "chains",
        "intermediaries",
        "leads",
        "visits",
        "meetings",
        "news",
    }
)
OPEN_TO_ADMINS = frozenset({"reports:home"})


class BusinessDataMiddleware(_ViewGate):
    """Refuse the three administrators every business page (三员分立): the 403 page with
    the rule, whatever the page would show them (a list with no row, a 404)."""

    def refuse(self, request, user, match):
        if not user.is_admin_role:
            return None
        if match.namespace in BUSINESS_NAMESPACES and match.view_name not in OPEN_TO_ADMINS:
            return deny(request, ADMINS_SEE_NO_BUSINESS_DATA)
        return None


class CoordinatingStaffMiddleware(_ViewGate):
    """Refuse a 协调部门's staff every page but those of ``coordinating.COORDINATING_VIEWS``:
    the 403 page with the rule (the API's token holders: ``TokenAuth``)."""

    def refuse(self, request, user, match):
        return None if may_open(user, match.view_name) else deny(request, COORDINATING_ONLY)


#: The session key holding when the session was last written (seconds since the epoch).
_TOUCHED = "_touched"


class SessionIdleMiddleware:
    """End a signed-in session ``SESSION_COOKIE_AGE`` after its last request (等保: idle timeout).

    Each write moves the session's expiry; writing on every request (Django's
    ``SESSION_SAVE_EVERY_REQUEST``) would make every page view a database write, which on
    SQLite queues all requests on one write lock. The session is written when it was last
    written ``BATON_SESSION_TOUCH_SECONDS`` ago or more, so it ends between the idle time
    less that interval and the idle time after the last request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(_TOUCHED, 0) >= settings.BATON_SESSION_TOUCH_SECONDS:
                session[_TOUCHED] = now
        return self.get_response(request)
