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
