"""HMAC-SM3 chaining of audit records, the chain key and the 国密 self-test.

``hash = HMAC-SM3(key, prev_hash || canonical JSON of the record)``; the first record's
``prev_hash`` is 64 zeros. The key comes from ``BATON_AUDIT_KEY`` (a setting or the
environment) or the file ``BATON_AUDIT_KEY_FILE`` names; in development a random key is
kept in ``VAR_DIR/audit_key``. Production refuses a key inside ``VAR_DIR`` (see
config/settings.py): whoever copies the data directory must not get the key with it.

The same key, each use under its own label, authenticates the chain's head row
(``head_mac``), the checkpoints written outside the database (baton/audit/anchor.py) and
the backups' signatures (baton/accounts/backup.py).
"""

import datetime as dt
import functools
import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENESIS = "0" * 64

#: GB/T 32905-2016 appendix A.1: SM3("abc").
SM3_VECTOR = (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
#: GB/T 32907-2016 appendix A.1: one SM4 block, key = plaintext.
SM4_VECTOR = (
    "0123456789abcdeffedcba9876543210",
    "0123456789abcdeffedcba9876543210",
    "681edf34d206965e86b3e94f536e4246",
)


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
    mac = hmac.HMAC(key or audit_key(), hashes.SM3())
    mac.update(record.prev_hash.encode("ascii"))
    mac.update(canonical(record))
    return mac.finalize().hex()


def keyed_sm3(key: bytes, label: bytes, data: bytes) -> str:
    """HMAC-SM3 of ``data`` under ``key``, for the use ``label`` names (never a record's:
    a record's input starts with 64 hex digits, a label with a letter)."""
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(label + b"\n")
    mac.update(data)
    return mac.finalize().hex()


def head_mac(seq: int, last_hash: str, key: bytes | None = None) -> str:
    """The MAC of the chain's head row: its number and hash, so a head moved back to an
    earlier record cannot be written without the key."""
    return keyed_sm3(key or audit_key(), b"baton-audit-head", f"{seq}:{last_hash}".encode())


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def self_test() -> list[str]:
    """Check SM3 and SM4 against the standards' test vectors; return what failed."""
    problems = []
    try:
        if sm3_hex(SM3_VECTOR[0]) != SM3_VECTOR[1]:
            problems.append("SM3 测试向量不符")
    except Exception as exc:  # an OpenSSL without SM3
        problems.append(f"SM3 不可用：{exc}")
    try:
        key, plain, expected = (bytes.fromhex(v) for v in SM4_VECTOR)
        encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 — one block, the standard's vector
        if (encryptor.update(plain) + encryptor.finalize()).hex() != expected.hex():
            problems.append("SM4 测试向量不符")
    except Exception as exc:
        problems.append(f"SM4 不可用：{exc}")
    return problems
