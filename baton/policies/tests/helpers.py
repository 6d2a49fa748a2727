"""Shipped policies, a small test policy, and the state a refused load must leave alone."""

import copy
import json
from pathlib import Path

from baton.policies.models import Clause, Policy, PolicyEvent
from baton.policies.services import policy_load

DATA = Path(__file__).resolve().parents[1] / "data"


def shipped(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def load_shipped():
    return policy_load(items=[shipped(p.name) for p in sorted(DATA.glob("*.json"))])


def state() -> dict:
    """Every row of the policy tables, to compare before and after a load."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Policy, Clause, PolicyEvent)
    }


#: A district policy of 厦门 with a clause changed on 2024-07-01 (3‰ → 5‰, cap 100 → 150),
#: paid 30 % at 开工 and 70 % at 投产.
TEST_POLICY = {
    "number": "厦测〔2024〕1号",
    "title": "测试用产业项目投资奖励办法",
    "level": "市",
    "department": "厦门市测试局",
    "region": "3502",
    "kind": "1",
    "topic": "",
    "effective_on": "2024-01-01",
    "expires_on": None,
    "status": "现行",
    "successor": None,
    "source": "",
    "text": "仅供测试。",
    "clauses": [
        {
            "number": "第三条",
            "title": "固定资产投资奖励",
            "valid_to": "2024-06-30",
            "condition": "fixed_investment >= 5000",
            "amount": "fixed_investment * 3‰",
            "cap_item_wan": "100",
            "payments": [
                {"milestone": "started", "share": "0.3"},
                {"milestone": "in_production", "share": "0.7"},
            ],
        },
        {
            "number": "第三条",
            "title": "固定资产投资奖励（2024年7月起）",
            "valid_from": "2024-07-01",
            "condition": "fixed_investment >= 5000",
            "amount": "fixed_investment * 5‰",
            "cap_item_wan": "150",
            "payments": [
                {"milestone": "started", "share": "0.3"},
                {"milestone": "in_production", "share": "0.7"},
            ],
        },
        {
            "number": "第四条",
            "title": "世界500强落户奖励",
            "condition": '"世界500强" in tags',
            "amount": "tiers_marginal(investment, [[10000, 1%], [50000, 0.5%], [inf, 0.1%]])",
            "cap_project_wan": "500",
            "exclusive_group": "落户奖励",
        },
        {
            "number": "第五条",
            "title": "总部落户奖励",
            "condition": "investment >= 20000",
            "amount": "50",
            "exclusive_group": "落户奖励",
        },
    ],
}


def make_policy(**changes) -> dict:
    data = copy.deepcopy(TEST_POLICY)
    data.update(changes)
    return data
