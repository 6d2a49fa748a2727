"""HTTP answers given the same way everywhere: downloads, and the security headers."""

from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

#: The media type of an Excel workbook (.xlsx).
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(response: HttpResponse, filename: str, *, fallback: str = "") -> HttpResponse:
    """Make ``response`` a download named ``filename`` that no cache keeps.

    The name is given in UTF-8 (RFC 6266), after a plain ASCII ``fallback`` name for old
    clients if there is one. Every download holds users' data (reports, rankings, ledgers,
    the audit log): no browser or proxy cache may keep a copy once it is handed over.
    """
    plain = f'filename="{fallback}"; ' if fallback else ""
    response["Content-Disposition"] = f"attachment; {plain}filename*=UTF-8''{quote(filename)}"
    add_never_cache_headers(response)
    return response


def security_headers() -> dict[str, str]:
    """Return the security headers of a page that do not depend on the request.

    For the answers Django's middleware never sees (gunicorn's own 400s): the same values
    as ``SecurityMiddleware``, ``XFrameOptionsMiddleware`` and the CSP middleware give a
    page. HSTS is not among them: it is sent only over TLS, which such an answer cannot
    tell (the TLS gateway adds it).
    """
    from csp.utils import build_policy

    headers = {"Content-Security-Policy": build_policy()}
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers["X-Content-Type-Options"] = "nosniff"
    if policy := settings.SECURE_REFERRER_POLICY:
        parts = policy.split(",") if isinstance(policy, str) else policy
        headers["Referrer-Policy"] = ",".join(part.strip() for part in parts)
    if policy := settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers["Cross-Origin-Opener-Policy"] = policy
    headers["X-Frame-Options"] = getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()
    return headers
