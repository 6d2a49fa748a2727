"""The 督办 reports' files, kept in the database before, are moved onto attachments by
``files.0002`` with their bytes in the store, and back when migrating backwards."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from baton.files import store
from baton.files.models import Attachment
from baton.supervision import services
from baton.testing import make_project

from .helpers import PDF, PNG, stored, upload

BEFORE = [("supervision", "0002_supervision_sign_off"), ("files", "0001_attachments")]


def migrate(targets=None):
    """Migrate to ``targets``, or forwards to the latest state of every app."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_report_files_move_to_the_store_and_back(w):
    project = make_project(w, name="马巷新能源电池项目")
    sup = services.supervision_issue(
        project=project,
        actor=w.office,
        leader=w.leader_person,
        instruction="尽快完成开工准备",
        deadline=project.created_at.date().replace(year=project.created_at.year + 1),
    )
    services.supervision_report(
        supervision=sup,
        actor=w.promoter,
        response="已完成",
        files=[upload("纪要.pdf", PDF), upload("现场.png", PNG)],
    )
    kept = {a.name: (a.content_type, a.uploaded_at) for a in Attachment.objects.all()}
    try:
        old_apps = migrate(BEFORE)  # backwards: the files are rows in the database again
        SupervisionFile = old_apps.get_model("supervision", "SupervisionFile")
        rows = {f.name: (f.content_type, bytes(f.data)) for f in SupervisionFile.objects.all()}
        assert rows == {"纪要.pdf": ("application/pdf", PDF), "现场.png": ("image/png", PNG)}
        assert stored() == []
    finally:
        migrate()  # forwards again, as every other test expects the schema
    moved = {a.name: a for a in Attachment.objects.all()}
    assert {name: (a.content_type, a.uploaded_at) for name, a in moved.items()} == kept
    assert store.read(moved["纪要.pdf"].storage_name) == PDF
    assert store.read(moved["现场.png"].storage_name) == PNG
    assert {a.supervision_id for a in moved.values()} == {sup.pk}
    assert {a.kind for a in moved.values()} == {"report"}
    assert sorted(stored()) == sorted(a.storage_name for a in moved.values())
