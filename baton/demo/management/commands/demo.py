import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from baton.demo.org import XIANGAN
from baton.demo.people import demo_accounts, demo_enrolment_codes
from baton.demo.seed import CUTOFF, load_demo
from baton.org.models import District
from baton.reports.selectors import Scope, figures_as_of
from baton.reports.summary import summary_paragraph

ROOT = Path(__file__).resolve().parents[4]


class Command(BaseCommand):
    help = "建库（如需要）、载入演示数据（可重复运行）、打印演示报告与账号，并在 127.0.0.1:8000 提供服务。"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        parser.add_argument(
            "--bind", default="127.0.0.1:8000", help="服务地址，默认 127.0.0.1:8000"
        )

    def handle(self, *args, no_serve=False, bind="127.0.0.1:8000", **options):
        call_command("migrate", interactive=False, verbosity=0)
        result = load_demo()
        self.stdout.write(
            ("已载入演示数据" if result.created else "演示数据已存在")
            + f"：共 {result.projects} 个项目。"
        )
        district = District.objects.select_related("city").get(code=XIANGAN)
        figures = figures_as_of(as_of=CUTOFF, scope=Scope(district=district))
        self.stdout.write("\n" + summary_paragraph(figures) + "\n")
        self.stdout.write("演示账号（密码每次启动随机生成，仅显示这一次）：")
        for username, role, area, password in demo_accounts():
            self.stdout.write(f"  {username:<15} {password}  {role}（{area}）")
        codes = demo_enrolment_codes()
        if codes:
            self.stdout.write("管理员首次登录绑定动态口令的绑定码（仅可使用一次，过期作废）：")
            for username, code in codes:
                self.stdout.write(f"  {username:<15} {code}")
        if no_serve:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"\n接力棒已在 http://{bind} 启动，按 Ctrl+C 停止。\n")
        self.stdout.flush()
        # The background work (imports, report packs, notices) runs in workers beside the
        # server: one for the short tasks and one for the long, so a notice never waits
        # for an import. They stop with the server.
        for command in worker_commands():
            subprocess.Popen(command, cwd=ROOT, preexec_fn=_stop_with_parent)  # noqa: S603
        command = gunicorn_command(bind)
        # Replace this process by gunicorn so that Ctrl+C and signals reach the server.
        os.execv(command[0], command)  # noqa: S606


def worker_commands() -> list[list[str]]:
    """Return the command lines of the demo's task workers (``baton db_worker``)."""
    baton = [sys.executable, "-m", "baton", "db_worker", "--no-reload", "--verbosity", "0"]
    return [[*baton, "--queue-name", queue] for queue in ("default", "bulk")]


def _stop_with_parent() -> None:
    """In the worker, before it starts: be sent SIGTERM when the server's process ends."""
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG, Linux only


def gunicorn_command(bind: str) -> list[str]:
    """Return the command line that serves Baton with gunicorn on ``bind``.

    Its settings (workers, threads, the worker that adds the security headers to
    gunicorn's own error answers) are in config/gunicorn.py.
    """
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    return [
        gunicorn,
        "config.wsgi",
        "--config",
        str(ROOT / "config" / "gunicorn.py"),
        "--bind",
        bind,
        "--access-logfile",
        "-",
        "--chdir",
        str(ROOT),
    ]
