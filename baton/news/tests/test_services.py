from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from baton.leads.models import LeadEvent, Source
from baton.leads.tests.helpers import company, register

from .. import rules, services
from ..models import Draft, DraftEvent
from .helpers import CATL_NAME, REPORT, TIANMA, news_state

pytestmark = pytest.mark.django_db


@contextmanager
def no_change(message, error=ValidationError, field=None):
    """Expect exactly ``message`` (on ``field``) and an unchanged database."""
    before = news_state()
    with pytest.raises(error) as info:
        yield info
    if error is PermissionDenied:
        assert str(info.value) == message
    else:
        assert info.value.messages == [message]
        if field is not None:
            assert info.value.message_dict == {field: [message]}
    assert news_state() == before


def draft(w, name=TIANMA, actor=None):
    return services.draft_create(
        actor=actor or w.promoter, text=REPORT, name=name, title="厦门日报"
    )


def test_it_puts_a_company_in_the_queue_with_its_evidence(w):
    made = draft(w)
    assert made.status == Draft.Status.PENDING
    assert made.district == w.district
    assert made.amount == Decimal("1200000")
    assert made.stage == "签约"
    assert "总投资一百二十亿元" in made.sentence
    assert made.article.text == REPORT
    assert str(made.article.published_on) == "2024-03-06"
    assert made.company is None
    assert [e.kind for e in made.events.all()] == [DraftEvent.Kind.CREATED]


def test_it_matches_the_library_and_the_open_leads(w):
    lead = register(w)
    made = draft(w, name=CATL_NAME)
    assert made.company == lead.company
    assert made.open_leads == [lead.pk]


def test_it_refuses_a_company_already_in_the_queue(w):
    made = draft(w)
    day = timezone.localdate(made.created_at)
    with no_change(f"「{TIANMA}」已在待审的新闻线索中（{day:%Y-%m-%d} 提出），无需重复提交。"):
        draft(w, actor=w.office)


def test_it_refuses_a_name_not_in_the_text_and_a_reader_without_a_district(w):
    with no_change(services.NOT_FOUND):
        draft(w, name="不存在有限公司")
    with no_change(rules.NOT_A_READER, error=PermissionDenied):
        draft(w, actor=w.reviewer)


def test_the_office_accepts_a_draft_into_a_real_lead(w):
    made = draft(w)
    lead = services.draft_accept(
        draft=made, actor=w.office, unit=w.town, title="柔性显示模组项目", investment="1200000"
    )
    made.refresh_from_db()
    assert made.status == Draft.Status.ACCEPTED and made.lead == lead
    assert lead.source == Source.NEWS and lead.unit == w.town
    assert lead.company.name == TIANMA
    assert "据厦门日报" in lead.summary and "一百二十亿元" in lead.summary
    assert [e.kind for e in made.events.all()] == ["created", "accepted"]
    assert lead.events.filter(kind=LeadEvent.Kind.REGISTERED).exists()


def test_accepting_applies_the_lead_rules(w):
    made = draft(w)
    with no_change("总投资不能为空。", field="investment"):
        services.draft_accept(draft=made, actor=w.office, unit=w.town, title="x", investment="")


def test_the_office_merges_a_draft_into_an_open_lead(w):
    lead = register(w)
    made = draft(w, name=CATL_NAME)
    services.draft_merge(draft=made, actor=w.office, lead=lead)
    made.refresh_from_db()
    assert made.status == Draft.Status.MERGED and made.lead == lead
    note = lead.events.get(kind=LeadEvent.Kind.NOTE)
    assert note.reason.startswith("新闻线索：据厦门日报：") and "8亿元" in note.reason


def test_it_refuses_to_merge_into_another_districts_lead(w):
    other = company(w, name="同安示例有限公司", uscc="")
    lead = register(w, comp=other)
    lead.district = w.other_district
    lead.save()
    made = draft(w)
    with no_change("只能并入本区的投资信息。", field="lead"):
        services.draft_merge(draft=made, actor=w.office, lead=lead)


def test_the_office_discards_with_a_reason_and_only_once(w):
    made = draft(w)
    with no_change("请填写舍弃原因。", field="reason"):
        services.draft_discard(draft=made, actor=w.office, reason=" ")
    services.draft_discard(draft=made, actor=w.office, reason="外地项目")
    with no_change("该线索已已舍弃，不能再审核。"):
        services.draft_discard(draft=made, actor=w.office, reason="再舍弃")


@pytest.mark.parametrize("who", ["promoter", "tongan_office", "leader", "reviewer"])
def test_only_the_districts_office_decides(w, who):
    made = draft(w)
    with no_change(rules.NOT_THE_OFFICE, error=PermissionDenied):
        services.draft_discard(draft=made, actor=getattr(w, who), reason="x")


def test_the_queue_is_scoped_like_leads(w):
    mine = draft(w)
    other = draft(w, name=CATL_NAME, actor=w.other_promoter)
    assert list(rules.visible_drafts(w.promoter)) == [mine]
    assert set(rules.visible_drafts(w.office)) == {mine, other}
    assert set(rules.visible_drafts(w.reviewer)) == {mine, other}
    assert not rules.visible_drafts(w.tongan_office).exists()
