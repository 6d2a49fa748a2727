"""Receivers that audit logins, failed logins, lockouts and logouts (Django's and
django-axes' signals; connected in ``AccountsConfig.ready``)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from baton.audit.services import Event, Outcome, audit_write

from .lockout import lockout_facts


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_write(request=request, user=user, event=Event.LOGIN)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_write(
        request=request,
        event=Event.LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        username=str(credentials.get("username") or ""),
        detail="账号或来源地址已锁定" if locked else "用户名或密码不正确",
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    ip = ip_address or (request.META.get("REMOTE_ADDR") if request is not None else "")
    audit_write(
        request=request,
        event=Event.LOCKOUT,
        outcome=Outcome.FAILURE,
        ip=ip,
        # What was locked: the account, the address or both (not a name typed at a
        # locked address).
        **lockout_facts(username=str(username or ""), ip=ip or ""),
    )


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_write(request=request, user=user, event=Event.LOGOUT)
