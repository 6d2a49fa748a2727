"""用户管理: the system administrator's page (三员分立).

Accounts of the business roles: list, create (with a printed one-time password),
disable and enable, reset the password. Role changes belong to the security
administrator (安全管理); the three administrators' own accounts are managed on the
server with ``baton create-user``. Every action goes through ``services`` and is audited.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import ActiveForm, ConfirmForm, UserCreateForm, UserFilterForm
from .models import User

PER_PAGE = 50


def _sys_admin_only(request) -> None:
    if request.user.role != User.Role.SYS_ADMIN:
        raise PermissionDenied("用户管理仅系统管理员可以使用。")


def _managed(pk: int) -> User:
    user = get_object_or_404(User, pk=pk)
    if user.is_admin_role:
        raise PermissionDenied(services.ADMIN_ACCOUNT_BY_COMMAND)
    return user


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_GET
@login_required
def user_list(request):
    _sys_admin_only(request)
    form = UserFilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else {}
    page = Paginator(selectors.user_list(**filters), PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "page_title": "用户管理"}
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "accounts/user_list.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def user_new(request):
    _sys_admin_only(request)
    form = UserCreateForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            password = services.one_time_password()
            try:
                user = services.user_create(
                    username=data["username"],
                    name=data["name"],
                    password=password,
                    actor=request.user,
                    temporary=True,
                    **form.area(),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return _one_time_password(request, user, password, created=True)
    context = {"form": form, "page_title": "新建账号"}
    return render(request, "accounts/user_form.html", context, status=status)


def _one_time_password(request, user: User, password: str, *, created: bool):
    context = {
        "account": user,
        "password": password,
        "created": created,
        "page_title": "一次性密码",
    }
    return render(request, "accounts/user_password_done.html", context)


@require_POST
@login_required
def user_active(request, pk: int):
    _sys_admin_only(request)
    user = _managed(pk)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        return action_refused(request, form, back="accounts:users")
    active = form.cleaned_data["active"] == "1"
    services.user_set_active(user=user, active=active, actor=request.user)
    if active:
        messages.success(request, f"已启用账号 {user.username}。")
    else:
        messages.success(request, f"已停用账号 {user.username}，{services.SESSIONS_ENDED}")
    return redirect("accounts:users")


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def user_password(request, pk: int):
    _sys_admin_only(request)
    user = _managed(pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        password = services.user_password_reset(user=user, actor=request.user)
        return _one_time_password(request, user, password, created=False)
    context = {"account": user, "form": form, "page_title": "重置密码"}
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/user_password.html", context, status=status)


def action_refused(request, form, *, back: str):
    """A POST that is not what the page sends: say why, change nothing."""
    errors = [e for errors in form.errors.values() for e in errors]
    context = {"errors": errors, "back": back, "page_title": "请求有误"}
    return render(request, "accounts/action_refused.html", context, status=400)
