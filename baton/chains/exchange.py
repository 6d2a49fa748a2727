"""Chains as JSON, to exchange between districts: ``chain_dump`` and ``chain_load``.

A file holds one chain, a list of them, or ``{"chains": [...]}``. A chain::

    {"name": "新能源", "description": "…", "order": 1,
     "nodes": [{"name": "锂矿", "position": "上游", "codes": ["B0939"], "order": 1,
                "targets": [{"name": "…", "uscc": "…", "priority": "重点", "note": "…"}],
                "children": [...]}],
     "suppliers": [{"leader": "名称或统一社会信用代码", "supplier": "…", "tier": "一级",
                    "node": "动力电池"}]}

A target is the library's company of that credit code or name when there is one, else
kept by its name. Loading is all-or-nothing: any error and nothing is written, each
error naming the chain and node. A chain of the same name is replaced; loading the same
file again changes nothing.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from baton.accounts.models import User
from baton.companies.models import Company
from baton.org.models import District

from . import services
from .models import Chain, ChainEvent, ChainNode, ChainTarget, Position, Priority, Tier

#: The most nodes a chain may bring.
MAX_NODES = 500


def chain_dump(chain: Chain) -> dict:
    """Return the chain as the loader reads it."""
    rank = {p: i for i, p in enumerate(Position.values)}
    nodes = sorted(chain.nodes.all(), key=lambda n: (rank[n.position], n.order, n.pk))
    targets: dict[int, list] = {}
    for t in ChainTarget.objects.filter(node__chain=chain).select_related("company"):
        row = {"name": t.display_name, "priority": str(Priority(t.priority).label)}
        if t.company_id and t.company.uscc:
            row["uscc"] = t.company.uscc
        if t.note:
            row["note"] = t.note
        targets.setdefault(t.node_id, []).append(row)

    def node(n: ChainNode) -> dict:
        out: dict = {"name": n.name}
        if n.parent_id is None:
            out["position"] = str(Position(n.position).label)
        out["codes"] = list(n.codes)
        out["order"] = n.order
        if targets.get(n.pk):
            out["targets"] = targets[n.pk]
        children = [node(c) for c in nodes if c.parent_id == n.pk]
        if children:
            out["children"] = children
        return out

    suppliers = [
        {
            "leader": s.leader.uscc or s.leader.name,
            "supplier": s.supplier.uscc or s.supplier.name,
            "tier": str(Tier(s.tier).label),
            **({"node": s.node.name} if s.node_id else {}),
        }
        for s in chain.suppliers.select_related("leader", "supplier", "node")
    ]
    return {
        "name": chain.name,
        "description": chain.description,
        "order": chain.order,
        "nodes": [node(n) for n in nodes if n.parent_id is None],
        "suppliers": suppliers,
    }


@dataclass
class LoadResult:
    created: list[str]
    replaced: list[str]
    unchanged: list[str]

    @property
    def summary(self) -> str:
        return (
            f"新建 {len(self.created)} 条、更新 {len(self.replaced)} 条、"
            f"未变 {len(self.unchanged)} 条产业链。"
        )


class LoadError(ValidationError):
    """The file's errors, each naming where (产业链 › 环节)."""


def _chains_of(data) -> list:
    if isinstance(data, dict) and "chains" in data:
        data = data["chains"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(c, dict) for c in data):
        raise LoadError(['文件格式不对：应为一条产业链、产业链的列表，或 {"chains": [...]}。'])
    return data


def _company(district: District, key) -> Company | None:
    key = " ".join(str(key or "").split())
    if not key:
        return None
    rows = Company.objects.filter(district=district, merged_into__isnull=True)
    return rows.filter(Q(uscc=key.upper()) | Q(name=key)).first()


