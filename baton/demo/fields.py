"""Plausible values of the fields real ledgers keep (项目类型, the 500强 and listed tags,
where the investor is from and its 统一社会信用代码, 固定资产投资, the expected output
and tax, the planned days, 用地性质) for a demo project.

Drawn from a generator seeded by the project's name, not the demo's own: the history
the demo writes, and so its figures, stay what they were before these fields existed.
"""

import datetime as dt
import random
from decimal import Decimal

from baton.core.uscc import ALPHABET, check_character

#: Where the investors of a Xiamen district come from (行政区划代码), most often nearby.
DOMESTIC_REGIONS = ["350200"] * 4 + [
    "350100",
    "350500",
    "350900",
    "440300",
    "310000",
    "330100",
    "320500",
    "110000",
] * 1
HMT_REGIONS = ["810000", "810000", "710000", "820000"]
LAND_USES = ["industrial"] * 6 + ["warehousing", "commercial", "office", "research"]
#: How long past its planned start a demo project's plan is still kept.
STALE_PLAN_DAYS = 120


def _uscc(rng: random.Random, region: str) -> str:
    """Return a code that passes the GB 32100-2015 check: 91 (a company), the region, a
    made-up organisation code."""
    first17 = "91" + region + "".join(rng.choice(ALPHABET) for _ in range(9))
    return first17 + check_character(first17)


def ledger_fields(
    name: str,
    amount_wan: Decimal,
    created: dt.date,
    *,
    investor: bool,
    land: bool,
    today: dt.date | None = None,
) -> dict:
    """Return the fields for a project named ``name`` of ``amount_wan`` created on
    ``created``; a 统一社会信用代码 only when its investor is known (``investor``), a
    用地性质 only when it asks for land (``land``).

    A plan whose start is more than ``STALE_PLAN_DAYS`` before ``today`` (the day the
    demo is built) is left out: an office keeps its ledger's plans current, and a demo
    history of years would otherwise fill every unit's 待办 with plans long overdue."""
    rng = random.Random(f"ledger-fields:{name}")
    kind = rng.choices(["domestic", "foreign", "hmt"], weights=[70, 15, 15])[0]
    big = amount_wan >= 100_000
    region = ""
    if kind == "domestic":
        region = rng.choice(DOMESTIC_REGIONS)
    elif kind == "hmt":
        region = rng.choice(HMT_REGIONS)
    output = (amount_wan * Decimal(rng.choice(["0.8", "1.2", "1.5", "2", "3"]))).quantize(1)
    start = created + dt.timedelta(days=rng.randint(120, 540))
    production = start + dt.timedelta(days=rng.randint(300, 720))
    if today is not None and start < today - dt.timedelta(days=STALE_PLAN_DAYS):
        start = production = None
    return {
        "project_type": kind,
        "is_global500": big and kind != "domestic" and rng.random() < 0.4,
        "is_china500": big and kind == "domestic" and rng.random() < 0.3,
        "is_listed": rng.random() < (0.4 if big else 0.1),
        "investor_region": region,
        "investor_uscc": _uscc(rng, region if kind == "domestic" else "350213")
        if investor and kind != "foreign"
        else "",
        "fixed_investment": (
            amount_wan * Decimal(rng.choice(["0.6", "0.7", "0.8", "0.9"]))
        ).quantize(1),
        "annual_output": output,
        "annual_tax": (output * Decimal(rng.choice(["0.03", "0.05", "0.08"]))).quantize(1),
        "planned_start_on": start,
        "planned_production_on": production,
        "land_use": rng.choice(LAND_USES) if land else "",
    }
