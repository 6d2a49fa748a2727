"""A district's 中介奖励 policy, for the demo and the tests: three clauses written after
real rules, so that a reward is computed by the policy engine with its formula.

- 第一条 after 云南省招商引资中介奖励办法（试行） 云招商委办发〔2016〕4号: 实际到位资金
  5000 万元以上, 0.5‰, at most 150 万元;
- 第二条 after 蔡甸区招商引资中介人奖励暂行办法: 内资 固定资产投资 1 亿元以上, 2‰, at most
  300 万元, half on approval and half at 投产;
- 第三条 after 株洲高新区 (固投 5000 万元以下 2‰, 5000 万元—3 亿元 3‰, marginal), 10% more
  for a 世界500强 investor and at most 1000 万元 (长沙's uplift and cap), claimed within a
  year of 签约.

The number says it is a demonstration: it is no district's document.
"""

REWARD_POLICY_NUMBER = "演示-中介奖励办法"


def reward_policy(region: str) -> dict:
    """The policy for the district (or city) ``region`` (a division code prefix)."""
    return {
        "number": f"{REWARD_POLICY_NUMBER}-{region}",
        "title": "招商引资中介奖励办法（演示）",
        "level": "区" if len(region) == 6 else "市",
        "department": "区招商办（演示）",
        "region": region,
        "kind": "N",
        "topic": "中介奖励",
        "effective_on": "2024-01-01",
        "text": (
            "演示用中介奖励规则，条款参照云南省（云招商委办发〔2016〕4号）、武汉市蔡甸区和株洲高新区"
            "的中介奖励办法编写。中介需在引进项目签约前完成备案；同一项目只奖励1个中介人。"
        ),
        "clauses": [
            {
                "number": "第一条",
                "title": "按实际到位资金的0.5‰奖励（参照云南）",
                "beneficiary": "中介",
                "condition": "paid_in_capital >= 5000",
                "amount": "paid_in_capital * 0.5‰",
                "cap_item_wan": "150",
                "payments": [{"milestone": "approved", "share": "1"}],
                "exclusive_group": "中介奖励",
            },
            {
                "number": "第二条",
                "title": "按固定资产投资的2‰奖励（参照蔡甸）",
                "beneficiary": "中介",
                "condition": 'project_type == "内资" and fixed_investment >= 10000',
                "amount": "fixed_investment * 2‰",
                "cap_item_wan": "300",
                "payments": [
                    {"milestone": "approved", "share": "0.5"},
                    {"milestone": "in_production", "share": "0.5"},
                ],
                "exclusive_group": "中介奖励",
            },
            {
                "number": "第三条",
                "title": "按固定资产投资分段累进奖励，世界500强上浮10%（参照株洲高新区、长沙）",
                "beneficiary": "中介",
                "condition": "fixed_investment >= 3000",
                "amount": (
                    "tiers_marginal(fixed_investment, [[5000, 2‰], [30000, 3‰], [inf, 1‰]])"
                    ' * if("世界500强" in tags, 1.1, 1)'
                ),
                "cap_item_wan": "1000",
                "payments": [{"milestone": "approved", "share": "1"}],
                "time_limit": {"days": 365, "from": "signed"},
                "exclusive_group": "中介奖励",
            },
        ],
    }
