"""``DATABASE_REPLICA_URL``: a real PostgreSQL primary and a streaming replica (initdb,
``pg_basebackup`` with a replication slot), set up by the test on loopback ports, and a
gunicorn server reading through them — the lists and the cockpit from the replica, every
write and every form from the primary, a user's own write read back from the primary,
and a replica that lags or is down left alone (and said so by ``/healthz``).

Skipped, with the reason printed, where PostgreSQL's server programs are not installed."""

import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from baton.core.replica import READ_FROM_HEADER, WROTE_COOKIE
from baton.ops.servers import ROOT, Server

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not BINARIES, reason="未安装 PostgreSQL 服务器程序（initdb），跳过主从库测试。"
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clusters:
    """A primary and its streaming replica in a temporary directory, stopped and removed
    on exit. As root, the server programs run as the ``postgres`` user (they refuse root)."""

    def __init__(self):
        self.bin = Path(BINARIES[-1]).parent
        self.base = Path(tempfile.mkdtemp(prefix="baton-replica-"))
        self.primary, self.replica = self.base / "primary", self.base / "replica"
        self.ports = {"primary": free_port(), "replica": free_port()}

    def pg(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(  # noqa: S603 — PostgreSQL's own programs
            command, capture_output=True, text=True, check=check, timeout=120
        )

    def url(self, which: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports[which]}/baton"

    def sql(self, which: str, statement: str) -> str:
        done = self.pg(
            "psql", "-h", "127.0.0.1", "-p", str(self.ports[which]), "-U", "postgres",
            "-d", "baton", "-Atc", statement,
        )  # fmt: skip
        return done.stdout.strip()

    def __enter__(self):
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self.pg("initdb", "-D", str(self.primary), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        settings = [
            f"port = {self.ports['primary']}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.base}'",
            "wal_level = replica",
            "max_wal_senders = 4",
            "max_replication_slots = 4",
            "hot_standby = on",
            "fsync = off",
            "full_page_writes = off",
            "synchronous_commit = off",
        ]
        with (self.primary / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(settings) + "\n")
        self.pg(
            "pg_ctl", "-D", str(self.primary), "-l", str(self.base / "primary.log"), "-w", "start"
        )
        self.pg(
            "createdb",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.ports["primary"]),
            "-U",
            "postgres",
            "baton",
        )
        self.pg(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.ports["primary"]), "-U", "postgres",
            "-D", str(self.replica), "-R", "-C", "-S", "baton_replica", "-X", "stream",
        )  # fmt: skip
        with (self.replica / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {self.ports['replica']}\n")
        self.start_replica()
        return self

    def start_replica(self):
        self.pg(
            "pg_ctl", "-D", str(self.replica), "-l", str(self.base / "replica.log"), "-w", "start"
        )

    def stop_replica(self):
        self.pg("pg_ctl", "-D", str(self.replica), "-m", "fast", "-w", "stop", check=False)

    def __exit__(self, *exc):
        self.stop_replica()
        self.pg("pg_ctl", "-D", str(self.primary), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.base, ignore_errors=True)


def baton(env: dict, *args: str, script: str | None = None) -> str:
    command = (
        [sys.executable, "-m", "baton", *args] if script is None else [sys.executable, "-c", script]
    )
    done = subprocess.run(  # noqa: S603 — our own program
        command, env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


WORLD = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from baton.accounts.api_auth import token_create
from baton.testing import make_project, make_world, signed_in_cookie
w = make_world()
project = make_project(w, name="主库副本甲项目")
print(json.dumps({
    "code": project.code,
    "office": signed_in_cookie(w.office),
    "promoter": signed_in_cookie(w.promoter),
    "token": token_create(user=w.promoter, name="主从库")[1],
}))
"""


def read_from(response) -> str:
    assert response.status_code == 200, response.text[:500]
    return response.headers[READ_FROM_HEADER]


def wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "等待超时"
        time.sleep(0.3)


def test_reads_from_the_replica_writes_to_the_primary_and_falls_back(tmp_path):
    with Clusters() as pg:
        primary = {"DATABASE_URL": pg.url("primary"), "CACHE_URL": "dummy://"}
        baton(primary, "migrate", "-v0")
        world = json.loads(baton(primary, script=WORLD).strip().splitlines()[-1])
        env = {
            **primary,
            "DATABASE_REPLICA_URL": pg.url("replica"),
            "BATON_REPLICA_LAG_LIMIT": "2",
            "BATON_REPLICA_CHECK_SECONDS": "1",
            "BATON_READ_YOUR_WRITES_SECONDS": "10",
        }
        office, promoter = world["office"], world["promoter"]
        wait_for(lambda: pg.sql("replica", "SELECT count(*) FROM projects_project") == "1")
        with Server(1, 2, tmp_path / "server.log", env) as server:

            def get(path, cookies):
                return requests.get(server.base + path, cookies=cookies, timeout=30)

            # The list and the cockpit read the replica; a project's page the primary.
            listed = get("/projects/", office)
            assert read_from(listed) == "replica" and "主库副本甲项目" in listed.text
            assert read_from(get("/cockpit/", office)) == "replica"
            assert read_from(get(f"/projects/{world['code']}/", office)) == "primary"
            health = requests.get(server.base + "/healthz", timeout=30).json()
            assert health["checks"]["replica"]["ok"] and health["status"] == "ok"

            # A write goes to the primary (the replica refuses writes), through the API …
            created = requests.post(
                server.base + "/api/v1/projects",
                json={"name": "写入主库的项目", "investment_wan": "5000"},
                headers={"Authorization": f"Bearer {world['token']}"},
                timeout=30,
            )
            assert created.status_code == 201, created.text
            # … and through a page: its user then reads the primary while the cookie lives.
            session = requests.Session()
            session.cookies.update(promoter)
            page = session.get(f"{server.base}/projects/{world['code']}/", timeout=30)
            assert read_from(page) == "primary"
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
            noted = session.post(
                f"{server.base}/projects/{world['code']}/note/",
                data={"csrfmiddlewaretoken": csrf, "text": "经主库写入的跟进记录"},
                headers={"Referer": server.base + "/"},
                timeout=30,
                allow_redirects=False,
            )
            assert noted.status_code == 302 and WROTE_COOKIE in session.cookies
            assert read_from(session.get(server.base + "/projects/", timeout=30)) == "primary"
            assert read_from(get("/projects/", office)) == "replica"  # another user: as before
            wait_for(lambda: "写入主库的项目" in get("/projects/", office).text)

            # A replica that lags: replay paused, the primary writes on — reads go home.
            pg.sql("replica", "SELECT pg_wal_replay_pause()")
            for i in range(3):
                requests.post(
                    server.base + "/api/v1/projects",
                    json={"name": f"副本暂停时的项目{i}", "investment_wan": "100"},
                    headers={"Authorization": f"Bearer {world['token']}"},
                    timeout=30,
                )
                time.sleep(1.2)
            wait_for(lambda: read_from(get("/projects/", office)) == "primary")
            assert "副本暂停时的项目2" in get("/projects/", office).text
            health = requests.get(server.base + "/healthz", timeout=30).json()
            assert health["status"] == "degraded" and not health["checks"]["replica"]["ok"]
            assert "读请求改走主库" in health["checks"]["replica"]["detail"]
            pg.sql("replica", "SELECT pg_wal_replay_resume()")
            wait_for(lambda: read_from(get("/projects/", office)) == "replica")

            # A replica that is down: the pages still answer, from the primary.
            pg.stop_replica()
            time.sleep(1.2)
            down = get("/projects/", office)
            assert read_from(down) == "primary" and "副本暂停时的项目2" in down.text
            health = requests.get(server.base + "/healthz", timeout=30)
            assert health.status_code == 200
            assert "无法连接" in health.json()["checks"]["replica"]["detail"]
            pg.start_replica()
            wait_for(lambda: read_from(get("/projects/", office)) == "replica", 40)
