"""The attachments' bytes in a backup (``baton backup``) and back (``baton restore``).

The attachment rows are in the database; the bytes are in the store (a folder, or an
S3-compatible bucket). A backup holds both, or it loses every file on restore.

Backup: the rows are read at the instant of the database copy (from the SQLite copy
itself, or in the PostgreSQL snapshot pg_dump reads), so the files listed are exactly
the ones the copied rows name. Each file is copied out of the store into the backup's
work folder once, hashed on the way (SHA-256, which the row keeps, and SM3, as the
manifest covers the database member) and checked against its row. The manifest lists
every file with its size and both hashes, and the manifest is signed: a file changed in
the backup no longer matches its signed entry. A file missing from the store, or whose
bytes are not its row's, fails the backup loudly: a backup that silently lacks a file
would only be found out at restore, when the file can no longer be looked for.

Restore: every file is extracted and checked against the signed manifest, and the list
against the attachment rows of the database being restored, before anything changes.
A folder store is staged inside its own folder (same filesystem, so the swap is a few
renames, a mount point included) and swapped in just before the database; if the
database restore fails, the swap is undone. A bucket gets the files it lacks (names are
random and never reused, so adding touches no existing file; one with other bytes under
the same name is kept aside and overwritten), and on failure the added files are removed
and the overwritten ones put back. Files in a bucket that no restored row names stay
(``baton check-attachments`` lists them).
"""

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from baton.core.crypto import SM3
from baton.files import store
from baton.files.models import Attachment

PREFIX = "attachments/"
TABLE = Attachment._meta.db_table
#: A name the store could hold: folders and a file, no dot-folders, no "..", no "/" first.
_STORED = re.compile(r"^(?:[A-Za-z0-9_-]{1,64}/){0,4}[A-Za-z0-9_-]{1,64}(?:\.[A-Za-z0-9]{1,10})?$")
_HEX = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1024 * 1024
_SHOWN = 10


class AttachmentError(Exception):
    """A file of the backup is missing, changed or not the rows'; the message in Chinese."""


def valid_name(name: object) -> bool:
    return isinstance(name, str) and len(name) <= 100 and bool(_STORED.match(name))


def valid_entry(entry: object) -> bool:
    """Whether a manifest's file entry has the form the backup writes."""
    return (
        isinstance(entry, dict)
        and set(entry) == {"name", "bytes", "sha256", "sm3"}
        and valid_name(entry["name"])
        and isinstance(entry["bytes"], int)
        and entry["bytes"] >= 0
        and all(isinstance(entry[k], str) and _HEX.match(entry[k]) for k in ("sha256", "sm3"))
    )


def _listed(names: list[str]) -> str:
    more = f" 等 {len(names)} 个" if len(names) > _SHOWN else ""
    return "、".join(names[:_SHOWN]) + more


# --- the rows ---------------------------------------------------------------------------


def rows_sqlite(db) -> dict[str, tuple[str, int]]:
    """``{stored name: (sha256, size)}`` of a SQLite database (a ``sqlite3`` connection)."""
    found = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [TABLE]
    ).fetchone()
    if not found:
        return {}
    return {
        name: (digest, size)
        for name, digest, size in db.execute(f'SELECT storage_name, sha256, size FROM "{TABLE}"')  # noqa: S608 — the model's table
    }


def rows_postgres(cursor) -> dict[str, tuple[str, int]]:
    """The same in the cursor's transaction (the snapshot pg_dump reads)."""
    cursor.execute("SELECT to_regclass(%s)", [f"public.{TABLE}"])
    if cursor.fetchone()[0] is None:
        return {}
    cursor.execute(f'SELECT storage_name, sha256, size FROM "{TABLE}"')  # noqa: S608
    return {name: (digest, size) for name, digest, size in cursor.fetchall()}


def compare_rows(files: list[dict], rows: dict[str, tuple[str, int]]) -> None:
    """Raise unless the backup's files are exactly the rows' (names, SHA-256, sizes)."""
    listed = {f["name"]: (f["sha256"], f["bytes"]) for f in files}
    lacking = sorted(set(rows) - set(listed))
    extra = sorted(set(listed) - set(rows))
    other = sorted(n for n in set(rows) & set(listed) if rows[n] != listed[n])
    problems = []
    if lacking:
        problems.append(f"备份中缺少附件文件：{_listed(lacking)}")
    if extra:
        problems.append(f"备份中有附件记录之外的文件：{_listed(extra)}")
    if other:
        problems.append(f"附件文件与附件记录的 SHA-256 不符：{_listed(other)}")
    if problems:
        raise AttachmentError("；".join(problems))


# --- backup -----------------------------------------------------------------------------


