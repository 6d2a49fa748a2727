"""Writes to the policy library: each checks everything first, writes all or nothing,
and records a ``PolicyEvent`` in the same transaction."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.accounts.models import User

from .exchange import policy_clean, policy_dump
from .models import Clause, Policy, PolicyEvent

_CLAUSE_FIELDS = (
    "title",
    "valid_to",
    "order",
    "beneficiary",
    "variables",
    "condition",
    "amount",
    "cap_item",
    "cap_project",
    "cap_year",
    "payments",
    "time_limit_days",
    "time_limit_from",
    "stackable",
    "exclusive_group",
    "note",
)


class PolicyError(ValidationError):
    """The errors of a refused policy, each naming the policy, the clause and the place."""


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def numbers(self) -> list[str]:
        return [*self.created, *self.changed, *self.unchanged]

    @property
    def summary(self) -> str:
        return (
            f"新增 {len(self.created)} 件、更新 {len(self.changed)} 件、"
            f"未变 {len(self.unchanged)} 件政策。"
        )


@transaction.atomic
def policy_load(*, items: list, actor: User | None = None) -> LoadResult:
    """Load policies (each a file's parsed JSON) all or nothing; same 文号 → replaced."""
    result, errors, seen = LoadResult(), [], set()
    for data in _successors_first(items):
        clean, problems = policy_clean(data)
        if problems or clean is None:
            errors.extend(problems)
            continue
        if clean["number"] in seen:
            errors.append(f"{clean['number']}：同一文号出现了两次。")
            continue
        seen.add(clean["number"])
        point = transaction.savepoint()
        outcome = _put(clean, actor)
        if outcome == "unchanged":
            transaction.savepoint_rollback(point)  # not even updated_at moves
        else:
            transaction.savepoint_commit(point)
        getattr(result, outcome).append(clean["number"])
    if errors:
        raise PolicyError(errors)
    return result


def _successors_first(items: list) -> list:
    """Order the batch so that a policy's successor in the same batch is loaded before it."""
    successor = {
        d.get("number"): d.get("successor")
        for d in items
        if isinstance(d, dict) and isinstance(d.get("number"), str)
    }

    def depth(data: object) -> int:
        seen, number = set(), data.get("number") if isinstance(data, dict) else None
        while number in successor and successor[number] in successor and number not in seen:
            seen.add(number)
            number = successor[number]
        return len(seen)

    return sorted(items, key=depth)


def _put(clean: dict, actor: User | None) -> str:
    clauses = clean.pop("clauses")
    policy = Policy.objects.filter(number=clean["number"]).first()
    old = policy_dump(policy) if policy else None
    if policy is None:
        policy = Policy.objects.create(**clean)
    else:
        for key, value in clean.items():
            setattr(policy, key, value)
        policy.save()
    keep = set()
    for row in clauses:
        clause, _ = Clause.objects.update_or_create(
            policy=policy,
            number=row["number"],
            valid_from=row["valid_from"],
            defaults={key: row[key] for key in _CLAUSE_FIELDS},
        )
        keep.add(clause.pk)
    policy.clauses.exclude(pk__in=keep).delete()
    new = policy_dump(policy)
    if new == old:
        return "unchanged"
    PolicyEvent.objects.create(
        policy=policy,
        kind=PolicyEvent.Kind.CHANGED if old else PolicyEvent.Kind.CREATED,
        actor=actor,
        at=timezone.now(),
        old=old or {},
        new=new,
    )
    return "changed" if old else "created"
