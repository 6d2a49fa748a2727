"""The attachments' bytes in ``baton backup`` and back (RELIABILITY item 10, no data loss).

Back up a database with attachments, wipe the database and the store, restore: every
file is back, byte for byte, under its stored name, on whichever database the suite runs
and with a folder or an S3 bucket (moto) as the store. A backup whose file was changed —
against its signed entry, or with the entry changed and signed again — or that lacks a
file is refused, and neither the database nor the store changes; nor do they when the
database part of a restore fails after the files were swapped in. A file missing from
the store, or changed there, fails the backup.
"""

import hashlib
import io
import json
import shutil
import tarfile

import boto3
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from moto import mock_aws

from baton.audit.models import AuditRecord
from baton.core.crypto import sm3_hex
from baton.files import services, store
from baton.files.models import Attachment
from baton.files.tests.helpers import JPEG, PDF, PNG, docx_bytes, upload
from baton.ops import backup as backup_module
from baton.ops.backup import MANIFEST, SIGNATURE, BackupError, table_checksums
from baton.projects.tests.helpers import make_landed
from baton.testing import at, make_world

from .test_backup import _dump, _wipe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BUCKET = "baton-backup-test"


def _world() -> dict[str, bytes]:
    """Projects with files of each kind; return ``{stored name: bytes}``."""
    w = make_world()
    files = {}
    for i, (name, data) in enumerate(
        [("协议.pdf", PDF), ("现场.png", PNG), ("照片.jpg", JPEG), ("资料.docx", docx_bytes())]
    ):
        project = make_landed(w, name=f"附件演练项目{i}", when=at(2024, 3, 1 + i))
        kind = "photo" if name.endswith((".png", ".jpg")) else "agreement"
        # The same bytes twice, under two names: each row its own file.
        for copy in range(2):
            found = services.attachment_add(
                project=project, actor=w.promoter, file=upload(f"{copy}{name}", data), kind=kind
            )
            files[found.storage_name] = data
    return files


def _store_state() -> dict[str, bytes]:
    return {name: store.read(name) for name in sorted(store.names())}


def _wipe_store() -> None:
    for name in list(store.names()):
        store.remove(name)
    root = store.local_folder()
    if root is not None and root.exists():
        shutil.rmtree(root)


def _backup(path) -> str:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def _restore(path) -> str:
    out = io.StringIO()
    call_command("restore", str(path), "--yes", stdout=out)
    return out.getvalue()


