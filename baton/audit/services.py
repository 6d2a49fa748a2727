"""Writing, verifying and purging the audit log.

Every write goes through ``audit_write``: it locks the chain's head row, computes the
record's HMAC-SM3 over the previous hash and its content, inserts it and moves the head,
all in one transaction (the caller's, when there is one: a project change and its audit
record commit or roll back together).
"""

import contextlib
import contextvars
import datetime as dt
import getpass
import hmac
import ipaddress
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from . import anchor
from .chain import GENESIS, audit_key, head_mac, record_hash
from .models import AuditHead, AuditRecord

Event = AuditRecord.Event
Outcome = AuditRecord.Outcome

#: Keys whose values never reach the log, whatever they are nested in.
SECRET_WORDS = ("password", "passwd", "pwd", "token", "otp", "secret", "credential", "key_hash")
SCRUBBED = "[已隐去]"

DEFAULT_RETENTION_DAYS = 180

logger = logging.getLogger(__name__)


def retention_days() -> int:
    """Days an audit record is kept at least (等保: not under 180)."""
    configured = getattr(settings, "BATON_AUDIT_RETENTION_DAYS", None) or os.environ.get(
        "BATON_AUDIT_RETENTION_DAYS"
    )
    return max(DEFAULT_RETENTION_DAYS, int(configured or DEFAULT_RETENTION_DAYS))


# --- context: where the current request (or command) comes from -------------------------


@dataclass
class Context:
    ip: str = ""
    batch: bool = False  # inside an import: one record for the batch, none per project


_context: contextvars.ContextVar[Context | None] = contextvars.ContextVar(
    "baton_audit_context", default=None
)


def current_context() -> Context | None:
    return _context.get()


@contextlib.contextmanager
def audit_context(*, ip: str = "", batch: bool = False) -> Iterator[None]:
    """Mark a unit of work (a request, a command) whose project changes are audited."""
    token = _context.set(Context(ip=ip, batch=batch))
    try:
        yield
    finally:
        _context.reset(token)


@contextlib.contextmanager
def audit_batch() -> Iterator[None]:
    """Inside: project changes are not audited one by one (the caller writes one record)."""
    outer = _context.get()
    token = _context.set(Context(ip=outer.ip if outer else "", batch=True))
    try:
        yield
    finally:
        _context.reset(token)


def enter_request(ip: str | None) -> contextvars.Token:
    return _context.set(Context(ip=_clean_ip(ip)))


def leave_request(token: contextvars.Token) -> None:
    with contextlib.suppress(ValueError, RuntimeError):
        _context.reset(token)


# --- writing ------------------------------------------------------------------------------


