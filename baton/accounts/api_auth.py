"""Bearer tokens for the HTTP API: creation, revocation and the check on every request.

A token is ``baton_`` followed by 43 URL-safe characters (256 random bits). Only its
SHA-256 hash is stored: a secret that random needs no slow hash, and a leaked table
gives no usable token.
"""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from baton.audit.services import Event, audit_write

from .coordinating import COORDINATING_ONLY, may_open
from .models import ApiToken, User

TOKEN_PREFIX = "baton_"  # noqa: S105 — a visible label, not a secret
#: Characters of the secret kept in clear to tell tokens apart.
SHOWN_CHARS = 12
#: ``last_used_at`` is written at most this often per token, not on every request.
TOUCH_EVERY = dt.timedelta(minutes=1)
_MAX_TOKEN_LENGTH = 200


class TokenRefused(AuthenticationError):
    """The request carries no usable token; the message says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(401, message)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str = "", days: int | None = None, actor: User | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with its secret, which is never stored.

    ``actor`` is who creates it, for the audit log (None: an operator's command).
    """
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=days) if days else None
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=secret[:SHOWN_CHARS],
        key_hash=token_hash(secret),
        expires_at=expires_at,
    )
    audit_write(event=Event.TOKEN_CREATED, user=actor, obj=token, after=_token_facts(token))
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User | None = None) -> bool:
    """Revoke a token; return False when it already was."""
    revoked = bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
    if revoked:
        audit_write(event=Event.TOKEN_REVOKED, user=actor, obj=token, after=_token_facts(token))
    return revoked


def _token_facts(token: ApiToken) -> dict:
    """What the audit log keeps of a token: never its secret or hash."""
    return {
        "owner": token.user.username,
        "prefix": token.prefix,
        "name": token.name,
        "expires_at": token.expires_at,
    }


def token_user(secret: str) -> User:
    """Return the active user a token belongs to, or raise ``TokenRefused``."""
    token = None
    if secret and len(secret) <= _MAX_TOKEN_LENGTH:
        token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(secret)).first()
    if token is None:
        raise TokenRefused("访问令牌无效。")
    now = timezone.now()
    if token.is_revoked:
        raise TokenRefused("访问令牌已被吊销，请联系管理员重新申请。")
    if token.is_expired(now):
        raise TokenRefused("访问令牌已过期，请联系管理员重新申请。")
    if not token.user.is_active:
        raise TokenRefused("该令牌所属账号已停用。")
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; every refusal is a 401 with a Chinese reason."""

    def __call__(self, request):
        header = request.headers.get(self.header, "")
        scheme, _, secret = header.strip().partition(" ")
        if not header:
            raise TokenRefused("未提供访问令牌：请在请求头中携带 Authorization: Bearer <令牌>。")
        if scheme.lower() != "bearer":
            raise TokenRefused("认证方式不正确：请使用 Authorization: Bearer <令牌>。")
        return self.authenticate(request, secret.strip())

    def authenticate(self, request, token: str) -> User:
        user = token_user(token)
        match = request.resolver_match
        if match is not None and not may_open(user, match.view_name):
            raise PermissionDenied(COORDINATING_ONLY)
        request.user = user
        return user
