"""The file contract: ``baton assessment load | list | dump | run`` (docs/assessment.md)."""

import datetime as dt
import io
import json
from pathlib import Path

import jsonschema_rs
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from baton.assessment.exchange import INDICATOR_KEYS, SCHEME_KEYS, scheme_dump
from baton.assessment.models import Indicator, Scheme
from baton.assessment.services import scheme_publish

from .helpers import project

SCHEMA = Path(__file__).resolve().parents[3] / "docs" / "assessment.schema.json"

FILE = {
    "name": "2024年度镇街招商考核",
    "district": "350213",
    "period_kind": "year",
    "shares": {"info": "0.2", "talks": "0.3", "landing": "0.5"},
    "units": [{"unit": "马巷街道", "group": "镇街"}, {"unit": "新店街道", "group": "镇街"}],
    "indicators": [
        {
            "name": "新签约亿元以上项目",
            "kind": "ratio",
            "weight": "0.5",
            "cap": "0.5",
            "floor": None,
            "bonus": False,
            "config": {"metric": "signed", "measure": "count", "min_amount": "10000"},
            "targets": [
                {"unit": "马巷街道", "part": 0, "value": "2"},
                {"unit": "新店街道", "part": 0, "value": "4"},
            ],
        },
        {
            "name": "签约逾期未开工",
            "kind": "deduction",
            "weight": "0.5",
            "cap": None,
            "floor": None,
            "bonus": False,
            "config": {"metric": "not_started", "per": "0.1", "days": 180, "credit": "holder"},
            "targets": [],
        },
    ],
}


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("assessment", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _load(tmp_path, data, name="scheme.json") -> tuple[str, str]:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return _run("load", str(path))


def test_load_list_dump_round_trips_exactly(w, tmp_path):
    out, err = _load(tmp_path, FILE)
    assert out == "2024年度镇街招商考核\n"
    assert "已新建考核方案" in err
    scheme = Scheme.objects.get()
    assert scheme.district == w.district and scheme.status == Scheme.Status.DRAFT
    assert scheme.indicators.get(name="新签约亿元以上项目").targets.count() == 2

    assert _run("list")[0] == "2024年度镇街招商考核\n"
    dumped = json.loads(_run("dump", "2024年度镇街招商考核")[0])
    assert dumped == FILE

    # Loading the dump changes nothing: the same rows, not even a new version.
    ids = sorted(Indicator.objects.values_list("pk", flat=True))
    out, err = _load(tmp_path, dumped, "again.json")
    assert out == "2024年度镇街招商考核\n" and "未作修改" in err
    assert Scheme.objects.count() == 1
    assert sorted(Indicator.objects.values_list("pk", flat=True)) == ids


def test_a_published_scheme_is_kept_and_a_changed_file_is_a_new_version(w, tmp_path):
    _load(tmp_path, FILE)
    scheme_publish(scheme=Scheme.objects.get(), actor=w.office)
    changed = json.loads(json.dumps(FILE))
    changed["indicators"][0]["targets"][0]["value"] = "3"
    _out, err = _load(tmp_path, changed)
    assert "新版本" in err
    first, second = Scheme.objects.order_by("version")
    assert first.status == Scheme.Status.PUBLISHED and second.version == 2
    assert first.indicators.get(kind="ratio").targets.get(unit=w.town).value == 2
    assert second.indicators.get(kind="ratio").targets.get(unit=w.town).value == 3
    assert json.loads(_run("dump", FILE["name"])[0]) == changed


def test_a_draft_is_replaced_and_an_indicator_of_the_same_name_kept(w, tmp_path):
    _load(tmp_path, FILE)
    kept = Indicator.objects.get(name="签约逾期未开工").pk
    changed = json.loads(json.dumps(FILE))
    del changed["indicators"][0]
    changed["units"] = changed["units"][:1]
    _out, err = _load(tmp_path, changed)
    assert "已替换" in err
    scheme = Scheme.objects.get()
    assert list(scheme.indicators.values_list("pk", flat=True)) == [kept]
    assert list(scheme.units.values_list("unit__name", flat=True)) == ["马巷街道"]


def test_errors_name_their_place_in_chinese_and_nothing_is_loaded(w, tmp_path):
    bad = json.loads(json.dumps(FILE))
    bad["units"].append({"unit": "不存在街道", "group": ""})
    bad["indicators"][0]["weight"] = 0.5
    bad["indicators"][1]["config"]["metric"] = "nothing"
    bad["indicators"][0]["targets"][1]["value"] = "-1"
    bad["colour"] = "red"
    with pytest.raises(CommandError) as caught:
        _load(tmp_path, bad)
    text = str(caught.value)
    assert "未知的字段“colour”" in text
    assert "被考核单位 3：翔安区没有名为“不存在街道”的单位" in text
    assert "指标 1“新签约亿元以上项目”：分值须写成文本形式的数字" in text
    assert "指标 2“签约逾期未开工”：扣分指标的统计口径“nothing”无效" in text
    assert "指标 1“新签约亿元以上项目” › 目标 2：目标值须大于 0" in text
    assert not Scheme.objects.exists()


def test_the_schema_names_the_fields_and_accepts_a_dump(w, tmp_path):
    schema = json.loads(SCHEMA.read_text("utf-8"))
    assert set(schema["properties"]) == SCHEME_KEYS
    assert set(schema["$defs"]["indicator"]["properties"]) == INDICATOR_KEYS
    validator = jsonschema_rs.validator_for(schema)
    _load(tmp_path, FILE)
    assert validator.is_valid(scheme_dump(Scheme.objects.get()))
    assert not validator.is_valid({**FILE, "period_kind": "week"})


def test_run_prints_the_ranking_as_json(w, tmp_path):
    _load(tmp_path, FILE)
    # 马巷街道 signs 3 亿元 projects in 2024 (target 2): 3÷2×0.5 = 0.75 → capped 0.5;
    # one signed 2024-01-10 and not started within 180 days: 0.5 − 0.1×1 = 0.4.
    for day in (dt.date(2024, 1, 10), dt.date(2024, 5, 1), dt.date(2024, 6, 1)):
        project(w, w.town, "20000", admitted=dt.date(2024, 1, 5), signed=day)
    # 新店街道 signs one (target 4): 1÷4×0.5 = 0.125; signed in November: not yet overdue.
    project(w, w.other_town, "30000", admitted=dt.date(2024, 1, 5), signed=dt.date(2024, 11, 1))
    out, _ = _run("run", "--scheme", FILE["name"], "--period", "2024", "--format", "json")
    result = json.loads(out)
    assert result["scheme"] == FILE["name"] and result["period"] == "2024年度"
    town, other = result["rows"]
    assert town["party"] == "马巷街道" and town["rank"] == 1
    # Two signed in May and June are overdue too by 31 December (more than 180 days).
    assert town["items"] == [
        {
            "item": "新签约亿元以上项目",
            "raw": "0.75",
            "score": "0.50",
            "formula": "(3÷2)×0.5，封顶0.5",
        },
        {"item": "签约逾期未开工", "raw": "0.20", "score": "0.20", "formula": "0.5−0.1×3"},
    ]
    assert town["total"] == "0.70"
    assert other == {
        "party": "新店街道",
        "total": "0.63",
        "rank": 2,
        "items": [
            {"item": "新签约亿元以上项目", "raw": "0.13", "score": "0.13", "formula": "(1÷4)×0.5"},
            {"item": "签约逾期未开工", "raw": "0.50", "score": "0.50", "formula": "0.5−0.1×0"},
        ],
    }
