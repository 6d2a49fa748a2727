"""The policy library in a real browser, at desktop and phone width: a promoter reads a
policy's clauses with their explanations. Screenshots under test-artifacts/browser/."""

import os

import pytest

from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.policies.services import policy_load
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from .helpers import load_shipped, make_policy

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("screen", WIDTHS)
def test_a_promoter_reads_the_library(browser, live_server, client, w, screen):  # noqa: F811
    load_shipped()
    policy_load(items=[make_policy()])
    session = signed_in(browser, live_server, client, w.promoter, WIDTHS[screen])
    page = session.page
    session.go("/policies/")
    card = page.locator("section.card", has_text="厦测〔2024〕1号")
    text = card.inner_text()
    assert "固定资产投资的5‰" in text and "开工 30%，投产 70%" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[screen]
    session.shot(f"policies-list-{screen}")
    page.locator("summary", has_text="原文摘录").first.click()
    assert page.locator("details[open]").count() == 1
    session.close()
