"""Leads in 待办 (due, overdue, 撞车, reassignable) and on a company's timeline."""

import datetime as dt

import pytest
from django.utils import timezone

from baton.companies.timeline import timeline
from baton.leads import services
from baton.leads.models import Lead
from baton.testing import add_coordinating
from baton.todo.selectors import todo_items

from .helpers import POINTS, byd, company, register

pytestmark = pytest.mark.django_db


def kinds(user, today=None):
    today = today or timezone.localdate()
    return [
        (entry.kind, entry.url.rstrip("/").rsplit("/", 1)[-1], entry.overdue)
        for entry in todo_items(user, today)
    ]


def lead_items(user, today=None):
    return [k for k in kinds(user, today) if k[0].startswith("lead_")]


def test_the_holders_promoter_gets_respond_assess_feedback(w):
    lead = register(w)
    items = lead_items(w.promoter)
    assert ("lead_respond", lead.code, False) in items
    assert ("lead_assess", lead.code, False) in items
    assert ("lead_feedback", lead.code, False) in items
    assert lead_items(w.other_promoter) == []
    assert lead_items(w.leader) == []
    services.lead_respond(lead=lead, actor=w.promoter)
    services.lead_assess(lead=lead, actor=w.promoter, points=POINTS, conclusion="follow")
    assert [k[0] for k in lead_items(w.promoter)] == ["lead_feedback"]
    services.lead_feedback(lead=lead, actor=w.promoter, text="已向引荐人反馈")
    assert lead_items(w.promoter) == []


def test_overdue_is_flagged(w):
    lead = register(w)
    later = lead.feedback_due + dt.timedelta(days=1)
    items = lead_items(w.promoter, later)
    assert all(overdue for _kind, _code, overdue in items) and len(items) == 3


def test_the_office_gets_collisions_and_reassignable_leads(w):
    comp = company(w)
    first = register(w, comp=comp)
    second = register(w, actor=w.other_promoter, comp=comp, title="储能电池项目")
    assert ("lead_conflict", second.code, False) in lead_items(w.office)
    assert not [k for k in lead_items(w.office) if k[0] == "lead_reassign"]
    assert not [k for k in lead_items(w.other_promoter) if k[1] == second.code]
    Lead.objects.filter(pk=first.pk).update(last_progress_at=timezone.now() - dt.timedelta(days=31))
    assert ("lead_reassign", first.code, False) in lead_items(w.office)
    assert lead_items(w.tongan_office) == []


def test_a_coordinating_department_gets_no_lead_items(w):
    add_coordinating(w)
    register(w)
    assert lead_items(w.coordinator) == []


def test_a_companys_timeline_lists_the_leads_the_user_may_see(w):
    comp = company(w)
    lead = register(w, comp=comp)
    other = register(w, actor=w.other_promoter, comp=byd(w), title="刀片电池项目")
    entries = [e for e in timeline(w.promoter, comp) if e.kind == "投资信息"]
    assert len(entries) == 1 and lead.code in entries[0].detail
    assert "马巷街道首报" in entries[0].title and entries[0].url.endswith(f"/{lead.code}/")
    assert not [e for e in timeline(w.promoter, other.company) if e.kind == "投资信息"]
    assert [e for e in timeline(w.office, other.company) if e.kind == "投资信息"]
    add_coordinating(w)
    assert not [e for e in timeline(w.coordinator, comp) if e.kind == "投资信息"]
