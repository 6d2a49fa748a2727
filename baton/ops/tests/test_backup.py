"""Backup and restore drill (RELIABILITY item 10), on whichever database the suite runs.

Build data, back up, wipe (flush the rows, or drop every table), restore: every table
has the same rows again (the command's own checksums, and an independent ORM dump of
every model), the audit chain verifies, and the one new audit record is the restore's.
A damaged or lying backup is refused and the database is left exactly as it was.
"""

import io
import json
import sqlite3
import tarfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from baton.accounts.api_auth import token_create
from baton.audit.models import AuditHead, AuditRecord
from baton.audit.services import audit_context, audit_verify
from baton.ops import backup as backup_module
from baton.ops.backup import MANIFEST, table_checksums
from baton.projects import services
from baton.testing import admit, make_project, make_world

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AUDIT_TABLES = {"audit_auditrecord", "audit_audithead"}
PG = connection.vendor == "postgresql"


def _world():
    w = make_world()
    with audit_context(ip="10.0.0.8"):
        for i in range(5):
            project = make_project(w, name=f"演练项目{i}", contact_phone=f"1380000{i:04d}")
            services.project_update(
                project=project, actor=w.promoter, changes={"remarks": f"第{i}次"}
            )
            if i % 2:
                admit(w, project)
    token_create(user=w.promoter, name="演练")
    return w