@transaction.atomic
def chain_load(*, district: District, data, actor: User | None = None) -> LoadResult:
    """Load the chains of ``data`` (parsed JSON) into ``district``, all or nothing."""
    result = LoadResult([], [], [])
    errors: list[str] = []
    names = set()
    for index, item in enumerate(_chains_of(data), start=1):
        name = " ".join(str(item.get("name") or "").split()) or f"第 {index} 条"
        if name in names:
            errors.append(f"{name}：文件中重复出现。")
            continue
        names.add(name)
        before = Chain.objects.filter(district=district, name=name).first()
        old = chain_dump(before) if before else None
        point = transaction.savepoint()
        chain_errors = _load_one(district, item, actor, before, name)
        if chain_errors:
            errors.extend(chain_errors)
            transaction.savepoint_rollback(point)
            continue
        chain = Chain.objects.get(district=district, name=name)
        if old is not None and chain_dump(chain) == old:
            transaction.savepoint_rollback(point)
            result.unchanged.append(name)
            continue
        transaction.savepoint_commit(point)
        services._event(chain, ChainEvent.Kind.LOADED, actor, new={"nodes": chain.nodes.count()})
        (result.replaced if before else result.created).append(name)
    if errors:
        raise LoadError(errors)
    return result


def _load_one(district, item, actor, chain, name) -> list[str]:
    errors: list[str] = []

    def attempt(where: str, write, **kwargs):
        try:
            return write(**kwargs)
        except ValidationError as exc:
            errors.extend(f"{where}：{m}" for m in exc.messages)
            return None

    values = {
        "name": item.get("name"),
        "description": item.get("description") or "",
        "order": item.get("order") or 0,
    }
    if chain is None:
        chain = attempt(name, services.chain_create, actor=actor, district=district, **values)
        if chain is None:
            return errors
    else:
        chain.suppliers.all().delete()
        chain.nodes.all().delete()
        attempt(name, services.chain_update, chain=chain, actor=actor, **values)
    nodes = item.get("nodes") or []
    by_name: dict[str, ChainNode] = {}
    count = 0

    def add(raw, parent, where):
        nonlocal count
        if not isinstance(raw, dict):
            errors.append(f"{where}：环节应为一个对象。")
            return
        count += 1
        if count > MAX_NODES:
            if count == MAX_NODES + 1:
                errors.append(f"{name}：一条产业链最多 {MAX_NODES} 个环节。")
            return
        label = f"{where} › {raw.get('name') or '（无名称）'}"
        node = attempt(
            label,
            services.node_create,
            chain=chain,
            actor=actor,
            name=raw.get("name"),
            position=raw.get("position") or "",
            parent=parent,
            codes=raw.get("codes") or [],
            order=raw.get("order") or 0,
        )
        if node is None:
            return
        by_name.setdefault(node.name, node)
        for target in raw.get("targets") or []:
            if not isinstance(target, dict):
                errors.append(f"{label}：目标企业应为一个对象。")
                continue
            company = _company(district, target.get("uscc")) or _company(
                district, target.get("name")
            )
            attempt(
                f"{label} › 目标企业",
                services.target_add,
                node=node,
                actor=actor,
                company=company,
                name="" if company else target.get("name"),
                priority=target.get("priority") or Priority.NORMAL,
                note=target.get("note") or "",
            )
        for child in raw.get("children") or []:
            add(child, node, label)

    if not isinstance(nodes, list):
        return [*errors, f"{name}：nodes 应为环节的列表。"]
    for raw in nodes:
        add(raw, None, name)
    for row in item.get("suppliers") or []:
        if not isinstance(row, dict):
            errors.append(f"{name} › 配套企业：应为一个对象。")
            continue
        leader, supplier = (
            _company(district, row.get("leader")),
            _company(district, row.get("supplier")),
        )
        where = f"{name} › 配套企业 {row.get('supplier') or ''}"
        if leader is None or supplier is None:
            missing = row.get("leader") if leader is None else row.get("supplier")
            errors.append(f"{where}：「{missing or '（空）'}」不在本区客商库中。")
            continue
        node_name = row.get("node") or ""
        if node_name and node_name not in by_name:
            errors.append(f"{where}：没有名为「{node_name}」的环节。")
            continue
        attempt(
            where,
            services.supplier_add,
            chain=chain,
            actor=actor,
            leader=leader,
            supplier=supplier,
            tier=row.get("tier") or "",
            node=by_name.get(node_name),
        )
    return errors
