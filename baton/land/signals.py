"""The receiver that audits a parcel's changes (connected in ``LandConfig.ready``), as
the project changes are audited (``baton/projects/signals.py``)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from baton.audit.hooks import audit_event
from baton.audit.services import Event

from .models import ParcelEvent

#: Parcel events a project event already records (预留/释放 write one on each side).
_ON_THE_PROJECT = {ParcelEvent.Kind.RESERVED, ParcelEvent.Kind.RELEASED}


@receiver(post_save, sender=ParcelEvent, dispatch_uid="audit_parcel_event")
def _parcel_event(sender, instance: ParcelEvent, created: bool, raw=False, **kwargs):
    """A parcel's change (its supply status)."""
    if not created or raw or instance.kind in _ON_THE_PROJECT:
        return
    audit_event(
        instance,
        subject=instance.parcel,
        event=Event.LAND_CHANGED,
        what="地块动态",
        old=instance.old,
        new=instance.new,
    )
