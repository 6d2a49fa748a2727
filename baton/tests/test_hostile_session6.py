"""This session's new write paths attacked by insiders, chains of two harmless steps.

Each test is one probe: a 协调部门's staff, a unit of another town, the office of another
district, a leader, the city reviewer or an administrator tries what they should not,
usually by joining two paths that are each allowed.
"""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from baton.accounts.api_auth import token_create
from baton.files import services as file_services
from baton.files.models import Attachment
from baton.files.permissions import ADD_REFUSED, DELETE_REFUSED
from baton.files.tests.helpers import PDF, PNG, db_state, upload
from baton.ledger.importer import ledger_import
from baton.ledger.importer.workbook import IMPORT_REFUSED
from baton.ledger.mapping import Mapping
from baton.ledger.models import LedgerAlias
from baton.ledger.tests.helpers import dump, row, xlsx
from baton.projects import services
from baton.projects.listing import project_page
from baton.projects.models import Industry, Project
from baton.projects.tests.helpers_views import login
from baton.supervision import services as supervision_services
from baton.supervision.models import Problem
from baton.testing import add_coordinating, admit, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _new_row(**values) -> dict:
    return row(**{"项目编号": "", "入库状态": "草稿", **values})


# --- ledger mapping: a district's remembered words ------------------------------------------


def test_a_unit_s_mapping_does_not_rewrite_the_district_s_alias(w):
    """The office remembers 集成电路 → 半导体与集成电路 for 翔安区. A town's promoter
    imports its own row mapping 集成电路 to 新能源: its import may read it so, but the
    district's word stays the office's, and the office's next import reads it as before."""
    office_map = Mapping(targets={("industry", "集成电路"): "半导体与集成电路"})
    data = xlsx([_new_row(行业="集成电路", 项目名称="芯片封测项目")])
    assert ledger_import(data=data, actor=w.office, district=w.district, mapping=office_map).ok

    own = Mapping(targets={("industry", "集成电路"): "新能源"})
    mine = xlsx([_new_row(行业="集成电路", 项目名称="马巷芯片项目")])
    assert ledger_import(data=mine, actor=w.promoter, district=w.district, mapping=own).ok
    assert Project.objects.get(name="马巷芯片项目").industry.name == "新能源"

    alias = LedgerAlias.objects.get(district=w.district, column="industry", value="集成电路")
    assert (alias.target, alias.created_by) == ("半导体与集成电路", w.office)
    later = xlsx([_new_row(行业="集成电路", 项目名称="晶圆材料项目")])
    assert ledger_import(data=later, actor=w.office, district=w.district).ok
    assert Project.objects.get(name="晶圆材料项目").industry.name == "半导体与集成电路"


def test_a_unit_cannot_teach_the_district_a_unit_name_that_hands_it_projects(w):
    """马巷's promoter maps the unknown 责任单位 “新店片区” to itself in its own import.
    Were that remembered for 翔安区, the office's next ledger would put every 新店片区 row
    in 马巷's hands (and its scope) without asking."""
    own = Mapping(targets={("unit", "新店片区"): "马巷街道"})
    mine = xlsx([_new_row(责任单位="新店片区", 项目名称="马巷自报项目")])
    assert ledger_import(data=mine, actor=w.promoter, district=w.district, mapping=own).ok
    assert not LedgerAlias.objects.filter(district=w.district, column="unit").exists()

    office = xlsx([_new_row(责任单位="新店片区", 项目名称="新店片区仓储项目")])
    result = ledger_import(data=office, actor=w.office, district=w.district)
    assert not result.ok and result.unknown == {("unit", "新店片区"): 1}
    assert not Project.objects.filter(name="新店片区仓储项目").exists()


