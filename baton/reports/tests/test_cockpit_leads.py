"""The cockpit's leads (投资信息): statuses, flows by source and unit, timings, links."""

import re

import pytest
from django.utils import timezone

from baton.leads import services
from baton.leads.tests.helpers import POINTS, byd, company, register
from baton.projects.tests.helpers_views import login

pytestmark = pytest.mark.django_db


def leads_section(client, user, query: str = "") -> str:
    login(client, user)
    response = client.get(f"/cockpit/{query}")
    assert response.status_code == 200
    text = response.content.decode()
    found = re.search(
        r'<section class="card cockpit-card wide" id="leads">.*?</section>', text, re.S
    )
    assert found, "the leads' section"
    return found[0]


def cells(section: str, table: str) -> list[str]:
    body = re.search(rf'id="{table}">.*?</table>', section, re.S)[0]
    return [
        re.sub(r"<[^>]+>", " ", cell).split()[0]
        for cell in re.findall(r'<td class="num">(.*?)</td>', body, re.S)
    ]


def test_the_office_sees_its_district_leads(client, w):
    lead = register(w, source="referrer")
    register(w, actor=w.other_promoter, comp=byd(w), source="visit")
    register(w, comp=company(w, name="小作坊", uscc=""), investment="500", fixed_investment="")
    services.lead_assess(lead=lead, actor=w.promoter, points=POINTS, conclusion="follow")
    section = leads_section(client, w.office)
    # 待响应, 跟进中, 已研判, 撞车待裁决, 已转化, 不予跟进, then 储备.
    assert cells(section, "leads-statuses") == ["1", "0", "1", "0", "0", "0", "1"]
    assert "引荐人" in section and "企业来访" in section
    assert "马巷街道" in section and "新店街道" in section
    assert cells(section, "leads-timings")[:2] == ["0", "0"]  # nothing due today yet


def test_a_unit_sees_its_own_leads_only(client, w):
    register(w)
    register(w, actor=w.other_promoter, comp=byd(w))
    section = leads_section(client, w.promoter)
    assert cells(section, "leads-statuses")[0] == "1"
    assert "新店街道" not in section


def test_each_count_opens_the_list_of_exactly_the_leads_it_counts(client, w):
    """Every linked count of the section, followed: the lead list in its figure mode says
    it holds that many leads — also for a past date after the leads have changed."""
    import datetime as dt
    import html

    tz = timezone.get_default_timezone()
    day = timezone.localdate() - dt.timedelta(days=10)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)), tz)
    first = register(w, source="referrer", at=at)
    register(w, actor=w.other_promoter, comp=byd(w), source="visit", at=at)
    services.lead_reject(lead=first, actor=w.promoter, reason="暂无投资计划")
    for query in ("", f"?as_of={day.isoformat()}"):
        section = leads_section(client, w.office, query)
        links = re.findall(r'<a href="([^"]*as_of=[^"]*)">(\d+)</a>', section)
        assert len(links) >= 10
        for href, count in links:
            page = client.get(html.unescape(href)).content.decode()
            shown = re.search(r"共 (\d+) 条，与驾驶舱", page)
            assert shown and shown[1] == count, (href, count)
            rows = page.count('<td class="code" data-label="编号">')
            assert rows == int(count) or int(count) > 20
