"""The 国密 primitives in one place: SM3, HMAC-SM3, SM4 and SM4-GCM, and their self-test.

Every use goes through here: the audit chain and its anchor (HMAC-SM3), the backups'
manifest hash and signature (SM3, HMAC-SM3) and the fields encrypted at rest
(SM4-GCM, baton/core/encrypted_fields.py). ``self_test`` checks the algorithms against
the standards' vectors; ``manage.py check`` and the WSGI start run it
(baton/ops/checks.py), and a failure stops the server.
"""

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

#: GB/T 32905-2016 appendix A.1: SM3("abc").
SM3_VECTOR = (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
#: GB/T 32907-2016 appendix A.1: one SM4 block, key = plaintext.
SM4_VECTOR = (
    "0123456789abcdeffedcba9876543210",
    "0123456789abcdeffedcba9876543210",
    "681edf34d206965e86b3e94f536e4246",
)
#: RFC 8998 appendix A.1: SM4-GCM with the GB/T 32907 key.
SM4_GCM_VECTOR = {
    "key": "0123456789abcdeffedcba9876543210",
    "nonce": "00001234567800000000abcd",
    "aad": "feedfacedeadbeeffeedfacedeadbeefabaddad2",
    "plaintext": (
        "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
        "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa"
    ),
    "ciphertext": (
        "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
        "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
    ),
    "tag": "83de3541e4c2b58177e065a9bf7b62ec",
}

TAG_BYTES = 16


# --- SM3 and HMAC-SM3 -------------------------------------------------------------------


class SM3:
    """An SM3 digest fed in pieces (a file read block by block)."""

    def __init__(self, data: bytes = b""):
        self._hash = hashes.Hash(hashes.SM3())
        if data:
            self._hash.update(data)

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.finalize().hex()


def sm3_hex(data: bytes) -> str:
    return SM3(data).hexdigest()


def hmac_sm3(key: bytes, *parts: bytes) -> str:
    """HMAC-SM3 of the concatenated ``parts`` under ``key``, as hex."""
    mac = hmac.HMAC(key, hashes.SM3())
    for part in parts:
        mac.update(part)
    return mac.finalize().hex()


def keyed_sm3(key: bytes, label: bytes, data: bytes) -> str:
    """HMAC-SM3 of ``data`` under ``key``, for the use ``label`` names (never a record's:
    a record's input starts with 64 hex digits, a label with a letter)."""
    return hmac_sm3(key, label + b"\n", data)


# --- SM4 and SM4-GCM --------------------------------------------------------------------


def sm4_gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Return ciphertext ‖ tag."""
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return body + encryptor.tag


def sm4_gcm_decrypt(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Return the plaintext of ciphertext ‖ tag; raise ``InvalidTag`` when it was changed."""
    body, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


# --- the self-test ----------------------------------------------------------------------


def self_test() -> list[str]:
    """Check SM3, SM4 and SM4-GCM against the standards' test vectors; return what failed."""
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
    v = {name: bytes.fromhex(value) for name, value in SM4_GCM_VECTOR.items()}
    try:
        sealed = sm4_gcm_encrypt(v["key"], v["nonce"], v["plaintext"], v["aad"])
        if sealed != v["ciphertext"] + v["tag"]:
            problems.append("SM4-GCM 测试向量不符")
        elif sm4_gcm_decrypt(v["key"], v["nonce"], sealed, v["aad"]) != v["plaintext"]:
            problems.append("SM4-GCM 解密测试向量不符")
    except Exception as exc:  # an OpenSSL without SM4-GCM
        problems.append(f"SM4-GCM 不可用：{exc}")
    return problems
