import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.audit.services import Event, Outcome, audit_write

from .forms import ChangePasswordForm, EnrolmentCodeForm, LoginForm, TokenForm
from .lockout import otp_verify
from .services import enrolment_code_redeem, password_expired, session_record

#: The session's key naming the TOTP device it may enrol, once its enrolment code passed.
_ENROLLING = "otp_enrolling_device"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    if request.user.is_authenticated:
        return redirect("reports:home")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)  # rotates the session key
        session_record(request=request, user=user)
        if user.is_admin_role:
            return redirect("accounts:otp")
        return redirect(_next_url(request) or "reports:home")
    idle_minutes = settings.SESSION_COOKIE_AGE // 60
    context = {"form": form, "next": _next_url(request), "idle_minutes": idle_minutes}
    return render(request, "accounts/login.html", context)


@require_POST
def logout(request):
    auth_logout(request)  # deletes the session
    messages.info(request, "您已安全退出。")
    return redirect("accounts:login")


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def password_change(request):
    form = ChangePasswordForm(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        audit_write(request=request, event=Event.PASSWORD_CHANGED, obj=user)
        messages.success(request, "密码已修改。")
        return redirect("reports:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "expired": password_expired(request.user), "page_title": "修改密码"},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def otp(request):
    """Second factor for the administrators: enrol a TOTP device once (after the one-time
    enrolment code issued out of band), then verify."""
    user = request.user
    if not user.is_admin_role or user.is_verified():
        return redirect("reports:home")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        pk = request.session.get(_ENROLLING)
        device = pk and TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first()
        if not device:
            return _enrolment_code(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        passed, locked = otp_verify(device, form.cleaned_data["token"])
        if passed:
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                request.session.pop(_ENROLLING, None)
            otp_login(request, device)
            audit_write(request=request, event=Event.OTP_PASSED, detail=_otp_detail(enrolling))
            return redirect("reports:home")
        audit_write(
            request=request,
            event=Event.OTP_FAILED,
            outcome=Outcome.FAILURE,
            detail=locked or _otp_detail(enrolling),
        )
        form.add_error(
            "token",
            locked
            or f"动态口令不正确或已过期，请重新输入。连续错误 {settings.AXES_FAILURE_LIMIT} 次将锁定"
            f" {settings.AXES_COOLOFF_TIME.total_seconds() // 60:.0f} 分钟。",
        )
    context = {"form": form, "enrolling": enrolling, "page_title": "动态口令验证"}
    if enrolling:
        context["secret"] = base64.b32encode(device.bin_key).decode()
        context["qr"] = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    return render(request, "accounts/otp.html", context)


def _enrolment_code(request):
    """Ask for the enrolment code before any QR code: the password alone enrols nothing.

    The code serves once; the device it opens is this session's to confirm (a new one,
    so no secret shown before is worth anything).
    """
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if enrolment_code_redeem(user=request.user, code=form.cleaned_data["code"]):
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=request.user, confirmed=False, name="手机令牌")
            request.session[_ENROLLING] = device.pk
            return redirect("accounts:otp")
        audit_write(
            request=request,
            event=Event.OTP_FAILED,
            outcome=Outcome.FAILURE,
            detail="动态口令绑定码不正确、已使用或已过期",
        )
        form.add_error(
            "code", "绑定码不正确、已使用或已过期。请向运维人员或安全管理员索取新的绑定码。"
        )
    context = {"form": form, "asking_code": True, "page_title": "绑定动态口令"}
    return render(request, "accounts/otp.html", context)


def _otp_detail(enrolling: bool) -> str:
    return "首次绑定动态口令" if enrolling else "动态口令验证"
