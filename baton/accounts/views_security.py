"""安全管理: the security administrator's page (三员分立).

The password, lockout and session rules in force; locked accounts and addresses and
their unlocking; live sessions and ending them; API tokens and revoking them; the roles
of the business accounts and resetting an administrator's second factor. Every action
goes through ``services`` (or ``api_auth``) and is audited.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .api_auth import token_revoke
from .forms import ConfirmForm, RoleChangeForm, UnlockForm, UserFilterForm
from .models import ApiToken, LoginSession, User
from .views_users import action_refused, add_errors

LISTED = 200  # sessions and tokens shown on the page
USERS_PER_PAGE = 20


def _sec_admin_only(request) -> None:
    if request.user.role != User.Role.SEC_ADMIN:
        raise PermissionDenied("安全管理仅安全管理员可以使用。")


@require_GET
@login_required
def security(request):
    _sec_admin_only(request)
    form = UserFilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else {}
    users = Paginator(selectors.user_list(**filters), USERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    sessions = selectors.live_sessions()
    tokens = selectors.api_tokens()
    context = {
        "page_title": "安全管理",
        "policy": selectors.password_policy(),
        "locked": selectors.lockouts(),
        "unlock_form": UnlockForm(),
        "sessions": sessions[:LISTED],
        "session_count": sessions.count(),
        "tokens": tokens[:LISTED],
        "token_count": tokens.count(),
        "form": form,
        "page": users,
        "current_session": request.session.session_key,
    }
    return render(request, "accounts/security.html", context)


@require_POST
@login_required
def unlock(request):
    _sec_admin_only(request)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        return action_refused(request, form, back="accounts:security")
    data = form.cleaned_data
    count = services.account_unlock(
        actor=request.user, username=data.get("username") or "", ip=data.get("ip") or ""
    )
    target = data.get("username") or data.get("ip")
    messages.success(request, f"已解除 {target} 的登录锁定（清除失败记录 {count} 条）。")
    return redirect("accounts:security")


@require_POST
@login_required
def session_end(request, pk: int):
    _sec_admin_only(request)
    session = get_object_or_404(LoginSession.objects.select_related("user"), pk=pk)
    form = ConfirmForm(request.POST)
    if form.is_valid() and session.session_key == request.session.session_key:
        form.add_error(None, "不能结束您自己正在使用的会话；请用“退出”。")
    if not form.is_valid():
        return action_refused(request, form, back="accounts:security")
    services.session_end(session=session, actor=request.user)
    messages.success(request, f"已结束 {session.user.username} 的一个会话。")
    return redirect("accounts:security")


@require_POST
@login_required
def token_revoke_view(request, pk: int):
    _sec_admin_only(request)
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return action_refused(request, form, back="accounts:security")
    if token_revoke(token=token, actor=request.user):
        messages.success(request, f"已吊销 {token.user.username} 的接口令牌 {token.prefix}…。")
    else:
        messages.info(request, f"接口令牌 {token.prefix}… 早已吊销。")
    return redirect("accounts:security")


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def user_role(request, pk: int):
    _sec_admin_only(request)
    user = get_object_or_404(User.objects.select_related("city", "district", "unit"), pk=pk)
    if user.is_admin_role:
        raise PermissionDenied(services.ADMIN_ACCOUNT_BY_COMMAND)
    initial = {"role": user.role, "city": user.city, "district": user.district, "unit": user.unit}
    form = RoleChangeForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                changed = services.user_role_change(user=user, actor=request.user, **form.area())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if changed:
                    messages.success(
                        request,
                        f"已将 {user.username} 的角色变更为{user.get_role_display()}，{services.SESSIONS_ENDED}",
                    )
                else:
                    messages.info(request, f"{user.username} 的角色和范围没有变化。")
                return redirect("accounts:security")
    context = {"account": user, "form": form, "page_title": "变更角色"}
    return render(request, "accounts/user_role.html", context, status=status)


@never_cache
@require_POST
@login_required
def user_otp(request, pk: int):
    """Reset another administrator's second factor; show the new enrolment code once."""
    _sec_admin_only(request)
    user = get_object_or_404(User, pk=pk)
    if not user.is_admin_role or user.pk == request.user.pk:
        raise PermissionDenied("只能为另一位管理员重置动态口令。")
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return action_refused(request, form, back="accounts:security")
    code = services.user_otp_reset(user=user, actor=request.user)
    hours = int(services.ENROLMENT_CODE_VALID.total_seconds() // 3600)
    context = {"account": user, "code": code, "hours": hours, "page_title": "动态口令已重置"}
    return render(request, "accounts/user_otp_done.html", context)
