"""Leads: registration, 首报首谈 and 撞车, deadlines, thresholds, the work and conversion."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from baton.leads import services
from baton.leads.models import Lead, LeadEvent, LeadSettings, Status
from baton.projects.models import ProjectEvent
from baton.testing import add_coordinating, admit, make_project, stage

from .helpers import POINTS, byd, company, register

pytestmark = pytest.mark.django_db


def test_register_writes_the_lead_and_its_event(w):
    lead = register(w)
    assert lead.code.startswith("XS350213-") and lead.unit == w.town == lead.first_unit
    assert lead.status == Status.REGISTERED and not lead.is_reserve
    event = LeadEvent.objects.get(lead=lead)
    assert event.kind == "registered" and event.new["investment"] == "200000.0000"
    assert event.new["unit"] == w.town.pk and event.new["status"] == "registered"


def test_deadlines_skip_the_national_day_and_count_the_make_up_saturday(w):
    at = timezone.make_aware(dt.datetime(2026, 9, 30, 10), timezone.get_default_timezone())
    lead = register(w, at=at)
    assert lead.respond_due == dt.date(2026, 10, 8)  # 1–7 October are off
    assert lead.assess_due == dt.date(2026, 10, 13)  # ≥ 5亿元: 8, 9, Sat 10, 12, 13
    small = register(w, comp=byd(w), investment="20000", fixed_investment="", at=at)
    assert small.assess_due == dt.date(2026, 10, 10)  # 3 working days: 8, 9, Saturday 10


def test_a_project_already_negotiating_cannot_come_back_as_a_lead(w):
    comp = company(w)
    project = make_project(w, name="宁德时代动力电池生产基地项目", investor=comp.name)
    admit(w, project)
    from baton.projects import services as projects

    projects.project_move(project=project, actor=w.promoter, stage=stage("intent"))
    projects.project_move(project=project, actor=w.promoter, stage=stage("negotiating"))
    with pytest.raises(ValidationError, match="在谈和已签约"):
        register(w, comp=comp)
    assert not Lead.objects.exists()


def test_a_second_unit_collides_and_the_office_arbitrates(w):
    comp = company(w)
    first = register(w, comp=comp)
    second = register(w, actor=w.other_promoter, comp=comp, title="储能电池项目")
    assert second.status == Status.CONFLICT and second.conflict_with == first
    with pytest.raises(ValidationError, match="撞车"):
        services.lead_respond(lead=second, actor=w.other_promoter)
    with pytest.raises(PermissionDenied):
        services.lead_arbitrate(lead=second, actor=w.promoter, decision="merge", reason="x")
    services.lead_arbitrate(
        lead=second, actor=w.office, decision="assign", reason="新店街道对接更深"
    )
    first.refresh_from_db(), second.refresh_from_db()
    assert second.status == Status.REGISTERED and first.status == Status.MERGED
    assert first.merged_into == second
    kinds = list(LeadEvent.objects.filter(lead=second).values_list("kind", flat=True))
    assert kinds == ["registered", "conflict", "arbitrated", "updated", "merged"]


def test_merge_keeps_the_earlier_unit_and_fills_what_it_lacks(w):
    comp = company(w)
    first = register(w, comp=comp, products="")
    second = register(w, actor=w.other_promoter, comp=comp, products="储能电芯")
    services.lead_arbitrate(lead=second, actor=w.office, decision="merge", reason="同一项目")
    first.refresh_from_db(), second.refresh_from_db()
    assert second.status == Status.MERGED and first.products == "储能电芯"
    assert first.unit == w.town


def test_the_same_unit_twice_needs_confirmation(w):
    comp = company(w)
    register(w, comp=comp)
    with pytest.raises(services.DuplicateLead):
        register(w, comp=comp, title="二期项目")
    assert register(w, comp=comp, title="二期项目", confirmed=True).status == Status.REGISTERED


def test_fuzzy_name_same_division_and_amount_collides_but_not_across_credit_codes(w):
    first = register(w, comp=company(w, name="宁德时代新能源科技股份有限公司", uscc=""))
    alike = company(w, name="宁德时代新能源科技有限公司", uscc="", confirmed=True)
    second = register(w, actor=w.other_promoter, comp=alike, investment="180000")
    assert second.conflict_with == first
    third = register(w, actor=w.other_promoter, comp=byd(w))
    assert third.status == Status.REGISTERED


def test_under_the_threshold_or_excluded_is_kept_as_reserve(w):
    low = register(w, investment="8000", fixed_investment="5000")
    assert low.is_reserve and "10000" in low.reserve_reason
    fixed = register(w, comp=byd(w), investment="12000", fixed_investment="5000")
    assert fixed.is_reserve and "固定资产投资" in fixed.reserve_reason
    LeadSettings.objects.create(district=w.district)
    expansion = register(
        w, actor=w.other_promoter, comp=company(w, name="厦门钨业", uscc=""), kind="expansion"
    )
    assert expansion.is_reserve and "技改扩建" in expansion.reserve_reason
    services.lead_update(
        lead=low, actor=w.promoter, changes={"investment": "20000", "fixed_investment": "8000"}
    )
    low.refresh_from_db()
    assert not low.is_reserve


def test_respond_assess_convert_and_the_project_remembers(w):
    lead = register(w)
    services.lead_respond(lead=lead, actor=w.promoter, follower="张三")
    with pytest.raises(ValidationError):
        services.lead_convert(lead=lead, actor=w.promoter)
    with pytest.raises(ValidationError) as bad:
        services.lead_assess(lead=lead, actor=w.promoter, points={}, conclusion="follow")
    assert "direction" in bad.value.message_dict
    services.lead_assess(lead=lead, actor=w.promoter, points=POINTS, conclusion="follow")
    project = services.lead_convert(lead=lead, actor=w.promoter)
    lead.refresh_from_db()
    assert lead.status == Status.CONVERTED and project.lead == lead
    assert project.stage.code == "planning" and project.info_unit == w.town
    assert project.investment == Decimal("200000") and project.investor_uscc == lead.company.uscc
    assert ProjectEvent.objects.filter(
        project=project, kind="note", reason__contains=lead.code
    ).exists()
    with pytest.raises(ValidationError):
        services.lead_note(lead=lead, actor=w.promoter, text="再跟进")
    services.lead_feedback(lead=lead, actor=w.promoter, text="已告知引荐人项目已转化")


def test_drop_needs_a_reason_and_rejects(w):
    lead = register(w)
    with pytest.raises(ValidationError):
        services.lead_assess(lead=lead, actor=w.promoter, points=POINTS, conclusion="drop")
    services.lead_assess(
        lead=lead, actor=w.promoter, points=POINTS, conclusion="drop", note="能耗过高"
    )
    lead.refresh_from_db()
    assert lead.status == Status.REJECTED and lead.assessed_at


def test_reassign_only_after_a_month_without_progress(w):
    lead = register(w)
    with pytest.raises(ValidationError, match="满 30 天"):
        services.lead_reassign(lead=lead, actor=w.office, unit=w.other_town, reason="无进展")
    Lead.objects.filter(pk=lead.pk).update(last_progress_at=timezone.now() - dt.timedelta(days=31))
    with pytest.raises(PermissionDenied):
        services.lead_reassign(lead=lead, actor=w.promoter, unit=w.other_town, reason="无进展")
    services.lead_reassign(lead=lead, actor=w.office, unit=w.other_town, reason="一个月无进展")
    lead.refresh_from_db()
    assert lead.unit == w.other_town and lead.first_unit == w.town
    event = lead.events.get(kind="reassigned")
    assert event.old["unit"] == w.town.pk and event.reason == "一个月无进展"


def test_who_may_not_register(w):
    add_coordinating(w)
    comp = company(w)
    for user in (w.leader, w.reviewer, w.coordinator, w.tongan_office, w.sys_admin):
        with pytest.raises(PermissionDenied):
            register(w, actor=user, comp=comp)
    with pytest.raises(PermissionDenied):
        register(w, comp=comp, unit=w.other_town)
    with pytest.raises(ValidationError):
        services.lead_register(
            actor=w.office,
            company=comp,
            unit=w.coord_unit,
            title="x",
            source="other",
            investment="1",
        )
    assert not Lead.objects.exists()


def test_bad_values_are_refused_by_field_and_nothing_written(w):
    comp = company(w)
    with pytest.raises(ValidationError) as bad:
        register(
            w,
            comp=comp,
            title=" ",
            source="nope",
            investment="-1",
            industry_code="Z99",
            land_mu="abc",
        )
    assert set(bad.value.message_dict) >= {
        "title",
        "source",
        "investment",
        "industry_code",
        "land_mu",
    }
    with pytest.raises(ValidationError, match="固定资产投资不能大于总投资"):
        register(w, comp=comp, investment="100", fixed_investment="200")
    assert not Lead.objects.exists()


def test_feedback_is_due_five_working_days_after_the_assessment(w):
    at = timezone.make_aware(dt.datetime(2026, 9, 30, 10), timezone.get_default_timezone())
    lead = register(w, comp=byd(w), investment="20000", fixed_investment="8000", at=at)
    assert lead.feedback_due == dt.date(2026, 10, 16)  # 5 working days after 10 October
    services.lead_assess(lead=lead, actor=w.promoter, points=POINTS, conclusion="follow")
    lead.refresh_from_db()
    today = timezone.localdate()
    assert lead.feedback_due > today and lead.events.last().new["feedback_due"]


def test_big_data_needs_only_fixed_investment(w):
    lead = register(w, industry_code="I6550", investment="4000", fixed_investment="3000")
    assert not lead.is_reserve


def test_a_ruling_for_the_later_unit_restarts_its_deadlines(w):
    tz = timezone.get_default_timezone()
    comp = company(w)
    first = register(w, comp=comp, at=timezone.make_aware(dt.datetime(2026, 9, 1, 9), tz))
    second = register(
        w, actor=w.other_promoter, comp=comp, at=timezone.make_aware(dt.datetime(2026, 9, 2, 9), tz)
    )
    assert second.respond_due == dt.date(2026, 9, 3)
    ruled = timezone.make_aware(dt.datetime(2026, 9, 28, 15), tz)  # a Monday
    services.lead_arbitrate(
        lead=second, actor=w.office, decision="assign", reason="对接更深", at=ruled
    )
    second.refresh_from_db(), first.refresh_from_db()
    # 5 working days (≥ 5亿元): 29, 30 September, then 8, 9 and Saturday 10 October
    assert (second.respond_due, second.assess_due) == (dt.date(2026, 9, 29), dt.date(2026, 10, 10))
    event = second.events.get(kind="updated")
    assert event.old["respond_due"] == "2026-09-03" and event.new["respond_due"] == "2026-09-29"


def test_a_change_cannot_be_dated_before_the_last_event_or_in_the_future(w):
    tz = timezone.get_default_timezone()
    lead = register(w, at=timezone.make_aware(dt.datetime(2026, 9, 1, 9), tz))
    with pytest.raises(ValidationError, match="上一条动态"):
        services.lead_respond(
            lead=lead, actor=w.promoter, at=timezone.make_aware(dt.datetime(2026, 8, 31, 9), tz)
        )
    with pytest.raises(ValidationError, match="晚于当前时间"):
        services.lead_respond(lead=lead, actor=w.promoter, at=timezone.now() + dt.timedelta(days=2))
    assert not lead.events.filter(kind="responded").exists()