def _dump() -> dict:
    """Every row of every model, ordered by key: a check independent of the checksums."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table not in AUDIT_TABLES
    }


def _audit_rows() -> list:
    return list(AuditRecord.objects.order_by("seq").values())


def _wipe(how: str) -> None:
    if how == "flush":
        call_command("flush", "--no-input", verbosity=0)
    elif PG:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    else:
        path = connection.settings_dict["NAME"]
        connection.close()
        db = sqlite3.connect(path)
        db.execute("PRAGMA foreign_keys=OFF")
        rows = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY sql LIKE 'CREATE VIRTUAL%' DESC"
        ).fetchall()
        for (name,) in rows:
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [name]).fetchone():
                db.execute(f'DROP TABLE "{name}"')
        db.commit()
        db.close()


def _backup(path) -> str:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def _restore(path) -> str:
    out = io.StringIO()
    call_command("restore", str(path), "--yes", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("wipe", ["flush", "drop"])
def test_backup_wipe_restore_gives_back_every_table(tmp_path, wipe):
    _world()
    path = tmp_path / "baton.tar"
    assert "已备份到" in _backup(path)
    manifest = _read(path, MANIFEST)
    before = table_checksums()
    assert manifest["tables"] == before  # the manifest describes the database as it was
    assert before["projects_project"]["rows"] == 5 and before["projects_projectevent"]["rows"] > 5
    dumped, audit = _dump(), _audit_rows()
    assert audit and audit[-1]["event"] == "backup"  # the backup records itself first

    _wipe(wipe)
    out = _restore(path)

    assert "行数与校验和全部一致" in out and "链完整" in out
    after = table_checksums()
    assert {k: v for k, v in after.items() if k not in AUDIT_TABLES} == {
        k: v for k, v in before.items() if k not in AUDIT_TABLES
    }
    assert len(after) == len(before) and len(after) > 30
    assert _dump() == dumped
    restored = _audit_rows()
    assert restored[: len(audit)] == audit
    assert [r["event"] for r in restored[len(audit) :]] == ["restore"]
    assert AuditHead.objects.get().seq == len(audit) + 1
    verdict = audit_verify()
    assert verdict.ok and verdict.count == len(audit) + 1
    assert "链完整" in _audit_verify_command()


def _audit_verify_command() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def _read(path, name):
    """A member of a backup: the manifest as a dict, the database as bytes."""
    with tarfile.open(path) as tar:
        if name is None:
            name = next(n for n in tar.getnames() if n not in {MANIFEST, backup_module.SIGNATURE})
        data = tar.extractfile(name).read()
    return json.loads(data) if name == MANIFEST else data


def _rewrite(path, target, *, manifest=None, member=None):
    """Copy a backup with its manifest (a dict) or its member (bytes) replaced, signed
    again with the right key: the checks behind the signature still hold on their own
    (a forger without the key is baton/tests/test_hostile_backup.py's)."""
    original = _read(path, MANIFEST)["member"]
    data = manifest if manifest is not None else _read(path, MANIFEST)
    body = member if member is not None else _read(path, original)
    with tarfile.open(target, "w") as out:
        raw = json.dumps(data).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(raw)
        out.addfile(info, io.BytesIO(raw))
        signature = backup_module.sign(raw)
        info = tarfile.TarInfo(backup_module.SIGNATURE)
        info.size = len(signature)
        out.addfile(info, io.BytesIO(signature))
        info = tarfile.TarInfo(data.get("member", original))
        info.size = len(body)
        out.addfile(info, io.BytesIO(body))
    return target


def _refused(path, message: str) -> None:
    before, dumped = table_checksums(), _dump()
    audit = _audit_rows()
    with pytest.raises(CommandError, match=message):
        _restore(path)
    assert table_checksums() == {**before, **{k: table_checksums()[k] for k in AUDIT_TABLES}}
    assert _dump() == dumped
    restored = _audit_rows()
    assert restored[: len(audit)] == audit
    assert [r["event"] for r in restored[len(audit) :]] == ["restore"]  # the refusal, as a failure
    assert AuditRecord.objects.order_by("-seq").first().outcome == "failure"


def test_a_damaged_or_lying_backup_changes_nothing(tmp_path):
    w = _world()
    path = tmp_path / "baton.tar"
    _backup(path)
    # Changes made after the backup must survive every refused restore.
    make_project(w, name="备份之后的项目")
    body = bytearray(_read(path, None))
    body[len(body) // 2] ^= 0xFF
    _refused(
        _rewrite(path, tmp_path / "flipped.tar", member=bytes(body)), "SM3 校验值与备份清单不符"
    )

    (tmp_path / "junk.tar").write_bytes(b"not a backup at all" * 100)
    _refused(tmp_path / "junk.tar", "已损坏或不是接力棒备份文件")

    manifest = _read(path, MANIFEST)
    lying = {**manifest, "tables": {**manifest["tables"]}}
    lying["tables"]["projects_project"] = {**lying["tables"]["projects_project"], "rows": 99}
    _refused(_rewrite(path, tmp_path / "lying.tar", manifest=lying), "校验不符|与清单不符")

    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    foreign = {**manifest, "vendor": other, "member": backup_module.MEMBERS[other]}
    target = _rewrite(path, tmp_path / "foreign.tar", manifest=foreign)
    _refused(target, "不能恢复")

    broken = {k: v for k, v in manifest.items() if k != "tables"}
    _refused(_rewrite(path, tmp_path / "broken.tar", manifest=broken), "备份清单已损坏")
    _refused(tmp_path / "missing.tar", "不存在")


def test_backup_refuses_to_overwrite_and_restore_asks_first(tmp_path, monkeypatch):
    _world()
    path = tmp_path / "baton.tar"
    _backup(path)
    with pytest.raises(CommandError, match="已存在"):
        _backup(path)
    out = io.StringIO()
    call_command("backup", str(path), "--force", stdout=out)
    assert "已备份到" in out.getvalue()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))


@pytest.mark.skipif(PG, reason="SQLite's write-ahead log")
def test_sqlite_backup_includes_what_is_still_in_the_wal(tmp_path):
    w = _world()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    make_project(w, name="只在日志里的项目")
    wal = connection.settings_dict["NAME"] + "-wal"
    import os

    assert os.path.getsize(wal) > 0
    path = tmp_path / "baton.tar"
    _backup(path)
    manifest = _read(path, MANIFEST)
    assert manifest["tables"]["projects_project"]["rows"] == 6
    member = tmp_path / "copy.sqlite3"
    member.write_bytes(_read(path, "database.sqlite3"))
    db = sqlite3.connect(member)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    names = {n for (n,) in db.execute("SELECT name FROM projects_project")}
    db.close()
    assert "只在日志里的项目" in names
