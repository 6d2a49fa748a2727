"""Drive Baton over HTTP on loopback: the pages' benchmark and the mixed load run.

    .venv/bin/python benchmarks/http_load.py bench --scale province --database both   # make bench-http
    .venv/bin/python benchmarks/http_load.py load --database both                      # make load

Both start gunicorn as ``baton demo`` serves (2 workers × 4 threads, whitenoise) on a free
loopback port and drive it with an asyncio client (aiohttp), each connection signed in
with its own session cookie.

``bench``: the library of a generated scale (``baton generate``, the databases of
``benchmarks/run.py``: ``$BATON_VAR_DIR/bench-<scale>.sqlite3`` or PostgreSQL
``baton_scale_<scale>``, generated once and reused). As the office of the largest district,
for the project list, the project page (500 of its projects in turn, each opened once
before the row is measured; and a row of pages never opened before) and the cockpit, at
16 and at 200 concurrent connections: requests/s, p50/p95/p99 latency, errors. The list
is measured twice: its first page, as an office opens it again and again (served from
the kept pages of ``baton.projects.page_cache`` while nothing changes), and with a new
condition on every request, which is never kept: the list computed and rendered each time.

``load`` (no error under load): a fresh copy of the demo (``load-demo.sqlite3``, or
PostgreSQL ``baton_load_demo``, dropped and re-created) and 200 signed-in users (unit
promoters, district offices, the city office) working at once for 60 s: 90 % reads (the
list with and without filters, project pages, the cockpit, the workbench) and 10 % writes
through the real forms with their CSRF token (a progress note; an edit of the project
opened with its version). Afterwards the database must hold exactly the writes the server
acknowledged. A stale edit answered 409 (someone saved first) is counted as a conflict, not
an error.

Every connection signs in: ``--page-logins`` of them through the login page (CSRF, axes,
the password check), the others with a session created directly the way the login view
does (``auth.login`` + ``session_record``), because a password check costs about a second
of CPU here. Anything but the expected answer (200 for a page, 302 after a write, 409 for
a stale edit), a timeout or a reset is an error; any error makes the exit status 1.
"""

import argparse
import asyncio
import html.parser
import json
import os
import random
import re
import secrets
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402 — after the path, like the rest of benchmarks/

from baton.ops.servers import Server  # noqa: E402

