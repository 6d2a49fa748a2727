"""Review and publication: who may (the issuing district's office, the city office for a
市 policy, superusers and the command line), what is refused, and the events written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from baton.accounts.models import User
from baton.policies import services
from baton.policies.models import Policy, PolicyEvent
from baton.policies.services import policy_load
from baton.projects.tests.helpers_views import login
from baton.testing import make_user

from .helpers import make_policy, state

pytestmark = pytest.mark.django_db
REASON = (
    "该条款用于引进研发总部，促进科学技术进步，没有对公平竞争影响更小的替代方案，实施期限为三年。"
)


def draft(level="区", region="350213", number="翔测〔2025〕7号"):
    data = make_policy(number=number, level=level, region=region, effective_on="2025-03-01")
    data["draft"] = True
    data["clauses"] = [
        {
            "number": "第五条",
            "title": "税收贡献奖励",
            "amount": "annual_tax * 30%",
            "cap_year_wan": "200",
            "time_limit": {"days": 180, "from": "in_production"},
        },
        {
            "number": "第六条",
            "title": "固定资产投资奖励",
            "condition": "fixed_investment >= 5000",
            "amount": "fixed_investment * 3‰",
        },
    ]
    policy_load(items=[data])
    return Policy.objects.get(number=number)


def review_url(policy):
    clause = policy.clauses.get(number="第五条")
    return reverse("policies:review", args=[policy.pk, clause.pk])


def publish_url(policy):
    return reverse("policies:publish", args=[policy.pk])


def test_publishing_is_refused_with_the_flags_then_allowed_after_the_review(client, w):
    policy = draft()
    login(client, w.office)
    refused = client.post(publish_url(policy), {"confirm": "on"})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "翔测〔2025〕7号 › 第五条：奖励金额按纳税额计算" in html
    assert Policy.objects.get().is_draft and not PolicyEvent.objects.filter(kind="published")

    answered = client.post(review_url(policy), {"exception": "innovation", "reason": REASON})
    assert answered.status_code == 302
    clause = policy.clauses.get(number="第五条")
    assert (
        clause.fair_review.startswith("第十二条第（二）项：为促进科学技术进步")
        and REASON in clause.fair_review
    )
    event = PolicyEvent.objects.get(kind="reviewed")
    assert (
        event.actor == w.office
        and event.new["clause"] == "第五条"
        and event.old["fair_review"] == ""
    )

    done = client.post(publish_url(policy), {"confirm": "on"})
    assert done.status_code == 302
    policy.refresh_from_db()
    assert not policy.is_draft and policy.published_at is not None
    assert PolicyEvent.objects.get(kind="published").actor == w.office
    # once published, publishing again is refused, nothing written
    again = client.post(publish_url(policy), {"confirm": "on"})
    assert again.status_code == 422 and PolicyEvent.objects.filter(kind="published").count() == 1


def test_publishing_needs_the_box_ticked(client, w):
    policy = draft()
    policy.clauses.filter(number="第五条").update(fair_review=REASON)
    assert login(client, w.office).post(publish_url(policy), {}).status_code == 422
    assert Policy.objects.get().is_draft


@pytest.mark.parametrize("reason", ["", "同意。", "ok" * 100])
def test_a_review_without_a_real_sentence_is_refused(client, w, reason):
    policy = draft()
    before = state()
    response = login(client, w.office).post(
        review_url(policy), {"exception": "innovation", "reason": reason}
    )
    assert response.status_code == 422 and state() == before


def test_a_clause_without_flags_needs_no_review(client, w):
    policy = draft()
    clause = policy.clauses.get(number="第六条")
    url = reverse("policies:review", args=[policy.pk, clause.pk])
    response = login(client, w.office).post(url, {"exception": "none", "reason": REASON})
    assert response.status_code == 422 and "无需审查结论" in response.content.decode()


@pytest.mark.parametrize("persona", ["tongan_office", "promoter", "leader", "reviewer"])
def test_others_may_not_review_or_publish_a_district_policy(client, w, persona):
    policy = draft()
    policy.clauses.filter(number="第五条").update(fair_review="")
    before = state()
    login(client, getattr(w, persona))
    assert client.get(review_url(policy)).status_code == 403
    assert (
        client.post(review_url(policy), {"exception": "innovation", "reason": REASON}).status_code
        == 403
    )
    assert client.post(publish_url(policy), {"confirm": "on"}).status_code == 403
    assert state() == before


def test_the_city_office_manages_a_city_policy_and_a_district_office_does_not(client, w):
    policy = draft(level="市", region="3502", number="厦测〔2025〕9号")
    login(client, w.office)
    assert (
        client.post(review_url(policy), {"exception": "innovation", "reason": REASON}).status_code
        == 403
    )
    login(client, w.reviewer)
    assert (
        client.post(review_url(policy), {"exception": "innovation", "reason": REASON}).status_code
        == 302
    )
    assert client.post(publish_url(policy), {"confirm": "on"}).status_code == 302
    assert not Policy.objects.get().is_draft


def test_a_province_policy_is_the_superusers_and_the_command_lines(w):
    policy = draft(level="省", region="35", number="闽测〔2025〕1号")
    with pytest.raises(PermissionDenied):
        services.policy_publish(policy=policy, actor=w.reviewer)
    clause = policy.clauses.get(number="第五条")
    root = make_user(User.Role.DISTRICT_OFFICE, username="root", district=w.other_district)
    root.is_superuser = True
    root.save()
    services.clause_review(clause=clause, conclusion=REASON, actor=root)
    with pytest.raises(ValidationError):  # 第六条 has no flag: nothing to conclude
        services.clause_review(
            clause=policy.clauses.get(number="第六条"), conclusion=REASON, actor=None
        )
    services.policy_publish(policy=policy, actor=None)
    assert [e.kind for e in PolicyEvent.objects.order_by("id")] == [
        "created",
        "reviewed",
        "published",
    ]


def test_the_pages_show_drafts_flags_limits_and_the_timeline(client, w):
    policy = draft()
    login(client, w.promoter)
    html = client.get(reverse("policies:list")).content.decode()
    assert "草案" in html and "奖励金额按纳税额计算" in html and "尚无审查结论" in html
    assert "每年最高 200 万元" in html and "投产起 180 天内申报" in html
    assert "文号待核" not in html
    detail = client.get(reverse("policies:policy", args=[policy.pk])).content.decode()
    assert "变更记录" in detail and "导入 2 个条款版本（草案）" in detail and "命令行" in detail
    assert "记录审查结论" not in detail  # a promoter sees no action
    login(client, w.office)
    detail = client.get(reverse("policies:policy", args=[policy.pk])).content.decode()
    assert "记录审查结论" in detail and publish_url(policy) in detail


def test_the_list_filters_and_marks_pending_numbers(client, w):
    draft()
    policy_load(items=[make_policy(number="待核-测试办法")])
    login(client, w.promoter)
    url = reverse("policies:list")
    drafts = client.get(url, {"state": "draft"}).content.decode()
    assert "翔测〔2025〕7号" in drafts and "待核-测试办法" not in drafts
    published = client.get(url, {"state": "published"}).content.decode()
    assert "文号待核" in published and "翔测〔2025〕7号" not in published
    assert "翔测〔2025〕7号" in client.get(url, {"review": "open"}).content.decode()
    assert "翔测〔2025〕7号" not in client.get(url, {"region": "3501"}).content.decode()
    assert (
        "翔测〔2025〕7号"
        in client.get(url, {"region": "3502", "level": "district"}).content.decode()
    )
    empty = client.get(url, {"kind": "special"})
    assert empty.status_code == 200 and "没有符合条件的政策" in empty.content.decode()
    bad = client.get(url, {"region": "abc", "state": "x"})
    assert bad.status_code == 200 and "地区代码应为" in bad.content.decode()


def test_the_detail_page_is_404_for_no_policy_and_the_actions_reject_put(client, w):
    login(client, w.office)
    assert client.get(reverse("policies:policy", args=[999])).status_code == 404
    policy = draft()
    assert client.put(publish_url(policy)).status_code == 405
    assert client.post(reverse("policies:policy", args=[policy.pk])).status_code == 405


def test_the_timeline_says_who_changed_what(client, w):
    policy = draft()
    data = make_policy(
        number="翔测〔2025〕7号", level="区", region="350213", effective_on="2025-03-01"
    )
    data.update(draft=True, delivery_days=30)
    data["clauses"] = [
        {"number": "第五条", "amount": "annual_tax * 30%", "fair_review": REASON},
        {"number": "第七条", "amount": "50"},
    ]
    policy_load(items=[data], actor=w.office)
    services.policy_publish(policy=policy, actor=w.office)
    html = login(client, w.promoter).get(reverse("policies:policy", args=[policy.pk]))
    text = html.content.decode()
    assert "兑现时限：60 → 30" in text and "修改条款 第五条（2025-03-01 起）" in text
    assert "新增条款 第七条（2025-03-01 起）" in text and "删除条款 第六条（2025-03-01 起）" in text
    assert "草案发布，测算和兑现开始使用" in text and str(w.office) in text
