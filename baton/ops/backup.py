"""``baton backup PATH`` and ``baton restore PATH``.

A backup is one tar file holding ``manifest.json``, the database and every attachment's
file (``attachments/<stored name>``, listed in the manifest with its size, SHA-256 and
SM3; see ``baton.ops.attachments`` for how they are copied and put back). The database:

- SQLite: a copy made with SQLite's online backup API (never a file copy: under WAL
  the file alone is not the database), switched to a rollback journal so the copy is
  one self-contained file;
- PostgreSQL: ``pg_dump -Fc`` run on a snapshot exported by a REPEATABLE READ
  transaction, in which the manifest's checksums are computed too, so the dump and the
  manifest describe the same instant.

The manifest lists every table with its row count and a deterministic checksum of its
rows in primary-key order, and the SM3 hash of the database member. None of that is
keyed: anyone can change a backup and recompute it. So ``manifest.sig`` signs the
manifest's exact bytes with HMAC-SM3 under a key that is never in the backup — derived
from the audit key (``BATON_AUDIT_KEY``) under its own label, so there is no second
secret to keep, and a backup restores only where the audit chain it holds verifies. The
member is covered through its SM3 in the manifest.

``restore`` refuses a file that is unsigned or signed with another key, whose manifest
changed after signing, that is not a Baton backup, comes from another kind of database,
or whose hash or checksums do not match, with a Chinese message, before touching the
database. Then:

- SQLite: the verified copy is written into the live database through the backup API,
  the checksums are computed again, and on any difference the copy taken just before
  is put back;
- PostgreSQL: one ``psql --single-transaction`` drops the schema, replays the dump and
  compares every table with the manifest inside that transaction; a difference raises,
  and the whole restore rolls back.

Either way the database is the backup's, exactly, or unchanged; and so is the
attachment store: its files are staged and swapped in just before the database, and the
swap undone if the database restore fails.
"""

import contextlib
import datetime as dt
import hmac
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump, pg_restore, psql: argument lists, never a shell
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from baton.audit.chain import audit_key
from baton.core.crypto import SM3, keyed_sm3, sm3_hex
from baton.files import store
from baton.ops import attachments
from baton.ops.attachments import AttachmentError
from baton.ops.checksums import (
    PG_CHECKSUM_FUNCTION,
    PG_SETTINGS,
    PG_TABLES,
    compare,
    file_sm3,
    postgres_checksums,
    sqlite_checksums,
    sqlite_db_checksums,
)

FORMAT = "baton-backup"
#: 2: signed (manifest.sig); version 1 backups were not, and are refused.
#: 3: the attachments' files too (``attachments/<stored name>``, see ``ops.attachments``);
#: a version 2 backup still restores the database, and leaves the attachment store alone.
VERSION = 3
VERSIONS = (2, 3)
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
_SIGNATURE_LIMIT = 4096
MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: The attachments' entries make the manifest grow (about 250 bytes a file).
_MANIFEST_LIMIT = 256 * 1024 * 1024
_NAME = re.compile(r"^[A-Za-z0-9_]{1,63}$")
_HEX = re.compile(r"^[0-9a-f]{64}$")
_KEY_ID = re.compile(r"^[0-9a-f]{8}$")
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, in Chinese."""


_BAD_SIGNATURE = "备份签名已损坏（格式不对），未做任何恢复。"


@dataclass
class Outcome:
    path: Path
    manifest: dict

    @property
    def tables(self) -> int:
        return len(self.manifest["tables"])

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())


# --- checksums (the rest in checksums.py) ---------------------------------------


def table_checksums() -> dict:
    """The checksums of the database ``connection`` is on, as a backup's manifest has them."""
    if connection.vendor == "sqlite":
        connection.close()
        return sqlite_checksums(_sqlite_path())
    with transaction.atomic(), connection.cursor() as cursor:
        return postgres_checksums(cursor)


# --- signature --------------------------------------------------------------------------


def signing_key() -> bytes:
    """The backups' HMAC-SM3 key: the audit key's, under the label of this use."""
    return bytes.fromhex(keyed_sm3(audit_key(), b"baton-backup-signing-key", b""))


def key_id(key: bytes) -> str:
    """Names a key without revealing it (to tell "another key" from "changed")."""
    return sm3_hex(key)[:8]


