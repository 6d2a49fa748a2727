"""HMAC-SM3 chaining of audit records and the chain key.

``hash = HMAC-SM3(key, prev_hash || canonical JSON of the record)``; the first record's
``prev_hash`` is 64 zeros. The key comes from ``BATON_AUDIT_KEY`` (a setting or the
environment) or the file ``BATON_AUDIT_KEY_FILE`` names; in development a random key is
kept in ``VAR_DIR/audit_key``. Production refuses a key inside ``VAR_DIR`` (see
config/settings.py): whoever copies the data directory must not get the key with it.

The same key, each use under its own label, authenticates the chain's head row
(``head_mac``), the checkpoints written outside the database (baton/audit/anchor.py) and
the backups' signatures (baton/ops/backup.py). The algorithms are baton/core/crypto.py's.
"""

import datetime as dt
import functools
import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from baton.core.crypto import hmac_sm3, keyed_sm3

GENESIS = "0" * 64


def audit_key() -> bytes:
    configured = getattr(settings, "BATON_AUDIT_KEY", "") or os.environ.get("BATON_AUDIT_KEY", "")
    key_file = getattr(settings, "BATON_AUDIT_KEY_FILE", "") or os.environ.get(
        "BATON_AUDIT_KEY_FILE", ""
    )
    production = bool(getattr(settings, "PRODUCTION", False))
    return _key(configured, key_file, str(settings.VAR_DIR), production)


@functools.lru_cache(maxsize=8)
def _key(configured: str, key_file: str, var_dir: str, production: bool) -> bytes:
    if configured:
        return configured.encode()
    if key_file:
        try:
            text = Path(key_file).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"无法读取审计密钥文件 {key_file}：{exc}") from None
        if not text:
            raise ImproperlyConfigured(f"审计密钥文件 {key_file} 是空的。")
        return text.encode()
    if production:
        raise ImproperlyConfigured(
            "生产环境必须设置 BATON_AUDIT_KEY 或 BATON_AUDIT_KEY_FILE"
            "（审计日志和备份签名的 HMAC-SM3 密钥，放在数据目录之外）。"
        )
    path = Path(var_dir) / "audit_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".audit_key.{os.getpid()}.{secrets.token_hex(4)}")
        temp.write_text(secrets.token_hex(32))
        temp.chmod(0o600)
        try:
            os.link(temp, path)  # atomic: two processes starting at once agree on one key
        except FileExistsError:
            pass
        finally:
            temp.unlink()
    return path.read_text().strip().encode()


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(record) -> bytes:
    """The record's content, as sorted compact JSON (everything but the hashes)."""
    data = {
        "seq": record.seq,
        "time": _utc(record.time),
        "user_id": record.user_id,
        "username": record.username,
        "role": record.role,
        "event": record.event,
        "outcome": record.outcome,
        "ip": record.ip,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "object_label": record.object_label,
        "detail": record.detail,
        "before": record.before,
        "after": record.after,
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def record_hash(record, key: bytes | None = None) -> str:
    return hmac_sm3(key or audit_key(), record.prev_hash.encode("ascii"), canonical(record))


def head_mac(seq: int, last_hash: str, key: bytes | None = None) -> str:
    """The MAC of the chain's head row: its number and hash, so a head moved back to an
    earlier record cannot be written without the key."""
    return keyed_sm3(key or audit_key(), b"baton-audit-head", f"{seq}:{last_hash}".encode())
