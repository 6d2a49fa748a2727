"""Register, edit, enrich and merge companies; each change with its event, at once.

The duplicate check on entry: the same 统一社会信用代码 is refused (the message names
the record kept); else a name alike to another's name or former name (``names``) is a
warning that the user confirms (``confirmed``) before the record is written.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from baton.accounts.models import User
from baton.core.messages import required
from baton.core.uscc import clean_uscc
from baton.org.divisions import clean_division
from baton.org.models import District

from .industry import clean_industry_code
from .models import Company, CompanyEvent, Size, Tag
from .names import SIMILAR, name_key, similarity
from .rules import visible_companies

#: The fields a user edits, in the order the events list them.
FIELDS = (
    "name",
    "former_names",
    "uscc",
    "region",
    "industry_code",
    "tags",
    "size",
    "contact_name",
    "contact_phone",
    "note",
)


#: Why a company cannot be merged with itself.
SELF_MERGE = "不能把企业与自己合并。"


class DuplicateName(ValidationError):
    """Names alike to existing companies: the user may confirm and register anyway."""

    def __init__(self, matches: list["Match"]):
        self.matches = matches
        names = "、".join(f"{m.company.name}（相似度 {m.score}%）" for m in matches[:5])
        super().__init__(f"客商库中已有名称相近的企业：{names}。请确认不是同一家企业后再保存。")


@dataclass(frozen=True, slots=True)
class Match:
    company: Company
    score: int

    @property
    def url(self) -> str:
        return reverse("companies:detail", args=[self.company.pk])


def clean_values(values: dict) -> dict:
    """Return the values checked and normalised, or raise a ValidationError by field."""
    errors: dict[str, list[str]] = {}
    out = dict(values)
    checks = {"uscc": clean_uscc, "region": clean_division, "industry_code": clean_industry_code}
    for field, check in checks.items():
        if field in out:
            try:
                out[field] = check(out[field])
            except ValidationError as exc:
                errors[field] = exc.messages
    if "name" in out:
        out["name"] = " ".join(str(out["name"] or "").split())
        if not out["name"]:
            errors["name"] = [required("企业名称")]
    if "former_names" in out:
        raw = out["former_names"]
        items = raw.splitlines() if isinstance(raw, str) else list(raw or [])
        out["former_names"] = [n.strip() for n in items if n and n.strip()]
    if "tags" in out:
        bad = [t for t in out["tags"] or [] if t not in Tag.values]
        if bad:
            errors["tags"] = [f"未知的企业标签：{'、'.join(bad)}。"]
        out["tags"] = [t for t in Tag.values if t in (out["tags"] or [])]
    if out.get("size") and out["size"] not in Size.values:
        errors["size"] = ["企业规模应为大型、中型、小型或微型。"]
    if errors:
        raise ValidationError(errors)
    return out


def _keys(name: str, former_names: list[str]) -> list[str]:
    keys = [name_key(name), *(name_key(n) for n in former_names)]
    return list(dict.fromkeys(k for k in keys if k))


def same_code(uscc: str, *, exclude: int | None = None) -> Company | None:
    """The company (not merged away) that has this credit code, if any."""
    if not uscc:
        return None
    rows = Company.objects.filter(uscc=uscc, merged_into__isnull=True)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.select_related("district").first()


class CodeTaken(ValidationError):
    """A credit code already registered: ``company`` is the record kept, ``visible``
    whether the user may open it (then the page links to it)."""

    def __init__(self, company: Company, visible: bool):
        self.company, self.visible = company, visible
        where = f"已登记为「{company.name}」" if visible else f"已由{company.district.name}登记"
        super().__init__({"uscc": [f"该统一社会信用代码{where}，请勿重复登记。"]})

    @property
    def url(self) -> str:
        return reverse("companies:detail", args=[self.company.pk]) if self.visible else ""


def code_taken(company: Company, user: User | None = None) -> CodeTaken:
    """The refusal of a credit code already registered to ``company``."""
    visible = user is not None and visible_companies(user).filter(pk=company.pk).exists()
    return CodeTaken(company, visible)


def similar_names(
    keys: list[str], companies: QuerySet[Company], *, exclude: int | None = None
) -> list[Match]:
    """The companies among ``companies`` whose name or former name is alike to ``keys``."""
    if exclude is not None:
        companies = companies.exclude(pk=exclude)
    matches = []
    for company in companies.only("pk", "name", "name_keys", "district"):
        score = max((similarity(k, o) for k in keys for o in company.name_keys), default=0)
        if score >= SIMILAR:
            matches.append(Match(company, score))
    return sorted(matches, key=lambda m: -m.score)


def _check_duplicates(
    values: dict, *, actor: User | None, exclude: int | None = None, confirmed: bool = False
) -> None:
    existing = same_code(values.get("uscc", ""), exclude=exclude)
    if existing is not None:
        raise code_taken(existing, actor)
    if not confirmed:
        keys = _keys(values["name"], values.get("former_names", []))
        scope = (
            visible_companies(actor)
            if actor is not None
            else Company.objects.filter(merged_into__isnull=True)
        )
        matches = similar_names(keys, scope, exclude=exclude)
        if matches:
            raise DuplicateName(matches)


def _snapshot(company: Company, fields: Iterable[str]) -> dict:
    return {field: getattr(company, field) for field in fields}


def _event(
    company: Company,
    kind: str,
    actor: User | None,
    at: dt.datetime | None,
    *,
    old: dict | None = None,
    new: dict | None = None,
    note: str = "",
) -> None:
    """Write ``company``'s event (inside the change's transaction)."""
    CompanyEvent.objects.create(
        company=company,
        kind=kind,
        actor=actor,
        at=at or timezone.now(),
        old=old or {},
        new=new or {},
        note=note,
    )


@transaction.atomic
def company_create(
    *,
    actor: User | None,
    district: District,
    confirmed: bool = False,
    at: dt.datetime | None = None,
    **values: Any,
) -> Company:
    """Register a company in ``district`` with its ``created`` event."""
    values = clean_values({field: values.get(field, "") for field in FIELDS})
    for field in ("former_names", "tags"):
        values[field] = values[field] or []
    _check_duplicates(values, actor=actor, confirmed=confirmed)
    company = Company(district=district, **values)
    company.name_keys = _keys(company.name, company.former_names)
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:  # registered at the same moment by someone else
        existing = same_code(values["uscc"])
        if existing is None:
            raise
        raise code_taken(existing, actor) from None
    new = {k: v for k, v in _snapshot(company, FIELDS).items() if v}
    _event(company, CompanyEvent.Kind.CREATED, actor, at, new=new, note="登记入库")
    return company


@transaction.atomic
def company_update(
    *,
    company: Company,
    actor: User,
    confirmed: bool = False,
    at: dt.datetime | None = None,
    **values: Any,
) -> Company:
    """Change the given fields of ``company`` with its ``updated`` event (none if nothing
    changed). A new name that is alike to another company's asks to be confirmed."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    values = clean_values({k: v for k, v in values.items() if k in FIELDS})
    changed = {k: v for k, v in values.items() if getattr(company, k) != v}
    if not changed:
        return company
    merged = {**_snapshot(company, FIELDS), **changed}
    renamed = "name" in changed or "former_names" in changed
    _check_duplicates(
        merged if renamed else {"uscc": merged["uscc"], "name": merged["name"]},
        actor=actor,
        exclude=company.pk,
        confirmed=confirmed or not renamed,
    )
    old = _snapshot(company, changed)
    for field, value in changed.items():
        setattr(company, field, value)
    company.name_keys = _keys(company.name, company.former_names)
    company.save()
    _event(company, CompanyEvent.Kind.UPDATED, actor, at, old=old, new=changed, note="修改企业信息")
    return company


