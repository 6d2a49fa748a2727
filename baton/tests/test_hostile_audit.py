"""Issue 13, point 5: an audit log with its tail cut, or wiped, is refused.

The attacker has the database (not the audit key, not the anchor file): they delete the
last records and move ``audit_audithead`` back to the new last record — with the head
row as it was then, when they kept a copy — or delete everything. ``baton audit-verify``
must refuse each with the reason, in Chinese; a legitimate purge still verifies.
"""

import datetime as dt
import io
import json
import os
import re
import secrets
import subprocess  # nosec B404 # runs our own console script
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from baton.audit.models import AuditRecord
from baton.audit.services import audit_verify, audit_write
from baton.audit.tests.helpers import tamper

Event = AuditRecord.Event


def _write(w, n: int, **kwargs) -> list[AuditRecord]:
    return [
        audit_write(user=w.promoter, event=Event.PROJECT_CHANGED, after={"i": i}, **kwargs)
        for i in range(n)
    ]


def _verified() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _refused(pattern: str) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify", stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == 1
    text = err.getvalue() + str(caught.value)
    assert re.search(pattern, text), text
    assert not audit_verify().ok
    return text


def _head_row() -> tuple[list[str], tuple]:
    """The whole head row, as an attacker with the database would copy it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_audithead WHERE id = 1")
        row = cursor.fetchone()
        return [c[0] for c in cursor.description], row


def _put_head(columns: list[str], row: tuple) -> None:
    sets = ", ".join(f"{c} = %s" for c in columns if c != "id")
    values = [v for c, v in zip(columns, row, strict=True) if c != "id"]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE audit_audithead SET {sets} WHERE id = 1", values)  # noqa: S608


def _cut_tail(after_seq: int) -> None:
    tamper("DELETE FROM audit_auditrecord WHERE seq > %s", [after_seq])


def _wipe() -> None:
    tamper("DELETE FROM audit_auditrecord")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_audithead")


def test_it_refuses_a_tail_cut_with_the_head_moved_back(w):
    _write(w, 7)
    _cut_tail(4)
    last = AuditRecord.objects.get(seq=4)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1", [last.seq, last.hash]
        )
    _refused("链尾登记.*HMAC-SM3 校验")
    with pytest.raises(CommandError, match="未通过 HMAC-SM3 校验，不能写检查点"):
        call_command("audit_checkpoint", stdout=io.StringIO())
    _write(w, 1)  # writing on does not launder the head
    _refused("链尾登记.*HMAC-SM3 校验")


def test_it_refuses_a_tail_cut_with_an_old_head_row_put_back(w):
    _write(w, 4)
    kept = _head_row()  # the head as it was when record 4 was the last
    _write(w, 3)
    assert "7 条审计记录，链完整" in _verified()  # and a checkpoint outside the database
    _cut_tail(4)
    _put_head(*kept)
    _refused("第 5–7 条审计记录缺失.*截断")


def test_it_refuses_a_wiped_log(w):
    _write(w, 3)
    _verified()
    _wipe()
    assert AuditRecord.objects.count() == 0
    _refused("审计日志已被清空")


def test_it_refuses_a_wiped_log_that_started_again(w):
    _write(w, 3)
    _verified()
    _wipe()
    _write(w, 5)  # a new chain from record 1, every link and the head consistent
    _refused("第 3 条审计记录与审计锚点登记的哈希不符")


def test_the_first_and_every_nth_record_are_anchored_without_a_verify(
    w, settings, django_capture_on_commit_callbacks
):
    settings.BATON_AUDIT_CHECKPOINT_EVERY = 3
    with django_capture_on_commit_callbacks(execute=True):
        _write(w, 2)
    kept = _head_row()
    with django_capture_on_commit_callbacks(execute=True):
        _write(w, 5)
    lines = Path(settings.BATON_AUDIT_ANCHOR).read_text().splitlines()
    assert [json.loads(line)["last_seq"] for line in lines] == [1, 3, 6]
    _cut_tail(2)
    _put_head(*kept)
    _refused("第 3–6 条审计记录缺失.*截断")
    _wipe()
    _refused("审计日志已被清空")


def test_an_altered_anchor_is_refused(w, settings):
    _write(w, 3)
    _verified()
    path = Path(settings.BATON_AUDIT_ANCHOR)
    entry = json.loads(path.read_text())
    path.write_text(json.dumps({**entry, "last_seq": 2}) + "\n")
    _refused("审计锚点.*第 1 行.*校验失败")


def test_a_legitimate_purge_keeps_verifying_and_is_anchored(
    w, settings, django_capture_on_commit_callbacks
):
    old = timezone.now() - dt.timedelta(days=400)
    for i in range(3):
        audit_write(event=Event.LOGIN, user=w.promoter, _time=old + dt.timedelta(minutes=i))
    _verified()
    _write(w, 2)
    before = (timezone.localdate() - dt.timedelta(days=200)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("audit_purge", "--before", before, stdout=io.StringIO())
    assert "3 条审计记录，链完整" in _verified()
    entries = [json.loads(x) for x in Path(settings.BATON_AUDIT_ANCHOR).read_text().splitlines()]
    purge = next(e for e in entries if e["kind"] == "purge")
    assert (purge["first_seq"], purge["last_seq"], purge["count"]) == (4, 6, 3)
    _cut_tail(5)
    _refused("第 6 条审计记录缺失")


def _start(tmp_path, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    base.update(
        BATON_ENV="production",
        BATON_SECRET_KEY=secrets.token_urlsafe(50),
        BATON_ALLOWED_HOSTS="baton.example.gov.cn",
        BATON_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="config.settings",
        **env,
    )
    return subprocess.run(  # nosec B603
        [sys.executable, "-m", "baton", "check"],
        env=base,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_with_the_audit_key_in_the_data_directory(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "audit_key").write_text(secrets.token_hex(32))
    run = _start(tmp_path, BATON_AUDIT_KEY=secrets.token_hex(32))
    assert run.returncode != 0
    assert "数据目录" in run.stderr and "audit_key" in run.stderr

    (var / "audit_key").unlink()
    inside = var / "keys" / "audit.key"
    inside.parent.mkdir()
    inside.write_text(secrets.token_hex(32))
    run = _start(tmp_path, BATON_AUDIT_KEY_FILE=str(inside))
    assert run.returncode != 0 and "数据目录" in run.stderr

    outside = tmp_path / "etc" / "audit.key"
    outside.parent.mkdir()
    outside.write_text(secrets.token_hex(32))
    run = _start(tmp_path, BATON_AUDIT_KEY_FILE=str(outside))
    assert run.returncode == 0, run.stderr
