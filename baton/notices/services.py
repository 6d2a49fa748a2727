"""Writing notices (in the caller's transaction) and reading them off."""

import functools
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from baton.accounts.models import User
from baton.audit.models import AuditRecord
from baton.audit.services import audit_write
from baton.org.models import District

from .forms import ChannelForm
from .models import Channel, Delivery, Notice
from .rules import Draft
from .tasks import enqueue

EMAIL_ENABLED_SETTING = "BATON_NOTICE_EMAIL"


def _email_on(channel: Channel | None) -> bool:
    if not getattr(settings, EMAIL_ENABLED_SETTING, False):
        return False
    return channel is None or channel.email_enabled


def notify(drafts: Iterable[Draft], *, district_id: int | None, push: bool = True) -> list[Notice]:
    """Write the notices of ``drafts`` and their deliveries, in the caller's transaction;
    the deliveries are queued once it commits (and vanish with it if it rolls back).

    Each person gets an e-mail when the deployment sends mail, the district allows it
    and the person has an address; the district's robot gets one message per draft, not
    one per person told (none when ``push`` is off: a personal reminder).
    """
    now = timezone.now()
    groups: list[list[Notice]] = []
    for draft in drafts:
        code = draft.project.code if draft.project else ""
        groups.append(
            [
                Notice(
                    recipient=user,
                    district_id=district_id,
                    kind=draft.kind,
                    title=draft.title,
                    body=draft.body,
                    url=draft.url,
                    project_code=code,
                    created_at=now,
                )
                for user in draft.to
            ]
        )
    notices = Notice.objects.bulk_create([n for group in groups for n in group])
    channel = Channel.objects.filter(district_id=district_id).first() if district_id else None
    deliveries = []
    if _email_on(channel):
        deliveries += [
            Delivery(
                notice=n,
                district_id=district_id,
                via=Delivery.Via.EMAIL,
                target=n.recipient.email,
                next_attempt_at=now,
                created_at=now,
            )
            for n in notices
            if n.recipient.email
        ]
    if push and channel is not None and channel.pushes:
        deliveries += [
            Delivery(
                notice=group[0],
                district_id=district_id,
                via=Delivery.Via.WEBHOOK,
                target=channel.get_webhook_kind_display(),
                next_attempt_at=now,
                created_at=now,
            )
            for group in groups
            if group
        ]
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        ids = [d.pk for d in deliveries]
        transaction.on_commit(functools.partial(enqueue, ids), robust=True)
    return notices


def mark_read(*, notice: Notice, user: User) -> None:
    if notice.recipient_id != user.pk:
        raise PermissionDenied
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(*, user: User) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def channel_of(district: District) -> Channel:
    return Channel.objects.filter(district=district).first() or Channel(district=district)


@transaction.atomic
def channel_save(*, form: ChannelForm, actor: User, request: HttpRequest | None = None) -> Channel:
    """Save a district's channels from a valid ``ChannelForm`` and audit the change (the
    secret and the robot's address are recorded as changed, never their values)."""
    channel = form.save(commit=False)
    changed = [f for f in form.changed_data if f not in ("secret", "clear_secret")]
    if form.cleaned_data.get("secret") or form.cleaned_data.get("clear_secret"):
        changed.append("secret")
    channel.updated_at, channel.updated_by = timezone.now(), actor
    channel.save()
    audit_write(
        request=request,
        user=actor,
        event=AuditRecord.Event.CONFIG_CHANGED,
        object_type="notice_channel",
        object_id=channel.district_id,
        object_label=f"{channel.district}的通知渠道",
        after={
            "email_enabled": channel.email_enabled,
            "webhook_kind": channel.webhook_kind,
            "changed": sorted(changed),
        },
    )
    return channel
