"""Logging: an ordinary refusal is one line, a server error keeps its traceback."""

import logging


class ClientErrorLine(logging.Filter):
    """Write a 4xx answer as one line — status, method, path, user, reason — without
    the traceback Django attaches to a PermissionDenied or an Http404.

    A refusal is the application working (a 403 out of scope, a CSRF failure, a
    lockout); a traceback for each buries the 500s that need one. Records without a
    status below 500 pass unchanged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or status >= 500:
            return True
        request = getattr(record, "request", None)
        reason = record.getMessage()
        exception = str(record.exc_info[1]) if record.exc_info and record.exc_info[1] else ""
        if exception and exception not in reason:
            reason = f"{reason} — {exception}"
        record.msg = "%s %s %s 用户=%s：%s"
        record.args = (
            status,
            getattr(request, "method", "-"),
            getattr(request, "path", "-"),
            _username(request),
            reason.replace("\n", " "),
        )
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def _username(request) -> str:
    # request.user is set by the authentication middleware; a request refused before it
    # (a bad host, a CSRF failure on the first request) has none.
    try:
        user = getattr(request, "auth", None)  # the API's token user
        if not hasattr(user, "get_username"):
            user = getattr(request, "user", None) if request is not None else None
        if user is None:
            return "-"
        return user.get_username() if user.is_authenticated else "匿名"
    except Exception:  # a log line must never fail the answer it reports
        return "-"
