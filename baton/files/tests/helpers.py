"""Files the attachment tests upload: real ones of each kind and hostile ones."""

import io
import zipfile

import docx
import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from baton.files import store
from baton.files.models import Attachment
from baton.projects.tests import helpers

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def docx_bytes() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("投资合作协议")
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "项目编号"
    book.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """A file as a browser sends it: the type it claims is whatever the client says."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored() -> list[str]:
    """Every name in the attachment store."""
    return sorted(store.names())


def db_state() -> dict:
    return {
        **helpers.db_state(),
        "attachments": list(Attachment.objects.order_by("pk").values()),
        "stored": stored(),
    }


def refused(message, **kwargs):
    """``baton.projects.tests.helpers.refused`` over the attachments and the store too."""
    return helpers.refused(message, state=db_state, **kwargs)
