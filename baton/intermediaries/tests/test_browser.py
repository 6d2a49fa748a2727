"""中介认定 in a real browser, at desktop and phone width — issue 19's line for
intermediaries: an intermediary files a claim before the project's signing; a second
claim after the signing is refused with the reason (湘潭高新区: 中介需在引进项目签约前完成
备案). The screenshots are saved under test-artifacts/browser/ to be looked at."""

import os

import pytest

from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.intermediaries import rules
from baton.intermediaries.models import Claim
from baton.projects import services as project_services
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from .helpers import day, person, project, register

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("screen", WIDTHS)
def test_a_claim_before_signing_is_filed_and_one_after_is_refused(
    browser,  # noqa: F811
    live_server,
    client,
    w,
    screen,
):
    agency, late = register(w), person(w, name="陈建国")
    p = project(w, name="新能源电池材料项目")
    session = signed_in(browser, live_server, client, w.promoter, WIDTHS[screen])
    page = session.page

    # Before signing: 马巷街道 files the agency's claim from the project's page.
    session.go(f"/projects/{p.code}/")
    page.click("#intermediary-claims >> text=申报中介认定")
    page.wait_for_url(f"**/intermediaries/claims/new/{p.code}/")
    assert "项目尚未签约" in page.inner_text("main")
    page.select_option("#id_intermediary", label=str(agency))
    page.fill("#id_account", "受投资方委托，组织三次来翔安考察并促成洽谈。")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/intermediaries/claims/RD*/")
    assert "已申报" in page.inner_text("main")
    claim = Claim.objects.get()
    assert claim.intermediary == agency and claim.filed_on == day(0)
    session.shot(f"intermediary-claim-filed-{screen}")

    # The project signs today; a second intermediary's claim is refused with the reason.
    project_services.milestone_record(project=p, kind="signed", date=day(0), actor=w.promoter)
    session.go(f"/intermediaries/claims/new/{p.code}/")
    assert f"该项目已于 {day(0):%Y-%m-%d} 签约" in page.inner_text("main")
    page.select_option("#id_intermediary", label=str(late))
    page.fill("#id_account", "签约后补报。")
    page.click("main form button[type=submit]")
    error = page.locator(".alert-error")
    error.wait_for()
    text = error.inner_text()
    assert f"不符合规定（{rules.RULE_BEFORE_SIGNING}）" in text
    assert f"项目已于 {day(0):%Y-%m-%d} 签约" in text
    assert Claim.objects.count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS[screen]
    session.shot(f"intermediary-claim-refused-{screen}")
    session.close()


@pytest.mark.parametrize("screen", WIDTHS)
def test_the_office_sees_the_reward_with_its_formula_and_applies_it(
    browser,  # noqa: F811
    live_server,
    client,
    w,
    screen,
):
    from baton.intermediaries import services

    from .helpers import load_reward_policy, moment

    load_reward_policy(w)
    agency = register(w)
    p = project(w, name="新能源电池材料项目")
    claim = services.claim_file(
        actor=w.promoter, intermediary=agency, project=p, account="引荐", at=moment(30)
    )
    services.claim_confirm(actor=w.office, claim=claim, at=moment(29))
    session = signed_in(browser, live_server, client, w.office, WIDTHS[screen])
    page = session.page
    session.go(f"/intermediaries/claims/{claim.code}/")
    options = page.locator(".reward-options").inner_text()
    assert "测算 80 万元" in options and "× 2‰" in options  # 第二条: 40,000 万元 × 2‰
    assert "缺少数据：实际到位资金" in options  # 第一条 needs a fact the library lacks
    page.click("text=申请中介奖励")
    page.locator("#dialog select[name=clause]").wait_for()
    page.select_option("#dialog select[name=clause]", index=1)
    page.fill("#dialog textarea[name=facts]", "实际到位资金=30000")
    session.dialog_submit()
    page.wait_for_url("**/intermediaries/rewards/ZC*/")
    main = page.inner_text("main")
    assert "测算算式" in main and "‰" in main
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS[screen]
    session.shot(f"intermediary-reward-{screen}")
    session.close()
