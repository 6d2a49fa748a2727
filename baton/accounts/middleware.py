from django.contrib import messages
from django.shortcuts import redirect

from .services import password_expired

#: Views a signed-in user may reach before finishing the second factor or a forced
#: password change.
_OPEN_VIEWS = {"accounts:login", "accounts:logout", "accounts:otp", "accounts:password_change"}


class AccountSecurityMiddleware:
    """Hold a signed-in user at the door until the login is complete.

    The three administrators must pass the TOTP second factor; anyone whose password
    is older than the allowed age must change it first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        match = request.resolver_match
        if not user.is_authenticated or match is None:
            return None
        if match.view_name in _OPEN_VIEWS or match.route.startswith("api/"):
            return None
        if user.is_admin_role and not user.is_verified():
            return redirect("accounts:otp")
        if password_expired(user):
            messages.warning(request, "您的密码已超过有效期，请先修改密码。")
            return redirect("accounts:password_change")
        return None