def _members(path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def _tar(target, members: dict[str, bytes], *, manifest: dict | None = None):
    """A backup with these members; with ``manifest``, that manifest signed with the right
    key (a forger who holds it: the checks behind the signature must hold on their own)."""
    if manifest is not None:
        raw = json.dumps(manifest).encode()
        members = {**members, MANIFEST: raw, SIGNATURE: backup_module.sign(raw)}
    with tarfile.open(target, "w") as out:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def _check_attachments() -> str:
    out = io.StringIO()
    call_command("check_attachments", stdout=out)
    return out.getvalue()


def _assert_restored(files: dict[str, bytes]) -> None:
    assert _store_state() == files
    for row in Attachment.objects.all():
        data = store.read(row.storage_name)
        assert hashlib.sha256(data).hexdigest() == row.sha256 and len(data) == row.size
    assert "缺失 0，内容不符 0；存储中未登记的文件 0 个" in _check_attachments()


def test_backup_wipe_restore_gives_back_every_attachment(tmp_path):
    files = _world()
    assert len(files) == 8 and len(set(files.values())) == 4
    path = tmp_path / "baton.tar"
    assert "8 个附件文件" in _backup(path)
    members = _members(path)
    manifest = json.loads(members[MANIFEST])
    assert manifest["version"] == 3 and manifest["attachments"]["store"] == "local"
    listed = {f["name"]: f for f in manifest["attachments"]["files"]}
    assert set(listed) == set(files)
    for name, data in files.items():
        assert members[f"attachments/{name}"] == data
        entry = listed[name]
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["sm3"] == sm3_hex(data)
    dumped = _dump()

    _wipe("drop")
    _wipe_store()
    assert _store_state() == {}
    out = _restore(path)

    assert "8 个附件文件" in out and "行数与校验和全部一致" in out
    assert _dump() == dumped
    _assert_restored(files)
    root = store.local_folder()
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_restore_replaces_the_store_with_the_backups_files(tmp_path):
    files = _world()
    path = tmp_path / "baton.tar"
    _backup(path)
    # After the backup: one file changed in place, one removed, one not in the backup.
    first, second = sorted(files)[:2]
    root = store.local_folder()
    (root / first).write_bytes(b"%PDF-1.4 changed")
    store.remove(second)
    store.put("350213/2030/" + "a" * 32 + ".pdf", PDF)

    _restore(path)

    _assert_restored(files)


def _refused(path, message: str, *, before_store: dict[str, bytes]) -> None:
    before, dumped, audit = table_checksums(), _dump(), AuditRecord.objects.count()
    with pytest.raises(CommandError, match=message):
        _restore(path)
    after = table_checksums()
    assert {k: v for k, v in after.items() if not k.startswith("audit_")} == {
        k: v for k, v in before.items() if not k.startswith("audit_")
    }
    assert _dump() == dumped
    assert AuditRecord.objects.count() == audit + 1  # the refusal, as a failure
    assert AuditRecord.objects.order_by("-seq").first().outcome == "failure"
    assert _store_state() == before_store
    root = store.local_folder()
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []


def test_a_backup_with_an_attachment_changed_or_missing_changes_nothing(tmp_path):
    files = _world()
    path = tmp_path / "baton.tar"
    _backup(path)
    # Changes made after the backup must survive every refused restore.
    w_files = _world_more()
    now = _store_state()
    assert set(w_files) <= set(now)
    members = _members(path)
    manifest = json.loads(members[MANIFEST])
    victim = sorted(files)[3]
    key = f"attachments/{victim}"
    altered = bytearray(members[key])
    altered[len(altered) // 2] ^= 0x01

    # One byte changed, the signed manifest kept: the file's entry no longer matches.
    flipped = _tar(tmp_path / "flipped.tar", {**members, key: bytes(altered)})
    _refused(flipped, "附件文件 .* 的校验值与备份清单不符", before_store=now)

    # The entry changed to the new bytes and signed again: the row's SHA-256 still says no.
    entries = [
        {**e, "sha256": hashlib.sha256(altered).hexdigest(), "sm3": sm3_hex(bytes(altered))}
        if e["name"] == victim
        else e
        for e in manifest["attachments"]["files"]
    ]
    lying = {**manifest, "attachments": {**manifest["attachments"], "files": entries}}
    target = _tar(tmp_path / "lying.tar", {**members, key: bytes(altered)}, manifest=lying)
    _refused(
        target, "附件文件与附件记录的 SHA-256 不符|附件记录与备份中的附件文件不符", before_store=now
    )

    # A file left out, with its entry: the rows name it.
    short = {
        **manifest,
        "attachments": {
            **manifest["attachments"],
            "files": [e for e in manifest["attachments"]["files"] if e["name"] != victim],
        },
    }
    rest = {k: v for k, v in members.items() if k != key}
    _refused(
        _tar(tmp_path / "short.tar", rest, manifest=short),
        "备份中缺少附件文件|附件记录与备份中的附件文件不符",
        before_store=now,
    )

    # A file left out of the tar only: the manifest lists it.
    _refused(_tar(tmp_path / "lost.tar", rest), "成员文件不对", before_store=now)

    # A name that climbs out of the store.
    bad = {**manifest["attachments"]["files"][0], "name": "../../etc/passwd"}
    climbing = {**manifest, "attachments": {**manifest["attachments"], "files": [bad]}}
    target = _tar(tmp_path / "climb.tar", members, manifest=climbing)
    _refused(target, "备份清单已损坏", before_store=now)


def _world_more() -> dict[str, bytes]:
    first = Attachment.objects.select_related("project", "uploaded_by").first()
    project, actor = first.project, first.uploaded_by
    found = services.attachment_add(
        project=project, actor=actor, file=upload("备份之后.pdf", PDF), kind="agreement"
    )
    return {found.storage_name: PDF}


def test_a_failed_database_restore_puts_the_store_back(tmp_path, monkeypatch):
    files = _world()
    path = tmp_path / "baton.tar"
    _backup(path)
    store.remove(sorted(files)[0])
    _world_more()
    now = _store_state()
    seen = {}

    def failing(manifest, member, *args):
        # The backup's files are swapped in by now; the previous ones wait in the staging
        # folder (a dot-folder inside the store's), to be put back.
        seen["store"] = {k: v for k, v in _store_state().items() if not k.startswith(".")}
        seen["staging"] = [k for k in _store_state() if k.startswith(".baton-restore-")]
        raise BackupError("恢复后校验不符，已还原为恢复前的数据库：演练")

    monkeypatch.setattr(backup_module, "_sqlite_restore", failing)
    monkeypatch.setattr(backup_module, "_postgres_restore", failing)
    _refused(path, "演练", before_store=now)
    assert seen["store"] == files
    assert len(seen["staging"]) == len(now)


def test_a_file_missing_or_changed_in_the_store_fails_the_backup(tmp_path):
    files = _world()
    gone, changed = sorted(files)[:2]
    store.remove(gone)
    root = store.local_folder()
    (root / changed).write_bytes(b"%PDF-1.4 not the uploaded file")
    path = tmp_path / "baton.tar"
    with pytest.raises(CommandError) as raised:
        _backup(path)
    message = str(raised.value)
    assert f"1 个附件的文件在存储中找不到：{gone}" in message
    assert f"1 个附件的文件与登记的 SHA-256 不符：{changed}" in message
    assert "baton check-attachments" in message
    assert not path.exists() and list(tmp_path.iterdir()) == []
    last = AuditRecord.objects.order_by("-seq").first()
    assert last.event == "backup" and last.outcome == "failure"


@pytest.fixture
def s3(settings, monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "attachments": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "location": "attachments",
                    "default_acl": "private",
                    "file_overwrite": False,
                },
            },
        }
        yield client