def test_an_office_s_mapping_is_not_remembered_for_another_district(w):
    """翔安's office maps a word in a ledger whose row says 同安区: the row is refused
    (not its district) and 同安区 learns nothing from 翔安's choice."""
    mapping = Mapping(targets={("industry", "集成电路"): "新能源"})
    data = xlsx([_new_row(所属区="350212", 责任单位="同安区招商办", 挂钩领导="", 行业="集成电路")])
    result = ledger_import(data=data, actor=w.office, district=w.district, mapping=mapping)
    assert not result.ok
    assert not LedgerAlias.objects.exists() and not Project.objects.exists()


# --- attachments: who still reaches a file once the baton moves -----------------------------


def _handed_to_xindian(w, *, accept: bool = True):
    """An admitted project of 马巷 with a file 马巷 uploaded, offered to 新店街道 (马巷
    stays as a co-unit), and accepted unless told otherwise."""
    project = admit(w, make_project(w, name="氢能装备产业园", contact_phone="13812345678"))
    kept = file_services.attachment_add(
        project=project, actor=w.promoter, file=upload("投资协议.pdf", PDF), kind="agreement"
    )
    services.project_handoff(
        project=project,
        to_unit=w.other_town,
        actor=w.promoter,
        reason="项目选址调整到新店",
        keep_as_co_unit=True,
    )
    if accept:
        services.handoff_accept(project=Project.objects.get(pk=project.pk), actor=w.other_promoter)
    return Project.objects.get(pk=project.pk), kept


def test_the_former_holder_keeps_reading_its_file_but_no_longer_removes_or_adds(w, client):
    project, kept = _handed_to_xindian(w)
    assert project.unit == w.other_town
    login(client, w.promoter)  # 马巷, now a co-unit
    assert client.get(reverse("files:file", args=[kept.pk])).status_code == 200
    before = db_state()
    removed = client.post(reverse("files:delete", args=[kept.pk]), {"confirm": "on"})
    assert removed.status_code == 403 and DELETE_REFUSED in removed.content.decode()
    added = client.post(
        reverse("files:new", args=[project.code]),
        {"kind": "photo", "file": upload("a.png", PNG)},
    )
    assert added.status_code == 403 and ADD_REFUSED in added.content.decode()
    # the new holder may add its own files, not remove 马巷's
    login(client, w.other_promoter)
    removed = client.post(reverse("files:delete", args=[kept.pk]), {"confirm": "on"})
    assert removed.status_code == 403
    assert db_state() == before


def test_a_receiver_reads_the_files_while_offered_and_loses_them_on_declining(w, client):
    project, kept = _handed_to_xindian(w, accept=False)
    login(client, w.other_promoter)
    address = reverse("files:file", args=[kept.pk])
    assert client.get(address).status_code == 200  # it must decide whether to take it
    before = db_state()
    assert (
        client.post(reverse("files:delete", args=[kept.pk]), {"confirm": "on"}).status_code == 403
    )
    added = client.post(
        reverse("files:new", args=[project.code]), {"kind": "photo", "file": upload("a.png", PNG)}
    )
    assert added.status_code == 403
    assert db_state() == before
    services.handoff_decline(project=project, actor=w.other_promoter, reason="不在本街道范围")
    assert client.get(address).status_code == 404
    headers = {"Authorization": f"Bearer {token_create(user=w.other_promoter, name='t')[1]}"}
    api = client.get(f"/api/v1/attachments/{kept.pk}", headers=headers)
    assert api.status_code == 404


