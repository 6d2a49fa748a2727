"""Fields encrypted at rest with SM4-GCM (商用密码, GB/T 32907 SM4 in GCM mode).

Optional: on when the setting ``BATON_FIELD_KEY`` (32 hex digits, 16 bytes, from the
environment, never stored in the database) is set. One place encrypts and decrypts:
the two model fields below. ``EncryptedCharField`` keeps a text column encrypted;
``SealedJSONField`` keeps chosen keys of a JSON object encrypted (a project event's
old and new contact phone), so the number is never in clear anywhere in the database.

A stored value is ``SM4GCM1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``: the
version prefix lets clear and encrypted values live side by side (``baton
encrypt-fields`` converts the rows, ``--decrypt`` converts them back), and the key id
(the first 8 hex digits of SM3 over the key) tells a value sealed under another key
from a damaged one. The additional authenticated data names the field, so a value
cannot be moved to another field unnoticed.
"""

import base64
import logging
import math
import os
import re

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.datastructures import DictWrapper
from django.utils.functional import cached_property

from .crypto import TAG_BYTES, sm3_hex, sm4_gcm_decrypt, sm4_gcm_encrypt

logger = logging.getLogger(__name__)

PREFIX = "SM4GCM1:"
NONCE_BYTES = 12
_KEY_ID_HEX = 8
_SEALED = re.compile(r"^SM4GCM1:([0-9a-f]{8}):([A-Za-z0-9_-]+)$")


class FieldDecryptError(Exception):
    """A sealed value that cannot be opened: no key, another key, or damaged."""


_MALFORMED = "加密字段格式损坏。"


def parse_key(text: str) -> bytes:
    """Return the 16-byte key written as 32 hex digits, or raise ImproperlyConfigured."""
    cleaned = (text or "").strip()
    try:
        key = bytes.fromhex(cleaned)
    except ValueError:
        key = b""
    if len(key) != 16:
        raise ImproperlyConfigured(
            "BATON_FIELD_KEY 必须是 32 位十六进制数（16 字节的 SM4 密钥），"
            "例如用 `python -c 'import secrets; print(secrets.token_hex(16))'` 生成。"
        )
    return key


def field_key() -> bytes | None:
    """The configured field key, or None when field encryption is off."""
    text = getattr(settings, "BATON_FIELD_KEY", "") or ""
    return parse_key(text) if text.strip() else None


def key_id(key: bytes) -> str:
    return sm3_hex(key)[:_KEY_ID_HEX]


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(text: str, *, purpose: str, key: bytes | None = None) -> str:
    """Encrypt ``text`` under the field key (or ``key``); clear when there is none."""
    key = key if key is not None else field_key()
    if key is None or not text or is_sealed(text):
        return text
    nonce = os.urandom(NONCE_BYTES)
    sealed = sm4_gcm_encrypt(key, nonce, text.encode("utf-8"), purpose.encode())
    token = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
    return f"{PREFIX}{key_id(key)}:{token}"


def unseal(value: str, *, purpose: str, key: bytes | None = None) -> str:
    """Return the clear text of a sealed value (a clear value as it is)."""
    if not is_sealed(value):
        return value
    match = _SEALED.match(value)
    if match is None:
        raise FieldDecryptError(_MALFORMED)
    key = key if key is not None else field_key()
    if key is None:
        raise FieldDecryptError("数据已加密，但未配置 BATON_FIELD_KEY，无法解密。")
    if match[1] != key_id(key):
        raise FieldDecryptError(f"数据是用另一把密钥（编号 {match[1]}）加密的，当前密钥无法解密。")
    raw = base64.urlsafe_b64decode(match[2] + "=" * (-len(match[2]) % 4))
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise FieldDecryptError(_MALFORMED)
    try:
        clear = sm4_gcm_decrypt(key, raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode())
    except InvalidTag:
        raise FieldDecryptError(
            "加密字段校验失败（SM4-GCM 认证标签不符），数据可能被篡改。"
        ) from None
    return clear.decode("utf-8")


def sealed_length(max_chars: int) -> int:
    """Characters a sealed value of at most ``max_chars`` characters needs (UTF-8 ≤ 4 bytes)."""
    raw = NONCE_BYTES + 4 * max_chars + TAG_BYTES
    return len(PREFIX) + _KEY_ID_HEX + 1 + math.ceil(raw * 4 / 3)


class Unreadable(str):
    """A sealed value read without the right key: shown as a notice, saved back unchanged."""

    raw: str
    reason: str

    def __new__(cls, raw: str, reason: str):
        text = super().__new__(cls, "（已加密，无法解密）")
        text.raw = raw
        text.reason = reason
        return text


def _open(value, purpose: str):
    if not is_sealed(value):
        return value
    try:
        return unseal(value, purpose=purpose)
    except FieldDecryptError as exc:
        # Never a 500 on a page, and never the notice written over the stored value.
        logger.error("%s: %s", purpose, exc)
        return Unreadable(value, str(exc))


def _close(value, purpose: str):
    if isinstance(value, Unreadable):
        return value.raw
    if isinstance(value, str):
        return seal(value, purpose=purpose)
    return value


class EncryptedCharField(models.CharField):
    """A text field stored SM4-GCM-encrypted when ``BATON_FIELD_KEY`` is set.

    ``max_length`` is the limit of the clear text; the column is made wide enough for
    the sealed form. Equality lookups cannot match a sealed value (each encryption
    uses a fresh nonce): do not search such a field.
    """

    def __init__(self, *args, purpose: str = "", **kwargs):
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.purpose:
            kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    @cached_property
    def _purpose(self) -> str:
        return self.purpose or f"{self.model._meta.label_lower}.{self.name}"

    def db_type_parameters(self, connection):
        data = {**self.__dict__, "max_length": sealed_length(self.max_length)}
        return DictWrapper(data, connection.ops.quote_name, "qn_")

    def from_db_value(self, value, expression, connection):
        return _open(value, self._purpose)

    def get_prep_value(self, value):
        return _close(super().get_prep_value(value), self._purpose)


class SealedJSONField(models.JSONField):
    """A JSON object whose ``sealed_keys`` hold SM4-GCM-encrypted strings at rest."""

    def __init__(self, *args, sealed_keys: tuple[str, ...] = (), **kwargs):
        self.sealed_keys = tuple(sealed_keys)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sealed_keys"] = self.sealed_keys
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        if isinstance(value, dict) and any(is_sealed(value.get(k)) for k in self.sealed_keys):
            value = {k: _open(v, k) if k in self.sealed_keys else v for k, v in value.items()}
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if isinstance(value, dict) and any(
            isinstance(value.get(k), str) and value.get(k) for k in self.sealed_keys
        ):
            value = {k: _close(v, k) if k in self.sealed_keys else v for k, v in value.items()}
        return value


# --- the self-test --------------------------------------------------------------------


def self_test() -> list[str]:
    """Round-trip the field key if one is set; return what failed.

    A malformed key raises ``ImproperlyConfigured`` (the check reports it on its own).
    """
    key = field_key()
    if key is None:
        return []
    probe = "13800000000"
    try:
        if unseal(seal(probe, purpose="self-test"), purpose="self-test") != probe:
            return ["字段加密自检失败：加密后解密不一致"]
    except FieldDecryptError as exc:
        return [f"字段加密自检失败：{exc}"]
    return []
