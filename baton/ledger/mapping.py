"""Values outside the catalogues in a ledger that grew up elsewhere (集成电路, 已签约,
a 片区 for a unit): what an import is told to read them as.

An unknown value of a mapped column is read, in this order, as the import's own
mapping (the preview's choice, ``--map 行业:集成电路=半导体与集成电路``), the district's
remembered alias (``LedgerAlias``), or a built-in word of real ledgers (stages and
review states only). A column in ``add`` adds its remaining unknown values to the
catalogue, and ``new`` adds the values the preview chose one by one: a 行业, a 挂钩领导
(a leader of the importing district, ranked after its others) or a 责任单位 of the kind
the office picked (a 协调部门 never: it holds no project). 项目阶段 and 入库状态 are a
fixed ladder and are only mapped. A value left unknown is refused as before, row by row, and listed once with
its count so the office can map it. The mapping and the added values are written with
the import, in its transaction, and audited; a refused import leaves none of them.
"""

from dataclasses import dataclass, field

from .columns import BY_KEY, header_map, normalize_header

#: The columns whose values must be in a catalogue, in the order the preview lists them.
MAPPED = ("industry", "unit", "leader", "stage", "review_state")
#: The columns whose unknown values may be added to the catalogue from an import.
ADDABLE = ("industry", "unit", "leader")
#: Why the others are only mapped, in one line of the preview.
MAP_ONLY = "项目阶段和入库状态是固定的流程，不能新增，只能对应到已有的值。"
#: The kinds a unit added by an import may be (``--unit-kind``): a promotion unit, never
#: a 协调部门, and not a second 区招商办.
UNIT_KINDS = ("town", "department", "headquarters", "group")

#: Stage words of real ledgers and systems, read as the default ladder's rungs. A
#: district's own alias or an import's mapping goes first.
STAGE_WORDS = {
    "储备": "策划",
    "储备项目": "策划",
    "策划储备": "策划",
    "谋划": "策划",
    "前期": "策划",
    "意向项目": "意向",
    "有意向": "意向",
    "接洽": "意向",
    "初步接洽": "意向",
    "洽谈": "在谈",
    "洽谈中": "在谈",
    "在谈项目": "在谈",
    "新增在谈项目": "在谈",
    "跟踪在谈": "在谈",
    "协议起草": "在谈",
    "签约": "落地",
    "已签约": "落地",
    "已签项目": "落地",
    "签约项目": "落地",
    "已落地": "落地",
    "启动项目": "落地",
    "开工": "落地",
    "开工建设": "落地",
    "已开工": "落地",
    "在建": "落地",
    "建设项目": "落地",
    "在建项目": "落地",
    "投产": "落地",
    "投产项目": "落地",
    "竣工": "落地",
    "竣工项目": "落地",
    "完工项目": "落地",
    "中止项目": "中止",
    "停止谈判": "中止",
    "停止谈判项目": "中止",
    "终止": "中止",
}
#: Review-state words of real ledgers, read as the 入库状态 labels.
REVIEW_WORDS = {
    "入库": "已入库",
    "在库": "已入库",
    "已审核": "已入库",
    "未上报": "草稿",
    "待上报": "草稿",
    "待审核": "已上报",
    "审核中": "已上报",
    "退回": "已退回",
}
BUILT_IN = {"stage": STAGE_WORDS, "review_state": REVIEW_WORDS}


@dataclass
class Mapping:
    """What an import is told about the values outside the catalogues."""

    #: (column key, value as written) → the catalogue value it stands for
    targets: dict[tuple[str, str], str] = field(default_factory=dict)
    #: the columns whose remaining unknown values are added to the catalogue
    add: set[str] = field(default_factory=set)
    #: the kind of the units added by ``add`` (``UNIT_KINDS``; none: no unit is added)
    unit_kind: str = ""
    #: (column key, value as written) → "" or, for a 责任单位, its kind: values added one
    #: by one (the preview's choice)
    new: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def adds(self) -> bool:
        """Whether the import may add anything to the catalogue."""
        return bool(self.add or self.new)

    def adds_value(self, key: str, value: str) -> str | None:
        """Return how ``value`` of column ``key`` is added ("" or a unit's kind), or None
        when it is not: a unit is added only with its kind."""
        if (key, value) in self.new:
            return self.new[key, value]
        if key in self.add:
            return self.unit_kind if key == "unit" else ""
        return None

    def as_data(self) -> dict:
        """Return the mapping as plain data (a job's parameters, a session)."""
        return {
            "map": [[key, value, target] for (key, value), target in self.targets.items()],
            "add": sorted(self.add),
            "unit_kind": self.unit_kind,
            "new": [[key, value, kind] for (key, value), kind in self.new.items()],
        }

    @classmethod
    def from_data(cls, data: dict | None) -> "Mapping":
        data = data or {}
        targets = {(k, v): t for k, v, t in data.get("map", []) if k in MAPPED}
        unit_kind = data.get("unit_kind", "")
        new = {
            (k, v): kind
            for k, v, kind in data.get("new", [])
            if k in ADDABLE and (kind in UNIT_KINDS if k == "unit" else kind == "")
        }
        return cls(
            targets=targets,
            add={k for k in data.get("add", []) if k in ADDABLE},
            unit_kind=unit_kind if unit_kind in UNIT_KINDS else "",
            new=new,
        )


def column_key(name: str) -> str | None:
    """Return the key of a mapped column named by its header or one of its aliases."""
    column = header_map(BY_KEY[k] for k in MAPPED).get(normalize_header(name))
    return column.key if column else None


def parse_map(text: str) -> tuple[str, str, str]:
    """Return (key, value, target) of ``列:值=目标``, or raise ValueError with the reason."""
    name, sep, rest = text.partition(":")
    if not sep:
        name, sep, rest = text.partition("：")
    value, eq, target = rest.partition("=")
    value, target = value.strip(), target.strip()
    if not sep or not eq or not value or not target:
        raise ValueError(f"--map 的写法是“列:台账中的值=目录中的值”，收到“{text}”。")
    key = column_key(name)
    if key is None:
        raise ValueError(f"--map 的列“{name.strip()}”不是{columns_named()}之一。")
    return key, value, target


def columns_named(keys=MAPPED) -> str:
    return "、".join(BY_KEY[k].header for k in keys)


def cli_hint(unknown: dict[tuple[str, str], int], file: str = "FILE") -> str:
    """Return how to map the unknown values on the command line, a line to type."""
    ordered = sorted(unknown, key=lambda kv: (MAPPED.index(kv[0]), kv[1]))
    parts = [f"--map {BY_KEY[k].header}:{v}=<目录中的值>" for k, v in ordered]
    adds = sorted({k for k, _v in unknown if k in ADDABLE}, key=MAPPED.index)
    line = f"baton import-ledger {file} " + " ".join(parts)
    text = f"请指定这些值对应的目录值后重新导入：\n  {line}"
    if adds:
        names = " ".join(f"--add-missing {BY_KEY[k].header}" for k in adds)
        if "unit" in adds:
            names += f" --unit-kind {'|'.join(UNIT_KINDS)}"
        text += f"\n或把{columns_named(adds)}的新值加入目录：\n  baton import-ledger {file} {names}"
    return text