def test_a_coordinating_unit_reaches_no_project_file_through_its_problem(w, client):
    """自然资源局 answers a problem (and its 督办) on the project: the project's own files
    are not its, by their address nor under its 督办's."""
    add_coordinating(w)
    project = admit(w, make_project(w, name="氢能装备产业园"))
    kept = file_services.attachment_add(
        project=project, actor=w.promoter, file=upload("投资协议.pdf", PDF), kind="agreement"
    )
    problem = supervision_services.problem_open(
        project=project,
        actor=w.office,
        category=Problem.Category.LAND,
        description="二期用地指标需调剂",
        responsible_unit=w.coord_unit,
        deadline=timezone.localdate() + dt.timedelta(days=20),
    )
    sup = supervision_services.supervision_issue(
        project=project,
        actor=w.leader,
        leader=w.leader_person,
        problem=problem,
        instruction="两周内拿出用地调剂方案",
        deadline=timezone.localdate() + dt.timedelta(days=20),
    )
    login(client, w.coordinator)
    assert client.get(reverse("supervision:problem", args=[problem.pk])).status_code == 200
    assert client.get(reverse("files:file", args=[kept.pk])).status_code in (403, 404)
    under_sup = client.get(reverse("supervision:supervision_file", args=[sup.pk, kept.pk]))
    assert under_sup.status_code == 404
    # nor may the office remove the 督办's file once the coordinating unit reported with it
    supervision_services.supervision_report(
        supervision=sup, actor=w.coordinator, response="已报区政府", files=[upload("方案.pdf", PDF)]
    )
    [report_file] = sup.files.all()
    login(client, w.office)
    gone = client.post(reverse("files:delete", args=[report_file.pk]), {"confirm": "on"})
    assert gone.status_code == 403 and Attachment.objects.filter(pk=report_file.pk).exists()


# --- search by phone: the number finds a project only where it is seen in full -----------------


def test_the_former_holder_no_longer_finds_the_project_by_its_phone(w, client):
    project, _ = _handed_to_xindian(w)

    def found(user):
        return [r.code for r in project_page(user=user, filters={"q": "13812345678"}).rows]

    assert found(w.other_promoter) == [project.code]  # the new holder sees it in full
    assert found(w.promoter) == []  # 马巷, a co-unit now, sees it masked
    assert [r.code for r in project_page(user=w.promoter, filters={"q": "氢能"}).rows] == [
        project.code
    ]
    login(client, w.promoter)
    listed = client.get(reverse("projects:list"), {"q": "13812345678"})
    assert project.code not in listed.content.decode()
    export = client.get(reverse("ledger:export"), {"q": "13812345678"})
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    codes = [r[0] for r in book["项目台账"].iter_rows(min_row=2, values_only=True)]
    assert project.code not in codes


# --- the kept list pages: a row leaves a list the moment it leaves the scope ---------------------


@pytest.mark.parametrize("end", ["decline", "withdraw"])
def test_a_declined_or_withdrawn_offer_leaves_the_receiver_s_kept_list(w, client, end):
    """新店 opens its 项目库 while 马巷 offers it a project (the row shows, 待接收); the
    offer ends without a change to the project's own row: the kept page must not show
    the project to 新店 any longer."""
    project = admit(w, make_project(w, name="氢能装备产业园"))
    login(client, w.other_promoter)
    assert "氢能装备产业园" not in client.get(reverse("projects:list")).content.decode()
    services.project_handoff(
        project=project, to_unit=w.other_town, actor=w.promoter, reason="项目选址调整到新店"
    )
    for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
        page = client.get(reverse("projects:list"), **htmx).content.decode()
        assert "氢能装备产业园" in page
    project = Project.objects.get(pk=project.pk)
    if end == "decline":
        services.handoff_decline(project=project, actor=w.other_promoter, reason="不在本街道范围")
    else:
        services.handoff_withdraw(project=project, actor=w.promoter, reason="选址未定")
    for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
        page = client.get(reverse("projects:list"), **htmx).content.decode()
        assert "氢能装备产业园" not in page


def test_a_coordinating_unit_s_account_imports_nothing_from_the_command_line(w, tmp_path):
    """The command line takes any account (``--user``): a 协调部门's staff, who write
    nothing on the pages or the API, write nothing through a ledger either — a row of its
    own unit, a row of 马巷, a mapped word."""
    add_coordinating(w)
    admit(w, make_project(w, name="氢能装备产业园"))
    before = dump()
    for values in (
        {"责任单位": "自然资源局"},
        {"责任单位": "马巷街道"},
        {"责任单位": "自然资源局", "行业": "集成电路"},
    ):
        path = tmp_path / "台账.xlsx"
        path.write_bytes(xlsx([_new_row(**values)]))
        with pytest.raises(CommandError) as refused:
            call_command(
                "import_ledger",
                str(path),
                "--user",
                w.coordinator.username,
                "--map",
                "行业:集成电路=新能源",
                stderr=io.StringIO(),
            )
        assert str(refused.value) == IMPORT_REFUSED  # at the door, before any row is read
    assert dump() == before


