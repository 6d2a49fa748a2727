"""Reading notices and the delivery log, each scoped to who asks."""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from baton.accounts.models import User

from .models import Delivery, Notice
from .permissions import channel_district


def notices_of(user: User) -> QuerySet[Notice]:
    """A person's own notices, unread first, newest first: nobody reads another's."""
    if not user.is_authenticated:
        return Notice.objects.none()
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return (
        Notice.objects.filter(recipient=user)
        .alias(unread=unread)
        .order_by("-unread", "-created_at", "-id")
    )


def unread_count(user: User) -> int:
    """The bell's number: one indexed count (``notice_unread``)."""
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def deliveries_of(user: User) -> QuerySet[Delivery]:
    """The delivery log of the district whose channels ``user`` keeps (none otherwise)."""
    district_id = channel_district(user)
    if district_id is None:
        return Delivery.objects.none()
    return (
        Delivery.objects.filter(district_id=district_id)
        .select_related("notice", "notice__recipient")
        .order_by("-created_at", "-id")
    )
