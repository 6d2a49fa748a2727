"""The leads' pages through the test client: scope, who sees which buttons, refusals
that write nothing, registering with a new company, 撞车 and arbitration, settings."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from baton.companies.models import Company
from baton.leads import services
from baton.leads.models import Lead, LeadEvent, LeadSettings, Status
from baton.testing import add_coordinating

from .helpers import POINTS, byd, company, register

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "储能电池项目",
    "source": "referrer",
    "investment": "80000",
    "fixed_investment": "50000",
    "industry_code": "C3841",
    "kind": "new",
}


def signed(client, user):
    client.force_login(user)
    return client


def test_list_shows_the_units_leads_only(client, w):
    mine = register(w)
    theirs = register(w, actor=w.other_promoter, comp=byd(w), title="刀片电池项目")
    page = signed(client, w.promoter).get(reverse("leads:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert mine.code in text and theirs.code not in text
    assert "待响应" in text


def test_list_filters_and_the_office_sees_all(client, w):
    register(w)
    register(w, actor=w.other_promoter, comp=byd(w), title="刀片电池项目", source="news")
    c = signed(client, w.office)
    assert c.get(reverse("leads:list")).content.decode().count("XS350213-") >= 2
    text = c.get(reverse("leads:list"), {"source": "news"}).content.decode()
    assert "刀片电池项目" in text and "动力电池生产基地" not in text
    text = c.get(reverse("leads:list"), {"q": "宁德"}).content.decode()
    assert "动力电池生产基地" in text and "刀片电池项目" not in text
    bad = c.get(reverse("leads:list"), {"status": "nonsense"})
    assert "筛选条件有误" in bad.content.decode()


def test_another_units_promoter_gets_404(client, w):
    lead = register(w)
    c = signed(client, w.other_promoter)
    assert c.get(reverse("leads:detail", args=[lead.code])).status_code == 404
    response = c.post(reverse("leads:note", args=[lead.code]), {"text": "x"})
    assert response.status_code == 404
    assert LeadEvent.objects.filter(lead=lead).count() == 1


def test_the_first_unit_still_sees_a_reassigned_lead(client, w):
    lead = register(w)
    Lead.objects.filter(pk=lead.pk).update(last_progress_at=timezone.now() - dt.timedelta(days=40))
    services.lead_reassign(lead=lead, actor=w.office, unit=w.other_town, reason="长期无进展")
    page = signed(client, w.promoter).get(reverse("leads:detail", args=[lead.code]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "改派" in text and "马巷街道 → 新店街道" in text.replace("跟进单位：", "")
    assert reverse("leads:note", args=[lead.code]) not in text  # no longer the holder's


def test_a_leader_reads_without_buttons(client, w):
    lead = register(w)
    page = signed(client, w.leader).get(reverse("leads:detail", args=[lead.code]))
    assert page.status_code == 200
    text = page.content.decode()
    for name in ("respond", "note", "assess", "feedback", "reject", "edit", "convert"):
        assert reverse(f"leads:{name}", args=[lead.code]) not in text
    response = signed(client, w.leader).post(
        reverse("leads:respond", args=[lead.code]), {"follower": "x"}
    )
    assert response.status_code == 403
    assert Lead.objects.get(pk=lead.pk).responded_at is None


def test_a_coordinating_department_gets_nothing(client, w):
    add_coordinating(w)
    lead = register(w)
    c = signed(client, w.coordinator)
    assert c.get(reverse("leads:detail", args=[lead.code])).status_code in (403, 404)
    assert lead.code not in c.get(reverse("leads:list")).content.decode()
    assert c.get(reverse("leads:new")).status_code == 403


def test_respond_assess_convert_through_the_dialogs(client, w):
    lead = register(w)
    c = signed(client, w.promoter)
    url = reverse("leads:respond", args=[lead.code])
    assert c.get(url, headers={"HX-Request": "true"}).status_code == 200
    response = c.post(url, {"follower": "张三", "note": "已联系"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="lead-page"' in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == Status.FOLLOWING and lead.follower == "张三"
    bad = c.post(reverse("leads:assess", args=[lead.code]), {"conclusion": "follow"})
    assert bad.status_code == 422 and "请填写产业方向研判意见" in bad.content.decode()
    assert Lead.objects.get(pk=lead.pk).assessed_at is None
    c.post(reverse("leads:assess", args=[lead.code]), {**POINTS, "conclusion": "follow"})
    lead.refresh_from_db()
    assert lead.status == Status.ASSESSED
    detail = c.get(reverse("leads:detail", args=[lead.code])).content.decode()
    assert "储能需求旺盛" in detail and "转化为项目" in detail
    response = c.post(reverse("leads:convert", args=[lead.code]), {"stage": "intent"})
    lead.refresh_from_db()
    assert lead.status == Status.CONVERTED
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", kwargs={"code": lead.project.code})
    project_page = c.get(response["Location"]).content.decode()
    assert "来源投资信息" in project_page and lead.code in project_page


def test_bad_posts_write_nothing(client, w):
    lead = register(w)
    c = signed(client, w.promoter)
    before = LeadEvent.objects.count()
    assert c.post(reverse("leads:note", args=[lead.code]), {"text": " "}).status_code == 422
    assert c.post(reverse("leads:reject", args=[lead.code]), {}).status_code == 422
    response = c.post(reverse("leads:convert", args=[lead.code]), {"stage": "planning"})
    assert response.status_code == 403  # not assessed
    response = c.post(reverse("leads:arbitrate", args=[lead.code]), {"decision": "merge"})
    assert response.status_code == 403
    response = c.post(reverse("leads:reassign", args=[lead.code]), {"reason": "x"})
    assert response.status_code == 403
    office = signed(client, w.office)
    response = office.post(
        reverse("leads:reassign", args=[lead.code]), {"unit": w.other_town.pk, "reason": "x"}
    )
    assert response.status_code == 403 and "满 30 天无进展方可改派" in response.content.decode()
    assert LeadEvent.objects.count() == before
    assert Lead.objects.get(pk=lead.pk).unit == w.town


def test_register_with_a_new_company(client, w):
    c = signed(client, w.promoter)
    assert c.get(reverse("leads:new")).status_code == 200
    data = {**FIELDS, "new_name": "厦门海辰储能科技股份有限公司", "new_uscc": ""}
    response = c.post(reverse("leads:new"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    lead = Lead.objects.get()
    assert lead.company.name == "厦门海辰储能科技股份有限公司" and lead.unit == w.town


def test_register_refusals_write_nothing(client, w):
    c = signed(client, w.promoter)
    response = c.post(reverse("leads:new"), {**FIELDS, "investment": "abc", "new_name": "某某公司"})
    assert response.status_code == 422
    assert not Company.objects.filter(name="某某公司").exists() and not Lead.objects.exists()
    response = c.post(reverse("leads:new"), {**FIELDS})
    assert response.status_code == 422 and "请从客商库中选择企业" in response.content.decode()
    comp = company(w)
    response = c.post(reverse("leads:new"), {**FIELDS, "company": comp.pk, "unit": w.other_town.pk})
    assert response.status_code == 302  # a promoter's own unit, whatever is posted
    assert Lead.objects.get().unit == w.town
    again = c.post(reverse("leads:new"), {**FIELDS, "company": comp.pk})
    assert again.status_code == 422 and "本单位已登记过该企业" in again.content.decode()
    assert Lead.objects.count() == 1
    confirmed = c.post(reverse("leads:new"), {**FIELDS, "company": comp.pk, "confirmed": "on"})
    assert confirmed.status_code == 302 and Lead.objects.count() == 2


def test_company_search_lists_the_library(client, w):
    company(w)
    c = signed(client, w.promoter)
    text = c.get(reverse("leads:company_search"), {"company_q": "宁德"}).content.decode()
    assert "宁德时代新能源科技股份有限公司" in text and 'name="company"' in text


def test_a_collision_is_shown_and_arbitrated_by_the_office(client, w):
    comp = company(w)
    first = register(w, comp=comp)
    c = signed(client, w.other_promoter)
    response = c.post(reverse("leads:new"), {**FIELDS, "company": comp.pk})
    assert response.status_code == 302
    second = Lead.objects.exclude(pk=first.pk).get()
    assert second.status == Status.CONFLICT
    page = c.get(reverse("leads:detail", args=[second.code])).content.decode()
    assert "撞车待裁决" in page and first.code in page and "裁决后办理" in page
    assert reverse("leads:arbitrate", args=[second.code]) not in page
    office = signed(client, w.office)
    page = office.get(reverse("leads:detail", args=[second.code])).content.decode()
    assert reverse("leads:arbitrate", args=[second.code]) in page
    bad = office.post(reverse("leads:arbitrate", args=[second.code]), {"decision": "merge"})
    assert bad.status_code == 422 and Lead.objects.get(pk=second.pk).status == Status.CONFLICT
    office.post(
        reverse("leads:arbitrate", args=[second.code]), {"decision": "merge", "reason": "同一项目"}
    )
    assert Lead.objects.get(pk=second.pk).status == Status.MERGED


def test_provisional_deadlines_are_said(client, w):
    at = timezone.make_aware(dt.datetime(2026, 9, 30, 10), timezone.get_default_timezone())
    lead = register(w, at=at)
    text = signed(client, w.promoter).get(reverse("leads:detail", args=[lead.code]))
    assert "2026-10-08" in text.content.decode()
    assert "时限暂按周一至周五计算" not in text.content.decode()
    Lead.objects.filter(pk=lead.pk).update(feedback_due=dt.date(2099, 1, 5))
    text = signed(client, w.promoter).get(reverse("leads:detail", args=[lead.code]))
    assert "该年度法定节假日安排尚未发布，时限暂按周一至周五计算" in text.content.decode()


def test_settings_edit_and_refusals(client, w):
    url = reverse("leads:settings")
    assert signed(client, w.promoter).get(url).status_code == 403
    c = signed(client, w.office)
    page = c.get(url)
    assert page.status_code == 200 and "制造业" in page.content.decode()
    data = {
        "hold_days": 60,
        "respond_days": 2,
        "assess_days": 3,
        "major_assess_days": 5,
        "major_wan": "30000",
        "feedback_days": 5,
        "idle_days": 30,
        "th-count": 2,
        "th-0-label": "制造业",
        "th-0-industry": "C",
        "th-0-investment_min": "20000",
        "th-0-fixed_min": "abc",
        "ex-count": 1,
        "ex-0-label": "住宅房地产",
        "ex-0-industry": "K7010",
    }
    bad = c.post(url, data)
    assert bad.status_code == 422 and "不是有效的万元金额" in bad.content.decode()
    assert not LeadSettings.objects.exists()
    data["th-0-fixed_min"] = "12000"
    data["ex-0-industry"] = "Z99"
    bad = c.post(url, data)
    assert bad.status_code == 422 and not LeadSettings.objects.exists()
    data["ex-0-industry"] = "K7010"
    assert c.post(url, data).status_code == 302
    rules = LeadSettings.objects.get(district=w.district)
    assert rules.hold_days == 60 and rules.thresholds[0]["fixed_min"] == "12000"
    assert rules.exclusions == [{"label": "住宅房地产", "industry": ["K7010"], "kinds": []}]


def test_the_office_reassigns_an_idle_lead(client, w):
    lead = register(w)
    office = signed(client, w.office)
    page = office.get(reverse("leads:detail", args=[lead.code])).content.decode()
    assert "满 30 天无进展，区招商办方可改派" in page
    assert reverse("leads:reassign", args=[lead.code]) not in page
    Lead.objects.filter(pk=lead.pk).update(last_progress_at=timezone.now() - dt.timedelta(days=31))
    page = office.get(reverse("leads:detail", args=[lead.code])).content.decode()
    assert reverse("leads:reassign", args=[lead.code]) in page
    url = reverse("leads:reassign", args=[lead.code])
    bad = office.post(url, {"unit": w.other_town.pk})
    assert bad.status_code == 422 and Lead.objects.get(pk=lead.pk).unit == w.town
    office.post(url, {"unit": w.other_town.pk, "reason": "原单位一个月无进展"})
    assert Lead.objects.get(pk=lead.pk).unit == w.other_town


def test_edit_note_feedback_reject(client, w):
    lead = register(w)
    c = signed(client, w.promoter)
    url = reverse("leads:edit", args=[lead.code])
    assert c.get(url).status_code == 200
    data = {**FIELDS, "title": "动力电池生产基地", "investment": "210000", "version": lead.version}
    stale = c.post(url, {**data, "version": lead.version + 5})
    assert stale.status_code == 422 and "已被他人修改" in stale.content.decode()
    assert c.post(url, data).status_code == 302
    lead.refresh_from_db()
    assert lead.investment == 210000 and lead.title == "动力电池生产基地"
    c.post(reverse("leads:note", args=[lead.code]), {"text": "实地考察"})
    c.post(reverse("leads:feedback", args=[lead.code]), {"text": "已告知引荐人"})
    c.post(reverse("leads:reject", args=[lead.code]), {"text": "投资方放弃"})
    lead.refresh_from_db()
    assert lead.status == Status.REJECTED and lead.feedback_at is not None
    page = c.get(reverse("leads:detail", args=[lead.code])).content.decode()
    assert "实地考察" in page and "投资方放弃" in page
    assert "总投资（万元）：200,000 → 210,000" in page


def test_the_list_sorts_by_a_columns_header(client, w):
    small = register(w, investment="20000", fixed_investment="")
    big = register(w, comp=byd(w), investment="900000", fixed_investment="")
    c = signed(client, w.office)
    text = c.get(reverse("leads:list"), {"sort": "-investment"}).content.decode()
    assert text.index(big.code) < text.index(small.code)
    assert 'aria-sort="descending"' in text and "sort=investment" in text
    text = c.get(reverse("leads:list"), {"sort": "investment"}).content.decode()
    assert text.index(small.code) < text.index(big.code)


def test_settings_survive_a_hand_made_form(client, w):
    c = signed(client, w.office)
    response = c.post(
        reverse("leads:settings"), {"th-count": "x", "ex-count": "-3", "hold_days": "abc"}
    )
    assert response.status_code == 422 and not LeadSettings.objects.exists()


def test_the_export_downloads_the_visible_leads_and_is_audited(client, w):
    import io

    from openpyxl import load_workbook

    from baton.audit.models import AuditRecord

    register(w)
    register(w, actor=w.other_promoter, comp=byd(w))
    response = signed(client, w.promoter).get(reverse("leads:export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet.max_row == 2  # the header and the unit's own lead
    assert AuditRecord.objects.filter(object_type="leads").exists()
    bad = signed(client, w.office).get(reverse("leads:export"), {"as_of": "2999-01-01"})
    assert bad.status_code == 403


def test_the_export_takes_the_lists_filters(client, w):
    import io

    from openpyxl import load_workbook

    mine = register(w)
    register(w, actor=w.other_promoter, comp=byd(w))
    c = signed(client, w.office)
    name = mine.company.name
    listed = c.get(reverse("leads:list"), {"q": name, "page": "1"}).content.decode()
    assert f'href="{reverse("leads:export")}?q=' in listed and "导出筛选结果" in listed

    response = c.get(reverse("leads:export"), {"q": name})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [mine.code]
    everything = c.get(reverse("leads:export"))
    assert (
        load_workbook(io.BytesIO(b"".join(everything.streaming_content))).worksheets[0].max_row == 3
    )
    bad = c.get(reverse("leads:export"), {"status": "nonsense"})
    assert bad.status_code == 403 and "选择" in bad.content.decode()
