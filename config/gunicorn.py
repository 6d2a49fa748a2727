"""gunicorn's settings for Baton, as ``baton demo`` and the HTTP benchmarks start it:

    gunicorn config.wsgi --config config/gunicorn.py --bind 127.0.0.1:8000

Options given on the command line after it override these.

gunicorn answers a request it cannot parse (a malformed request line: 400; one too long:
414; headers too large: 431) itself, before Django sees it. Its worker here gives those
answers the security headers every page carries.
"""

from gunicorn.workers.gthread import ThreadWorker as _ThreadWorker

workers = 2
threads = 4


class _HeadersAdded:
    """The client's socket, adding the security headers to the answer written on it."""

    def __init__(self, sock):
        self._sock = sock
        self._head_sent = False

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def sendall(self, data: bytes) -> None:
        if not self._head_sent:
            from baton.core.http import security_headers

            self._head_sent = True
            status, crlf, rest = data.partition(b"\r\n")
            headers = "".join(f"{k}: {v}\r\n" for k, v in security_headers().items())
            data = status + crlf + headers.encode("latin-1") + rest
        self._sock.sendall(data)


class ThreadWorker(_ThreadWorker):
    """gunicorn's threaded worker; its own error answers carry the security headers."""

    def handle_error(self, req, client, addr, exc):
        super().handle_error(req, _HeadersAdded(client), addr, exc)


worker_class = ThreadWorker
