"""The fair competition review in a real browser, at desktop and phone width: 翔安's office
opens a draft with a tax-linked clause, records the conclusion in the dialog and publishes.
Screenshots under test-artifacts/browser/."""

import os

import pytest

from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.policies.models import Policy, PolicyEvent
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from .test_publish import REASON, draft

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("screen", WIDTHS)
def test_the_office_reviews_and_publishes_a_draft(browser, live_server, client, w, screen):  # noqa: F811
    policy = draft()
    session = signed_in(browser, live_server, client, w.office, WIDTHS[screen])
    page = session.page
    session.go(f"/policies/{policy.pk}/")
    text = page.locator("main").inner_text()
    assert "草案" in text and "奖励金额按纳税额计算" in text and "尚无审查结论" in text
    assert "每年最高 200 万元" in text and "投产起 180 天内申报" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[screen]
    session.shot(f"policy-draft-{screen}")

    page.locator("a", has_text="记录审查结论").click()
    dialog = page.locator("#dialog")
    dialog.locator("textarea").wait_for()
    dialog.locator("input[value=innovation]").check()
    dialog.locator("textarea").fill(REASON)
    session.shot(f"policy-review-dialog-{screen}")
    dialog.locator("button[type=submit]").click()
    page.locator(".fair-done").wait_for()
    # The page reloads after the conclusion: a click before htmx has bound the links follows
    # the address itself (the whole page, not the dialog).
    page.wait_for_function("() => document.readyState === 'complete' && window.htmx !== undefined")

    page.locator("a", has_text="发布").first.click()
    dialog.locator("input[type=checkbox]").wait_for()
    dialog.locator("input[type=checkbox]").check()
    dialog.locator("button[type=submit]").click()
    page.locator("dd", has_text="发布").filter(has_not_text="草案").wait_for()
    assert not Policy.objects.get(pk=policy.pk).is_draft
    assert list(PolicyEvent.objects.values_list("kind", flat=True).order_by("id")) == [
        "created",
        "reviewed",
        "published",
    ]
    session.shot(f"policy-published-{screen}")
    session.close()
