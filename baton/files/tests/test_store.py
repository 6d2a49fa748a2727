"""The store the environment chooses: a folder under VAR_DIR, or an S3-compatible bucket
(checked against moto's in-process S3), the bytes in and out the same either way."""

import subprocess
import sys

import boto3
import pytest
from moto import mock_aws

from baton.files import services, store
from baton.projects.tests.helpers import make_landed
from baton.testing import at

from .helpers import PDF, upload

BUCKET = "baton-test"


@pytest.fixture
def s3(settings, monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
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
        yield boto3.client("s3", region_name="us-east-1")


def test_an_s3_bucket_keeps_and_serves_the_file(client, w, s3):
    from baton.projects.tests.helpers_views import login

    project = make_landed(w, name="马巷新能源电池项目", when=at(2024, 3, 1))
    found = services.attachment_add(
        project=project, actor=w.promoter, file=upload("协议.pdf", PDF), kind="agreement"
    )
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"attachments/{found.storage_name}"]
    response = login(client, w.office).get(f"/projects/attachments/{found.pk}/")
    assert response.status_code == 200 and response.content == PDF
    services.attachment_delete(attachment=found, actor=w.office)
    assert store.store().exists(found.storage_name)  # the test's transaction never commits


@pytest.mark.parametrize(
    "environment, backend",
    [
        ({}, "django.core.files.storage.FileSystemStorage"),
        ({"BATON_STORAGE": "s3", "BATON_S3_BUCKET": "b"}, "storages.backends.s3.S3Storage"),
    ],
)
def test_the_environment_chooses_the_store(tmp_path, environment, backend):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "from django.conf import settings; s = settings.STORAGES['attachments']; "
        "print(s['BACKEND']); print(s['OPTIONS'].get('location', ''))"
    )
    env = {"BATON_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", **environment}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    lines = out.stdout.split("\n")
    assert lines[0] == backend
    if not environment:
        assert lines[1] == str(tmp_path / "attachments")


def test_an_unknown_store_is_refused_at_start(tmp_path):
    code = "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; from django.conf import settings; settings.STORAGES"
    env = {"BATON_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "BATON_STORAGE": "ftp"}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.returncode != 0 and "BATON_STORAGE 只能是 local 或 s3" in out.stderr
