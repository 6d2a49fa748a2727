"""Policies as files: load, list, dump, load the dump again; a bad file loads nothing."""

import json

import pytest
from django.core.management import CommandError, call_command

from baton.policies.exchange import CLAUSE_KEYS, POLICY_KEYS, policy_dump
from baton.policies.models import Clause, Policy, PolicyEvent, Status
from baton.policies.services import PolicyError, policy_load

from .helpers import DATA, load_shipped, make_policy, shipped, state

pytestmark = pytest.mark.django_db


def write(tmp_path, data, name="p.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_it_loads_every_shipped_file_and_loading_again_changes_nothing():
    result = load_shipped()
    assert len(result.created) == len(list(DATA.glob("*.json"))) == 11
    old = Policy.objects.get(number="云招商委办发〔2015〕5号")
    assert old.status == Status.REVISED and old.successor.number == "云招商委办发〔2016〕4号"
    before = state()
    again = load_shipped()
    assert len(again.unchanged) == 11 and state() == before


def test_loading_a_dump_changes_nothing(tmp_path, capsys):
    load_shipped()
    policy_load(items=[make_policy()])
    before = state()
    for number in Policy.objects.values_list("number", flat=True):
        call_command("policy", "dump", number)
        dumped = capsys.readouterr().out
        call_command("policy", "load", str(write(tmp_path, json.loads(dumped))))
        assert capsys.readouterr().out.strip() == number
    assert state() == before


def test_the_command_prints_the_number_and_lists_policies(tmp_path, capsys):
    call_command("policy", "load", str(write(tmp_path, make_policy())))
    assert capsys.readouterr().out == "厦测〔2024〕1号\n"
    call_command("policy", "load", "--shipped")
    capsys.readouterr()
    call_command("policy", "list")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 12 and "云招商委办发〔2016〕4号" in lines


def test_a_changed_file_replaces_the_policy_and_keeps_the_old_in_its_event():
    policy_load(items=[make_policy()])
    data = make_policy(title="测试用产业项目投资奖励办法（修订）")
    data["clauses"] = data["clauses"][:2]
    result = policy_load(items=[data])
    assert result.changed == ["厦测〔2024〕1号"]
    policy = Policy.objects.get()
    assert policy.clauses.count() == 2
    event = PolicyEvent.objects.get(kind="changed")
    assert len(event.old["clauses"]) == 4 and event.new == policy_dump(policy)


@pytest.mark.parametrize(
    "clause, message",
    [
        (
            {"amount": "fixed_investmnt * 3‰"},
            "第三条：金额 第 1 行第 1 列“fixed_investmnt”：未知的字段",
        ),
        ({"amount": "fixed_investment / (1 - 1)"}, "第三条：金额 第 1 行第 18 列“/”：除数为零。"),
        ({"amount": "tiers_flat(investment, [[100, 101%]])"}, "第三条：金额 第 1 行第 31 列“101%”"),
        (
            {"variables": {"a": "b", "b": "a"}, "amount": "a"},
            "第三条：变量 a：变量之间循环引用",
        ),
        ({"condition": "fixed_investment"}, "第三条：条件 第 1 行第 1 列“fixed_investment”"),
        ({"payments": [{"milestone": "started", "share": "0.5"}]}, "各笔兑付比例之和应为 1"),
        ({"payments": [{"milestone": "opened", "share": "1"}]}, "milestone 应为"),
        ({"cap_item_wan": "-1"}, "cap_item_wan 应为"),
        ({"valid_to": None}, "第三条：各版本的有效期重叠"),
        ({"colour": "红"}, "未知的字段“colour”"),
    ],
)
def test_a_bad_clause_is_refused_naming_it_and_nothing_is_written(clause, message):
    load_shipped()
    before = state()
    data = make_policy()
    data["clauses"][0].update(clause)
    with pytest.raises(PolicyError) as exc:
        policy_load(items=[shipped("caidian_intermediary.json"), data])
    assert any(message in m and m.startswith("厦测〔2024〕1号 › ") for m in exc.value.messages), (
        exc.value.messages
    )
    assert state() == before


@pytest.mark.parametrize(
    "change, message",
    [
        ({"number": ""}, "缺少文号"),
        ({"level": "乡"}, "level 应为 国家、省、市、区 之一"),
        ({"effective_on": "2024-13-01"}, "effective_on（施行日期）应为 YYYY-MM-DD"),
        ({"region": "3502x"}, "region 应为"),
        ({"successor": "不存在〔2099〕1号"}, "继任政策“不存在〔2099〕1号”尚未导入"),
        ({"status": "已修订"}, "已修订的政策须写明"),
        ({"clauses": []}, "clauses 应为"),
    ],
)
def test_a_bad_policy_is_refused(change, message):
    with pytest.raises(PolicyError) as exc:
        policy_load(items=[make_policy(**change)])
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert not Policy.objects.exists() and not Clause.objects.exists()


def test_a_malformed_file_loads_nothing_and_exits_non_zero(tmp_path):
    good = write(tmp_path, make_policy(), "good.json")
    bad_data = make_policy(number="厦测〔2024〕2号")
    bad_data["clauses"][2]["amount"] = "tiers_marginal(investment, [[50000, 1%], [10000, 2%]])"
    bad = write(tmp_path, bad_data, "bad.json")
    with pytest.raises(CommandError) as exc:  # `baton` exits with its returncode
        call_command("policy", "load", str(good), str(bad))
    assert exc.value.returncode != 0
    err = str(exc.value)
    assert (
        "未导入任何内容" in err and "厦测〔2024〕2号 › 第四条：金额" in err and "分段须递增" in err
    )
    assert not Policy.objects.exists()
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        call_command("policy", "load", str(broken))


def test_the_schema_names_the_fields_the_loader_reads():
    schema = json.loads((DATA.parents[2] / "docs" / "policy.schema.json").read_text("utf-8"))
    assert set(schema["properties"]) == POLICY_KEYS
    assert set(schema["$defs"]["clause"]["properties"]) == CLAUSE_KEYS
    for path in DATA.glob("*.json"):
        data = shipped(path.name)
        assert set(schema["required"]) <= set(data)


def test_the_manual_lists_every_field_of_the_rule_language():
    from baton.policies.expr import FIELDS, FUNCTIONS

    manual = (DATA.parents[2] / "docs" / "policies.md").read_text("utf-8")
    assert all(f"`{name}`" in manual for name in FIELDS)
    assert all(f"{name}(" in manual for name in FUNCTIONS)


def test_the_new_keys_are_dumped_and_loading_the_dump_changes_nothing(tmp_path, capsys):
    """草案, 兑现时限, 免申即享 and the review conclusion go out and come back unchanged;
    so do a draft with an open flag and a 存量 policy's flag."""
    reviewed = make_policy(number="厦测〔2025〕2号", effective_on="2025-01-01", delivery_days=30)
    reviewed["clauses"] = reviewed["clauses"][1:]  # the version ended in 2024 is not there
    reviewed["clauses"][0].update(
        no_application=True,
        amount="annual_tax * 20%",
        fair_review="第十二条第（二）项：奖励研发投入大的企业，促进科学技术进步，实施期限两年。",
    )
    open_draft = make_policy(number="厦测〔2025〕3号", effective_on="2025-01-01", draft=True)
    open_draft["clauses"] = open_draft["clauses"][1:]
    open_draft["clauses"][0]["condition"] = 'investor_region in ["3502"]'
    legacy = make_policy(number="厦测〔2019〕1号", effective_on="2019-01-01")
    legacy["clauses"][0]["condition"] = 'company_name == "厦门某某公司"'
    policy_load(items=[reviewed, open_draft, legacy])
    before = state()
    for number in ("厦测〔2025〕2号", "厦测〔2025〕3号", "厦测〔2019〕1号"):
        call_command("policy", "dump", number)
        dumped = json.loads(capsys.readouterr().out)
        assert {"draft", "delivery_days"} <= set(dumped)
        assert {"no_application", "fair_review"} <= set(dumped["clauses"][0])
        call_command("policy", "load", str(write(tmp_path, dumped)))
        assert capsys.readouterr().out.strip() == number
    assert state() == before
    dumped = policy_dump(Policy.objects.get(number="厦测〔2025〕2号"))
    assert dumped["draft"] is False and dumped["delivery_days"] == 30
    assert dumped["clauses"][0]["no_application"] is True
    assert Policy.objects.get(number="厦测〔2025〕3号").is_draft


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"draft": "yes"}, "draft 应为 true 或 false。"),
        ({"delivery_days": 0}, "delivery_days（兑现时限）应为 1–365 个工作日。"),
        ({"delivery_days": 366}, "delivery_days（兑现时限）应为 1–365 个工作日。"),
        ({"delivery_days": True}, "delivery_days（兑现时限）应为 1–365 个工作日。"),
    ],
)
def test_bad_draft_or_delivery_days_load_nothing(changes, message):
    with pytest.raises(PolicyError) as refused:
        policy_load(items=[make_policy(**changes)])
    assert refused.value.messages == [f"厦测〔2024〕1号：{message}"]
    assert not Policy.objects.exists()
