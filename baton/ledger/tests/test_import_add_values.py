"""A ledger's 挂钩领导 and 责任单位 outside the catalogues added by the import: a leader
of the district ranked after its others, a unit of the kind the office picked (never a
协调部门), only by the district office or the system, audited with the import, nothing
added by a dry run or a refused import, no twin of a look-alike name; the second import
needs nothing. Through the importer, the command line and the preview."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from baton.audit.models import AuditRecord
from baton.ledger.forms import UnknownValuesForm
from baton.ledger.importer import CATALOGUE_REFUSED, ledger_import
from baton.ledger.management.commands.import_ledger import UNIT_KIND_NEEDED
from baton.ledger.mapping import MAP_ONLY, Mapping, cli_hint
from baton.org.models import Person, Unit
from baton.projects.models import Project
from baton.projects.tests.helpers_views import login

from .helpers import dump, row, xlsx

CONFIG = AuditRecord.Event.CONFIG_CHANGED


def _row(**values) -> dict:
    """A new project's row as an office's own ledger has it: no code, a draft."""
    return row(**{"项目编号": "", "入库状态": "草稿", **values})


def _book() -> bytes:
    return xlsx(
        [
            _row(项目名称="芯片封测项目", 责任单位="内厝镇", 挂钩领导="王副区长"),
            _row(项目名称="晶圆材料项目", 责任单位="内厝镇"),
        ]
    )


def _configs() -> int:
    return AuditRecord.objects.filter(event=CONFIG).count()


def test_a_leader_is_added_to_the_district_after_its_leaders_and_audited(w):
    data = xlsx([_row(挂钩领导="王副区长")])
    audits = _configs()
    result = ledger_import(
        data=data, actor=w.office, district=w.district, mapping=Mapping(add={"leader"})
    )
    assert result.ok, result.errors
    added = Person.objects.get(name="王副区长")
    assert (added.district, added.city, added.level) == (
        w.district,
        w.city,
        Person.Level.DISTRICT_LEADER,
    )
    assert added.is_active and added.rank == w.leader_person.rank + 1
    assert Project.objects.get().leader == added
    assert _configs() == audits + 1
    record = AuditRecord.objects.filter(event=CONFIG).latest("id")
    assert record.user == w.office and record.detail == "台账导入新增翔安区挂钩领导：王副区长"
    # The second import needs nothing and changes nothing.
    before = dump()
    again = ledger_import(data=data, actor=w.office, district=w.district)
    assert again.ok and again.unchanged and dump() == before


def test_a_unit_is_added_with_the_kind_the_office_picked(w):
    mapping = Mapping(new={("unit", "内厝镇"): "town", ("leader", "王副区长"): ""})
    audits = _configs()
    result = ledger_import(data=_book(), actor=w.office, district=w.district, mapping=mapping)
    assert result.ok, result.errors
    unit = Unit.objects.get(name="内厝镇")
    assert (unit.district, unit.kind, unit.is_active) == (w.district, Unit.Kind.TOWN, True)
    assert unit.order > max(
        u.order for u in Unit.objects.filter(district=w.district).exclude(pk=unit.pk)
    )
    assert {p.unit for p in Project.objects.all()} == {unit}
    assert result.added == [("unit", "内厝镇"), ("leader", "王副区长")]
    assert result.added_kinds[("unit", "内厝镇")] == "镇街"
    details = list(
        AuditRecord.objects.filter(event=CONFIG).order_by("id").values_list("detail", flat=True)
    )[audits:]
    assert details == ["台账导入新增翔安区镇街：内厝镇", "台账导入新增翔安区挂钩领导：王副区长"]
    before = dump()
    again = ledger_import(data=_book(), actor=w.office, district=w.district)
    assert again.ok and again.unknown == {} and len(again.unchanged) == 2
    assert dump() == before


def test_a_unit_is_not_added_without_its_kind_nor_as_a_coordinating_or_office(w):
    result = ledger_import(
        data=_book(), actor=w.office, district=w.district, mapping=Mapping(add={"unit"})
    )
    assert not result.ok and result.unknown[("unit", "内厝镇")] == 2
    assert not Unit.objects.filter(name="内厝镇").exists()
    for kind in ("coordinating", "office", "", "<b>"):
        mapping = Mapping.from_data({"new": [["unit", "内厝镇", kind]]})
        assert mapping.new == {}, kind
    assert Mapping.from_data({"add": ["unit"], "unit_kind": "coordinating"}).unit_kind == ""
    assert Mapping.from_data({"new": [["stage", "洽谈中", ""]]}).new == {}


def test_a_dry_run_or_a_refused_import_adds_nothing(w):
    mapping = Mapping(new={("unit", "内厝镇"): "town"}, add={"leader"})
    before, audits = dump(), _configs()
    trial = ledger_import(
        data=_book(), actor=w.office, district=w.district, mapping=mapping, dry_run=True
    )
    assert trial.ok and len(trial.created) == 2, trial.errors
    assert dump() == before and _configs() == audits
    bad = xlsx(
        [
            _row(责任单位="内厝镇", 挂钩领导="王副区长"),
            _row(项目名称="乙", **{"总投资(万元)": -1}),
        ]
    )
    assert not ledger_import(data=bad, actor=w.office, district=w.district, mapping=mapping).ok
    assert dump() == before and _configs() == audits


def test_a_unit_staff_may_not_add_a_unit_or_a_leader(w):
    before = dump()
    for mapping in (Mapping(new={("unit", "内厝镇"): "town"}), Mapping(add={"leader"})):
        result = ledger_import(data=_book(), actor=w.promoter, district=w.district, mapping=mapping)
        assert [e.reason for e in result.errors] == [CATALOGUE_REFUSED]
    assert dump() == before


def test_an_office_adds_no_unit_in_another_district(w):
    data = xlsx([_row(所属区="350212", 责任单位="汀溪镇", 挂钩领导="")])
    mapping = Mapping(new={("unit", "汀溪镇"): "town"})
    before = dump()
    result = ledger_import(data=data, actor=w.office, district=w.district, mapping=mapping)
    assert not result.ok and dump() == before


HOSTILE_NAMES = ("马巷\u200b街道", "马巷 街道", "\ufeff马巷街道", "马巷街道\u2060")
HOSTILE_LEADERS = ("陈\u200b立新", "陈 立新", "\ufeff陈立新", "陈立新\u00a0")


@pytest.mark.parametrize(("unit", "leader"), list(zip(HOSTILE_NAMES, HOSTILE_LEADERS, strict=True)))
def test_a_look_alike_name_is_the_catalogue_value_not_a_twin(w, unit, leader):
    mapping = Mapping(add={"unit", "leader"}, unit_kind="town")
    units, people = Unit.objects.count(), Person.objects.count()
    data = xlsx([_row(责任单位=unit, 挂钩领导=leader)])
    result = ledger_import(data=data, actor=w.office, district=w.district, mapping=mapping)
    assert result.ok and result.added == [], result.errors
    assert (Unit.objects.count(), Person.objects.count()) == (units, people)
    project = Project.objects.get()
    assert (project.unit, project.leader) == (w.town, w.leader_person)


def test_an_added_name_loses_its_invisible_characters_and_one_is_added_once(w):
    data = xlsx([_row(责任单位="内厝\u200b镇"), _row(项目名称="乙", 责任单位="内厝镇")])
    mapping = Mapping(add={"unit"}, unit_kind="group")
    result = ledger_import(data=data, actor=w.office, district=w.district, mapping=mapping)
    assert result.ok, result.errors
    unit = Unit.objects.get(district=w.district, name="内厝镇")
    assert unit.kind == Unit.Kind.GROUP and result.added == [("unit", "内厝镇")]
    long = xlsx([_row(挂钩领导="王" * 51)])
    refused = ledger_import(
        data=long, actor=w.office, district=w.district, mapping=Mapping(add={"leader"})
    )
    assert [e.reason for e in refused.errors] == ["不能超过 50 个字（现有 51 个）。"]


# --- the command line -----------------------------------------------------------------------


def test_the_command_line_adds_a_unit_only_with_its_kind(w, tmp_path):
    path = tmp_path / "l.xlsx"
    path.write_bytes(_book())
    before = dump()
    with pytest.raises(CommandError) as exc:
        call_command("import_ledger", str(path), "--add-missing", "责任单位")
    assert exc.value.returncode == 2 and str(exc.value) == UNIT_KIND_NEEDED
    for kind in ("coordinating", "office"):
        with pytest.raises(CommandError):
            call_command(
                "import_ledger", str(path), "--add-missing", "责任单位", "--unit-kind", kind
            )
    with pytest.raises(CommandError) as exc:
        call_command("import_ledger", str(path), "--unit-kind", "town")
    assert exc.value.returncode == 2
    args = ["--add-missing", "责任单位", "--unit-kind", "department", "--add-missing", "挂钩领导"]
    out = io.StringIO()
    call_command("import_ledger", str(path), *args, "--dry-run", stdout=out)
    assert dump() == before
    with pytest.raises(CommandError) as exc:
        call_command("import_ledger", str(path), *args, "--user", w.promoter.username)
    assert dump() == before
    out = io.StringIO()
    call_command("import_ledger", str(path), *args, "--user", w.office.username, stdout=out)
    assert out.getvalue().startswith("新建 2 个")
    assert Unit.objects.get(name="内厝镇").kind == Unit.Kind.DEPARTMENT
    assert Person.objects.get(name="王副区长").district == w.district
    out = io.StringIO()
    call_command("import_ledger", str(path), stdout=out)
    assert out.getvalue().startswith("新建 0 个、更新 0 个、未变 2 个")


def test_the_command_line_refusal_says_how_to_add_a_unit(w, tmp_path):
    path = tmp_path / "l.xlsx"
    path.write_bytes(_book())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), stderr=err)
    assert "--add-missing 责任单位 --add-missing 挂钩领导 --unit-kind " in err.getvalue()
    hint = cli_hint({("stage", "洽谈中2"): 1})
    assert "--add-missing" not in hint


# --- the preview ----------------------------------------------------------------------------


@pytest.fixture
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _upload(client, data):
    response = client.post(
        reverse("ledger:import"), {"file": SimpleUploadedFile("台账.xlsx", data)}
    )
    assert response.status_code == 302
    return re.search(r"/ledger/import/([A-Za-z0-9_\-]{32})/$", response["Location"]).group(1)


def _preview_book() -> bytes:
    return xlsx(
        [
            _row(项目名称="芯片封测项目", 责任单位="内厝镇", 挂钩领导="王副区长"),
            _row(项目名称="晶圆材料项目", 责任单位="内厝镇", 项目阶段="再议"),
        ]
    )


@pytest.mark.usefixtures("_var_dir")
def test_the_preview_adds_a_unit_of_a_kind_and_a_leader(w, client):
    login(client, w.office)
    token = _upload(client, _preview_book())
    page = client.get(reverse("ledger:import_preview", args=[token]))
    html = page.content.decode()
    assert "加入目录：新增镇街“内厝镇”" in html and "加入目录：新增国企招商集团“内厝镇”" in html
    assert "协调部门“内厝镇”" not in html and "区招商办“内厝镇”" not in html
    assert "加入目录：新增挂钩领导“王副区长”" in html
    assert "加入目录：新增项目阶段" not in html and MAP_ONLY in html
    items = page.context["p"]["unknown"]
    index = {item["value"]: i for i, item in enumerate(items)}
    # A unit's 加入目录 names its kind: the bare one is refused.
    refused = client.post(
        reverse("ledger:import_map", args=[token]), {f"v{index['内厝镇']}": "__add__"}
    )
    assert refused.status_code == 422
    form = {
        f"v{index['内厝镇']}": "__add__town",
        f"v{index['王副区长']}": "__add__",
        f"v{index['再议']}": "在谈",
    }
    assert client.post(reverse("ledger:import_map", args=[token]), form).status_code == 302
    assert not Unit.objects.filter(name="内厝镇").exists()  # not before the confirm
    preview = client.get(reverse("ledger:import_preview", args=[token]))
    p = preview.context["p"]
    assert p["ok"] and p["created"] == 2, p["errors"]
    assert {"column": "责任单位", "value": "内厝镇", "kind": "镇街"} in p["added"]
    assert "责任单位“内厝镇”加入目录（镇街）" in preview.content.decode()
    client.post(reverse("ledger:import_confirm", args=[token]))
    assert Unit.objects.get(name="内厝镇").kind == Unit.Kind.TOWN
    assert Person.objects.get(name="王副区长").district == w.district
    assert Project.objects.count() == 2
    token = _upload(client, _preview_book())
    p = client.get(reverse("ledger:import_preview", args=[token])).context["p"]
    assert p["ok"] and p["unknown"] == [] and p["unchanged"] == 2


@pytest.mark.usefixtures("_var_dir")
def test_a_unit_staff_is_not_offered_to_add_and_cannot_post_it(w, client):
    login(client, w.promoter)
    token = _upload(client, xlsx([_row(挂钩领导="王副区长")]))
    page = client.get(reverse("ledger:import_preview", args=[token]))
    assert "目录外的值" in page.content.decode() and "加入目录" not in page.content.decode()
    before = dump()
    for hostile in ("__add__", "__add__town", "__add__coordinating"):
        refused = client.post(reverse("ledger:import_map", args=[token]), {"v0": hostile})
        assert refused.status_code == 422, hostile
    client.post(reverse("ledger:import_confirm", args=[token]))
    assert dump() == before


def test_the_form_adds_only_the_values_chosen(w):
    unknown = [
        {
            "key": "leader",
            "column": "挂钩领导",
            "value": "甲",
            "count": 1,
            "choices": [],
            "addable": True,
        },
        {
            "key": "leader",
            "column": "挂钩领导",
            "value": "乙",
            "count": 1,
            "choices": [],
            "addable": True,
        },
    ]
    form = UnknownValuesForm({"v0": "__add__", "v1": ""}, unknown=unknown, may_add=True)
    assert form.is_valid(), form.errors
    mapping = form.mapping(Mapping())
    assert mapping.new == {("leader", "甲"): ""} and mapping.add == set()
    assert mapping.adds_value("leader", "乙") is None


def test_a_unit_added_meanwhile_refuses_the_import_and_nothing_is_written(w, monkeypatch):
    # Another import added 内厝镇 after this one read the units: the add is refused.
    monkeypatch.setattr("baton.ledger.importer.parse._alike", lambda values, text, name: [])
    Unit.objects.create(district=w.district, name="内厝镇", kind=Unit.Kind.TOWN, order=9)
    before, audits = dump(), _configs()
    mapping = Mapping(new={("unit", "内厝镇"): "town"})
    data = xlsx([_row(责任单位="内厝镇", 挂钩领导="")])
    result = ledger_import(data=data, actor=w.office, district=w.district, mapping=mapping)
    assert not result.ok and result.created == []
    assert [e.reason for e in result.errors] == [
        "无法加入目录：翔安区已有“内厝镇”，请您重新校验台账后再导入。"
    ]
    assert dump() == before and _configs() == audits


def test_a_coordinating_kind_given_in_code_is_no_unit_either(w):
    mapping = Mapping(new={("unit", "内厝镇"): "coordinating"})
    result = ledger_import(data=_book(), actor=w.office, district=w.district, mapping=mapping)
    assert not result.ok and not Unit.objects.filter(name="内厝镇").exists()
