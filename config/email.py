"""The outbound mail server, from one address: ``BATON_EMAIL_URL``.

``smtp://user:password@host:25`` (plain, or STARTTLS when the server offers it and
``?tls=1`` asks for it), ``smtp+tls://…:587`` (STARTTLS) or ``smtps://…:465`` (TLS from
the start). The user and password are URL-encoded. Without the address, the separate
``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``,
``EMAIL_USE_TLS`` and ``EMAIL_USE_SSL`` are read; with neither, no mail is sent.
"""

import urllib.parse

_SCHEMES = {"smtp": (False, False), "smtp+tls": (True, False), "smtps": (False, True)}


def parse_email_url(url: str) -> dict:
    """Return Django's EMAIL_* settings of ``url``; raise ValueError on a bad address."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in _SCHEMES:
        raise ValueError("BATON_EMAIL_URL 须以 smtp://、smtp+tls:// 或 smtps:// 开头。")
    if not parts.hostname:
        raise ValueError("BATON_EMAIL_URL 缺少邮件服务器地址。")
    tls, ssl = _SCHEMES[parts.scheme]
    query = urllib.parse.parse_qs(parts.query)
    if query.get("tls", [""])[0].lower() in ("1", "true", "yes"):
        tls = True
    default_port = 465 if ssl else (587 if tls else 25)
    return {
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or default_port,
        "EMAIL_HOST_USER": urllib.parse.unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": urllib.parse.unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
    }
