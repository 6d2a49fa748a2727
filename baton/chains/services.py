"""Writes of industry chains: each checked before anything is saved, each with its
``ChainEvent`` in the same transaction. The caller has checked who may (``rules``)."""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.companies.industry import clean_industry_code
from baton.companies.models import Company
from baton.core.messages import required, too_long
from baton.org.models import District

from .models import (
    Chain,
    ChainEvent,
    ChainNode,
    ChainSupplier,
    ChainTarget,
    Position,
    Priority,
    Tier,
)

#: The most codes a node names.
MAX_CODES = 20
_SPLIT = re.compile(r"[\s,，、;；]+")


#: An order (排序) out of its range.
BAD_ORDER = "排序应为 0 到 9999 之间的整数。"


def name_taken(name: str) -> str:
    return f"本区已有名为「{name}」的产业链。"


def clean_name(value: object, label: str, max_length: int) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        raise ValidationError(required(label))
    if len(name) > max_length:
        raise ValidationError(too_long(max_length, label))
    return name


def clean_codes(value: str | Iterable[str] | None) -> list[str]:
    """Return GB/T 4754 codes (a text split on commas, 、 or spaces, or a list), each
    cleaned and once, or refuse them all naming the bad ones."""
    items = _SPLIT.split(value) if isinstance(value, str) else list(value or [])
    codes, bad = [], []
    for item in items:
        if not str(item or "").strip():
            continue
        try:
            code = clean_industry_code(item)
        except ValidationError as exc:
            bad.append(f"{item}（{exc.messages[0]}）")
            continue
        if code not in codes:
            codes.append(code)
    if bad:
        raise ValidationError("行业代码有误：" + "；".join(bad))
    if len(codes) > MAX_CODES:
        raise ValidationError(f"一个环节最多填写 {MAX_CODES} 个行业代码。")
    return codes


def _choice(value: object, choices: type[models.TextChoices], label: str) -> str:
    """A choice given by its code or its Chinese label (上游, 一级, 重点)."""
    for code, name in choices.choices:
        if value in (code, str(name)):
            return code
    names = "、".join(str(name) for _c, name in choices.choices)
    raise ValidationError(f"{label}应为{names}之一。")


def _event(
    chain: Chain, kind: str, actor: User | None, old: dict | None = None, new: dict | None = None
) -> None:
    ChainEvent.objects.create(
        chain=chain, kind=kind, actor=actor, at=timezone.now(), old=old or {}, new=new or {}
    )


def _node_values(node: ChainNode) -> dict:
    return {
        "name": node.name,
        "parent": node.parent.name if node.parent is not None else "",
        "position": node.position,
        "codes": list(node.codes),
        "order": node.order,
    }


def _order(value: object) -> int:
    try:
        order = int(str(value or 0))
    except (TypeError, ValueError):
        raise ValidationError(BAD_ORDER) from None
    if not 0 <= order <= 9999:
        raise ValidationError(BAD_ORDER)
    return order


def _gather(checks: dict) -> dict:
    """Run each field's check; return the values or raise all the errors by field."""
    values, errors = {}, {}
    for field, check in checks.items():
        try:
            values[field] = check()
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def chain_create(
    *, actor: User | None, district: District, name: str, description: str = "", order: int = 0
) -> Chain:
    values = _gather(
        {
            "name": lambda: clean_name(name, "产业链名称", 60),
            "description": lambda: str(description or "").strip(),
            "order": lambda: _order(order),
        }
    )
    if Chain.objects.filter(district=district, name=values["name"]).exists():
        raise ValidationError({"name": [name_taken(values["name"])]})
    chain = Chain.objects.create(district=district, **values)
    _event(chain, ChainEvent.Kind.CREATED, actor, new=values)
    return chain


