"""Receivers of the audit log itself (connected in ``AuditConfig.ready``).

- a request's start and end: the audit context (its source address) of what it does;
- every change made in the configuration site (Django admin): its ``LogEntry``.

The apps above audit record their own events through ``baton.audit.hooks``: logins and
lockouts (``baton/accounts/signals.py``), project changes (``baton/projects/signals.py``)
and parcel changes (``baton/land/signals.py``). The log knows no app above it.
"""

import contextvars

from django.contrib.admin.models import LogEntry
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import services
from .models import AuditRecord

Event = AuditRecord.Event

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
