"""Put companies found in a text in the review queue, and decide them; each change with
its event, in one transaction.

A refusal raises ``ValidationError`` (bad input, a rule) or ``PermissionDenied`` (not
the user's to do) and writes nothing. Accepting goes through ``leads.services``, so a
lead made from the news is refused, flagged 撞车 or kept as 储备 by the same rules as any.
"""

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.companies.models import Company
from baton.companies.names import SIMILAR, name_key, similarity
from baton.companies.services import company_create, same_code
from baton.core.dates import local_date
from baton.leads import services as leads
from baton.leads.matching import earlier_leads
from baton.leads.models import Lead, Source
from baton.leads.rules import visible_leads
from baton.org.models import Unit

from . import rules
from .extract import Company as Found
from .extract import extract
from .models import Article, Draft, DraftEvent

Kind = DraftEvent.Kind
#: The longest text kept as an article (the page takes the same).
MAX_TEXT = 200_000
IN_QUEUE = "「{name}」已在待审的新闻线索中（{when} 提出），无需重复提交。"
NOT_FOUND = "文中没有读出这家企业，请重新读取后再提交。"


def _event(draft: Draft, kind: str, actor: User, at: dt.datetime, **values: Any) -> None:
    DraftEvent.objects.create(
        draft=draft, district_id=draft.district_id, kind=kind, actor=actor, at=at, **values
    )


def _article(
    *, actor: User, district_id: int, text: str, title: str, source_url: str, at: dt.datetime
) -> Article:
    source_url = source_url.strip()
    if source_url:
        try:
            URLValidator(schemes=["http", "https"])(source_url)
        except ValidationError:
            raise ValidationError({"source_url": [rules.BAD_URL]}) from None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    article = Article.objects.filter(district_id=district_id, digest=digest).first()
    if article is not None:
        return article
    reading = extract(text)
    return Article.objects.create(
        district_id=district_id,
        title=title.strip()[:200],
        source_url=source_url,
        text=text,
        digest=digest,
        published_on=reading.date,
        as_of=reading.as_of,
        created_by=actor,
        created_at=at,
    )


def library_match(district_id: int, name: str, uscc: str) -> Company | None:
    """The district's company (not merged away) this name or credit code already is."""
    if uscc:
        company = same_code(uscc)
        if company is not None and company.district_id == district_id:
            return company
    key = name_key(name)
    best, score = None, 0
    companies = Company.objects.filter(district_id=district_id, merged_into__isnull=True)
    for company in companies.only("pk", "name", "name_keys", "district"):
        alike = max((similarity(key, k) for k in company.name_keys or []), default=0)
        if alike >= SIMILAR and alike > score:
            best, score = company, alike
    return best


def open_leads(company: Company | None, amount: Decimal | None) -> list[int]:
    """The district's open leads a lead for ``company`` would collide with (撞车), by the
    leads' own rule (``leads.matching.earlier_leads``)."""
    if company is None:
        return []
    return [lead.pk for lead in earlier_leads(company, "", amount)]


@transaction.atomic
def draft_create(
    *,
    actor: User,
    text: str,
    name: str,
    title: str = "",
    source_url: str = "",
    at: dt.datetime | None = None,
) -> Draft:
    """Put the company ``name`` found in ``text`` in the district's review queue."""
    district_id = actor.district_id
    if not rules.can_read(actor) or district_id is None:
        raise PermissionDenied(rules.NOT_A_READER)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["请粘贴或上传报道全文。"]})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": [f"文字过长（超过 {MAX_TEXT} 字），请只保留相关报道。"]})
    found: Found | None = next((c for c in extract(text).companies if c.name == name), None)
    if found is None:
        raise ValidationError(NOT_FOUND)
    key = name_key(found.name)
    pending = Draft.objects.filter(district_id=district_id, status=Draft.Status.PENDING)
    for other in pending.only("name", "name_key", "created_at"):
        if similarity(key, other.name_key) >= SIMILAR:
            raise ValidationError(
                IN_QUEUE.format(name=other.name, when=f"{local_date(other.created_at):%Y-%m-%d}")
            )
    at = at or timezone.now()
    article = _article(
        actor=actor, district_id=district_id, text=text, title=title, source_url=source_url, at=at
    )
    company = library_match(district_id, found.name, found.uscc)
    values: dict[str, Any] = {
        "amount": found.amount_wan if _storable(found.amount_wan) else None,
        "district_id": district_id,
    }
    draft = Draft.objects.create(
        article=article,
        name=found.name[:200],
        name_key=key[:200],
        uscc=found.uscc,
        stage=found.stage or "",
        sentence=found.sentence[:2000],
        company=company,
        open_leads=open_leads(company, found.amount_wan),
        created_by=actor,
        created_at=at,
        **values,
    )
    new = {"name": draft.name, "uscc": draft.uscc, "company": company.pk if company else None}
    _event(draft, Kind.CREATED, actor, at, new=new, reason=draft.sentence)
    return draft


