"""Chains as JSON: load, dump, load again; a bad file writes nothing."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from baton.chains.exchange import LoadError, chain_dump, chain_load
from baton.chains.models import Chain, ChainEvent

from .helpers import company, state

DATA = Path(__file__).resolve().parents[1] / "data"


def shipped(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_the_shipped_chains_load_and_round_trip(w):
    company(w, "厦门厦钨新能源材料股份有限公司", "C3985")
    for name in ("new_energy.json", "semiconductor.json"):
        result = chain_load(district=w.district, data=shipped(name), actor=w.office)
        assert len(result.created) == 1
    energy = Chain.objects.get(district=w.district, name="新能源")
    assert energy.nodes.count() == 11
    target = energy.nodes.get(name="正负极材料").targets.get()
    assert target.company.name == "厦门厦钨新能源材料股份有限公司"  # found in the library
    dumped = chain_dump(energy)
    # Into another district and back out: the same chain.
    chain_load(district=w.other_district, data=dumped)
    copy = Chain.objects.get(district=w.other_district, name="新能源")
    again = chain_dump(copy)
    assert again["nodes"] == dumped["nodes"]
    assert [n["codes"] for n in dumped["nodes"]][:2] == [["B0939"], ["C3985", "C2613"]]


def test_loading_the_same_file_again_changes_nothing(w):
    data = shipped("new_energy.json")
    chain_load(district=w.district, data=data)
    before = state()
    result = chain_load(district=w.district, data=data)
    assert result.unchanged == ["新能源"] and state() == before


def test_a_changed_file_replaces_the_chain(w):
    data = shipped("new_energy.json")
    chain_load(district=w.district, data=data)
    data["nodes"] = data["nodes"][:3]
    result = chain_load(district=w.district, data={"chains": [data]})
    assert result.replaced == ["新能源"]
    assert Chain.objects.get(name="新能源").nodes.count() == 3
    assert ChainEvent.objects.filter(kind="loaded").count() == 2


def test_a_bad_file_writes_nothing_and_says_where(w):
    good = shipped("semiconductor.json")
    bad = shipped("new_energy.json")
    bad["nodes"][2]["codes"] = ["C2669", "Q9"]
    bad["nodes"][5]["position"] = "外游"
    bad["suppliers"] = [{"leader": "不存在的公司", "supplier": "也不存在", "tier": "一级"}]
    before = state()
    with pytest.raises(LoadError) as info:
        chain_load(district=w.district, data=[good, bad])
    messages = info.value.messages
    assert any(m.startswith("新能源 › 电解液：行业代码有误") for m in messages)
    assert any(m.startswith("新能源 › 储能电池：位置应为") for m in messages)
    assert any("「不存在的公司」不在本区客商库中" in m for m in messages)
    assert state() == before


@pytest.mark.parametrize("data", [42, "text", [1, 2], {"chains": "x"}])
def test_it_refuses_what_is_not_a_chain(w, data):
    with pytest.raises(LoadError):
        chain_load(district=w.district, data=data)


def test_the_command_loads_lists_and_dumps(w, tmp_path, capsys):
    path = tmp_path / "chains.json"
    path.write_text(json.dumps([shipped("new_energy.json")], ensure_ascii=False), encoding="utf-8")
    call_command("chains", "load", str(path), "--district", "350213")
    assert "新建 1 条" in capsys.readouterr().out
    call_command("chains", "load", str(path), "--district", "350213")
    assert "未变 1 条" in capsys.readouterr().out
    call_command("chains", "list")
    assert "新能源\t11 个环节" in capsys.readouterr().out
    call_command("chains", "dump", "新能源", "--district", "翔安区")
    assert json.loads(capsys.readouterr().out)["name"] == "新能源"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        call_command("chains", "load", str(path), "--district", "350213")
    with pytest.raises(CommandError, match="找不到区：999999"):
        call_command("chains", "load", str(path), "--district", "999999")