def sign(manifest: bytes, *, key: bytes | None = None) -> bytes:
    """The content of ``manifest.sig`` for the manifest's exact bytes."""
    key = key or signing_key()
    signature = {
        "algorithm": "HMAC-SM3",
        "key_id": key_id(key),
        "mac": keyed_sm3(key, b"baton-backup-manifest", manifest),
    }
    return json.dumps(signature, sort_keys=True).encode()


def check_signature(manifest: bytes, signature: bytes | None) -> None:
    """Raise BackupError unless ``signature`` is this system's over these bytes."""
    if signature is None:
        raise BackupError(
            f"备份文件未签名（缺少 {SIGNATURE}）：无法确认它出自本系统且未被改动，未做任何恢复。"
            "（早于签名功能的备份请在原版本中恢复后重新备份。）"
        )
    try:
        data = json.loads(signature.decode("utf-8"))
        theirs, mac = data["key_id"], data["mac"]
        ok = (
            data.get("algorithm") == "HMAC-SM3"
            and bool(_KEY_ID.match(str(theirs)))
            and bool(_HEX.match(str(mac)))
        )
    except (UnicodeDecodeError, json.JSONDecodeError, TypeError, KeyError, AttributeError):
        ok = False
    if not ok:
        raise BackupError(_BAD_SIGNATURE)
    key = signing_key()
    if not hmac.compare_digest(theirs, key_id(key)):
        raise BackupError(
            f"备份由另一把密钥签名（密钥标识 {theirs}，本系统为 {key_id(key)}），"
            "不能确认它出自本系统，未做任何恢复。请确认 BATON_AUDIT_KEY 与备份时相同。"
        )
    if not hmac.compare_digest(mac, keyed_sm3(key, b"baton-backup-manifest", manifest)):
        raise BackupError(
            "备份签名不符：备份清单在签名之后被改动过（或签名被替换），未做任何恢复。"
        )


# --- backup -----------------------------------------------------------------------------


def backup(path: Path, *, force: bool = False) -> Outcome:
    """Write a verified backup of the database to ``path`` (a new tar file)."""
    path = Path(path)
    vendor = connection.vendor
    if vendor not in MEMBERS:
        raise BackupError(f"不支持备份 {vendor} 数据库。")
    if path.is_dir():
        raise BackupError(f"{path} 是目录，请给出备份文件名，例如 {path / 'baton-备份.tar'}。")
    if path.exists() and not force:
        raise BackupError(f"{path} 已存在；请换一个文件名（或用 --force 覆盖）。")
    if not path.parent.is_dir():
        raise BackupError(f"目录 {path.parent} 不存在。")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".baton-backup-") as work:
        member = Path(work) / MEMBERS[vendor]
        if vendor == "sqlite":
            extra, tables, rows = _sqlite_backup(member)
        else:
            extra, tables, rows = _postgres_backup(member)
        try:
            files = attachments.copy_out(rows, Path(work))
        except AttachmentError as exc:
            raise BackupError(str(exc)) from None
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(),
            "vendor": vendor,
            "database": str(connection.settings_dict.get("NAME", "")),
            "migrations": _migrations(),
            "member": member.name,
            "member_bytes": member.stat().st_size,
            "member_sm3": file_sm3(member),
            "tables": tables,
            "attachments": {"store": store.kind(), "files": files},
            **extra,
        }
        _write_tar(path, member, manifest, Path(work))
    return Outcome(path, manifest)


def _sqlite_path() -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file::memory:") or not Path(name).exists():
        raise BackupError("只能备份和恢复文件形式的 SQLite 数据库。")
    return name


def _sqlite_backup(member: Path) -> tuple[dict, dict, dict]:
    source = sqlite3.connect(_sqlite_path(), timeout=60)
    target = sqlite3.connect(member)
    try:
        source.backup(target)  # online backup API: a consistent copy, WAL included
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"备份副本完整性检查失败：{check}")
        tables = sqlite_db_checksums(target)
        rows = attachments.rows_sqlite(target)  # the copy's: the same instant
        version = sqlite3.sqlite_version
    finally:
        target.close()
        source.close()
    return {"server_version": version}, tables, rows