def scrub(value: object) -> object:
    """Return JSON-safe ``value`` with every secret-looking key's value hidden."""
    if isinstance(value, dict):
        return {
            str(k): SCRUBBED if any(w in str(k).lower() for w in SECRET_WORDS) else scrub(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        items = [scrub(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "pk"):
        return value.pk
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _clean_ip(value: str | None) -> str:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return ""


def _operator() -> str:
    """Who acts outside a request: a command run on the server."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "?"
    return f"命令行:{name}"


def _head_for_update() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    last = AuditRecord.objects.order_by("-seq").values("seq", "hash").first()
    seq, last_hash = (last["seq"], last["hash"]) if last else (0, GENESIS)
    try:
        with transaction.atomic():
            # A head lost while records exist is not vouched for: whoever deleted it may
            # have cut the tail first. Its empty MAC stays empty (see audit_write).
            AuditHead.objects.create(
                pk=1, seq=seq, hash=last_hash, mac="" if last else head_mac(seq, last_hash)
            )
    except IntegrityError:
        pass  # another writer created it first
    return AuditHead.objects.select_for_update().get(pk=1)


def _head_ok(head: AuditHead, key: bytes) -> bool:
    return hmac.compare_digest(head.mac, head_mac(head.seq, head.hash, key))


def audit_write(
    *,
    request: HttpRequest | None = None,
    user: AbstractBaseUser | None = None,
    event: str,
    outcome: str = Outcome.SUCCESS,
    obj: Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    username: str = "",
    detail: str = "",
    object_type: str = "",
    object_id: object = "",
    object_label: str = "",
    ip: str | None = None,
    _time: dt.datetime | None = None,
) -> AuditRecord:
    """Append one record to the audit log and return it.

    ``user`` defaults to the request's signed-in user; ``username`` names an account
    that may not exist (a failed login). The source address is the request's
    ``REMOTE_ADDR`` (or the current request's, for a write deep in a service).
    ``before`` and ``after`` are scrubbed of anything that looks like a secret.
    """
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if ip is None:
        if request is not None:
            ip = request.META.get("REMOTE_ADDR")
        else:
            ctx = _context.get()
            ip = ctx.ip if ctx else ""
    if user is None and not username and request is None:
        username = _operator()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_label = object_label or str(obj)
    record = AuditRecord(
        user_id=user.pk if user is not None else None,
        username=(user.get_username() if user is not None else username)[:150],
        role=getattr(user, "role", "") or "",
        event=event,
        outcome=outcome,
        ip=_clean_ip(ip),
        object_type=object_type[:60],
        object_id=str(object_id if object_id is not None else "")[:64],
        object_label=object_label[:200],
        detail=detail[:500],
        before=scrub(before or {}),
        after=scrub(after or {}),
    )
    key = audit_key()
    with transaction.atomic():
        head = _head_for_update()
        record.seq = head.seq + 1
        record.time = _time or timezone.now()
        record.prev_hash = head.hash
        record.hash = record_hash(record, key)
        record.save()
        trusted = _head_ok(head, key)
        if not trusted and head.mac:  # said once: the MAC stays empty from now on
            logger.error("审计链尾登记未通过 HMAC-SM3 校验（第 %s 条）：链尾可能被改动", head.seq)
        head.seq, head.hash = record.seq, record.hash
        # Writing on never launders a head that failed its MAC: it stays unauthenticated.
        head.mac = head_mac(record.seq, record.hash, key) if trusted else ""
        head.save(update_fields=["seq", "hash", "mac"])
        anchor.after_write(record.seq, record.hash)
    return record


# --- verifying ----------------------------------------------------------------------------


@dataclass
class Verdict:
    count: int
    problems: list[str]
    first_bad_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _anchors() -> dict[int, str]:
    """What the purge records vouch for: last purged seq → its hash."""
    purges = AuditRecord.objects.filter(event=Event.AUDIT_PURGED).values_list("after", flat=True)
    return {
        after["purged_through_seq"]: after.get("purged_through_hash", "")
        for after in purges
        if isinstance(after.get("purged_through_seq"), int)
    }


def audit_verify(*, chunk: int = 2000, anchored: bool = True) -> Verdict:
    """Walk the whole chain, recompute every HMAC, check the head's MAC and, unless
    ``anchored`` is false, hold the chain to the checkpoints outside the database;
    report the first break."""
    key = audit_key()
    problems: list[str] = []
    bad: list[int] = []
    count = 0
    prev_seq = None
    prev_hash: str | None = None
    expected_prev: str | None = None
    outside = anchor.read(key) if anchored else anchor.Anchored()
    wanted = outside.wanted
    seen: dict[int, str] = {}

    def problem(seq: int, text: str) -> None:
        bad.append(seq)
        problems.append(text)

    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=chunk):
        count += 1
        if record.seq in wanted:
            seen[record.seq] = record.hash
        gap = False
        if prev_seq is None:
            expected_prev = GENESIS
            if record.seq != 1:
                anchors = _anchors()
                if record.seq - 1 in anchors:
                    expected_prev = anchors[record.seq - 1]
                else:
                    start = max((s for s in anchors if s < record.seq), default=0) + 1
                    problem(start, f"第 {start}–{record.seq - 1} 条审计记录缺失。")
                    gap = True
        elif record.seq != prev_seq + 1:
            missing = (
                f"{prev_seq + 1}"
                if record.seq == prev_seq + 2
                else f"{prev_seq + 1}–{record.seq - 1}"
            )
            problem(prev_seq + 1, f"第 {missing} 条审计记录缺失。")
            gap = True
        else:
            expected_prev = prev_hash
        if not gap and record.prev_hash != expected_prev:
            problem(record.seq, f"第 {record.seq} 条审计记录的前序哈希与链不符。")
        if record_hash(record, key) != record.hash:
            problem(record.seq, f"第 {record.seq} 条审计记录已被篡改（HMAC-SM3 校验失败）。")
        prev_seq, prev_hash = record.seq, record.hash
    head = AuditHead.objects.filter(pk=1).first()
    if head is None and prev_seq is not None:
        problem(prev_seq, f"审计链尾登记缺失（链到第 {prev_seq} 条为止，其后可能被删除）。")
    elif head is not None and not _head_ok(head, key):
        problem(
            head.seq,
            f"审计链尾登记（第 {head.seq} 条）未通过 HMAC-SM3 校验：链尾被改动过，"
            "其后的记录可能已被删除。",
        )
    if head is not None and head.seq > (prev_seq or 0):
        start = (prev_seq or 0) + 1
        missing = f"{start}" if head.seq == start else f"{start}–{head.seq}"
        problem(start, f"第 {missing} 条审计记录缺失（链尾被删除）。")
    elif head is not None and prev_seq is not None and head.hash != prev_hash:
        problem(prev_seq, f"第 {prev_seq} 条审计记录与链尾登记的哈希不符。")
    problems.extend(outside.problems)
    for seq, text in anchor.compare(outside, count=count, last_seq=prev_seq, seen=seen):
        if text not in problems:
            problem(seq, text)
    return Verdict(count=count, problems=problems, first_bad_seq=min(bad) if bad else None)


class CheckpointRefused(Exception):
    pass


def audit_checkpoint(*, kind: str = "checkpoint") -> dict:
    """Anchor the chain outside the database as it stands; refuse a head that does not
    verify or does not match the last record (never vouch for a cut tail)."""
    key = audit_key()
    with transaction.atomic():
        head = _head_for_update()  # no writer moves the head while it is read
        last = AuditRecord.objects.order_by("-seq").first()
        if not _head_ok(head, key):
            raise CheckpointRefused(
                f"审计链尾登记（第 {head.seq} 条）未通过 HMAC-SM3 校验，不能写检查点："
                "请运行 baton audit-verify。"
            )
        if last is not None and (
            (head.seq, head.hash) != (last.seq, last.hash) or record_hash(last, key) != last.hash
        ):
            raise CheckpointRefused(
                "审计链尾与最后一条记录不符，不能写检查点：请运行 baton audit-verify。"
            )
        return anchor.checkpoint(kind=kind, key=key)


# --- purging ------------------------------------------------------------------------------


class PurgeRefused(Exception):
    pass


def audit_purge(*, before: dt.date, actor_name: str = "") -> int:
    """Remove the records older than ``before`` (a date, Asia/Shanghai), never younger
    than the retention period, and append a record that anchors the rest of the chain."""
    today = timezone.localdate()
    days = retention_days()
    if before > today - dt.timedelta(days=days):
        raise PurgeRefused(
            f"审计记录至少保存 {days} 天：只能清理 {today - dt.timedelta(days=days):%Y-%m-%d} "
            "之前的记录。"
        )
    cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    with transaction.atomic():
        _head_for_update()  # no writer appends while the start of the chain moves
        last = (
            AuditRecord.objects.filter(time__lt=cutoff)
            .order_by("-seq")
            .values("seq", "hash")
            .first()
        )
        if last is None:
            return 0
        doomed = AuditRecord.objects.filter(seq__lte=last["seq"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The trigger lets a DELETE through only for rows older than this and
                # only when it is itself older than the legal 180 days.
                cursor.execute(
                    "SELECT set_config('baton.audit_purge_before', %s, true)", [cutoff.isoformat()]
                )
        count = doomed._raw_delete(doomed.db)
        audit_write(
            event=Event.AUDIT_PURGED,
            username=actor_name,
            detail=f"清理 {before:%Y-%m-%d} 之前的审计记录 {count} 条",
            after={
                "before": before.isoformat(),
                "count": count,
                "purged_through_seq": last["seq"],
                "purged_through_hash": last["hash"],
            },
        )
        transaction.on_commit(_anchor_purge)
    return count


def _anchor_purge() -> None:
    try:
        anchor.checkpoint(kind="purge")
    except OSError:
        logger.exception("清理后的审计锚点写入失败：%s", anchor.anchor_path())
