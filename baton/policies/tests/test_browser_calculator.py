"""The calculator (政策测算) in a real browser, on the demo district (厦门翔安区), at desktop
and phone width.

The district office opens the 政策测算 tab from the 政策库, picks a demo project by its
code and asks for the clauses in force on a day after it started: the Fujian third-party
rule (福建省民企产业项目第三方招商引资奖励办法, region 35) applies, with its formula and
numbers. A second project, just under the rule's 5 亿元 floor, shows the near miss and how
much more it needs; from it the office opens a what-if, raises the fixed investment to
12 亿元 and gets 20 万元. Screenshots: test-artifacts/browser/calculator-*.png.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest

from baton.core.money import plain
from baton.core.tests.test_browser_refusals import WIDTHS
from baton.policies.evaluate import fmt
from baton.projects.models import Project
from baton.tests.test_browser import Session, browser, demo_world, pytestmark  # noqa: F401

#: The Fujian rule was in force 2018–2020; the day the clauses are taken from.
ON = dt.date(2020, 12, 31)
FLOOR = Decimal(50000)  # 5 亿元 in 万元
#: The rule's bands (固定资产投资 reached, 万元 → reward, 万元), by hand from the file.
BANDS = [(500000, 100), (400000, 50), (300000, 40), (200000, 30), (100000, 20), (30000, 10)]


def hand_reward(fixed: Decimal) -> int:
    return next(reward for low, reward in BANDS if fixed >= low)


def started_in_force():
    """翔安's demo projects that had started by the end of the Fujian rule, by investment."""
    return (
        Project.objects.filter(
            district__code="350213",
            fixed_investment__isnull=False,
            milestones__kind="started",
            milestones__date__range=(dt.date(2018, 1, 1), ON),
        )
        .distinct()
        .order_by("fixed_investment", "code")
    )


def wait_result(session: Session) -> str:
    session.page.wait_for_selector("#calc-result")
    session.page.wait_for_load_state("networkidle")
    return session.page.inner_text("#calc-result")


def no_sideways_scroll(session: Session, width: int) -> None:
    assert session.page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("screen", WIDTHS)
def test_the_calculator_for_a_demo_project(browser, live_server, demo_world, screen):  # noqa: F811
    width = WIDTHS[screen]
    projects = list(started_in_force())
    applying = next(p for p in projects if p.fixed_investment >= FLOOR)
    near = [p for p in projects if p.fixed_investment < FLOOR][-1]  # the closest under 5 亿

    office = Session(browser, live_server.url, "office", width=width)
    office.login("xa_office", demo_world["xa_office"]).page.wait_for_url(live_server.url + "/")
    page = office.page

    # From the library to the 政策测算 tab, then the project by its code.
    office.go("/policies/")
    page.locator("nav.tabs a", has_text="政策测算").click()
    page.wait_for_url(re.compile(r"/policies/estimate/$"))
    page.fill("#id_code", applying.code)
    page.get_by_role("button", name="打开测算").click()
    page.wait_for_url(re.compile(rf"/policies/estimate/project/{applying.code}/$"))
    assert applying.name in page.inner_text("h1")

    # The clauses in force after it started: the formula with its numbers.
    page.fill("#id_on", ON.isoformat())
    page.get_by_role("button", name="重新测算").click()
    page.wait_for_url(re.compile(r"on=2020-12-31"))
    shown = wait_result(office)
    reward = hand_reward(applying.fixed_investment)
    band = next(low for low, r in BANDS if r == reward)
    formula = (
        f"{reward}（固定资产投资 {fmt(applying.fixed_investment)} 万元 "
        f"达到 {fmt(Decimal(band))} 档） = {reward} 万元"
    )
    assert formula in shown, shown
    assert f"合计可享受\n{reward}" in shown or f"合计可享受 {reward}" in shown
    assert "福建省民企产业项目第三方招商引资奖励办法" in shown
    assert "固定资产投资不低于50,000万元" in shown  # the rule in Chinese
    no_sideways_scroll(office, width)
    office.shot(f"calculator-project-{screen}")

    # The project just under the floor: the near miss says how much more it needs.
    page.locator("nav.tabs a", has_text="政策测算").click()
    page.wait_for_url(re.compile(r"/policies/estimate/$"))
    page.fill("#id_code", near.code)
    page.get_by_role("button", name="打开测算").click()
    page.wait_for_url(re.compile(rf"/policies/estimate/project/{near.code}/$"))
    page.fill("#id_on", ON.isoformat())
    page.get_by_role("button", name="重新测算").click()
    page.wait_for_url(re.compile(r"on=2020-12-31"))
    shown = wait_result(office)
    gap = fmt(FLOOR - near.fixed_investment)
    assert f"固定资产投资再增加 {gap} 万元即可适用" in page.inner_text(".calc-near")
    assert "合计可享受" in shown
    no_sideways_scroll(office, width)
    office.shot(f"calculator-near-miss-{screen}")

    # A what-if from its facts: 12 亿元 of fixed investment reaches the 10 亿 band.
    page.get_by_role("link", name="以此为基础手填假设").click()
    page.wait_for_url(re.compile(r"/policies/estimate/\?"))
    assert page.input_value("#id_place") == "350213"
    assert page.input_value("#id_fixed_investment") == plain(near.fixed_investment)
    assert page.input_value("#id_on") == ON.isoformat()  # the day chosen on the project
    page.fill("#id_fixed_investment", "120000")
    page.get_by_role("button", name="测算", exact=True).click()
    page.wait_for_url(re.compile(r"fixed_investment=120000"))
    shown = wait_result(office)
    assert "20（固定资产投资 120,000 万元 达到 100,000 档） = 20 万元" in shown
    assert "审核通过" in page.inner_text(".calc-payments")
    no_sideways_scroll(office, width)
    office.shot(f"calculator-what-if-{screen}")

    # Bad input on the what-if: a clear message, no result.
    page.fill("#id_fixed_investment", "十二亿")
    page.get_by_role("button", name="测算", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "固定资产投资应为数字（万元），如 12000。" in page.inner_text("#what-if")
    assert page.locator("#calc-result").count() == 0
    office.close()
