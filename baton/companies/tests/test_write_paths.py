"""Every way in that registers a company applies the one rule to the same actor: the
page, the API, the import page and ``baton import-companies --user``. A district's
promoters and office may (into their district); the city reviewer, a leader, the
administrators and a 协调部门's staff may not, and a refusal writes nothing."""

import contextlib
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from baton.accounts.api_auth import token_create
from baton.companies.models import Company, CompanyEvent
from baton.projects.tests.helpers_views import login
from baton.testing import add_coordinating

ALLOWED = {"promoter", "other_promoter", "office", "tongan_office"}
ACTORS = (*sorted(ALLOWED), "reviewer", "leader", "sys_admin", "coordinator")
NAME = "写入路径测试科技有限公司"


def _book() -> bytes:
    book = Workbook()
    book.active.append(("企业名称",))
    book.active.append((NAME,))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def by_page(client, user, tmp_path):
    login(client, user).post(reverse("companies:new"), {"name": NAME})


def by_api(client, user, tmp_path):
    _token, secret = token_create(user=user)
    client.post(
        "/api/v1/companies",
        data=json.dumps({"name": NAME}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def by_import_page(client, user, tmp_path):
    upload = SimpleUploadedFile("名单.xlsx", _book())
    login(client, user).post(reverse("companies:import"), {"file": upload})


def by_command(client, user, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(_book())
    with contextlib.suppress(CommandError):
        call_command("import_companies", str(path), user=user.username)


@pytest.mark.parametrize("path", [by_page, by_api, by_import_page, by_command])
@pytest.mark.parametrize("actor", ACTORS)
def test_one_rule_on_every_path(client, w, tmp_path, actor, path):
    add_coordinating(w)
    user = getattr(w, actor)
    path(client, user, tmp_path)
    if actor in ALLOWED:
        company = Company.objects.get()
        assert company.district_id == (user.unit.district_id if user.unit_id else user.district_id)
        assert company.events.get().actor == user
    else:
        assert not Company.objects.exists() and not CompanyEvent.objects.exists()
