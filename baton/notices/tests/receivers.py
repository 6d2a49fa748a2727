"""Real receivers on loopback for the delivery tests: an SMTP sink and a webhook."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from django_tasks.backends.base import BaseTaskBackend

SMTP_PORT = 8035
WEBHOOK_PORT = 8036


class _Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message it is given."""

    def __init__(self, port: int = SMTP_PORT):
        self.handler = _Collect()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    @property
    def messages(self):
        return self.handler.messages

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class Webhook:
    """An HTTP receiver on 127.0.0.1: answers each POST with the next of ``statuses``
    (then 200), and keeps what it was sent."""

    def __init__(self, statuses=(), port: int = WEBHOOK_PORT, answer: dict | None = None):
        self.statuses = list(statuses)
        self.received: list[dict] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hook.received.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = hook.statuses.pop(0) if hook.statuses else 200
                reply = json.dumps(answer or {"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}/robot/send?key=test"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class BrokenBackend(BaseTaskBackend):
    """A task queue that cannot be reached."""

    def enqueue(self, task, args, kwargs):
        raise ConnectionError("队列不可用")
