"""Signed checkpoints of the audit chain, kept outside the database.

Whoever holds the database alone can delete the last records and put the head row back
as it was, or delete everything: what is left is a consistent chain. So the chain is also
anchored outside the database: the file ``BATON_AUDIT_ANCHOR`` (default
``VAR_DIR/audit_anchor.log``) gets one JSON line per checkpoint — the database it is
about, the time, the record count, the first and last record's number, the last hash —
with an HMAC-SM3 under the audit key. Lines are only ever appended, by:

- ``baton audit-verify``, when the chain verified;
- ``baton audit-checkpoint`` (cheap: meant for cron);
- ``baton audit-purge``, so the anchor knows the new start;
- ``baton restore``, a ``restore`` line: the chain is the backup's from then on, and the
  lines before it no longer apply;
- every write of the first record and of every ``BATON_AUDIT_CHECKPOINT_EVERY``-th
  (default 100), after its transaction commits.

``audit_verify`` holds the database to every line about it since the last ``restore``
line: a record a line names must still have the hash it had, the chain must reach the
highest number anchored, and an empty chain where lines exist is a wiped log.
"""

import datetime as dt
import hmac as std_hmac
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from baton.core.crypto import keyed_sm3

from .chain import GENESIS, audit_key
from .models import AuditRecord

logger = logging.getLogger(__name__)

LABEL = b"baton-audit-anchor"
DEFAULT_EVERY = 100


def anchor_path() -> Path:
    configured = getattr(settings, "BATON_AUDIT_ANCHOR", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "audit_anchor.log"


def checkpoint_every() -> int:
    return max(1, int(getattr(settings, "BATON_AUDIT_CHECKPOINT_EVERY", DEFAULT_EVERY)))


def database_id() -> str:
    """Which database a line is about: several may share one data directory."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:{Path(str(config['NAME'])).resolve()}"
    host = config.get("HOST") or "localhost"
    return f"{connection.vendor}://{host}:{config.get('PORT') or ''}/{config.get('NAME')}"


def _mac(entry: dict, key: bytes) -> str:
    body = {k: v for k, v in entry.items() if k != "mac"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return keyed_sm3(key, LABEL, text.encode())


def write(
    *, kind: str, first_seq: int, last_seq: int, last_hash: str, key: bytes | None = None
) -> dict:
    """Append one signed checkpoint line and return it (raise OSError if it cannot be)."""
    entry = {
        "v": 1,
        "kind": kind,
        "db": database_id(),
        "time": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "count": last_seq - first_seq + 1 if last_seq else 0,
        "first_seq": first_seq if last_seq else 0,
        "last_seq": last_seq,
        "last_hash": last_hash if last_seq else GENESIS,
    }
    entry["mac"] = _mac(entry, key or audit_key())
    line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # One write to a file opened for appending: concurrent writers' lines never mix.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return entry


def checkpoint(*, kind: str, key: bytes | None = None) -> dict:
    """Anchor the chain as the database holds it now (its last record, not the head)."""
    first = AuditRecord.objects.order_by("seq").values_list("seq", flat=True).first()
    last = AuditRecord.objects.order_by("-seq").values("seq", "hash").first()
    if last is None:
        return write(kind=kind, first_seq=0, last_seq=0, last_hash=GENESIS, key=key)
    return write(kind=kind, first_seq=first, last_seq=last["seq"], last_hash=last["hash"], key=key)


def after_write(seq: int, last_hash: str) -> None:
    """Called by ``audit_write``: anchor the first record and every N-th, once committed
    (a record rolled back with its caller's transaction is never anchored)."""
    if seq == 1 or seq % checkpoint_every() == 0:
        transaction.on_commit(lambda: _auto(seq, last_hash))


def _auto(seq: int, last_hash: str) -> None:
    try:
        first = AuditRecord.objects.order_by("seq").values_list("seq", flat=True).first()
        write(kind="auto", first_seq=first or seq, last_seq=seq, last_hash=last_hash)
    except Exception:  # the write is committed: a missing checkpoint only weakens the anchor
        logger.exception("审计锚点写入失败：%s", anchor_path())


# --- verifying ----------------------------------------------------------------------------


@dataclass
class Anchored:
    """The lines about this database since its last restore, and what was wrong."""

    entries: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def wanted(self) -> set[int]:
        return {e["last_seq"] for e in self.entries if e["last_seq"]}


def read(key: bytes | None = None) -> Anchored:
    key = key or audit_key()
    path = anchor_path()
    found = Anchored()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return found
    except OSError as exc:
        found.problems.append(f"无法读取审计锚点文件 {path}：{exc}。")
        return found
    lines = text.split("\n")
    db = database_id()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            valid = (
                isinstance(entry, dict)
                and all(isinstance(entry.get(k), int) for k in ("count", "first_seq", "last_seq"))
                and isinstance(entry.get("last_hash"), str)
            )
        except json.JSONDecodeError:
            valid = False
        if not valid:
            if number == len(lines):  # the last line, unfinished: a write cut by a crash
                continue
            found.problems.append(f"审计锚点文件 {path} 第 {number} 行无法解析（被改动过）。")
            continue
        if entry.get("db") != db:
            continue  # another database sharing the data directory
        if not std_hmac.compare_digest(str(entry.get("mac", "")), _mac(entry, key)):
            found.problems.append(
                f"审计锚点文件 {path} 第 {number} 行 HMAC-SM3 校验失败（被改动过，或由另一把密钥写入）。"
            )
            continue
        if entry.get("kind") == "restore":
            found.entries = []
        found.entries.append(entry)
    return found


def _when(entry: dict) -> str:
    try:
        moment = dt.datetime.fromisoformat(entry["time"])
    except (KeyError, TypeError, ValueError):
        return "?"
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}"


def _span(first: int, last: int) -> str:
    return f"{first}" if first == last else f"{first}–{last}"


def compare(
    anchored: Anchored, *, count: int, last_seq: int | None, seen: dict[int, str]
) -> list[tuple[int, str]]:
    """The database against the anchor: (first bad record number, reason) pairs."""
    problems: list[tuple[int, str]] = []
    top = max((e for e in anchored.entries), key=lambda e: e["last_seq"], default=None)
    if top is None or not top["last_seq"]:
        return problems
    if count == 0:
        problems.append(
            (
                top["first_seq"] or 1,
                f"审计日志已被清空：审计锚点 {_when(top)} 登记了第 "
                f"{_span(top['first_seq'], top['last_seq'])} 条审计记录，数据库中一条也没有"
                f"（若是有意新建的数据库，请移走审计锚点文件 {anchor_path()}）。",
            )
        )
        return problems
    if last_seq is not None and last_seq < top["last_seq"]:
        problems.append(
            (
                last_seq + 1,
                f"第 {_span(last_seq + 1, top['last_seq'])} 条审计记录缺失（链尾被截断："
                f"审计锚点 {_when(top)} 登记链已到第 {top['last_seq']} 条）。",
            )
        )
    reported = set()
    for entry in anchored.entries:
        seq = entry["last_seq"]
        if seq in seen and seen[seq] != entry["last_hash"] and seq not in reported:
            reported.add(seq)
            problems.append(
                (
                    seq,
                    f"第 {seq} 条审计记录与审计锚点登记的哈希不符（{_when(entry)} 的检查点；"
                    "链被替换或重建）。",
                )
            )
    return problems