def test_the_preview_tells_a_unit_its_choice_serves_this_import_only(w, client):
    """The same page for both: the office is told its choice is remembered for the
    district, a town's promoter that it serves this import (and the done page names no
    word remembered)."""
    data = xlsx([_new_row(行业="集成电路", 项目名称="芯片封测项目")])
    for user, told in ((w.office, "记为本区的对应关系"), (w.promoter, "选择只用于本次导入。")):
        login(client, user)
        response = client.post(
            reverse("ledger:import"), {"file": SimpleUploadedFile("台账.xlsx", data)}
        )
        token = re.search(r"/ledger/import/([A-Za-z0-9_\-]{32})/$", response["Location"]).group(1)
        page = client.get(reverse("ledger:import_preview", args=[token])).content.decode()
        assert "目录外的值" in page and told in page
    mapped = client.post(reverse("ledger:import_map", args=[token]), {"v0": "新能源"})
    assert mapped.status_code == 302
    page = client.get(reverse("ledger:import_preview", args=[token])).content.decode()
    assert "记为本区的对应关系" not in page
    client.post(reverse("ledger:import_confirm", args=[token]))
    assert Project.objects.get(name="芯片封测项目").industry.name == "新能源"
    assert not LedgerAlias.objects.exists()


@pytest.mark.parametrize(
    "written", ["新能源\u200b", "\ufeff新能源", "新 能源", "新能源\u3000", "新\u2060能源"]
)
def test_an_office_adds_no_twin_of_a_catalogue_value_through_an_import(w, written):
    """行业 are the city's: 翔安's office imports with 加入目录 a 行业 that looks like
    新能源 (a zero-width space or a BOM pasted from a web page, a space inside). It is
    the catalogue's 新能源, not a twin every district's list and statistics would split."""
    industries = set(Industry.objects.values_list("name", flat=True))
    data = xlsx([_new_row(行业=written, 项目名称="光伏组件项目")])
    result = ledger_import(
        data=data, actor=w.office, district=w.district, mapping=Mapping(add={"industry"})
    )
    assert result.ok, result.errors
    assert result.added == []
    assert set(Industry.objects.values_list("name", flat=True)) == industries
    assert Project.objects.get(name="光伏组件项目").industry == w.industry


def test_a_new_industry_is_added_without_its_invisible_characters(w):
    data = xlsx(
        [
            _new_row(行业="\u200b先进装备制造", 项目名称="数控机床项目"),
            _new_row(行业="先进装备制造\u200b", 项目名称="工业机器人项目"),
        ]
    )
    result = ledger_import(
        data=data, actor=w.office, district=w.district, mapping=Mapping(add={"industry"})
    )
    assert result.ok, result.errors
    assert result.added == [("industry", "先进装备制造")]
    assert Industry.objects.filter(name="先进装备制造").count() == 1
    assert {p.industry.name for p in Project.objects.all()} == {"先进装备制造"}


def test_a_unit_cannot_map_a_row_into_another_town_s_hands(w):
    """马巷's promoter maps the unknown “新店片区” to 新店街道: the row would be a project
    of another unit, which it may not create on the web either; nothing is written."""
    before = dump()
    own = Mapping(targets={("unit", "新店片区"): "新店街道"})
    data = xlsx([_new_row(责任单位="新店片区", 项目名称="代报项目")])
    result = ledger_import(data=data, actor=w.promoter, district=w.district, mapping=own)
    assert not result.ok and result.errors
    assert dump() == before
