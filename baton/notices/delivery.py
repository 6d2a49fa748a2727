"""Sending a notice out: by e-mail and to the district's group robot, with retries.

A ``Delivery`` row is written with its notice; after the commit the task worker sends it
(``tasks.deliver``). A failed attempt is logged on the row and tried again later, each
wait twice the last (``BATON_NOTICE_RETRY_SECONDS``, doubling), until
``BATON_NOTICE_MAX_ATTEMPTS``; then the row stays "发送失败" for the district office to
read. Nothing here ever raises into the request that wrote the notice.

The robots' formats: WeCom takes ``{"msgtype": "markdown", "markdown": {"content": …}}``;
DingTalk takes ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}`` at an
address signed with ``timestamp`` and ``sign`` = base64(HMAC-SHA256(secret,
"timestamp\\nsecret")); a generic receiver gets WeCom's shape plus the notice's fields.
Every POST made with a secret carries ``X-Baton-Signature: sha256=<hex HMAC-SHA256 of
the body>``.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from .models import ADDRESS_SCHEMES, BAD_ADDRESS, Channel, Delivery, Notice

logger = logging.getLogger(__name__)

Status = Delivery.Status
TIMEOUT_SECONDS = 10


def max_attempts() -> int:
    return max(1, int(getattr(settings, "BATON_NOTICE_MAX_ATTEMPTS", 6)))


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: the base, doubled each time."""
    base = int(getattr(settings, "BATON_NOTICE_RETRY_SECONDS", 60))
    return dt.timedelta(seconds=base * 2 ** max(0, attempts - 1))


def link(notice: Notice) -> str:
    site = (getattr(settings, "BATON_SITE_URL", "") or "").rstrip("/")
    return f"{site}{notice.url}" if notice.url else site


# --- e-mail -----------------------------------------------------------------------------


def send_email(notice: Notice, to: str) -> None:
    text = notice.body
    if address := link(notice):
        text += f"\n\n查看详情：{address}"
    text += "\n\n（本邮件由接力棒招商引资项目管理系统自动发送，请勿回复。）"
    EmailMessage(f"【接力棒】{notice.title}", text, to=[to]).send(fail_silently=False)


# --- webhooks ---------------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def body_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_request(
    channel: Channel, notice: Notice, *, now_ms: int | None = None
) -> tuple[str, bytes, dict]:
    """Return the address, JSON body and headers of ``notice`` for ``channel``'s robot."""
    address = link(notice)
    content = f"**{notice.title}**\n\n{notice.body}"
    if address:
        content += f"\n\n[查看详情]({address})"
    url = channel.webhook_url
    if channel.webhook_kind == Channel.Webhook.DINGTALK:
        payload: dict = {
            "msgtype": "markdown",
            "markdown": {"title": notice.title, "text": content},
        }
        if channel.secret:
            timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
            sign = urllib.parse.quote_plus(dingtalk_sign(channel.secret, timestamp))
            url += f"{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"
    else:
        payload = {"msgtype": "markdown", "markdown": {"content": content}}
        if channel.webhook_kind == Channel.Webhook.GENERIC:
            payload["notice"] = {
                "kind": notice.kind,
                "title": notice.title,
                "body": notice.body,
                "url": address,
                "project_code": notice.project_code,
                "created_at": notice.created_at.isoformat(),
            }
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Baton-Notices"}
    if channel.secret:
        headers["X-Baton-Signature"] = body_signature(channel.secret, body)
    return url, body, headers


def post_webhook(channel: Channel, notice: Notice) -> None:
    url, body, headers = webhook_request(channel, notice)
    if urllib.parse.urlsplit(url).scheme not in ADDRESS_SCHEMES:
        raise ValueError(BAD_ADDRESS)
    # The scheme is checked above: only http(s) is ever opened.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        answer = response.read(65536)
    try:
        reply = json.loads(answer or b"{}")
    except ValueError:
        return  # a generic receiver may answer anything with a 2xx
    if isinstance(reply, dict) and reply.get("errcode") not in (None, 0):
        raise RuntimeError(f"机器人拒收：errcode {reply.get('errcode')} {reply.get('errmsg', '')}")


# --- one attempt ------------------------------------------------------------------------


def _error(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    return f"{type(exc).__name__}: {exc}"[:500]


def attempt(delivery_id: int) -> Delivery | None:
    """Try to send one delivery once; return it as it is after the attempt (None when it
    is not due: already sent, given up, or being tried by another worker just now)."""
    delivery = (
        Delivery.objects.select_related("notice", "notice__recipient")
        .filter(pk=delivery_id, status=Status.PENDING)
        .first()
    )
    if delivery is None:
        return None
    # Claim this attempt: of two workers holding the same row, only one sends it.
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=Status.PENDING, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return None
    delivery.attempts += 1
    try:
        if delivery.via == Delivery.Via.EMAIL:
            send_email(delivery.notice, delivery.target)
        else:
            channel = Channel.objects.get(district_id=delivery.district_id)
            if not channel.pushes:
                raise RuntimeError("该区已关闭群机器人推送")
            post_webhook(channel, delivery.notice)
    except Exception as exc:  # any failure is the delivery's, never the caller's
        delivery.last_error = _error(exc)
        if delivery.attempts >= max_attempts():
            delivery.status, delivery.next_attempt_at = Status.FAILED, None
        else:
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        logger.warning("通知发送失败（第 %s 次）：%s", delivery.attempts, delivery.last_error)
    else:
        delivery.status, delivery.delivered_at = Status.SENT, timezone.now()
        delivery.next_attempt_at, delivery.last_error = None, ""
    delivery.save(update_fields=["status", "last_error", "next_attempt_at", "delivered_at"])
    return delivery


def due(now: dt.datetime | None = None):
    """The deliveries waiting for an attempt whose time has come."""
    return Delivery.objects.filter(
        status=Status.PENDING, next_attempt_at__lte=now or timezone.now()
    ).order_by("next_attempt_at", "pk")


def send_due(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Attempt every due delivery once (``baton deliver_notices``); return how many."""
    ids = list(due(now).values_list("pk", flat=True)[:limit])
    for pk in ids:
        attempt(pk)
    return len(ids)
