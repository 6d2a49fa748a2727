"""Move the files of 督办 reports, kept in the database until now, onto attachments.

Each file's bytes go to the attachment store under a name the server makes, and an
attachment of kind 督办办理材料 keeps its 督办, project, name, type, size, uploader and
time. Backwards, the rows (and their bytes) come back into the database.
"""

import hashlib
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import migrations

SUFFIX = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


def forwards(apps, schema_editor):
    SupervisionFile = apps.get_model("supervision", "SupervisionFile")
    Attachment = apps.get_model("files", "Attachment")
    store = storages["attachments"]
    files = SupervisionFile.objects.select_related("supervision__district").order_by("pk")
    for old in files.iterator(chunk_size=50):
        data = bytes(old.data)
        supervision = old.supervision
        name = (
            f"{supervision.district.code}/{old.uploaded_at.year}/"
            f"{secrets.token_hex(16)}{SUFFIX.get(old.content_type, '')}"
        )
        kept = store.save(name, ContentFile(data))
        Attachment.objects.create(
            project_id=supervision.project_id,
            district_id=supervision.district_id,
            supervision=supervision,
            kind="report",
            name=old.name,
            storage_name=kept,
            content_type=old.content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by_id=old.uploaded_by_id,
            uploaded_at=old.uploaded_at,
        )


def backwards(apps, schema_editor):
    SupervisionFile = apps.get_model("supervision", "SupervisionFile")
    Attachment = apps.get_model("files", "Attachment")
    store = storages["attachments"]
    for new in Attachment.objects.filter(supervision__isnull=False).order_by("pk"):
        with store.open(new.storage_name, "rb") as file:
            data = file.read()
        SupervisionFile.objects.create(
            supervision_id=new.supervision_id,
            name=new.name,
            content_type=new.content_type,
            size=len(data),
            data=data,
            uploaded_by_id=new.uploaded_by_id,
            uploaded_at=new.uploaded_at,
        )
        new.delete()
        store.delete(new.storage_name)


class Migration(migrations.Migration):
    dependencies = [
        ("files", "0001_attachments"),
        ("supervision", "0002_supervision_sign_off"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