def copy_out(rows: dict[str, tuple[str, int]], work: Path) -> list[dict]:
    """Copy every file the rows name out of the store into ``work`` (its member path);
    return the manifest's entries. Raise AttachmentError naming every file missing or
    changed."""
    missing, damaged, files = [], [], []
    for name in sorted(rows):
        want, size = rows[name]
        if not valid_name(name):
            damaged.append(name)
            continue
        target = work / PREFIX / name
        target.parent.mkdir(parents=True, exist_ok=True)
        sha, sm3, count = hashlib.sha256(), SM3(), 0
        try:
            if not store.exists(name):
                raise FileNotFoundError(name)
            with store.open_read(name) as source, open(target, "wb") as out:
                while block := source.read(_CHUNK):
                    sha.update(block)
                    sm3.update(block)
                    out.write(block)
                    count += len(block)
        except OSError:
            missing.append(name)
            continue
        if sha.hexdigest() != want or count != size:
            damaged.append(name)
            continue
        files.append({"name": name, "bytes": count, "sha256": want, "sm3": sm3.hexdigest()})
    problems = []
    if missing:
        problems.append(f"{len(missing)} 个附件的文件在存储中找不到：{_listed(missing)}")
    if damaged:
        problems.append(f"{len(damaged)} 个附件的文件与登记的 SHA-256 不符：{_listed(damaged)}")
    if problems:
        raise AttachmentError(
            "；".join(problems)
            + "。备份未写出：请先用 baton check-attachments 核对并处理这些附件，再备份。"
        )
    return files


# --- restore ----------------------------------------------------------------------------


def extract(tar, info, entry: dict, work: Path) -> None:
    """Extract one file of the backup into ``work`` and check it against its entry."""
    target = work / PREFIX / entry["name"]
    target.parent.mkdir(parents=True, exist_ok=True)
    sha, sm3, count = hashlib.sha256(), SM3(), 0
    with tar.extractfile(info) as source, open(target, "wb") as out:
        while block := source.read(_CHUNK):
            sha.update(block)
            sm3.update(block)
            out.write(block)
            count += len(block)
    if (count, sha.hexdigest(), sm3.hexdigest()) != (entry["bytes"], entry["sha256"], entry["sm3"]):
        raise AttachmentError(
            f"备份已损坏：附件文件 {entry['name']} 的校验值与备份清单不符，未做任何恢复。"
        )


def _copy_checked(source: Path, target: Path, entry: dict) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256()
    with open(source, "rb") as inp, open(target, "wb") as out:
        while block := inp.read(_CHUNK):
            sha.update(block)
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    if sha.hexdigest() != entry["sha256"]:
        raise AttachmentError(f"附件文件 {entry['name']} 暂存后校验不符，未做任何恢复。")


class FolderSwap:
    """The files staged in the store's folder, swapped in by renames, and back."""

    def __init__(self, root: Path, extracted: Path, files: list[dict]):
        self.root, self.extracted, self.files = root, extracted, files
        self.work: Path | None = None
        self.moved_old: list[str] = []
        self.moved_new: list[str] = []

    def stage(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(prefix=".baton-restore-", dir=self.root))
        try:
            (self.work / "old").mkdir()
            (self.work / "new").mkdir()
            for entry in self.files:
                _copy_checked(
                    self.extracted / PREFIX / entry["name"],
                    self.work / "new" / entry["name"],
                    entry,
                )
        except BaseException:
            self._clean()
            raise

    def swap_in(self) -> None:
        for entry in sorted(self.root.iterdir()):
            if entry.name.startswith(".baton-restore-"):
                continue  # ours, or left by an interrupted restore: not the store's
            entry.rename(self.work / "old" / entry.name)
            self.moved_old.append(entry.name)
        for entry in sorted((self.work / "new").iterdir()):
            entry.rename(self.root / entry.name)
            self.moved_new.append(entry.name)

    def undo(self) -> None:
        for name in reversed(self.moved_new):
            (self.root / name).rename(self.work / "new" / name)
        for name in reversed(self.moved_old):
            (self.work / "old" / name).rename(self.root / name)
        self.moved_new, self.moved_old = [], []
        self._clean()

    def finish(self) -> None:
        self._clean()

    def _clean(self) -> None:
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = None


class BucketSwap:
    """The files a bucket lacks, added; on failure removed again (and any overwritten
    file put back)."""

    def __init__(self, extracted: Path, files: list[dict]):
        self.extracted, self.files = extracted, files
        self.added: list[str] = []
        self.replaced: dict[str, bytes] = {}

    def stage(self) -> None:
        pass  # the extracted files are checked; nothing to stage outside the bucket

    def _put(self, name: str, data: bytes) -> None:
        kept = store.put(name, data)
        if kept != name:
            store.remove(kept)
            raise AttachmentError(f"附件存储把 {name} 存成了 {kept}，已停止恢复。")

    def swap_in(self) -> None:
        for entry in self.files:
            name = entry["name"]
            data = (self.extracted / PREFIX / name).read_bytes()
            if store.exists(name):
                current = store.read(name)
                if hashlib.sha256(current).hexdigest() == entry["sha256"]:
                    continue
                self.replaced[name] = current
                store.remove(name)
            else:
                self.added.append(name)
            self._put(name, data)

    def undo(self) -> None:
        for name in self.added:
            with contextlib.suppress(OSError):
                store.remove(name)
        for name, data in self.replaced.items():
            with contextlib.suppress(OSError):
                store.remove(name)
            store.put(name, data)
        self.added, self.replaced = [], {}

    def finish(self) -> None:
        pass


def swap_for(extracted: Path, files: list[dict]) -> FolderSwap | BucketSwap:
    root = store.local_folder()
    return FolderSwap(root, extracted, files) if root is not None else BucketSwap(extracted, files)
