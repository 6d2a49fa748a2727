"""Issue 13, point 6: a tampered backup does not restore.

The attacker changes a user's role and a project's amount inside a backup and recomputes
its manifest (the SM3 of the database member, every table's row count and checksum: all
unkeyed). ``baton restore`` must refuse it — unsigned, with the old signature, or signed
with another key — say why in Chinese, and leave the database as it was.
"""

import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from baton.accounts.models import User
from baton.audit.services import audit_verify, audit_write
from baton.ops import backup as backup_module
from baton.ops.backup import MANIFEST, table_checksums
from baton.ops.checksums import file_sm3, sqlite_db_checksums
from baton.projects.models import Project
from baton.testing import make_project

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AUDIT_TABLES = {"audit_auditrecord", "audit_audithead"}
SIGNATURE = "manifest.sig"


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def _tar(target: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(target, "w") as out:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


_FORGE = [
    ("UPDATE accounts_user SET role = 'city_reviewer' WHERE username = %s", "username"),
    ("UPDATE projects_project SET investment = 999999990000 WHERE id = %s", "project"),
]


def _forge(path: Path, tmp_path: Path, w, project) -> tuple[bytes, str, bytes]:
    """The backup with the promoter made 市招商办 and the project worth 99,999,999 万元,
    its manifest recomputed: return the manifest's bytes, the member's name and bytes."""
    params = {"username": w.promoter.username, "project": project.pk}
    if connection.vendor == "sqlite":
        members = _members(path)
        manifest = json.loads(members[MANIFEST])
        member = tmp_path / "forged.sqlite3"
        member.write_bytes(members[manifest["member"]])
        db = sqlite3.connect(member)
        for sql, key in _FORGE:
            db.execute(sql.replace("%s", "?"), [params[key]])
        db.commit()
        tables = sqlite_db_checksums(db)
        db.close()
    else:  # a pg_dump is forged most simply by dumping a changed database
        with connection.cursor() as cursor:
            old = Project.objects.values_list("investment", flat=True).get(pk=project.pk)
            for sql, key in _FORGE:
                cursor.execute(sql, [params[key]])
        source = backup_module.backup(tmp_path / "forged-source.tar")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounts_user SET role = 'unit_staff' WHERE id = %s", [w.promoter.pk]
            )
            cursor.execute(
                "UPDATE projects_project SET investment = %s WHERE id = %s",
                [int(old * 10000), project.pk],
            )
        manifest = source.manifest
        tables = manifest["tables"]
        member = tmp_path / manifest["member"]
        member.write_bytes(_members(source.path)[manifest["member"]])
    manifest = {
        **manifest,
        "tables": tables,
        "member_sm3": file_sm3(member),
        "member_bytes": member.stat().st_size,
    }
    data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    return data, manifest["member"], member.read_bytes()


def _refused(path: Path, pattern: str, w, project) -> None:
    before = {k: v for k, v in table_checksums().items() if k not in AUDIT_TABLES}
    with pytest.raises(CommandError, match=pattern) as caught:
        call_command("restore", str(path), "--yes", stdout=io.StringIO())
    assert caught.value.returncode == 1
    assert "未做任何恢复" in str(caught.value)
    after = {k: v for k, v in table_checksums().items() if k not in AUDIT_TABLES}
    assert after == before
    assert User.objects.get(pk=w.promoter.pk).role == User.Role.UNIT_STAFF
    assert Project.objects.get(pk=project.pk).investment == 10000
    assert audit_verify().ok


@pytest.fixture
def signed(w, tmp_path):
    project = make_project(w, name="被改金额的项目")
    path = tmp_path / "baton.tar"
    call_command("backup", str(path), stdout=io.StringIO())
    return path, project


def test_a_backup_with_a_role_and_an_amount_changed_and_no_signature_is_refused(
    w, tmp_path, signed
):
    path, project = signed
    manifest, name, member = _forge(path, tmp_path, w, project)
    forged = _tar(tmp_path / "forged.tar", {MANIFEST: manifest, name: member})
    _refused(forged, "未签名", w, project)


def test_a_forged_backup_keeping_the_old_signature_is_refused(w, tmp_path, signed):
    path, project = signed
    old_signature = _members(path)[SIGNATURE]
    manifest, name, member = _forge(path, tmp_path, w, project)
    forged = _tar(
        tmp_path / "forged.tar", {MANIFEST: manifest, SIGNATURE: old_signature, name: member}
    )
    _refused(forged, "签名不符", w, project)
    bogus = json.dumps({"algorithm": "HMAC-SM3", "key_id": "密钥", "mac": "0" * 64}).encode()
    forged = _tar(tmp_path / "bogus.tar", {MANIFEST: manifest, SIGNATURE: bogus, name: member})
    _refused(forged, "签名已损坏", w, project)


def test_a_backup_signed_with_another_key_is_refused(w, tmp_path, signed):
    path, project = signed
    manifest, name, member = _forge(path, tmp_path, w, project)
    signature = backup_module.sign(manifest, key=b"the attacker's own key")
    forged = _tar(tmp_path / "forged.tar", {MANIFEST: manifest, SIGNATURE: signature, name: member})
    _refused(forged, "另一把密钥", w, project)


def test_a_genuine_backup_restores_after_later_checkpoints(w, tmp_path, signed):
    """The anchor outside the database knows records the backup has not: the restore
    says the chain now starts again from the backup's, and the chain verifies."""
    path, _project = signed
    for i in range(3):
        audit_write(user=w.promoter, event="config_changed", after={"i": i})
    call_command("audit_verify", stdout=io.StringIO())
    out = io.StringIO()
    call_command("restore", str(path), "--yes", stdout=out)
    assert "全部一致" in out.getvalue() and "链完整" in out.getvalue()
    verify = io.StringIO()
    call_command("audit_verify", stdout=verify)
    assert "链完整" in verify.getvalue()
