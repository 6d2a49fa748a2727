"""Ledgers kept elsewhere import unedited: 德清's, 漳州's and a town-management
system's columns, their own words mapped once; the same file again needs no mapping
and changes nothing; a refused file changes nothing. On the command line and through
the preview alike."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from baton.audit.models import AuditRecord
from baton.ledger.importer import ledger_import
from baton.ledger.mapping import Mapping
from baton.ledger.models import LedgerAlias
from baton.projects.models import Industry, Project, ProjectEvent
from baton.projects.tests.helpers_views import login

from .helpers import dump, row, xlsx
from .real_ledgers import deqing_book, stage_book, town_book, zhangzhou_book

BOOKS = {
    "德清": (
        deqing_book,
        {
            ("unit", "上海片区"): 2,
            ("unit", "杭州片区"): 1,
            ("industry", "先进装备制造"): 1,
            ("industry", "集成电路"): 1,
            ("industry", "高端装备"): 1,
        },
        {
            ("unit", "上海片区"): "马巷街道",
            ("unit", "杭州片区"): "新店街道",
            ("industry", "集成电路"): "半导体与集成电路",
            ("industry", "高端装备"): "先进制造",
        },
    ),
    "漳州": (
        zhangzhou_book,
        {
            ("unit", "市发改委"): 2,
            ("unit", "市经贸委"): 1,
            ("leader", "张国华"): 2,
            ("leader", "李明"): 1,
            ("industry", "能源"): 1,
            ("industry", "工业"): 1,
            ("industry", "旅游业"): 1,
        },
        {
            ("unit", "市发改委"): "区工信局",
            ("unit", "市经贸委"): "区工信局",
            ("leader", "张国华"): "陈立新",
            ("leader", "李明"): "陈立新",
            ("industry", "能源"): "新能源",
            ("industry", "工业"): "先进制造",
        },
    ),
    "town": (
        town_book,
        {
            ("unit", "马巷镇"): 2,
            ("unit", "新圩镇"): 1,
            ("industry", "新一代信息技术"): 1,
        },
        {
            ("unit", "马巷镇"): "马巷街道",
            ("unit", "新圩镇"): "新店街道",
            ("industry", "新一代信息技术"): "电子信息",
        },
    ),
}


def _counts():
    return (
        Project.objects.count(),
        ProjectEvent.objects.count(),
        LedgerAlias.objects.count(),
        Industry.objects.count(),
    )


@pytest.mark.parametrize("name", BOOKS)
def test_a_real_ledger_imports_with_its_words_mapped_once(w, name):
    book, unknown, targets = BOOKS[name]
    data = book()
    before, counts = dump(), _counts()
    refused = ledger_import(data=data, actor=w.office, district=w.district)
    assert refused.unknown == unknown
    assert dump() == before and _counts() == counts  # refused: nothing changed
    mapping = Mapping(targets=targets, add={"industry"})
    result = ledger_import(data=data, actor=w.office, district=w.district, mapping=mapping)
    assert result.ok, result.errors
    assert len(result.created) == 3
    assert LedgerAlias.objects.filter(district=w.district).count() == len(targets)
    for project in Project.objects.all():
        assert project.district == w.district and project.unit.district == w.district
    # The same file again, with nothing said: nothing asked, nothing changed.
    before = dump()
    again = ledger_import(data=data, actor=w.office, district=w.district)
    assert again.ok and again.unknown == {}, again.errors
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 3)
    assert dump() == before


def test_deqing_rows_are_read_below_its_title_rows_and_above_its_notes(w):
    _book, _unknown, targets = BOOKS["德清"]
    mapping = Mapping(targets=targets, add={"industry"})
    result = ledger_import(data=deqing_book(), actor=w.office, district=w.district, mapping=mapping)
    assert result.ok and result.header_rows == {"2024德清县驻点招商项目信息采集表": 4}
    lathe = Project.objects.get(name="高端数控机床整机制造项目")
    assert (lathe.unit, lathe.industry.name, lathe.investment) == (w.town, "先进制造", 52000)
    assert lathe.contact_name == "李经理" and lathe.progress.startswith("已完成两轮洽谈")
    assert Project.objects.get(name="先进装备制造产业园项目").industry.name == "先进装备制造"


def test_the_town_systems_codes_are_kept_as_original_codes(w):
    _book, _unknown, targets = BOOKS["town"]
    result = ledger_import(
        data=town_book(), actor=w.office, district=w.district, mapping=Mapping(targets=targets)
    )
    assert result.ok, result.errors
    sensor = Project.objects.get(original_code="ZS-2023-001")
    assert sensor.code != "ZS-2023-001" and sensor.code.startswith("350213-")
    assert sensor.name == "智能传感器研发制造项目" and sensor.land_area_mu == 60


def test_stage_words_of_real_systems_are_read_without_asking(w):
    result = ledger_import(data=stage_book(), actor=w.office, district=w.district)
    assert result.ok, result.errors
    stages = dict(Project.objects.values_list("name", "stage__name"))
    assert stages == {
        "光伏逆变器生产项目": "在谈",
        "生物医药中试基地": "在谈",
        "新材料产业化项目": "落地",
        "航空零部件项目": "落地",
        "电子信息配套项目": "意向",
    }
    assert not LedgerAlias.objects.exists()  # built in, nothing to remember


def test_the_command_line_says_how_to_map_then_maps(w, tmp_path):
    path = tmp_path / "德清 台账.xlsx"
    path.write_bytes(deqing_book())
    before = dump()
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_ledger", str(path), "--district", "350213", stderr=err)
    assert exc.value.returncode == 1 and dump() == before
    text = err.getvalue()
    assert "  行业“集成电路”（1 行）" in text and "  责任单位“上海片区”（2 行）" in text
    assert "目录中的责任单位：马巷街道、新店街道、区工信局、新机场片区指挥部、翔安区招商办" in text
    maps = " ".join(
        f"--map {m}=<目录中的值>"
        for m in ("行业:先进装备制造", "行业:集成电路", "行业:高端装备", "责任单位:上海片区")
    )
    assert f"  baton import-ledger '{path}' {maps} --map 责任单位:杭州片区=<目录中的值>\n" in text
    assert f"  baton import-ledger '{path}' --add-missing 行业" in text
    out = io.StringIO()
    call_command(
        "import_ledger",
        str(path),
        "--district",
        "350213",
        "--map",
        "片区:上海片区=马巷街道",
        "--map",
        "责任单位:杭州片区=新店街道",
        "--map",
        "行业:集成电路=半导体与集成电路",
        "--map",
        "产业类型:高端装备=先进制造",
        "--add-missing",
        "行业",
        stdout=out,
    )
    assert out.getvalue().startswith("新建 3 个")
    assert Industry.objects.filter(name="先进装备制造").exists()
    out = io.StringIO()
    call_command("import_ledger", str(path), "--district", "350213", stdout=out)
    assert out.getvalue().startswith("新建 0 个、更新 0 个、未变 3 个（写入项目动态 0 条）")


def test_the_command_line_refuses_a_bad_map_and_add_missing_of_another_column(w, tmp_path):
    path = tmp_path / "l.xlsx"
    path.write_bytes(deqing_book())
    for args in (["--map", "行业=半导体"], ["--add-missing", "责任单位"], ["--map", "总投资:1=2"]):
        with pytest.raises(CommandError) as exc:
            call_command("import_ledger", str(path), "--district", "350213", *args)
        assert exc.value.returncode == 2
    assert not Project.objects.exists()


@pytest.fixture
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _upload(client, data):
    response = client.post(
        reverse("ledger:import"), {"file": SimpleUploadedFile("德清.xlsx", data)}
    )
    assert response.status_code == 302
    return re.search(r"/ledger/import/([A-Za-z0-9_\-]{32})/$", response["Location"]).group(1)


@pytest.mark.usefixtures("_var_dir")
def test_the_preview_maps_and_adds_then_a_second_upload_needs_nothing(w, client):
    login(client, w.office)
    token = _upload(client, deqing_book())
    preview = client.get(reverse("ledger:import_preview", args=[token])).content.decode()
    assert "目录外的值" in preview and "上海片区" in preview and "加入目录" in preview
    items = client.get(reverse("ledger:import_preview", args=[token])).context["p"]["unknown"]
    choice = {
        ("unit", "上海片区"): "马巷街道",
        ("unit", "杭州片区"): "新店街道",
        ("industry", "集成电路"): "半导体与集成电路",
        ("industry", "高端装备"): "先进制造",
        ("industry", "先进装备制造"): "__add__",
    }
    form = {f"v{i}": choice[item["key"], item["value"]] for i, item in enumerate(items)}
    audits = AuditRecord.objects.count()
    mapped = client.post(reverse("ledger:import_map", args=[token]), form)
    assert mapped.status_code == 302 and not LedgerAlias.objects.exists()  # not yet
    preview = client.get(reverse("ledger:import_preview", args=[token]))
    p = preview.context["p"]
    assert p["ok"] and p["created"] == 3, p["errors"]
    assert {"column": "行业", "value": "先进装备制造"} in p["added"]
    assert "确认导入时一并记下" in preview.content.decode()
    client.post(reverse("ledger:import_confirm", args=[token]))
    assert Project.objects.count() == 3 and LedgerAlias.objects.count() == 4
    assert Industry.objects.filter(name="先进装备制造").exists()
    assert AuditRecord.objects.filter(event=AuditRecord.Event.CONFIG_CHANGED).count() == 5
    assert AuditRecord.objects.count() > audits
    token = _upload(client, deqing_book())
    p = client.get(reverse("ledger:import_preview", args=[token])).context["p"]
    assert p["ok"] and p["unknown"] == [] and (p["created"], p["unchanged"]) == (0, 3)


@pytest.mark.usefixtures("_var_dir")
def test_a_unit_is_not_offered_to_add_and_cannot_post_it(w, client):
    login(client, w.promoter)
    token = _upload(client, xlsx_one_unknown_industry())
    page = client.get(reverse("ledger:import_preview", args=[token]))
    assert "目录外的值" in page.content.decode() and "加入目录" not in page.content.decode()
    counts = _counts()
    refused = client.post(reverse("ledger:import_map", args=[token]), {"v0": "__add__"})
    assert (
        refused.status_code == 422 and "请从列表中选择目录中已有的值。" in refused.content.decode()
    )
    client.post(reverse("ledger:import_confirm", args=[token]))
    assert _counts() == counts


def xlsx_one_unknown_industry() -> bytes:
    return xlsx([row(项目编号="", 入库状态="草稿", 行业="先进装备制造")])


@pytest.mark.usefixtures("_var_dir")
def test_the_preview_refuses_a_target_outside_the_offered_catalogue(w, client):
    login(client, w.office)
    token = _upload(client, town_book())
    items = client.get(reverse("ledger:import_preview", args=[token])).context["p"]["unknown"]
    unit = next(i for i, item in enumerate(items) if item["key"] == "unit")
    assert "同安区招商办" not in items[unit]["choices"]  # another district's unit
    for hostile in ("同安区招商办", "__add__", "<script>alert(1)</script>", "x" * 500):
        response = client.post(reverse("ledger:import_map", args=[token]), {f"v{unit}": hostile})
        assert response.status_code == 422, hostile
        assert "请从列表中选择目录中已有的值。" in response.content.decode()
    assert not LedgerAlias.objects.exists() and not Project.objects.exists()


def test_a_command_line_target_in_another_district_is_not_in_the_catalogue(w, tmp_path):
    path = tmp_path / "town.xlsx"
    path.write_bytes(town_book())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_ledger",
            str(path),
            "--map",
            "所在镇/街道/开发区:马巷镇=同安区招商办",
            "--map",
            "责任单位:新圩镇=新店街道",
            "--map",
            "行业:新一代信息技术=电子信息",
            stderr=err,
        )
    assert "台账中的“马巷镇”对应的“同安区招商办”不在目录中。" in err.getvalue()
    assert not Project.objects.exists() and not LedgerAlias.objects.exists()
