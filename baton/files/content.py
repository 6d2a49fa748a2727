"""What an attachment may be, decided by its bytes: the kinds allowed, the size, and the
name it is shown under.

The kind is read from the content (``filetype``'s signatures), never taken from the
name or the type the browser sends; the name's suffix must agree with it, so a program
renamed ``.pdf`` and a PDF renamed ``.exe`` are both refused. A DOCX, XLSX or OFD is a
zip: it must open as one, within limits (a zip bomb is refused unread), and hold the
part that makes it that kind of document.
"""

import io
import unicodedata
import zipfile
from pathlib import PurePosixPath, PureWindowsPath
from typing import NamedTuple

import filetype
from django.core.exceptions import ValidationError

from baton.core.forms import megabytes, too_large

MAX_BYTES = 10 * 1024 * 1024
#: A zip-based document: at most this many entries and this many bytes unpacked.
MAX_ENTRIES = 2000
MAX_UNPACKED = 100 * 1024 * 1024
MAX_NAME = 200

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Kind(NamedTuple):
    content_type: str
    suffixes: tuple[str, ...]
    parts: tuple[str, ...] = ()  # the members a zip-based document must hold


#: The kinds allowed, by the extension ``filetype`` reads from the content.
KINDS = {
    "pdf": Kind("application/pdf", (".pdf",)),
    "jpg": Kind("image/jpeg", (".jpg", ".jpeg")),
    "png": Kind("image/png", (".png",)),
    "docx": Kind(DOCX, (".docx",), ("[Content_Types].xml", "word/document.xml")),
    "xlsx": Kind(XLSX, (".xlsx",), ("[Content_Types].xml", "xl/workbook.xml")),
    "ofd": Kind("application/ofd", (".ofd",), ("OFD.xml",)),
}
KIND_NAMES = "PDF、JPG、PNG、DOCX、XLSX、OFD"
ACCEPT = ",".join(s for kind in KINDS.values() for s in kind.suffixes)
HELP = f"限 {KIND_NAMES} 文件，每个不超过 {megabytes(MAX_BYTES)}。"


class Checked(NamedTuple):
    name: str
    suffix: str
    content_type: str


def clean_name(raw: str) -> str:
    """Return the name a file is shown under: its last part only (a path the client
    sends, with / or \\, is dropped), without control characters, at most 200 long."""
    base = PureWindowsPath(PurePosixPath(str(raw or "")).name).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    if len(base) > MAX_NAME:
        stem, dot, suffix = base.rpartition(".")
        base = f"{stem[: MAX_NAME - len(suffix) - 1]}.{suffix}" if dot else base[:MAX_NAME]
    return base


def refused(name: str) -> ValidationError:
    return ValidationError(f"附件“{name}”不是允许的类型，只能上传 {KIND_NAMES} 文件。")


def _zip_holds(data: bytes, parts: tuple[str, ...]) -> bool:
    """Whether ``data`` is a zip within the limits holding ``parts``, without unpacking."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ENTRIES:
                return False
            if sum(m.file_size for m in members) > MAX_UNPACKED:
                return False
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return set(parts) <= names


def check(raw_name: str, data: bytes, size: int | None = None) -> Checked:
    """Return the shown name, the suffix and the content type of an upload, or refuse it.

    ``data`` may stop one byte past the limit; ``size`` is the whole file's, if known."""
    name = clean_name(raw_name)
    if not data:
        raise ValidationError(f"附件“{name or '未命名'}”是空文件。")
    if len(data) > MAX_BYTES:
        size = max(size or 0, len(data))
        raise ValidationError(
            f"附件“{name}”{too_large(MAX_BYTES, size, advice='请压缩后再上传。')}"
        )
    suffix = PurePosixPath(name.lower()).suffix
    if data.startswith(b"PK\x03\x04"):
        # A zip: the name says which document it claims to be, its parts must show it.
        kind = next((k for k in KINDS.values() if k.parts and suffix in k.suffixes), None)
        if kind is None or not _zip_holds(data, kind.parts):
            raise refused(name or "未命名")
        return Checked(name, suffix, kind.content_type)
    guessed = filetype.guess(data[:8192])
    kind = KINDS.get(guessed.extension if guessed else "")
    if kind is None or kind.parts or suffix not in kind.suffixes:
        raise refused(name or "未命名")
    return Checked(name, suffix, kind.content_type)
