"""The notices' background work, on Django's tasks API (the worker runs it after the
commit that wrote the notice; see ``delivery.py`` for what one attempt does)."""

import logging
from collections.abc import Iterable

from django_tasks import task

from .delivery import attempt
from .models import Delivery

logger = logging.getLogger(__name__)


@task(queue_name="default")
def deliver(delivery_id: int) -> None:
    """Attempt one delivery; after a failure, queue the next attempt for its time."""
    delivery = attempt(delivery_id)
    if delivery is not None and delivery.status == Delivery.Status.PENDING:
        retry_later(delivery)


def retry_later(delivery: Delivery) -> None:
    # A backend that cannot defer (the immediate one) leaves the row due:
    # ``baton deliver_notices`` sends it when its time comes.
    if not deliver.get_backend().supports_defer:
        return
    try:
        deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    except Exception:
        logger.exception("无法排队重试通知发送 %s", delivery.pk)


def enqueue(ids: Iterable[int]) -> None:
    """Queue the deliveries (called after the commit): a queue that is down leaves them
    due for ``baton deliver_notices``, and never fails the request that wrote them."""
    for pk in ids:
        try:
            deliver.enqueue(pk)
        except Exception:
            logger.exception("无法排队通知发送 %s", pk)