def _storable(amount: Decimal | None) -> bool:
    return amount is not None and Decimal(0) < amount <= Decimal(100_000_000)


def _lock(draft: Draft, actor: User) -> Draft:
    fresh = Draft.objects.select_for_update().get(pk=draft.pk)
    if not rules.is_office(actor, fresh):
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    if not fresh.is_pending:
        raise ValidationError(rules.DECIDED.format(status=fresh.get_status_display()))
    return fresh


def _decide(draft: Draft, actor: User, status: str, at: dt.datetime, reason: str = "") -> None:
    draft.status = status
    draft.decided_by = actor
    draft.decided_at = at
    draft.reason = reason
    draft.save()


def _evidence(draft: Draft) -> str:
    article = draft.article
    where = article.title or "新闻/报告"
    if article.source_url:
        where += f"（{article.source_url}）"
    return f"据{where}：{draft.sentence}"


@transaction.atomic
def draft_accept(
    *,
    draft: Draft,
    actor: User,
    unit: Unit,
    title: str,
    investment: Decimal | str,
    industry_code: str = "",
    confirmed: bool = False,
    at: dt.datetime | None = None,
) -> Lead:
    """Make the draft a lead of ``unit`` (registering the company in the library first
    when it is not there yet)."""
    draft = _lock(draft, actor)
    at = at or timezone.now()
    company = draft.company
    if company is not None and company.merged_into_id:
        company = company.merged_into
    if company is None:
        company = company_create(
            actor=actor,
            district=draft.district,
            confirmed=True,
            at=at,
            name=draft.name,
            uscc=draft.uscc,
            note=f"由新闻线索登记：{draft.sentence[:180]}",
        )
    lead = leads.lead_register(
        actor=actor,
        company=company,
        unit=unit,
        confirmed=confirmed,
        at=at,
        title=title,
        source=Source.NEWS,
        source_detail=(draft.article.title or "新闻/报告")[:200],
        summary=_evidence(draft)[:5000],
        investment=investment,
        industry_code=industry_code,
    )
    draft.company = company
    draft.lead = lead
    _decide(draft, actor, Draft.Status.ACCEPTED, at)
    _event(draft, Kind.ACCEPTED, actor, at, new={"lead": lead.pk, "company": company.pk})
    return lead


@transaction.atomic
def draft_merge(*, draft: Draft, actor: User, lead: Lead, at: dt.datetime | None = None) -> None:
    """Add the draft's evidence to an open lead of the district as a follow-up note."""
    draft = _lock(draft, actor)
    if (
        lead.district_id != draft.district_id
        or not visible_leads(actor).filter(pk=lead.pk).exists()
    ):
        raise ValidationError({"lead": ["只能并入本区的投资信息。"]})
    at = at or timezone.now()
    leads.lead_note(lead=lead, actor=actor, text=f"新闻线索：{_evidence(draft)}"[:2000], at=at)
    draft.lead = lead
    _decide(draft, actor, Draft.Status.MERGED, at)
    _event(draft, Kind.MERGED, actor, at, new={"lead": lead.pk})


@transaction.atomic
def draft_discard(*, draft: Draft, actor: User, reason: str, at: dt.datetime | None = None) -> None:
    draft = _lock(draft, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写舍弃原因。"]})
    if len(reason) > 500:
        raise ValidationError({"reason": ["舍弃原因不能超过 500 个字。"]})
    at = at or timezone.now()
    _decide(draft, actor, Draft.Status.DISCARDED, at, reason)
    _event(draft, Kind.DISCARDED, actor, at, reason=reason)
