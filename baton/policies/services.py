"""Writes to the policy library: each checks everything first, writes all or nothing,
and records a ``PolicyEvent`` in the same transaction."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baton.accounts.models import User

from . import fair, rules
from .exchange import policy_clean, policy_dump
from .models import Clause, Policy, PolicyEvent

NOTHING_TO_REVIEW = "该条款没有公平竞争审查提示，无需审查结论。"
ALREADY_PUBLISHED = "这件政策已经发布。"

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
    "no_application",
    "fair_flags",
    "fair_review",
    "note",
)


class PolicyError(ValidationError):
    """The errors of a refused policy, each naming the policy, the clause and the place."""


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: 存量政策 (in force before the 条例) loaded with flags: "文号 › 条款：flag".
    legacy: list[str] = field(default_factory=list)

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
        clauses = list(clean["clauses"])
        outcome = _put(clean, actor)
        if outcome == "unchanged":
            transaction.savepoint_rollback(point)  # not even updated_at moves
        else:
            transaction.savepoint_commit(point)
        getattr(result, outcome).append(clean["number"])
        if fair.is_legacy(clean["effective_on"]):
            result.legacy += [
                f"{clean['number']} › {c['number']}：{fair.LEGACY}——{f['text']}"
                for c in clauses
                for f in c["fair_flags"]
            ]
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


def _snapshot(policy: Policy) -> tuple:
    """The policy as the file has it, with the flags computed from its rules."""
    flags = list(policy.clauses.order_by("order", "valid_from", "id").values_list("fair_flags"))
    return policy_dump(policy), flags


def _put(clean: dict, actor: User | None) -> str:
    clauses = clean.pop("clauses")
    policy = Policy.objects.filter(number=clean["number"]).first()
    before = _snapshot(policy) if policy else None
    old = before[0] if before else None
    if clean["is_draft"]:
        clean["published_at"] = None
    elif policy is None or policy.published_at is None:
        clean["published_at"] = timezone.now()
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
    after = _snapshot(policy)
    new = after[0]
    if after == before:
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


def _check(actor: User | None, policy: Policy) -> None:
    if not rules.can_manage(actor, policy):
        raise PermissionDenied(rules.NOT_THE_ISSUER)


@transaction.atomic
def clause_review(*, clause: Clause, conclusion: str, actor: User | None) -> Clause:
    """Record the fair competition review conclusion of a flagged clause."""
    policy = Policy.objects.select_for_update().get(pk=clause.policy_id)
    _check(actor, policy)
    clause = Clause.objects.select_for_update().get(pk=clause.pk)
    if not clause.fair_flags:
        raise ValidationError(NOTHING_TO_REVIEW)
    conclusion = (conclusion or "").strip()
    problem = fair.review_problem(conclusion)
    if problem:
        raise ValidationError({"reason": problem})
    if conclusion == clause.fair_review:
        return clause
    old = {"clause": clause.number, "valid_from": _day(clause), "fair_review": clause.fair_review}
    clause.fair_review = conclusion
    clause.save(update_fields=["fair_review"])
    Policy.objects.filter(pk=policy.pk).update(updated_at=timezone.now())
    PolicyEvent.objects.create(
        policy=policy,
        kind=PolicyEvent.Kind.REVIEWED,
        actor=actor,
        at=timezone.now(),
        old=old,
        new={**old, "fair_review": conclusion, "flags": [f["code"] for f in clause.fair_flags]},
    )
    return clause


def _day(clause: Clause) -> str | None:
    return clause.valid_from.isoformat() if clause.valid_from else None


def unresolved(policy: Policy) -> list[str]:
    """The flags that stop the policy's publication, each naming policy › clause › flag."""
    return [
        fair.unresolved_message(policy.number, number, item)
        for number, item in fair.blocking(policy.effective_on, policy.clauses.all())
    ]


@transaction.atomic
def policy_publish(*, policy: Policy, actor: User | None) -> Policy:
    """Publish a draft: refused while a clause has a flag without a review conclusion."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    _check(actor, policy)
    if not policy.is_draft:
        raise ValidationError(ALREADY_PUBLISHED)
    problems = unresolved(policy)
    if problems:
        raise ValidationError(problems)
    policy.is_draft = False
    policy.published_at = timezone.now()
    policy.save(update_fields=["is_draft", "published_at", "updated_at"])
    PolicyEvent.objects.create(
        policy=policy,
        kind=PolicyEvent.Kind.PUBLISHED,
        actor=actor,
        at=policy.published_at,
        old={"draft": True},
        new={"draft": False, "published_at": policy.published_at.isoformat()},
    )
    return policy
