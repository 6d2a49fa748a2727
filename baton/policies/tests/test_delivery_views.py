"""政策兑现's pages: the list (scope, filters, pages, empty state), receiving for a project,
an application's page (formula, instalments, deadline, timeline), a step through its
dialog, the office's run, and the card on the project page."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from baton.policies import services_delivery as delivery
from baton.policies.models import Application
from baton.policies.views_delivery import PER_PAGE
from baton.projects.models import Milestone
from baton.projects.tests.helpers_views import login

from .helpers_delivery import approved, clause, load_policy, project, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(w):
    load_policy()
    w.project = project(w, started=None)
    return w


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_list_is_empty_then_scoped_and_filtered(client, world):
    w = world
    login(client, w.office)
    page = text(client.get(reverse("policies:applications")))
    assert "还没有政策兑现" in page and "免申即享与到期检查" in page
    mine = receive(w, w.project)
    other = receive(w, project(w, started=None, unit=w.other_town))
    delivery.reject(w.office, other, reason="不符合")
    page = text(client.get(reverse("policies:applications")))
    assert mine.code in page and other.code in page
    page = text(client.get(reverse("policies:applications"), {"status": "rejected"}))
    assert other.code in page and mine.code not in page
    page = text(client.get(reverse("policies:applications"), {"overdue": "on"}))
    assert "没有符合筛选条件的政策兑现" in page
    bad = client.get(reverse("policies:applications"), {"status": "nope"})
    assert "筛选条件有误" in text(bad)
    login(client, w.promoter)  # 马巷 sees its own projects' applications only
    page = text(client.get(reverse("policies:applications")))
    assert mine.code in page and other.code not in page and "免申即享与到期检查" not in page
    login(client, w.tongan_office)
    assert mine.code not in text(client.get(reverse("policies:applications")))


def test_the_list_pages(client, world):
    w = world
    for _ in range(PER_PAGE + 1):
        receive(w, project(w, started=None))
    login(client, w.reviewer)
    first = text(client.get(reverse("policies:applications")))
    assert f"第 1 / 2 页，每页 {PER_PAGE} 件" in first
    second = text(client.get(reverse("policies:applications"), {"page": "2"}))
    assert "第 2 / 2 页" in second


def test_receive_for_a_project_lists_the_clauses_that_apply(client, world):
    w = world
    login(client, w.promoter)
    url = reverse("policies:application_new") + f"?project={w.project.code}"
    page = text(client.get(url))
    assert "第一条" in page and "第三条" in page
    assert "缺少数据：注册资本" in page  # 第二条 needs a fact: offered with the box for it
    response = client.post(
        url,
        {
            "clause": clause("第二条").pk,
            "received_on": "2025-05-06",
            "beneficiary_name": "宁德时代",
            "facts": "registered_capital=20000",
        },
    )
    app = Application.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "policies:application", args=[app.code]
    )
    assert app.estimate_amount == 20 and app.created_by == w.promoter
    again = {
        "clause": clause("第二条").pk,
        "received_on": "2025-05-07",
        "beneficiary_name": "宁德时代",
    }
    refused = client.post(url, again)
    assert refused.status_code == 422 and "正在办理" in text(refused)
    login(client, w.other_promoter)
    assert client.get(url).status_code == 404  # not 新店's project


def test_the_page_shows_formula_instalments_deadline_and_timeline(client, world):
    w = world
    app = approved(w, w.project, "第三条")
    login(client, w.office)
    page = text(client.get(reverse("policies:application", args=[app.code])))
    assert "10 万元" in page and "第 3 期" in page and "待项目达产" in page
    assert "核定" in page and "材料齐全" in page and "受理" in page
    assert "已于 2025-05-20 办结" in page
    assert "支付" in page and "暂缓兑付" in page
    login(client, w.promoter)
    page = text(client.get(reverse("policies:application", args=[app.code])))
    assert "确认支付" not in page and "/pay/" not in page and "/note/" in page


def test_a_deadline_shows_working_days_left(client, world):
    w = world
    today = timezone.localdate()
    app = receive(w, w.project, on=today)
    delivery.complete(w.office, app, on=today)
    login(client, w.office)
    page = text(client.get(reverse("policies:application", args=[app.code])))
    assert "还有 60 个工作日" in page


def test_a_step_through_its_page_and_a_stale_form(client, world):
    w = world
    app = receive(w, w.project)
    login(client, w.office)
    url = reverse("policies:application_complete", args=[app.code])
    assert client.get(url).status_code == 200
    stale = client.post(url, {"version": "7", "on": "2025-05-07"})
    assert stale.status_code == 409 and "已被他人修改" in text(stale)
    response = client.post(url, {"version": "1", "on": "2025-05-07"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "complete" and app.due_on is not None
    again = client.get(url)
    assert again.status_code == 403 and "审核中，不能登记材料齐全" in text(again)


def test_the_office_run_opens_automatic_deliveries(client, world):
    w = world
    Milestone.objects.create(project=w.project, kind="in_production", date=dt.date(2025, 8, 1))
    login(client, w.promoter)
    assert client.post(reverse("policies:application_deliver"), {}).status_code == 403
    login(client, w.office)
    response = client.post(
        reverse("policies:application_deliver"), {"on": "2025-09-01"}, follow=True
    )
    assert "免申即享生成兑现 1 件，到期应付 0 件。" in text(response)
    assert Application.objects.get().mode == "automatic"


def test_the_project_card(client, world):
    w = world
    app = receive(w, w.project)
    login(client, w.promoter)
    page = text(client.get(reverse("projects:detail", args=[w.project.code])))
    assert 'id="policy-delivery"' in page and "测算 120 万元" in page
    assert reverse("policies:application", args=[app.code]) in page and "申报政策" in page
    login(client, w.leader)
    page = text(client.get(reverse("projects:detail", args=[w.project.code])))
    assert reverse("policies:application", args=[app.code]) in page and "申报政策" not in page


def test_a_companys_timeline_shows_its_applications_in_scope(client, world):
    from baton.companies import services as companies

    w = world
    catl = companies.company_create(actor=w.office, district=w.district, name="宁德时代")
    app = approved(w, w.project, "第三条", company=catl)
    url = reverse("companies:detail", args=[catl.pk])
    login(client, w.office)
    page = text(client.get(url))
    assert "申请《测试用政策兑现办法》第三条（三期兑付奖励）" in page
    assert reverse("policies:application", args=[app.code]) in page and "核定 10" in page
    login(client, w.other_promoter)
    other = text(client.get(url))
    assert reverse("policies:application", args=[app.code]) not in other