#: The pages' targets at 16 connections (issue 23): (requests/s at least, p95 ms at most).
PAGE_TARGETS = {"项目库（首页+合计）": (200, 150), "项目页": (150, 200), "驾驶舱": (100, 300)}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = f"Load-{secrets.token_urlsafe(12)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    bench = sub.add_parser("bench", help="每个页面在 16 与 200 并发下的吞吐与延迟")
    bench.add_argument(
        "--scale", default="province", choices=["district", "city", "province", "national"]
    )
    bench.add_argument("--seed", type=int, default=1)
    bench.add_argument("--connections", default="16,200", help="逗号分隔的并发连接数")
    bench.add_argument("--duration", type=float, default=20.0, help="每个页面每种并发的秒数")
    load = sub.add_parser("load", help="200 个用户 90%% 读 10%% 写的混合负载")
    load.add_argument("--users", type=int, default=200)
    load.add_argument("--duration", type=float, default=60.0, help="秒")
    load.add_argument("--writes", type=float, default=0.10, help="写操作占比")
    for p in (bench, load):
        p.add_argument("--database", default="sqlite", choices=["sqlite", "postgres", "both"])
        p.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="服务器")
        p.add_argument(
            "--database-url",
            help="直接使用这个已经准备好的数据库（不建库、不生成、不删除）",
        )
        p.add_argument("--workers", type=int, default=2)
        p.add_argument("--threads", type=int, default=4)
        p.add_argument("--page-logins", type=int, default=8, help="经登录页登录的连接数")
        p.add_argument("--seed-rng", type=int, default=1, help="客户端随机数种子")
    bench.add_argument("--json", help="把每一格的结果另存为 JSON 文件（benchmarks/run.py 读取）")
    args = parser.parse_args()
    if args.database == "both" and not args.database_url:
        status = 0
        for database in ("sqlite", "postgres"):
            command = [sys.executable, __file__, *sys.argv[1:], "--database", database]
            status |= subprocess.run(command, check=False).returncode  # noqa: S603 — ourselves
        return status
    os.environ["DATABASE_URL"] = args.database_url or _database_url(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    return Run(args).run()


def _database_url(args) -> str:
    from benchmarks.run import _create_database

    var = Path(os.environ.get("BATON_VAR_DIR", ROOT / "var"))
    if args.mode == "bench":  # the databases of benchmarks/run.py
        if args.database == "postgres":
            name = f"baton_scale_{args.scale}"
            _create_database(args.postgres, name)
            return f"{args.postgres}/{name}"
        return f"sqlite:///{var / f'bench-{args.scale}.sqlite3'}"
    # load: a fresh demo every time
    if args.database == "postgres":
        import psycopg

        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "baton_load_demo" WITH (FORCE)')
            conn.execute('CREATE DATABASE "baton_load_demo"')
        return f"{args.postgres}/baton_load_demo"
    path = var / "load-demo.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


# --- the measured figures ---------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    conflicts: int = 0
    samples: list[str] = field(default_factory=list)

    def ok(self, seconds: float) -> None:
        self.latencies.append(seconds)

    def error(self, seconds: float | None, what: str) -> None:
        self.errors += 1
        if seconds is not None:
            self.latencies.append(seconds)
        if len(self.samples) < 5:
            self.samples.append(what)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000


class FormValues(html.parser.HTMLParser):
    """The values a browser would post from the form holding ``name="version"``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form = None
        self._select = None
        self._options: list[tuple[str, bool]] = []
        self._textarea = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = []
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self._form.append(
                    (a["name"], a.get("value") or ("on" if kind == "checkbox" else ""))
                )
        elif tag == "select":
            self._select, self._options = a.get("name"), []
            self._multiple = "multiple" in a
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected]
            if not chosen and self._options and not self._multiple:
                chosen = [self._options[0][0]]
            self._form += [(self._select, v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self._form.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None

    @classmethod
    def edit_form(cls, page: str) -> list[tuple[str, str]] | None:
        parser = cls()
        parser.feed(page)
        return next((f for f in parser.forms if any(k == "version" for k, _ in f)), None)


def machine() -> str:
    """The CPUs and their load: the figures are only comparable on a quiet machine."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} 个 CPU，负载 {one:.1f}/{five:.1f}（1/5 分钟）"


# --- the server -------------------------------------------------------------------------


# --- the run ----------------------------------------------------------------------------


@dataclass
class Member:
    """One connection: the account it is signed in as, its cookie, what it may open."""

    username: str
    session_key: str
    visible: list[str]
    editable: list[str]
    cookies: dict = field(default_factory=dict)
    token: str = ""


class Run:
    def __init__(self, args):
        self.args = args
        self.first_openings: list[str] = []  # bench: project pages opened once each
        self.rng = random.Random(args.seed_rng)  # noqa: S311 — a load mix, not a secret
        self.run_id = secrets.token_hex(3)
        self.saved = {"edits": 0, "notes": 0}

    def run(self) -> int:
        from django.db import connection, connections

        self.vendor = connection.vendor
        started = time.monotonic()
        if not self.args.database_url:
            self.prepare()
        accounts = self.accounts()
        print(f"准备用时 {time.monotonic() - started:.0f} 秒。", flush=True)
        var = Path(os.environ.get("BATON_VAR_DIR", ROOT / "var"))
        log = var / f"http-{self.args.mode}-{os.getpid()}.log"
        connections.close_all()
        with Server(self.args.workers, self.args.threads, log) as server:
            self.server = server
            members = asyncio.run(self.sign_in(accounts))
            connections.close_all()
            if self.args.mode == "bench":
                failed = asyncio.run(self.bench(members))
            else:
                failed = self.load(members)
        if failed:
            tail = log.read_text(errors="replace").splitlines()[-20:] if log.exists() else []
            print("\n".join(["gunicorn 日志最后 20 行：", *tail]) if tail else "")
        log.unlink(missing_ok=True)
        return 1 if failed else 0

    # --- the database ---------------------------------------------------------------

    def prepare(self) -> None:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        if self.args.mode == "bench":  # as benchmarks/run.py prepares its scale
            call_command("generate", scale=self.args.scale, seed=self.args.seed)
            call_command("refresh_snapshots")
        else:
            from baton.demo.seed import load_demo

            load_demo()

    def accounts(self) -> list:
        """Return the signed-in connections to make: (user, visible codes, editable codes)."""
        if self.args.mode == "bench":
            return self._bench_accounts()
        return self._load_accounts()

    def _bench_accounts(self) -> list:
        from django.db import connection

        from baton.accounts.models import User
        from benchmarks.run import Bench

        bench = Bench(self.args)
        bench.vendor = connection.vendor
        bench.setup()  # the largest district and its office, as the query benchmark uses
        self.district = bench.district
        user, _ = User.objects.update_or_create(
            username=f"http_bench_{self.district.code}",
            defaults={"role": User.Role.DISTRICT_OFFICE, "district": self.district},
        )
        self._password(User.objects.filter(pk=user.pk))
        user.refresh_from_db()  # the session's hash is taken from the new password
        codes = list(
            self.district.projects.order_by("-updated_at").values_list("code", flat=True)[:5500]
        )
        # The next 5,000 are opened once each, for the first openings' row (never kept yet).
        self.first_openings = codes[500:]
        count = max(int(c) for c in self.args.connections.split(","))
        return [(user, codes[:500], []) for _ in range(count)]

    def _load_accounts(self) -> list:
        from django.db.models import Count
        from django.utils import timezone

        from baton.accounts.models import User
        from baton.org.models import District, Unit
        from baton.projects import permissions
        from baton.projects.selectors import project_list

        district = (  # the demo district (the one with the most projects)
            District.objects.annotate(n=Count("projects")).order_by("-n", "code").first()
        )
        units = list(Unit.objects.filter(district=district, projects__isnull=False).distinct())
        Role = User.Role
        plan = []
        for i in range(self.args.users):
            if i % 10 < 7:  # most users are the units' promoters
                plan.append(
                    (Role.UNIT_STAFF, {"unit": units[i % len(units)], "district": district})
                )
            elif i % 10 < 9:
                plan.append((Role.DISTRICT_OFFICE, {"district": district}))
            else:
                plan.append((Role.CITY_REVIEWER, {"city": district.city}))
        prefix = f"load{self.run_id}_"
        User.objects.bulk_create(
            User(username=f"{prefix}{i:03d}", role=role, password_changed_at=timezone.now(), **area)
            for i, (role, area) in enumerate(plan)
        )
        self._password(User.objects.filter(username__startswith=prefix))
        users = list(User.objects.filter(username__startswith=prefix).order_by("username"))
        seen: dict = {}
        rows = []
        for user in users:
            key = (user.role, user.unit_id, user.district_id, user.city_id)
            if key not in seen:
                projects = list(project_list(user=user).select_related("unit", "district")[:400])
                seen[key] = (
                    [p.code for p in projects],
                    [p.code for p in projects if permissions.can_edit(user, p)],
                )
            rows.append((user, *seen[key]))
        return rows

    def _password(self, users) -> None:
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        users.update(password=make_password(PASSWORD), password_changed_at=timezone.now())

    async def sign_in(self, accounts) -> list[Member]:
        """Sign the first connections in through the login page, the others directly."""
        members = []
        logins = min(self.args.page_logins, len(accounts))
        async with aiohttp.ClientSession(self.server.base) as probe:
            for user, visible, editable in accounts[:logins]:
                members.append(await self._page_login(probe, user, visible, editable))
        members += await asyncio.to_thread(self._direct_sessions, accounts[logins:])
        print(
            f"已登录 {len(members)} 个连接：{logins} 个经登录页（CSRF、密码校验），"
            f"{len(members) - logins} 个直接建立会话。",
            flush=True,
        )
        return members

    async def _page_login(self, probe, user, visible, editable) -> Member:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(self.server.base, cookie_jar=jar) as client:
            async with client.get("/accounts/login/") as response:
                page = await response.text()
            token = CSRF.search(page)[1]
            form = {"csrfmiddlewaretoken": token, "username": user.username, "password": PASSWORD}
            async with client.post(
                "/accounts/login/", data=form, allow_redirects=False
            ) as response:
                if response.status != 302:
                    raise SystemExit(f"{user.username} 登录失败：HTTP {response.status}")
            cookies = {c.key: c.value for c in jar}
        return Member(user.username, cookies["sessionid"], visible, editable, cookies)

    def _direct_sessions(self, accounts) -> list[Member]:
        from importlib import import_module

        from django.conf import settings
        from django.contrib.auth import login
        from django.db import connections
        from django.http import HttpRequest

        from baton.accounts.services import session_record

        store = import_module(settings.SESSION_ENGINE).SessionStore
        members = []
        for user, visible, editable in accounts:
            request = HttpRequest()
            request.META.update(REMOTE_ADDR="127.0.0.1", HTTP_USER_AGENT="http_load")
            request.session = store()
            login(request, user, backend="baton.accounts.backends.UserBackend")
            request.session.save()
            session_record(request=request, user=user)
            key = request.session.session_key
            members.append(Member(user.username, key, visible, editable, {"sessionid": key}))
        connections.close_all()
        return members

    def client(self, member: Member) -> aiohttp.ClientSession:
        jar = aiohttp.CookieJar(unsafe=True)
        session = aiohttp.ClientSession(
            self.server.base,
            cookie_jar=jar,
            connector=aiohttp.TCPConnector(limit=1),
            timeout=aiohttp.ClientTimeout(total=120),
        )
        jar.update_cookies(member.cookies, aiohttp.client.URL(self.server.base))
        return session

    async def request(self, client, tally: Tally, method, path, *, expect, data=None):
        """Return (status, body) of an expected answer, else count an error and return (None, None)."""
        started = time.perf_counter()
        try:
            async with client.request(method, path, data=data, allow_redirects=False) as response:
                body = await response.text()
                elapsed = time.perf_counter() - started
                if response.status not in expect:
                    where = response.headers.get("Location", "")
                    tally.error(elapsed, f"{method} {path} → {response.status} {where}".strip())
                    return None, None
                if response.status == 409:
                    tally.conflicts += 1
                tally.ok(elapsed)
                return response.status, body
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            tally.error(None, f"{method} {path} → {type(exc).__name__}: {exc}")
            return None, None

    # --- bench ------------------------------------------------------------------------

    async def bench(self, members: list[Member]) -> bool:
        from django.urls import NoReverseMatch, reverse

        codes = members[0].visible
        pages = [("项目库（首页+合计）", lambda i: "/projects/")]
        # Every request a condition not asked before: none is answered from the kept pages
        # (page_cache), so this row is the list computed and rendered each time.
        pages.append(("项目库（每次新条件）", lambda i: f"/projects/?amount_min={i + 1}"))
        # The 500 pages re-opened in turn, each opened once before (an office goes back to
        # its projects), answered from the kept pages while nothing on them changes …
        pages.append(("项目页", lambda i: f"/projects/{codes[i % len(codes)]}/"))
        # … and pages never opened before, each request another one: computed every time.
        first = iter(self.first_openings or codes)
        pages.append(("项目页（首次打开）", lambda i: f"/projects/{next(first, codes[0])}/"))
        try:
            cockpit = reverse("reports:cockpit")
        except NoReverseMatch:
            print("驾驶舱页面（reports:cockpit）尚不存在，跳过。")
        else:
            pages.append(("驾驶舱", lambda i: cockpit))
        levels = [int(c) for c in self.args.connections.split(",")]
        rows = []
        for label, path in pages:
            await self.drive(members[:16], path, 3.0, Tally())  # warm the workers up
            if label == "项目页":  # open each once: the row is of pages opened before
                await self.drive(members[:16], path, 600.0, Tally(), limit=len(codes))
            for n in levels:
                tally = Tally()
                elapsed = await self.drive(members[:n], path, self.args.duration, tally)
                rows.append((label, n, elapsed, tally))
                print(self.line(label, n, elapsed, tally), flush=True)
        await asyncio.to_thread(self.sign_out, members)
        if self.args.json:
            self.save_json(rows)
        return self.report_bench(rows)

    def save_json(self, rows) -> None:
        cells = [
            {
                "page": label,
                "connections": n,
                "seconds": round(elapsed, 1),
                "requests": len(tally.latencies),
                "per_second": round(len(tally.latencies) / elapsed, 1),
                "p50": round(tally.percentile(50), 1),
                "p95": round(tally.percentile(95), 1),
                "p99": round(tally.percentile(99), 1),
                "errors": tally.errors,
            }
            for label, n, elapsed, tally in rows
        ]
        Path(self.args.json).write_text(json.dumps(cells, ensure_ascii=False, indent=1))

    async def drive(self, members, path, duration: float, tally: Tally, limit=10**9) -> float:
        deadline = time.monotonic() + duration
        counter = iter(range(limit))

        async def connection(member):
            async with self.client(member) as client:
                while time.monotonic() < deadline and (i := next(counter, None)) is not None:
                    await self.request(client, tally, "GET", path(i), expect={200})

        started = time.monotonic()
        await asyncio.gather(*(connection(m) for m in members))
        return time.monotonic() - started

    def header(self) -> str:
        return (
            f"{'页面':<20}{'并发':>6}{'秒':>7}{'请求数':>9}{'请求/秒':>10}"
            f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'错误':>6}"
        )

    def line(self, label, n, elapsed, tally: Tally) -> str:
        done = len(tally.latencies)
        return (
            f"{label:<20}{n:>6}{elapsed:>7.1f}{done:>9}{done / elapsed:>10.1f}"
            f"{tally.percentile(50):>9.1f}{tally.percentile(95):>9.1f}{tally.percentile(99):>9.1f}"
            f"{tally.errors:>6}"
        )

    def report_bench(self, rows) -> bool:
        from django.conf import settings

        print()
        print(
            f"HTTP 基准：{self.vendor}，规模 {self.args.scale}（{self.district.name}的区招商办），"
            f"gunicorn {self.args.workers} 进程 × {self.args.threads} 线程，{self.server.base}，"
            f"每格 {self.args.duration:g} 秒，DEBUG={settings.DEBUG}，{machine()}"
        )
        print(self.header())
        errors = 0
        for label, n, elapsed, tally in rows:
            print(self.line(label, n, elapsed, tally))
            errors += tally.errors
            for sample in tally.samples:
                print(f"    错误示例：{sample}")
        for label, n, elapsed, tally in rows:
            if label in ("项目库（每次新条件）", "项目页（首次打开）") and n == 16:
                print(
                    f"未命中缓存的{label[:3]}（每次计算并渲染）16 并发：{len(tally.latencies) / elapsed:.0f} "
                    f"请求/秒、p95 {tally.percentile(95):.0f} ms（参考，不是目标）"
                )
            if label in PAGE_TARGETS and n == 16:
                least, most = PAGE_TARGETS[label]
                rps, p95 = len(tally.latencies) / elapsed, tally.percentile(95)
                verdict = "达标" if rps >= least and p95 <= most and not tally.errors else "未达标"
                print(
                    f"目标：{label} 16 并发 ≥ {least} 请求/秒、p95 ≤ {most} ms、0 错误 —— "
                    f"{rps:.0f} 请求/秒、p95 {p95:.0f} ms、{tally.errors} 个错误：{verdict}"
                )
        high = [t for _, n, _, t in rows if n >= 200]
        if high:
            bad = sum(t.errors for t in high)
            print(f"目标：200 并发 0 错误 —— {bad} 个错误：{'达标' if not bad else '未达标'}")
        return errors > 0

    def sign_out(self, members) -> None:
        from django.contrib.sessions.models import Session
        from django.db import connections

        from baton.accounts.models import LoginSession

        keys = [m.session_key for m in members]
        Session.objects.filter(session_key__in=keys).delete()
        LoginSession.objects.filter(session_key__in=keys).delete()
        connections.close_all()

    # --- load -------------------------------------------------------------------------

    def load(self, members: list[Member]) -> bool:
        from django.urls import NoReverseMatch, reverse

        try:
            self.cockpit = reverse("reports:cockpit")
        except NoReverseMatch:
            self.cockpit = None
            print("驾驶舱页面（reports:cockpit）尚不存在，读操作不含驾驶舱。")
        tallies: dict[str, Tally] = defaultdict(Tally)
        self.started_at = time.time()
        elapsed = asyncio.run(self.drive_load(members, tallies))
        return self.report_load(members, tallies, elapsed)

    async def drive_load(self, members, tallies) -> float:
        deadline = time.monotonic() + self.args.duration
        rng = self.rng

        async def user(member: Member, seed: int):
            rng = random.Random(seed)  # noqa: S311
            async with self.client(member) as client:
                # Start at different moments, as users do.
                await asyncio.sleep(rng.random() * min(2.0, self.args.duration / 10))
                while time.monotonic() < deadline:
                    if rng.random() < self.args.writes and member.visible:
                        await self.write(client, member, rng, tallies)
                    else:
                        await self.read(client, member, rng, tallies)

        started = time.monotonic()
        await asyncio.gather(*(user(m, rng.randrange(2**32)) for m in members))
        return time.monotonic() - started

    async def read(self, client, member: Member, rng, tallies) -> None:
        roll = rng.random()
        if roll < 0.30 and member.visible:
            kind, path = "读：项目页", f"/projects/{rng.choice(member.visible)}/"
        elif roll < 0.45:
            kind, path = "读：项目库", "/projects/"
        elif roll < 0.60:
            query = rng.choice(["?sort=investment_desc", "?q=项目", "?review_state=admitted"])
            kind, path = "读：项目库（筛选）", f"/projects/{query}"
        elif roll < 0.80 and self.cockpit:
            kind, path = "读：驾驶舱", self.cockpit
        else:
            kind, path = "读：工作台", "/"
        _, body = await self.request(client, tallies[kind], "GET", path, expect={200})
        if body and (match := CSRF.search(body)):
            member.token = match[1]

    async def write(self, client, member: Member, rng, tallies) -> None:
        if not member.token:  # a page first: the form token comes with it
            await self.read(client, member, rng, tallies)
        stamp = f"压测{self.run_id} {member.username} {secrets.token_hex(4)}"
        if member.editable and rng.random() < 0.4:
            code = rng.choice(member.editable)
            tally = tallies["写：编辑项目（打开+保存）"]
            path = f"/projects/{code}/edit/"
            _, page = await self.request(client, tally, "GET", path, expect={200})
            if page is None:
                return
            form = FormValues.edit_form(page)
            if form is None:
                tally.error(None, f"GET {path} 页面中没有带 version 的表单")
                return
            data = [(k, v) for k, v in form if k != "progress"] + [("progress", stamp)]
            status, _ = await self.request(
                client, tally, "POST", path, data=data, expect={302, 409}
            )
            self.saved["edits"] += status == 302
        else:
            code = rng.choice(member.visible)
            form = {"csrfmiddlewaretoken": member.token, "text": stamp}
            path = f"/projects/{code}/note/"
            status, _ = await self.request(
                client, tallies["写：跟进记录"], "POST", path, data=form, expect={302}
            )
            self.saved["notes"] += status == 302

    def report_load(self, members, tallies: dict[str, Tally], elapsed: float) -> bool:
        from baton.projects.models import ProjectEvent

        marker = f"压测{self.run_id} "
        notes = ProjectEvent.objects.filter(kind=ProjectEvent.Kind.NOTE, reason__startswith=marker)
        edits = [
            e
            for e in ProjectEvent.objects.filter(
                kind=ProjectEvent.Kind.UPDATED, actor__username__startswith=f"load{self.run_id}_"
            ).values_list("new", flat=True)
            if str(e.get("progress", "")).startswith(marker)
        ]
        conflicts = tallies["写：编辑项目（打开+保存）"].conflicts
        print()
        print(
            f"负载：{len(members)} 个并发用户，读 {100 - self.args.writes * 100:.0f}% / "
            f"写 {self.args.writes * 100:.0f}%，{elapsed:.0f} 秒，{self.vendor}，"
            f"gunicorn {self.args.workers} 进程 × {self.args.threads} 线程，{self.server.base}，"
            f"{machine()}"
        )
        print(self.header())
        total = Tally()
        for kind in sorted(tallies):
            tally = tallies[kind]
            print(self.line(kind, len(members), elapsed, tally))
            total.latencies += tally.latencies
            total.errors += tally.errors
            total.conflicts += tally.conflicts
        print(self.line("合计", len(members), elapsed, total))
        errors = total.errors
        for kind, tally in tallies.items():
            for sample in tally.samples:
                print(f"    错误示例（{kind}）：{sample}")
        # Every acknowledged write is in the database, and nothing else.
        wrote_notes = notes.count()
        print(
            f"核对：跟进记录 服务器确认 {self.saved['notes']} 条，库中 {wrote_notes} 条；"
            f"编辑 保存成功 {self.saved['edits']} 次（另有 {conflicts} 次因他人先保存被拒，409），"
            f"库中 {len(edits)} 条修改记录。"
        )
        mismatch = wrote_notes != self.saved["notes"] or len(edits) != self.saved["edits"]
        if mismatch:
            print("核对不一致：确认的写入与数据库不符。")
        print(f"结果：{errors} 个错误，{'通过' if not errors and not mismatch else '未通过'}。")
        return bool(errors or mismatch)


if __name__ == "__main__":
    sys.exit(main())
