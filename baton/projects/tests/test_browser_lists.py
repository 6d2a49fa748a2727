"""The 项目库 and the project page in a real browser, on the demo district (厦门翔安区).

A district office sorts by a column's header, pages by number and by page size, and
filters by a 签约日期 range — each answer in place, the state in the address, the count
what the database says; a town promoter records a milestone and the page answers in
place: the dialog closes, the message shows, the milestones card and the timeline are
new, and the page was not reloaded. Screenshots: test-artifacts/browser/lists-*.png
(desktop and phone).
"""

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone

from baton.projects.models import Milestone, Project
from baton.tests.test_browser import Session, browser, demo_world, pytestmark  # noqa: F401


def amounts(session: Session) -> list[Decimal]:
    cells = session.page.locator("table.project-table td.amount").all_inner_texts()
    return [Decimal(text.replace(",", "")) for text in cells]


def wait_results(session: Session, pattern: str) -> None:
    session.page.wait_for_url(re.compile(pattern))
    session.page.wait_for_load_state("networkidle")


def test_sort_page_filter_and_an_action_in_place(browser, live_server, demo_world):  # noqa: F811
    url = live_server.url
    office = Session(browser, url, "office", width=1366)
    office.login("xa_office", demo_world["xa_office"]).page.wait_for_url(url + "/")
    office.go("/projects/")
    total = int(office.page.inner_text(".total-count"))
    assert total > 20
    assert "第 1 / " in office.page.inner_text(".pagination")

    # Sorting: a click on 总投资 sorts from the largest; a second click turns it.
    office.page.click("th a.sort-link[data-sort=investment]")
    wait_results(office, r"sort=investment_desc")
    assert office.page.input_value("#id_sort") == "investment_desc"  # the form follows
    first = amounts(office)
    assert first == sorted(first, reverse=True) and len(first) == 20
    assert office.page.get_attribute("th:has(a[data-sort=investment])", "aria-sort") == (
        "descending"
    )
    office.page.click("th a.sort-link[data-sort=investment]")
    wait_results(office, r"sort=investment_asc")
    amounts_page_one = amounts(office)
    assert amounts_page_one == sorted(amounts_page_one)
    office.shot("lists-sorted-desktop")

    # Pages: page 2 by its number, the sort kept; then 50 a page.
    office.page.click(".pagination a.page-number >> text='2'")
    wait_results(office, r"sort=investment_asc.*page=2|page=2.*sort=investment_asc")
    assert office.page.inner_text(".pagination .current") == "2"
    second = amounts(office)
    assert second == sorted(second) and min(second) >= max(amounts_page_one)
    office.page.select_option("#id_size", "50")
    wait_results(office, r"size=50")
    assert len(amounts(office)) == min(50, total)

    # A 签约日期 range: the count is the database's, the bounds are stated.
    first_day, last_day = dt.date(2019, 1, 1), dt.date(2019, 6, 30)
    expected = (
        Project.objects.filter(
            district__code="350213",
            milestones__kind=Milestone.Kind.SIGNED,
            milestones__date__range=(first_day, last_day),
        )
        .distinct()
        .count()
    )
    assert expected > 0
    office.go("/projects/")
    office.page.click("details.more-filters summary")
    office.page.fill("#id_signed_from", first_day.isoformat())
    office.page.fill("#id_signed_to", last_day.isoformat())
    office.page.click(".filter-buttons button[type=submit]")
    wait_results(office, r"signed_from=2019-01-01.*signed_to=2019-06-30")
    office.page.wait_for_function(
        "n => document.querySelector('.total-count')?.textContent === String(n)", arg=expected
    )
    assert "签约日期 2019-01-01 至 2019-06-30" in office.page.inner_text("#drill-caption")
    office.shot("lists-signed-range-desktop")
    office.close()

    # On a phone: the same list, the sort and page controls within reach.
    phone = Session(browser, url, "office-phone", width=390)
    phone.login("xa_office", demo_world["xa_office"]).page.wait_for_url(url + "/")
    phone.go("/projects/?sort=investment_desc&page=2")
    assert phone.page.inner_text(".pagination .current") == "2"
    phone.shot("lists-sorted-phone")
    phone.close()

    # A milestone recorded in the dialog: the page answers in place.
    project = (
        Project.objects.filter(unit__name="马巷街道", stage__allows_milestones=True)
        .exclude(milestones__kind=Milestone.Kind.STARTED)
        .order_by("code")
        .first()
    )
    assert project is not None
    promoter = Session(browser, url, "promoter", width=1366)
    promoter.login("mx_promoter", demo_world["mx_promoter"]).page.wait_for_url(url + "/")
    promoter.go(f"/projects/{project.code}/")
    promoter.page.evaluate("window.__notReloaded = true")
    entries = promoter.page.locator("#timeline ol.timeline > li").count()
    promoter.page.click("#project-head a:has-text('记录里程碑')")
    promoter.page.wait_for_selector("#dialog[open] #id_kind")
    promoter.page.select_option("#id_kind", Milestone.Kind.STARTED)
    promoter.page.fill("#id_date", timezone.localdate().isoformat())
    promoter.dialog_submit()
    promoter.page.wait_for_selector("ul.messages li.msg-success")
    assert promoter.page.inner_text("ul.messages") == "已记录开工日期。"
    assert promoter.page.evaluate("window.__notReloaded") is True
    assert not promoter.page.locator("#dialog[open]").count()
    assert promoter.page.locator("#timeline ol.timeline > li").count() == entries + 1
    started = promoter.page.inner_text("#project-milestones")
    assert timezone.localdate().isoformat() in started
    promoter.shot("lists-action-in-place-desktop")
    promoter.close()

    mobile = Session(browser, url, "promoter-phone", width=390)
    mobile.login("mx_promoter", demo_world["mx_promoter"]).page.wait_for_url(url + "/")
    mobile.go(f"/projects/{project.code}/")
    mobile.page.evaluate("window.__notReloaded = true")
    mobile.page.click("#timeline a:has-text('跟进记录')")
    mobile.page.wait_for_selector("#dialog[open] #id_text")
    mobile.page.fill("#id_text", "已与企业确认开工仪式时间")
    mobile.dialog_submit()
    mobile.page.wait_for_selector("#timeline :text('已与企业确认开工仪式时间')")
    assert mobile.page.evaluate("window.__notReloaded") is True
    mobile.shot("lists-action-in-place-phone")
    mobile.close()