def empty_fields_filled(company: Company, values: dict) -> dict:
    """The values of ``values`` for fields ``company`` has empty (enrichment never
    overwrites); tags are added to those it has."""
    filled = {}
    for field, value in values.items():
        if field not in FIELDS or field == "name" or not value:
            continue
        current = getattr(company, field)
        if field == "tags":
            added = [t for t in value if t not in current]
            if added:
                filled[field] = [t for t in Tag.values if t in current or t in added]
        elif field == "former_names":
            added = [n for n in value if n not in current and n != company.name]
            if added:
                filled[field] = [*current, *added]
        elif not current:
            filled[field] = value
    return filled


@transaction.atomic
def company_enrich(
    *,
    company: Company,
    actor: User | None,
    values: dict,
    note: str,
    at: dt.datetime | None = None,
) -> dict:
    """Fill ``company``'s empty fields from ``values`` (cleaned) with an ``enriched`` event;
    return what was filled."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    filled = empty_fields_filled(company, values)
    if not filled:
        return {}
    old = _snapshot(company, filled)
    for field, value in filled.items():
        setattr(company, field, value)
    company.name_keys = _keys(company.name, company.former_names)
    company.save()
    _event(company, CompanyEvent.Kind.ENRICHED, actor, at, old=old, new=filled, note=note)
    return filled


@transaction.atomic
def company_merge(
    *, keep: Company, drop: Company, actor: User, at: dt.datetime | None = None
) -> Company:
    """Merge the duplicate ``drop`` into ``keep`` (the office, same district): ``keep``
    gets ``drop``'s name as a former name and its empty fields filled; ``drop`` is kept,
    marked merged, and its events show on ``keep``'s timeline. Both get a merged event."""
    if keep.pk == drop.pk:
        raise ValidationError(SELF_MERGE)
    keep, drop = (
        Company.objects.select_for_update().get(pk=keep.pk),
        Company.objects.select_for_update().get(pk=drop.pk),
    )
    if keep.district_id != drop.district_id:
        raise ValidationError("只能合并同一区的企业。")
    if drop.merged_into_id or keep.merged_into_id:
        raise ValidationError("该企业已被合并。")
    if drop.uscc and keep.uscc and drop.uscc != keep.uscc:
        raise ValidationError("两家企业的统一社会信用代码不同，不是同一家企业，不能合并。")
    when = at or timezone.now()
    values = _snapshot(drop, FIELDS)
    values["former_names"] = [drop.name, *drop.former_names]
    # Merged away first: its credit code may then pass to ``keep``.
    drop.merged_into = keep
    drop.save(update_fields=["merged_into", "updated_at"])
    filled = empty_fields_filled(keep, values)
    old = _snapshot(keep, filled)
    for field, value in filled.items():
        setattr(keep, field, value)
    keep.name_keys = _keys(keep.name, keep.former_names)
    keep.save()
    note = f"合并重复记录「{drop.name}」（#{drop.pk}）"
    _event(keep, CompanyEvent.Kind.MERGED, actor, when, old=old, new=filled, note=note)
    _event(drop, CompanyEvent.Kind.MERGED, actor, when, note=f"并入「{keep.name}」（#{keep.pk}）")
    return keep