def _objects(client) -> dict[str, bytes]:
    listing = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
        for item in listing
    }


def test_an_s3_store_is_copied_into_the_backup_and_back(tmp_path, s3):
    files = _world()
    assert _objects(s3) == {f"attachments/{k}": v for k, v in files.items()}
    path = tmp_path / "baton.tar"
    _backup(path)
    members = _members(path)
    assert json.loads(members[MANIFEST])["attachments"]["store"] == "s3"
    assert {k: v for k, v in members.items() if k.startswith("attachments/")} == {
        f"attachments/{k}": v for k, v in files.items()
    }
    dumped = _dump()

    _wipe("flush")
    for key in _objects(s3):
        s3.delete_object(Bucket=BUCKET, Key=key)
    _restore(path)

    assert _dump() == dumped
    assert _objects(s3) == {f"attachments/{k}": v for k, v in files.items()}
    _assert_restored(files)


def test_an_s3_restore_that_fails_removes_what_it_added(tmp_path, s3, monkeypatch):
    files = _world()
    path = tmp_path / "baton.tar"
    _backup(path)
    gone, changed = sorted(files)[:2]
    s3.delete_object(Bucket=BUCKET, Key=f"attachments/{gone}")
    s3.put_object(Bucket=BUCKET, Key=f"attachments/{changed}", Body=b"other bytes")
    before = _objects(s3)

    def failing(manifest, member, *args):
        assert _objects(s3) == {f"attachments/{k}": v for k, v in files.items()}
        raise BackupError("恢复后校验不符：演练")

    monkeypatch.setattr(backup_module, "_sqlite_restore", failing)
    monkeypatch.setattr(backup_module, "_postgres_restore", failing)
    with pytest.raises(CommandError, match="演练"):
        _restore(path)
    assert _objects(s3) == before


def test_a_backup_from_before_attachments_restores_the_database_only(tmp_path):
    files = _world()
    path = tmp_path / "baton.tar"
    _backup(path)
    members = _members(path)
    manifest = json.loads(members[MANIFEST])
    old = {k: v for k, v in manifest.items() if k != "attachments"} | {"version": 2}
    database = {k: v for k, v in members.items() if k == manifest["member"]}
    target = _tar(tmp_path / "v2.tar", database, manifest=old)
    store.remove(sorted(files)[0])
    now = _store_state()

    out = _restore(target)

    assert "不含附件文件" in out and "附件存储未改动" in out
    assert _store_state() == now
