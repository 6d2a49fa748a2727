"""Receivers that write audit records (connected in ``AuditConfig.ready``).

- logins, failed logins, lockouts and logouts: Django's and django-axes' signals;
- every project change: a ``ProjectEvent`` is written by the project services in the
  same transaction as the change it records, for every caller (views, API, review desk,
  problems, …). One receiver turns each into an audit record, in that transaction, so a
  change and its audit record commit or roll back together. Only changes made inside a
  request or a command's ``audit_context`` are recorded: data generators (demo, scale
  benchmark) are not user actions. Inside ``audit_batch`` (an import) the caller writes
  one record for the whole batch instead;
- every change of a parcel (its supply status): its ``ParcelEvent``, the same way; a
  reservation and its release are recorded through the project's event;
- every change made in the configuration site (Django admin): its ``LogEntry``.
"""

import contextvars

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_save
from django.dispatch import receiver

from baton.accounts.lockout import lockout_facts
from baton.accounts.privacy import masked_values
from baton.land.models import ParcelEvent
from baton.projects.models import ProjectEvent

from . import services
from .models import AuditRecord

Event = AuditRecord.Event
Outcome = AuditRecord.Outcome

#: The context tokens of the requests being handled in this thread (innermost last).
_requests: contextvars.ContextVar[tuple] = contextvars.ContextVar("audit_requests", default=())


@receiver(request_started, dispatch_uid="audit_request_started")
def _request_started(sender, environ=None, **kwargs):
    token = services.enter_request((environ or {}).get("REMOTE_ADDR"))
    _requests.set((*_requests.get(), token))


@receiver(request_finished, dispatch_uid="audit_request_finished")
def _request_finished(sender, **kwargs):
    tokens = _requests.get()
    if tokens:
        _requests.set(tokens[:-1])
        services.leave_request(tokens[-1])


def leave_open_requests() -> None:
    """Leave every request this thread has not finished.

    A server always finishes a request; a test that does not read a streamed download to
    its end never does, and its request's context would then audit the tests after it.
    """
    while _requests.get():
        _request_finished(None)


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    services.audit_write(request=request, user=user, event=Event.LOGIN)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    locked = bool(getattr(request, "axes_locked_out", False))
    services.audit_write(
        request=request,
        event=Event.LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        username=str(credentials.get("username") or ""),
        detail="账号或来源地址已锁定" if locked else "用户名或密码不正确",
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    ip = ip_address or (request.META.get("REMOTE_ADDR") if request is not None else "")
    services.audit_write(
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
        services.audit_write(request=request, user=user, event=Event.LOGOUT)


_DECISIONS = {
    ProjectEvent.Kind.APPROVED,
    ProjectEvent.Kind.ADMITTED,
    ProjectEvent.Kind.RETURNED,
}


def _record_event(instance, subject, event: str, what: str, *, old: dict, new: dict) -> None:
    """Audit one event of a project or a parcel, inside a request or a command's context
    and outside an import's batch (which writes one record of its own)."""
    context = services.current_context()
    if context is None or context.batch:
        return
    detail = f"{what} #{instance.pk}：{instance.get_kind_display()}"
    if instance.reason:
        detail += f"。{instance.reason}"
    services.audit_write(
        user=instance.actor,
        event=event,
        obj=subject,
        object_label=f"{subject.code} {subject.name}",
        detail=detail,
        before=old,
        after={**new, "_event": {"id": instance.pk, "kind": instance.kind}},
    )


@receiver(post_save, sender=ProjectEvent, dispatch_uid="audit_project_event")
def _project_event(sender, instance: ProjectEvent, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    _record_event(
        instance,
        instance.project,
        Event.REVIEW_DECISION if instance.kind in _DECISIONS else Event.PROJECT_CHANGED,
        "项目动态",
        # A contact phone is masked: the audit administrator sees no business contact.
        old=masked_values(instance.old),
        new=masked_values(instance.new),
    )


#: Parcel events a project event already records (预留/释放 write one on each side).
_ON_THE_PROJECT = {ParcelEvent.Kind.RESERVED, ParcelEvent.Kind.RELEASED}


@receiver(post_save, sender=ParcelEvent, dispatch_uid="audit_parcel_event")
def _parcel_event(sender, instance: ParcelEvent, created: bool, raw=False, **kwargs):
    """A parcel's change (its supply status) as the project changes are recorded."""
    if not created or raw or instance.kind in _ON_THE_PROJECT:
        return
    _record_event(
        instance,
        instance.parcel,
        Event.LAND_CHANGED,
        "地块动态",
        old=instance.old,
        new=instance.new,
    )


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_log")
def _admin_change(sender, instance: LogEntry, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    action = {1: "新增", 2: "修改", 3: "删除"}.get(instance.action_flag, "变更")
    model = instance.content_type.model_class() if instance.content_type_id else None
    services.audit_write(
        user=instance.user,
        event=Event.CONFIG_CHANGED,
        object_type=model._meta.label_lower if model else "",
        object_id=instance.object_id or "",
        object_label=instance.object_repr or "",
        detail=f"配置管理{action}：{instance.get_change_message()}"[:500],
    )
