"""The attachment store: names the server makes, and the bytes in and out.

A stored name is ``<district code>/<yyyy>/<random hex><suffix>``: nothing of it comes
from the client but the suffix, which ``content.check`` has already matched to the
content. The store is ``STORAGES["attachments"]`` (see ``config.settings``).
"""

import secrets
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils import timezone


def store() -> Storage:
    return storages["attachments"]


def new_name(district_code: str, suffix: str) -> str:
    year = timezone.localdate().year
    return f"{district_code}/{year}/{secrets.token_hex(16)}{suffix}"


def put(name: str, data: bytes) -> str:
    """Write ``data`` under ``name``; return the name the store kept (the same: names are
    random and never reused)."""
    return store().save(name, ContentFile(data))


def read(name: str) -> bytes:
    with store().open(name, "rb") as file:
        return file.read()


def remove(name: str) -> None:
    store().delete(name)


def names(folder: str = ""):
    """Yield every name in the store (a folder walked, a bucket listed by its prefixes)."""
    try:
        folders, files = store().listdir(folder)
    except FileNotFoundError:
        return
    yield from (f"{folder}{name}" for name in files)
    for sub in folders:
        yield from names(f"{folder}{sub}/")


def local_folder() -> Path | None:
    """The folder of a filesystem store, or None for a bucket."""
    current = store()
    return Path(current.location) if isinstance(current, FileSystemStorage) else None


def kind() -> str:
    """``local`` for a folder, ``s3`` for a bucket: what a backup says it copied from."""
    return "local" if local_folder() is not None else "s3"


def open_read(name: str):
    """The stored file ``name``, open for reading in binary (to stream, not to load)."""
    return store().open(name, "rb")


def exists(name: str) -> bool:
    return store().exists(name)
