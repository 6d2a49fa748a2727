"""客商库 in a real browser, at desktop and phone width: a promoter registers a company in
the dialog, is warned of a name alike to another company's, confirms, and lands on the
company's card. The screenshots are saved under test-artifacts/browser/ to be looked at.
"""

import os

import pytest

from baton.companies import services
from baton.companies.models import Company
from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from .helpers import BYD, CATL

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("screen", WIDTHS)
def test_register_with_an_alike_name(browser, live_server, client, w, screen):  # noqa: F811
    services.company_create(
        actor=w.office,
        district=w.district,
        name="比亚迪股份有限公司",
        uscc=BYD,
        tags=["global500", "listed"],
        contact_name="王经理",
        contact_phone="13812345678",
    )
    session = signed_in(browser, live_server, client, w.promoter, WIDTHS[screen])
    page = session.page
    session.go("/companies/")
    session.shot(f"companies-list-{screen}")
    page.click("text=＋ 登记企业")
    dialog = page.locator("#dialog")
    dialog.locator("#id_name").fill("比亚迪（厦门）有限公司")
    dialog.locator("#id_uscc").fill(CATL)
    dialog.locator("#id_industry_code").fill("3841")
    dialog.locator("button[type=submit]").click()
    dialog.locator(".alert-warn").wait_for()
    assert "比亚迪股份有限公司" in dialog.inner_text()
    session.shot(f"companies-alike-{screen}")
    dialog.locator("#id_confirmed").check()
    dialog.locator("button[type=submit]").click()
    page.wait_for_url("**/companies/*/")
    company = Company.objects.get(uscc=CATL)
    assert company.industry_code == "C3841"
    assert page.locator("h1").inner_text() == "比亚迪（厦门）有限公司"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS[screen]
    session.shot(f"companies-card-{screen}")
    session.close()
