"""Issue 13, point 9: existence oracles.

The 上报 dialog confirmed another district's project (code and unit) from a guessed name,
and an import's dry run answered "该项目编号已存在，但不在您的管理范围内" for a code outside
the user's scope. A candidate outside the user's district shows only that a similar
project exists elsewhere and that the office will check; a code outside the user's scope
reads exactly as an unknown code.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from baton.ledger.importer import ledger_import
from baton.ledger.tests.helpers import row, xlsx
from baton.projects import services
from baton.projects.tests.helpers_views import HTMX, login
from baton.testing import make_project

NAME = "新能源电池生产基地项目"
INVESTOR = "宁德时代"


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def elsewhere(w):
    """同安区's project, under review: not the 马巷 promoter's to know of."""
    project = make_project(
        w, name=NAME, investor=INVESTOR, unit=w.tongan_unit, actor=w.tongan_office
    )
    services.project_submit(project=project, actor=w.tongan_office)
    return project


@pytest.fixture
def mine(w):
    return make_project(w, name="新能源电池项目", investor=INVESTOR)


def test_the_submit_dialog_does_not_name_another_districts_project(client, w, elsewhere, mine):
    login(client, w.promoter)
    for response in (
        client.get(reverse("projects:submit", args=[mine.code]), **HTMX),
        client.get(reverse("projects:submit", args=[mine.code])),
    ):
        assert response.status_code == 200
        text = response.text
        assert elsewhere.code not in text
        assert "同安区招商办" not in text and "同安" not in text
        assert NAME not in text and "投资方相同" not in text
        assert "其他区有相似项目" in text and "招商办将核对" in text


def test_the_timeline_does_not_name_another_districts_candidate(client, w, elsewhere, mine):
    services.project_submit(project=mine, actor=w.promoter)
    login(client, w.promoter)

    page = client.get(reverse("projects:detail", args=[mine.code])).text

    assert elsewhere.code not in page
    assert "其他区有相似项目" in page


def _dry_run(w, user, code):
    result = ledger_import(
        data=xlsx([row(项目编号=code, 入库状态="草稿")]),
        actor=user,
        district=w.district,
        dry_run=True,
    )
    return result.ok, [e.reason for e in result.errors], result.summary(), len(result.created)


@pytest.mark.parametrize("persona", ["promoter", "office"])
def test_an_out_of_scope_code_reads_as_an_unknown_code(w, elsewhere, persona):
    user = getattr(w, persona)
    other_town = make_project(w, unit=w.other_town, actor=w.other_promoter)
    unknown = _dry_run(w, user, "350212-2019-0999")

    assert _dry_run(w, user, elsewhere.code) == unknown
    if persona == "promoter":
        assert _dry_run(w, user, other_town.code) == unknown
    assert unknown == (True, [], "试导入（未写入）：将新建 1 个、将更新 0 个、未变 0 个。", 1)


def test_the_web_preview_reads_the_same_for_both(w, client, elsewhere):
    login(client, w.promoter)

    def preview(code):
        data = xlsx([row(项目编号=code, 入库状态="草稿")])
        upload = client.post(
            reverse("ledger:import"), {"file": SimpleUploadedFile("台账.xlsx", data)}
        )
        token = re.search(r"/ledger/import/([A-Za-z0-9_\-]{32})/$", upload["Location"]).group(1)
        page = client.get(reverse("ledger:import_preview", args=[token]))
        text = re.sub(r"[A-Za-z0-9_\-]{32}", "TOKEN", page.text.replace(code, "CODE"))
        return page.status_code, re.sub(r"350213-\d{4}-\d{4}", "NEW", text)

    assert preview(elsewhere.code) == preview("350212-2019-0999")
    assert "不在您的管理范围内" not in preview(elsewhere.code)[1]


def test_the_api_timeline_does_not_name_another_districts_candidate(client, w, elsewhere, mine):
    from baton.accounts.api_auth import token_create

    services.project_submit(project=mine, actor=w.promoter)
    secret = token_create(user=w.promoter)[1]

    response = client.get(
        f"/api/v1/projects/{mine.code}/events", headers={"Authorization": f"Bearer {secret}"}
    )

    assert response.status_code == 200
    assert elsewhere.code not in response.text
    submitted = [e for e in response.json() if e["kind"] == "submitted"]
    assert submitted[0]["new"]["duplicates"] == []
    assert submitted[0]["new"]["duplicates_elsewhere"] is True