def _pg_env() -> dict:
    settings = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {
        "PGHOST": settings.get("HOST"),
        "PGPORT": settings.get("PORT"),
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGDATABASE": settings.get("NAME"),
        "PGSSLMODE": (settings.get("OPTIONS") or {}).get("sslmode"),
        "PGCONNECT_TIMEOUT": "10",
    }
    env.update({k: str(v) for k, v in values.items() if v})
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端工具（postgresql-client）。")
    return found


def _tool_major(tool: str) -> int:
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True)  # noqa: S603  # nosec B603
    match = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    if not match:
        raise BackupError(f"无法识别 {tool} 的版本：{out.stdout.strip()}")
    return int(match[1])


def _server_major(cursor) -> int:
    cursor.execute("SHOW server_version_num")
    return int(cursor.fetchone()[0]) // 10000


def _postgres_backup(member: Path) -> tuple[dict, dict, dict]:
    pg_dump = _tool("pg_dump")
    dump_major = _tool_major(pg_dump)
    if connection.in_atomic_block:
        raise BackupError("备份不能在事务中进行。")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        server_major = _server_major(cursor)
        if dump_major < server_major:
            raise BackupError(
                f"pg_dump 版本 {dump_major} 低于数据库服务器版本 {server_major}，无法备份："
                f"请安装 {server_major} 或更新版本的 PostgreSQL 客户端。"
            )
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        run = subprocess.run(  # noqa: S603  # nosec B603 # a PATH tool, argument list
            [
                pg_dump,
                "-Fc",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "-f",
                str(member),
            ],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise BackupError(f"pg_dump 失败：{run.stderr.strip()[-800:]}")
        tables = postgres_checksums(cursor)  # the snapshot pg_dump read
        rows = attachments.rows_postgres(cursor)  # the same snapshot
    extra = {"server_version": server_version, "pg_dump_major": dump_major}
    return extra, tables, rows


def _migrations() -> dict:
    applied = MigrationRecorder(connection).applied_migrations()
    latest: dict[str, str] = {}
    for app, name in sorted(applied):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _write_tar(path: Path, member: Path, manifest: dict, work: Path) -> None:
    data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    if len(data) > _MANIFEST_LIMIT:  # never write a backup restore would refuse
        raise BackupError(f"备份清单超过 {_MANIFEST_LIMIT // 1024 // 1024} MB，无法写出备份。")
    part = path.with_name(f".{path.name}.part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # holds the whole database
    try:
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            info = tarfile.TarInfo(MANIFEST)
            now = int(timezone.now().timestamp())
            info.size, info.mode, info.mtime = len(data), 0o600, now
            tar.addfile(info, fileobj=io.BytesIO(data))
            signature = sign(data)
            info = tarfile.TarInfo(SIGNATURE)
            info.size, info.mode, info.mtime = len(signature), 0o600, now
            tar.addfile(info, fileobj=io.BytesIO(signature))
            tar.add(member, arcname=member.name, filter=_plain)
            for entry in manifest["attachments"]["files"]:
                name = attachments.PREFIX + entry["name"]
                tar.add(work / name, arcname=name, filter=_plain)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(part, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()


def _plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


# --- restore ----------------------------------------------------------------------------


def read_manifest(path: Path, work: Path) -> tuple[dict, Path]:
    """Open a backup, check its signature, its form and its member's hash; return the
    manifest and the extracted member. Raise BackupError (nothing touched) when anything
    is wrong."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件 {path} 不存在。")
    try:
        with tarfile.open(path, mode="r:") as tar:
            members = {m.name: m for m in tar.getmembers()}
            info = members.get(MANIFEST)
            if info is None or not info.isfile() or info.size > _MANIFEST_LIMIT:
                raise BackupError(f"{path} 不是接力棒备份文件（缺少备份清单 {MANIFEST}）。")
            data = tar.extractfile(info).read()
            sig = members.get(SIGNATURE)
            if sig is not None and (not sig.isfile() or sig.size > _SIGNATURE_LIMIT):
                raise BackupError(_BAD_SIGNATURE)
            check_signature(data, tar.extractfile(sig).read() if sig is not None else None)
            manifest = _parse_manifest(data)
            name = manifest["member"]
            files = {attachments.PREFIX + entry["name"]: entry for entry in _files(manifest) or []}
            if set(members) != {MANIFEST, SIGNATURE, name, *files} or not all(
                members[n].isfile() for n in (name, *files)
            ):
                raise BackupError("备份文件的内容与清单不符（成员文件不对）。")
            target = work / name
            digest = SM3()
            size = 0
            with tar.extractfile(members[name]) as source, open(target, "wb") as out:
                while block := source.read(_CHUNK):
                    digest.update(block)
                    out.write(block)
                    size += len(block)
            if size != manifest["member_bytes"] or digest.hexdigest() != manifest["member_sm3"]:
                raise BackupError(
                    "备份文件已损坏：数据文件的 SM3 校验值与备份清单不符，未做任何恢复。"
                )
            for member_name, entry in files.items():
                attachments.extract(tar, members[member_name], entry, work)
    except AttachmentError as exc:
        raise BackupError(str(exc)) from None
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"备份文件已损坏或不是接力棒备份文件（{exc}）。") from None
    return manifest, target


def _files(manifest: dict) -> list[dict] | None:
    """The attachments' entries of a manifest; None for a backup from before they were in."""
    return manifest["attachments"]["files"] if "attachments" in manifest else None


def _parse_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError("备份清单已损坏（不是有效的 JSON）。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("不是接力棒备份文件（清单格式不对）。")
    if manifest.get("version") not in VERSIONS:
        raise BackupError(f"不支持的备份格式版本：{manifest.get('version')}。")
    vendor = manifest.get("vendor")
    tables = manifest.get("tables")
    files = manifest.get("attachments")
    if manifest["version"] >= 3:
        entries = files.get("files") if isinstance(files, dict) else None
        ok = (
            isinstance(entries, list)
            and files.get("store") in ("local", "s3")
            and all(attachments.valid_entry(e) for e in entries)
            and len({e["name"] for e in entries}) == len(entries)
        )
    else:
        ok = files is None
    ok = ok and (
        vendor in MEMBERS
        and manifest.get("member") == MEMBERS[vendor]
        and isinstance(manifest.get("member_bytes"), int)
        and isinstance(manifest.get("member_sm3"), str)
        and _HEX.match(manifest["member_sm3"])
        and isinstance(tables, dict)
        and tables
        and all(
            isinstance(name, str)
            and _NAME.match(name)
            and isinstance(t, dict)
            and isinstance(t.get("rows"), int)
            and t["rows"] >= 0
            and isinstance(t.get("checksum"), str)
            and _HEX.match(t["checksum"])
            for name, t in tables.items()
        )
    )
    if not ok:
        raise BackupError("备份清单已损坏（字段缺失或格式不对）。")
    return manifest


def restore(path: Path) -> Outcome:
    """Replace the database with the backup at ``path``, verified before and after."""
    vendor = connection.vendor
    with tempfile.TemporaryDirectory(prefix="baton-restore-") as work:
        manifest, member = read_manifest(Path(path), Path(work))
        if manifest["vendor"] != vendor:
            names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
            raise BackupError(
                f"备份来自 {names[manifest['vendor']]} 数据库，当前数据库是 "
                f"{names.get(vendor, vendor)}，不能恢复。"
            )
        if connection.in_atomic_block:
            raise BackupError("恢复不能在事务中进行。")
        files = _files(manifest)
        swap = None
        if files is not None:
            if vendor == "sqlite":
                _check_sqlite_rows(member, files)  # PostgreSQL's: inside the restore
            swap = attachments.swap_for(Path(work), files)
            try:
                swap.stage()
            except (AttachmentError, OSError) as exc:
                raise BackupError(f"附件文件暂存失败（{exc}），未做任何恢复。") from None
        try:
            if swap is not None:
                try:
                    swap.swap_in()
                except (AttachmentError, OSError) as exc:
                    raise BackupError(f"附件文件放回存储失败（{exc}），未做任何恢复。") from None
            if vendor == "sqlite":
                _sqlite_restore(manifest, member, Path(work))
            else:
                _postgres_restore(manifest, member)
        except BaseException:
            if swap is not None:
                swap.undo()  # the store as it was: the database is too
            raise
        if swap is not None:
            swap.finish()
    return Outcome(Path(path), manifest)


def _damaged_copy(exc: Exception) -> BackupError:
    return BackupError(f"备份中的数据库文件已损坏（{exc}），未做任何恢复。")


def _check_sqlite_rows(member: Path, files: list[dict]) -> None:
    """The backup's files against the attachment rows of its database copy."""
    copy = sqlite3.connect(f"file:{member}?mode=ro", uri=True)
    try:
        rows = attachments.rows_sqlite(copy)
    except sqlite3.DatabaseError as exc:
        raise _damaged_copy(exc) from None
    finally:
        copy.close()
    try:
        attachments.compare_rows(files, rows)
    except AttachmentError as exc:
        raise BackupError(f"{exc}，未做任何恢复。") from None


def _sqlite_restore(manifest: dict, member: Path, work: Path) -> None:
    copy = sqlite3.connect(member)
    try:
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        problems = compare(manifest["tables"], sqlite_db_checksums(copy)) if check == "ok" else []
    except sqlite3.DatabaseError as exc:
        raise _damaged_copy(exc) from None
    finally:
        copy.close()
    if check != "ok":
        raise BackupError(f"备份中的数据库未通过完整性检查（{check}），未做任何恢复。")
    if problems:
        raise BackupError("备份内容与清单不符，未做任何恢复：" + "；".join(problems[:10]))
    live = _sqlite_path()
    connection.close()
    safety = str(work / "before-restore.sqlite3")
    _sqlite_copy(live, safety)  # what to put back if the restored database does not verify
    _sqlite_copy(str(member), live, wal=True)
    problems = compare(manifest["tables"], sqlite_checksums(live))
    if problems:
        _sqlite_copy(safety, live, wal=True)
        raise BackupError("恢复后校验不符，已还原为恢复前的数据库：" + "；".join(problems[:10]))


def _sqlite_copy(source_path: str, target_path: str, *, wal: bool = False) -> None:
    """Copy a database page by page with the online backup API (the target stays live)."""
    source = sqlite3.connect(source_path, timeout=60)
    target = sqlite3.connect(target_path, timeout=60)
    try:
        source.backup(target)
        if wal:  # the live database runs with WAL (config/settings.py)
            target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        source.close()


def _postgres_restore(manifest: dict, member: Path) -> None:
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    restore_major = _tool_major(pg_restore)
    if restore_major < int(manifest.get("pg_dump_major") or 0):
        raise BackupError(
            f"pg_restore 版本 {restore_major} 低于备份时的 pg_dump 版本 "
            f"{manifest['pg_dump_major']}，无法读取该备份。"
        )
    env = _pg_env()
    listing = subprocess.run(  # noqa: S603  # nosec B603
        [pg_restore, "--list", str(member)], env=env, capture_output=True, text=True
    )
    if listing.returncode != 0:
        raise BackupError(
            f"备份中的数据库转储无法读取（{listing.stderr.strip()[-300:]}），未做任何恢复。"
        )
    # An extension's comment belongs to its owner (a superuser): not ours to restore.
    entries = member.with_name("restore.list")
    entries.write_text(
        "".join(
            line + "\n"
            for line in listing.stdout.splitlines()
            if not re.search(r"\bCOMMENT - EXTENSION\b", line)
        )
    )
    with connection.cursor() as cursor:
        server_major = _server_major(cursor)
    connection.close()  # our own session must not hold the tables the restore drops
    with tempfile.TemporaryFile("w+") as errors:
        script = subprocess.Popen(  # noqa: S603  # nosec B603
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "-L",
                str(entries),
                "-f",
                "-",
                str(member),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        run = subprocess.Popen(  # noqa: S603  # nosec B603
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            run.stdin.write(_preamble(server_major).encode())
            shutil.copyfileobj(script.stdout, run.stdin, _CHUNK)
            run.stdin.write(_postamble(manifest).encode())
            run.stdin.write(_attachments_postamble(manifest).encode())
            run.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped at an error: its message is in ``errors``
        script.wait()
        code = run.wait()
        errors.seek(0)
        text = errors.read()
    if code != 0 or script.returncode != 0:
        found = re.search(r"baton-restore-mismatch: (.*)", text)
        if found:
            raise BackupError("恢复后校验不符，已整体回滚，数据库未改变：" + found[1].strip())
        tail = " ".join(line for line in text.strip().splitlines()[-5:])
        raise BackupError(f"恢复失败，已整体回滚，数据库未改变：{tail[-800:]}")


def _preamble(server_major: int) -> str:
    owner = (
        "ALTER SCHEMA public OWNER TO pg_database_owner;\nGRANT USAGE ON SCHEMA public TO PUBLIC;\n"
        if server_major >= 14
        else "GRANT ALL ON SCHEMA public TO PUBLIC;\n"
    )
    return (
        "SET lock_timeout = '60s';\n"
        "DROP SCHEMA IF EXISTS public CASCADE;\n"
        "CREATE SCHEMA public;\n" + owner
    )


def _postamble(manifest: dict) -> str:
    expected = json.dumps(manifest["tables"], sort_keys=True)
    return f"""
SET search_path = public;
{PG_SETTINGS}
{PG_CHECKSUM_FUNCTION}
DO $verify$
DECLARE
    expected jsonb := $baton_manifest${expected}$baton_manifest$::jsonb;
    found jsonb := '{{}}'::jsonb;
    r record;
    s record;
    problems text := '';
    name text;
BEGIN
    FOR r IN {PG_TABLES} LOOP
        s := pg_temp.baton_table_checksum(r.oid);
        found := found || jsonb_build_object(r.relname, jsonb_build_object('rows', s.nrows, 'checksum', s.digest));
    END LOOP;
    FOR name IN SELECT jsonb_object_keys(expected) UNION SELECT jsonb_object_keys(found) ORDER BY 1 LOOP
        IF NOT found ? name THEN
            problems := problems || format('缺少表 %s；', name);
        ELSIF NOT expected ? name THEN
            problems := problems || format('多出表 %s；', name);
        ELSIF found -> name <> expected -> name THEN
            problems := problems || format('表 %s 行数 %s（清单 %s）或校验和不符；', name,
                found -> name ->> 'rows', expected -> name ->> 'rows');
        END IF;
    END LOOP;
    IF problems <> '' THEN
        RAISE EXCEPTION 'baton-restore-mismatch: %', problems;
    END IF;
END
$verify$;
"""


def _attachments_postamble(manifest: dict) -> str:
    """In the restore's transaction: the attachment rows are exactly the backup's files."""
    files = _files(manifest)
    if files is None:
        return ""
    expected = json.dumps({f["name"]: f"{f['sha256']} {f['bytes']}" for f in files})
    table = attachments.TABLE
    rows = "jsonb_object_agg(storage_name, sha256 || ' ' || size)"
    found = f"SELECT coalesce({rows}, '{{}}'::jsonb) FROM \"{table}\""  # noqa: S608 — the model's table
    if table not in manifest["tables"]:
        found = "SELECT '{}'::jsonb"
    return f"""
DO $files$
DECLARE
    expected jsonb := $baton_files${expected}$baton_files$::jsonb;
    found jsonb;
BEGIN
    found := ({found});
    IF found <> expected THEN
        RAISE EXCEPTION 'baton-restore-mismatch: 附件记录与备份中的附件文件不符（% 个记录，% 个文件）',
            (SELECT count(*) FROM jsonb_object_keys(found)), (SELECT count(*) FROM jsonb_object_keys(expected));
    END IF;
END
$files$;
"""  # noqa: S608 — names and hashes checked by _parse_manifest, dollar-quoted


def pending_migrations() -> list[str]:
    """Migrations of this code the restored database has not had (run ``baton migrate``)."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def describe(manifest: dict) -> str:
    created = dt.datetime.fromisoformat(manifest["created_at"])
    rows = sum(t["rows"] for t in manifest["tables"].values())
    files = _files(manifest)
    held = "，不含附件文件" if files is None else f"，{len(files)} 个附件文件（{_size(files)}）"
    return (
        f"{timezone.localtime(created):%Y-%m-%d %H:%M:%S} 的 "
        f"{'SQLite' if manifest['vendor'] == 'sqlite' else 'PostgreSQL'} 备份，"
        f"{len(manifest['tables'])} 张表，{rows} 行{held}"
    )


def _size(files: list[dict]) -> str:
    total = sum(f["bytes"] for f in files)
    return f"{total / 1024 / 1024:.1f} MB" if total >= 1024 * 1024 else f"{total / 1024:.1f} KB"
