"""The receiver that audits every project change (connected in ``ProjectsConfig.ready``).

A ``ProjectEvent`` is written by the project services in the same transaction as the
change it records, for every caller (views, API, review desk, problems, …); this turns
each into an audit record in that transaction (``baton.audit.hooks.audit_event``).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from baton.accounts.privacy import masked_values
from baton.audit.hooks import audit_event
from baton.audit.services import Event

from .models import ProjectEvent

_DECISIONS = {
    ProjectEvent.Kind.APPROVED,
    ProjectEvent.Kind.ADMITTED,
    ProjectEvent.Kind.RETURNED,
}


@receiver(post_save, sender=ProjectEvent, dispatch_uid="audit_project_event")
def _project_event(sender, instance: ProjectEvent, created: bool, raw=False, **kwargs):
    if not created or raw:
        return
    audit_event(
        instance,
        subject=instance.project,
        event=Event.REVIEW_DECISION if instance.kind in _DECISIONS else Event.PROJECT_CHANGED,
        what="项目动态",
        # A contact phone is masked: the audit administrator sees no business contact.
        old=masked_values(instance.old),
        new=masked_values(instance.new),
    )
