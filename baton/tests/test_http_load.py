"""The load run of ``make load`` (benchmarks/http_load.py), for a few seconds, so that it
keeps working: gunicorn on loopback, a handful of signed-in users reading and writing
through the real forms, 0 errors and every acknowledged write in the database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from baton.testing import database_url, make_project

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_load_run_answers_a_handful_of_users_without_an_error(w):
    for i in range(4):
        make_project(w, name=f"压测冒烟项目{i}", investor="厦门示例科技有限公司")
    make_project(w, unit=w.other_town, name="新店压测项目")

    result = subprocess.run(  # noqa: S603 — our own script
        [
            sys.executable,
            str(ROOT / "benchmarks" / "http_load.py"),
            "load",
            "--database-url",
            database_url(),
            "--users",
            "10",
            "--duration",
            "3",
            "--writes",
            "0.3",
            "--page-logins",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "DATABASE_URL": database_url()},
        cwd=ROOT,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "已登录 10 个连接：1 个经登录页" in output
    assert "结果：0 个错误，通过。" in output
    assert "读：项目页" in output and "写：跟进记录" in output
