"""Issue 13, point 3: another district's code space through an import.

A town promoter imported a row coded ``<another district>-2026-9223372036854775807``: the
import created the project under that code and pushed the other district's code counter
to the 64-bit maximum, and every new project of that district then failed (500,
OverflowError). System codes are issued only by the system, in the project's own
district, within bounds; an office's own code is kept as 原编号.
"""

import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from baton.accounts.api_auth import token_create
from baton.ledger.exporter import ledger_export
from baton.ledger.importer import ledger_import
from baton.ledger.tests.helpers import row, xlsx
from baton.projects.models import CodeSequence, Project, ProjectEvent
from baton.projects.services import CODE_SEQ_MAX
from baton.projects.tests.helpers_views import login
from baton.testing import at, make_project

HOSTILE = "350212-2026-9223372036854775807"  # 同安区's code space, at the 64-bit maximum
OURS = re.compile(r"^350213-(\d{4})-(\d{4,})$")


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _web_import(client, user, data: bytes):
    login(client, user)
    upload = client.post(reverse("ledger:import"), {"file": SimpleUploadedFile("台账.xlsx", data)})
    assert upload.status_code == 302, upload.content.decode()[:500]
    token = re.search(r"/ledger/import/([A-Za-z0-9_\-]{32})/$", upload["Location"]).group(1)
    done = client.post(reverse("ledger:import_confirm", args=[token]))
    assert done.status_code == 302, done.content.decode()[:500]


def _assert_kept_as_original(project: Project, given: str):
    assert project.original_code == given
    assert OURS.match(project.code), project.code  # a system code of its own district
    assert project.district.code == "350213"


def test_a_web_import_does_not_move_another_districts_counter(w, client):
    _web_import(client, w.promoter, xlsx([row(项目编号=HOSTILE, 入库状态="草稿")]))

    # 同安区 still numbers its projects, from 1 (before: OverflowError, or on PostgreSQL
    # the import itself failed with "integer out of range").
    tongan = make_project(w, unit=w.tongan_unit, actor=w.tongan_office, at=at(2026, 3, 1))
    assert tongan.code == "350212-2026-0001"
    _assert_kept_as_original(Project.objects.exclude(pk=tongan.pk).get(), HOSTILE)
    assert CodeSequence.objects.filter(district=w.other_district).get().last == 1


@pytest.mark.parametrize("through_services", [False, True], ids=["bulk", "services"])
def test_the_command_line_keeps_an_office_code_as_original(w, through_services):
    codes = [HOSTILE, "350213-2019-0042", "XA-7"]
    data = xlsx([row(项目编号=c, 项目名称=f"项目{c}", 入库状态="草稿") for c in codes])

    result = ledger_import(data=data, district=w.district, through_services=through_services)

    assert result.ok, result.errors
    projects = {p.original_code: p for p in Project.objects.all()}
    assert sorted(projects) == sorted(codes)
    for code in codes:
        _assert_kept_as_original(projects[code], code)
    assert sorted(result.created) == sorted(p.code for p in projects.values())
    # Only the system's own numbering moved: three codes issued, nothing more.
    assert list(CodeSequence.objects.values_list("district__code", "year", "last")) == [
        ("350213", 2019, 3)
    ]
    # The same file again finds the three projects by their 原编号: nothing is written.
    events = ProjectEvent.objects.count()
    again = ledger_import(data=data, district=w.district, through_services=through_services)
    assert again.ok and again.created == [] and len(again.unchanged) == 3
    assert ProjectEvent.objects.count() == events


def test_the_command_import_ledger_keeps_the_counter(w, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx([row(项目编号="350213-2019-999999999", 入库状态="草稿")]))

    call_command("import_ledger", str(path), "--district", "350213", stdout=io.StringIO())

    project = Project.objects.get()
    assert project.original_code == "350213-2019-999999999"
    assert project.code == "350213-2019-0001"
    assert make_project(w, at=at(2019, 6, 1)).code == "350213-2019-0002"


def test_a_blank_code_creates_a_project_with_a_system_code(w):
    data = xlsx(
        [row(项目编号=None, 入库状态="草稿"), row(项目编号="", 项目名称="另一个", 入库状态="草稿")]
    )

    result = ledger_import(data=data, actor=w.promoter, district=w.district)

    assert result.ok, result.errors
    codes = sorted(Project.objects.values_list("code", flat=True))
    assert codes == ["350213-2019-0001", "350213-2019-0002"]
    assert set(Project.objects.values_list("original_code", flat=True)) == {""}


def test_an_out_of_scope_code_becomes_a_new_project_with_the_code_as_original(w):
    theirs = make_project(w, unit=w.tongan_unit, actor=w.tongan_office, name="同安项目")
    before = list(Project.objects.filter(pk=theirs.pk).values())

    result = ledger_import(
        data=xlsx([row(项目编号=theirs.code, 入库状态="草稿")]),
        actor=w.promoter,
        district=w.district,
    )

    assert result.ok, result.errors
    assert list(Project.objects.filter(pk=theirs.pk).values()) == before
    mine = Project.objects.exclude(pk=theirs.pk).get()
    _assert_kept_as_original(mine, theirs.code)
    assert mine.unit == w.town


def test_issuing_a_code_is_bounded(w):
    # A counter damaged before the fix (at the 64-bit maximum) is repaired from the
    # codes in use; a full year refuses with a message, never an OverflowError.
    make_project(w, at=at(2026, 1, 5))
    damaged = 2**63 - 1 if connection.vendor == "sqlite" else 2**31 - 1  # the column's maximum
    CodeSequence.objects.filter(district=w.district).update(last=damaged)
    assert make_project(w, at=at(2026, 2, 1)).code == "350213-2026-0002"

    CodeSequence.objects.filter(district=w.district).update(last=CODE_SEQ_MAX)
    Project.objects.filter(code="350213-2026-0002").update(code=f"350213-2026-{CODE_SEQ_MAX}")
    with pytest.raises(ValidationError, match="编号已用尽"):
        make_project(w, at=at(2026, 3, 1))


def test_the_original_code_is_searchable_shown_and_exported(w, client, tmp_path):
    ledger_import(data=xlsx([row(项目编号="XA-2019-7", 入库状态="草稿")]), district=w.district)
    project = Project.objects.get()

    login(client, w.promoter)
    listing = client.get(reverse("projects:list"), {"q": "XA-2019-7"}).content.decode()
    assert project.code in listing
    page = client.get(reverse("projects:detail", args=[project.code])).content.decode()
    assert "原编号" in page and "XA-2019-7" in page
    out = tmp_path / "台账.xlsx"
    ledger_export(out=out, district=w.district)
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["原编号"] == "XA-2019-7" and values["项目编号"] == project.code


def test_the_api_takes_no_code(w, client):
    secret = token_create(user=w.promoter)[1]
    body = {"name": "接口项目", "investment_wan": "100", "code": HOSTILE}
    response = client.post(
        "/api/v1/projects",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 422
    assert not Project.objects.exists() and not CodeSequence.objects.exists()
