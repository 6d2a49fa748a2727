"""gunicorn on loopback as ``baton demo`` serves, for the load benchmark and the tests that
need real server processes (two servers sharing one cache, say): a free port, the
project's gunicorn config, stopped on exit; and whether the static files must be collected
first (the manifest storage refuses a page whose file it does not list)."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class ServerError(RuntimeError):
    pass


class Server:
    """gunicorn as ``baton demo`` runs it, on a free loopback port, stopped on exit.

    ``env`` adds to (or overrides) this process's environment for the server: another
    ``CACHE_URL`` or ``DATABASE_URL``, say.
    """

    def __init__(self, workers: int, threads: int, log: Path, env: dict | None = None):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers, self.threads, self.log = workers, threads, log
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        # The server's own settings decide where its static files live (a test process
        # serves them from the source tree): collect them as the server will read them.
        subprocess.run(
            [sys.executable, "-m", "baton.ops.servers"], env=self.env, cwd=ROOT, check=True
        )
        gunicorn = Path(sys.executable).parent / "gunicorn"
        command = [
            str(gunicorn),
            "config.wsgi",
            "--config",  # the worker that gives gunicorn's own answers the security headers
            str(ROOT / "config" / "gunicorn.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--backlog",
            "2048",
            "--timeout",
            "120",
            "--no-control-socket",  # one per user's home otherwise, shared by every run
            "--error-logfile",
            str(self.log),
            "--chdir",
            str(ROOT),
        ]
        # Django's own log (a 409's warning, say) goes to the same file as gunicorn's.
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 — our own server
                command,
                start_new_session=True,
                stdout=output,
                stderr=subprocess.STDOUT,
                env=self.env,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"gunicorn 启动失败，见 {self.log}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return self
            time.sleep(0.2)
        self.__exit__()
        raise ServerError("gunicorn 60 秒内没有开始监听。")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def static_stale() -> bool:
    """Whether collectstatic must run: no manifest yet, or a static file newer than it."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(
        os.path.getmtime(storage.path(path)) > built
        for finder in get_finders()
        for path, storage in finder.list([])
    )


def collect_static() -> None:
    """Collect the static files when ``static_stale()``."""
    if static_stale():
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)


if __name__ == "__main__":  # run by Server before gunicorn starts
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    collect_static()