@transaction.atomic
def chain_update(
    *, chain: Chain, actor: User | None, name: str, description: str = "", order: int = 0
) -> Chain:
    values = _gather(
        {
            "name": lambda: clean_name(name, "产业链名称", 60),
            "description": lambda: str(description or "").strip(),
            "order": lambda: _order(order),
        }
    )
    others = Chain.objects.filter(district_id=chain.district_id, name=values["name"])
    if others.exclude(pk=chain.pk).exists():
        raise ValidationError({"name": [name_taken(values["name"])]})
    old = {k: getattr(chain, k) for k in values}
    changed = {k: v for k, v in values.items() if old[k] != v}
    if changed:
        for field, value in changed.items():
            setattr(chain, field, value)
        chain.save()
        _event(chain, ChainEvent.Kind.UPDATED, actor, {k: old[k] for k in changed}, changed)
    return chain


def _descendant_ids(node: ChainNode) -> set[int]:
    ids, frontier = set(), [node.pk]
    while frontier:
        frontier = list(
            ChainNode.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.update(frontier)
    return ids


def _node_checks(
    chain: Chain,
    name: str,
    position: str,
    parent: ChainNode | None,
    codes: str | Iterable[str],
    order: int,
    *,
    node: ChainNode | None = None,
) -> dict:
    def check_parent() -> ChainNode | None:
        if parent is None:
            return None
        if parent.chain_id != chain.pk:
            raise ValidationError("上级环节不属于这条产业链。")
        if node is not None and (parent.pk == node.pk or parent.pk in _descendant_ids(node)):
            raise ValidationError("不能把环节移到它自己或它的下级环节之下。")
        return parent

    values = _gather(
        {
            "name": lambda: clean_name(name, "环节名称", 60),
            "parent": check_parent,
            "position": lambda: (
                _choice(position, Position, "位置") if parent is None else parent.position
            ),
            "codes": lambda: clean_codes(codes),
            "order": lambda: _order(order),
        }
    )
    siblings = ChainNode.objects.filter(chain=chain, parent=values["parent"], name=values["name"])
    if node is not None:
        siblings = siblings.exclude(pk=node.pk)
    if siblings.exists():
        raise ValidationError({"name": [f"同一上级下已有名为「{values['name']}」的环节。"]})
    return values


@transaction.atomic
def node_create(
    *,
    chain: Chain,
    actor: User | None,
    name: str,
    position: str = "",
    parent: ChainNode | None = None,
    codes: str | Iterable[str] = (),
    order: int = 0,
) -> ChainNode:
    """Add a node; a child sits where its parent sits (its own ``position`` is ignored)."""
    values = _node_checks(chain, name, position, parent, codes, order)
    node = ChainNode.objects.create(chain=chain, **values)
    _event(chain, ChainEvent.Kind.NODE_ADDED, actor, new=_node_values(node))
    return node


@transaction.atomic
def node_update(
    *,
    node: ChainNode,
    actor: User | None,
    name: str,
    position: str = "",
    parent: ChainNode | None = None,
    codes: str | Iterable[str] = (),
    order: int = 0,
) -> ChainNode:
    """Rename, move (another parent or position), recode or reorder a node; its
    descendants move with it."""
    chain = node.chain
    values = _node_checks(chain, name, position, parent, codes, order, node=node)
    old = _node_values(node)
    for field, value in values.items():
        setattr(node, field, value)
    new = _node_values(node)
    if new == old:
        return node
    node.save()
    if old["position"] != new["position"]:
        ChainNode.objects.filter(pk__in=_descendant_ids(node)).update(position=node.position)
    changed = [k for k in new if new[k] != old[k]]
    _event(
        chain,
        ChainEvent.Kind.NODE_CHANGED,
        actor,
        {"name": old["name"], **{k: old[k] for k in changed}},
        {"name": new["name"], **{k: new[k] for k in changed}},
    )
    return node


@transaction.atomic
def node_delete(*, node: ChainNode, actor: User | None) -> None:
    """Delete a node with its targets; one with lower nodes is refused."""
    if node.children.exists():
        raise ValidationError(f"「{node.name}」下还有下级环节，请先删除或移走它们。")
    chain, old = node.chain, _node_values(node)
    old["targets"] = [t.display_name for t in node.targets.select_related("company")]
    node.delete()
    _event(chain, ChainEvent.Kind.NODE_DELETED, actor, old=old)


def _company_of(chain: Chain, company: Company | None, label: str) -> Company | None:
    if company is not None and (
        company.district_id != chain.district_id or company.merged_into_id is not None
    ):
        raise ValidationError(f"{label}须是本区客商库中的企业。")
    return company


@transaction.atomic
def target_add(
    *,
    node: ChainNode,
    actor: User | None,
    company: Company | None = None,
    name: str = "",
    priority: str = Priority.NORMAL,
    note: str = "",
) -> ChainTarget:
    """Add a company to attract onto ``node``: one of the library's or, not yet in it, a name."""
    chain = node.chain

    def check_name() -> str:
        if company is not None:
            return ""
        return clean_name(name, "目标企业（从客商库选择或填写名称）", 120)

    def check_note() -> str:
        note_ = " ".join(str(note or "").split())
        if len(note_) > 200:
            raise ValidationError("备注不能超过 200 个字。")
        return note_

    values = _gather(
        {
            "company": lambda: _company_of(chain, company, "目标企业"),
            "name": check_name,
            "priority": lambda: _choice(priority or Priority.NORMAL, Priority, "优先级"),
            "note": check_note,
        }
    )
    same = (
        node.targets.filter(company=company)
        if company
        else node.targets.filter(name=values["name"])
    )
    if same.exists():
        shown = company.name if company else values["name"]
        raise ValidationError(f"「{shown}」已在本环节的目标企业清单中。")
    target = ChainTarget.objects.create(node=node, **values)
    _event(
        chain,
        ChainEvent.Kind.TARGET_ADDED,
        actor,
        new={"node": node.name, "company": target.display_name, "priority": target.priority},
    )
    return target


@transaction.atomic
def target_remove(*, target: ChainTarget, actor: User | None) -> None:
    node = target.node
    old = {"node": node.name, "company": target.display_name, "priority": target.priority}
    target.delete()
    _event(node.chain, ChainEvent.Kind.TARGET_REMOVED, actor, old=old)


@transaction.atomic
def supplier_add(
    *,
    chain: Chain,
    actor: User | None,
    leader: Company,
    supplier: Company,
    tier: str,
    node: ChainNode | None = None,
) -> ChainSupplier:
    """Record that ``supplier`` supplies the 链主 ``leader`` (一级 or 二级)."""

    def check_node() -> ChainNode | None:
        if node is not None and node.chain_id != chain.pk:
            raise ValidationError("所选环节不属于这条产业链。")
        return node

    values = _gather(
        {
            "leader": lambda: _company_of(chain, leader, "链主企业"),
            "supplier": lambda: _company_of(chain, supplier, "配套企业"),
            "tier": lambda: _choice(tier, Tier, "配套层级"),
            "node": check_node,
        }
    )
    if leader.pk == supplier.pk:
        raise ValidationError("链主企业和配套企业不能是同一家。")
    if ChainSupplier.objects.filter(chain=chain, leader=leader, supplier=supplier).exists():
        raise ValidationError(f"「{supplier.name}」已登记为「{leader.name}」的配套企业。")
    row = ChainSupplier.objects.create(chain=chain, **values)
    _event(chain, ChainEvent.Kind.SUPPLIER_ADDED, actor, new=_supplier_values(row))
    return row


def _supplier_values(row: ChainSupplier) -> dict:
    return {
        "leader": row.leader.name,
        "supplier": row.supplier.name,
        "tier": row.tier,
        "node": row.node.name if row.node is not None else "",
    }


@transaction.atomic
def supplier_remove(*, supplier: ChainSupplier, actor: User | None) -> None:
    old = _supplier_values(supplier)
    chain = supplier.chain
    supplier.delete()
    _event(chain, ChainEvent.Kind.SUPPLIER_REMOVED, actor, old=old)
