"""The write paths attacked (issue 13, point 4): an import is no way around the review.

In 翔安区 (two-level review) the district office reviews first and the city office
admits. The attack: the office exports the submitted projects, sets 入库状态 to 已入库
and imports the workbook again — on the import page, with ``baton import-ledger``, or
through the importer from code. Each must refuse the row with a Chinese reason and
change nothing, as the review page and the API refuse the same step.
"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from baton.ledger.exporter import ledger_export
from baton.ledger.importer import ledger_import
from baton.ledger.tests.helpers import dump, row, xlsx
from baton.projects import services
from baton.projects.models import Project, ReviewState
from baton.projects.tests.helpers_views import login
from baton.testing import make_project

pytestmark = pytest.mark.django_db

ADMITTED_REFUSED = "须由市招商办审核入库"


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _submitted(w, **kwargs) -> Project:
    project = make_project(w, **kwargs)
    services.project_submit(project=project, actor=w.promoter)
    return project


def _exported_as_admitted(client) -> bytes:
    """Export the signed-in user's ledger and set every row's 入库状态 to 已入库."""
    response = client.get(reverse("ledger:export"))
    assert response.status_code == 200
    return _as_admitted(b"".join(response.streaming_content))


def _as_admitted(data: bytes) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book["项目台账"]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("入库状态") + 1
    for number in range(2, sheet.max_row + 1):
        sheet.cell(number, column, "已入库")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _tables() -> dict:
    tables = dump()
    tables.pop("sessions.Session")
    tables.pop("jobs.Job")  # the record that a check ran in the worker, like the audit log's
    return tables


def test_the_district_office_cannot_admit_by_reimporting_its_export(w, client):
    project = _submitted(w)
    login(client, w.office)
    data = _exported_as_admitted(client)
    before = _tables()

    response = client.post(
        reverse("ledger:import"), {"file": SimpleUploadedFile("台账.xlsx", data)}
    )
    token = re.search(r"/ledger/import/([A-Za-z0-9_\-]{32})/$", response["Location"]).group(1)
    preview = client.get(reverse("ledger:import_preview", args=[token])).content.decode()
    assert ADMITTED_REFUSED in preview
    confirm = client.post(reverse("ledger:import_confirm", args=[token]))
    assert confirm.status_code == 422 and ADMITTED_REFUSED in confirm.content.decode()

    result = ledger_import(data=data, actor=w.office, district=w.district)
    assert not result.ok
    assert [(e.column, ADMITTED_REFUSED in e.reason) for e in result.errors] == [("入库状态", True)]
    assert _tables() == before
    project.refresh_from_db()
    assert project.review_state == ReviewState.SUBMITTED
    assert not project.events.filter(actor=w.office).exists()


def test_the_command_applies_the_office_s_rules_too(w, client, tmp_path):
    _submitted(w)
    login(client, w.office)
    path = tmp_path / "台账.xlsx"
    path.write_bytes(_exported_as_admitted(client))
    before = _tables()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), "--user", w.office.username, stderr=err)
    assert ADMITTED_REFUSED in err.getvalue()
    assert _tables() == before


@pytest.mark.parametrize("through_services", [False, True], ids=["bulk writer", "services"])
def test_a_project_the_district_approved_is_admitted_by_the_city_only(w, through_services):
    project = _submitted(w)
    services.project_review(project=project, actor=w.office, approve=True)
    out = io.BytesIO()
    ledger_export(out=out, user=w.office)
    data = _as_admitted(out.getvalue())
    before = _tables()
    result = ledger_import(
        data=data, actor=w.office, district=w.district, through_services=through_services
    )
    assert not result.ok and ADMITTED_REFUSED in result.errors[0].reason
    assert _tables() == before


def test_a_new_row_is_not_admitted_by_the_office_either(w):
    before = _tables()
    result = ledger_import(data=xlsx([row(入库状态="已入库")]), actor=w.office, district=w.district)
    assert not result.ok
    assert _tables() == before


def test_the_office_of_a_one_level_district_admits_what_was_submitted(w):
    project = make_project(w, unit=w.tongan_unit)
    services.project_submit(project=project, actor=None)
    out = io.BytesIO()
    ledger_export(out=out, user=w.tongan_office)
    result = ledger_import(
        data=_as_admitted(out.getvalue()), actor=w.tongan_office, district=w.other_district
    )
    assert result.ok, [e.line() for e in result.errors]
    project.refresh_from_db()
    assert project.review_state == ReviewState.ADMITTED
    assert project.events.latest("at").actor == w.tongan_office
