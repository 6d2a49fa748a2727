"""The bell in a real browser: a handoff to a unit lights its promoter's bell, and the
list opens (desktop and phone widths; screenshots under test-artifacts/browser/)."""

from baton.notices.models import Notice
from baton.projects.models import Project
from baton.tests.test_browser import (  # noqa: F401  (the fixtures)
    Session,
    browser,
    demo_world,
    pytestmark,
)

PHONE = 390


def bell_count(session: Session) -> str:
    bell = session.page.locator("#notice-bell .bell-count")
    return bell.inner_text() if bell.count() else "0"


def test_a_handoff_lights_the_receiving_units_bell(browser, live_server, demo_world):  # noqa: F811
    url = live_server.url
    project = (
        Project.objects.filter(
            unit__name="马巷街道", review_state="admitted", stage__is_terminal=False
        )
        .order_by("code")
        .first()
    )
    receiver = Session(browser, url, "hq").login("hq_promoter", demo_world["hq_promoter"])
    receiver.page.wait_for_url(url + "/")
    assert bell_count(receiver) == "0"

    # The district office hands the project to 新机场片区指挥部 (it takes effect at once).
    office = Session(browser, url, "office").login("xa_office", demo_world["xa_office"])
    office.go(f"/projects/{project.code}/")
    office.page.get_by_role("link", name="接力交接").click()
    office.page.wait_for_selector("#dialog[open]")
    office.page.select_option("#dialog select[name=to_unit]", label="新机场片区指挥部")
    office.page.fill("#dialog textarea[name=reason]", "项目进入落地阶段，由指挥部牵头服务")
    office.dialog_submit()
    office.page.wait_for_selector(".timeline .baton")
    assert Project.objects.get(pk=project.pk).unit.name == "新机场片区指挥部"
    office.go("/notices/channel/")
    office.page.select_option("#id_webhook_kind", label="企业微信群机器人")
    office.page.fill("#id_webhook_url", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    office.shot("notices-05-channel-desktop")

    receiver.go("/")
    assert bell_count(receiver) == "1"
    assert "1 条未读" in receiver.page.get_attribute("#notice-bell", "aria-label")
    receiver.shot("notices-01-bell-desktop")
    receiver.page.click("#notice-bell")
    receiver.page.wait_for_url(url + "/notices/")
    item = receiver.page.locator(".notice.is-unread")
    assert item.count() == 1 and "有项目交接给您单位" in item.inner_text()
    assert project.name in item.inner_text()
    receiver.shot("notices-02-list-desktop")

    # At phone width the bell and the list still fit.
    phone = Session(browser, url, "hq-phone", width=PHONE).login(
        "hq_promoter", demo_world["hq_promoter"]
    )
    phone.go("/notices/")
    assert phone.page.locator("#notice-bell").is_visible()
    assert bell_count(phone) == "1"
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"the page is {width}px wide at {PHONE}px"
    phone.shot("notices-03-list-phone")

    # Opening it marks it read and goes to the project.
    phone.page.locator(".notice a").first.click()
    phone.page.wait_for_url(f"{url}/projects/{project.code}/")
    assert bell_count(phone) == "0"
    assert Notice.objects.get(recipient__username="hq_promoter").read_at is not None
    phone.go("/notices/")
    phone.shot("notices-04-read-phone")
    for session in (receiver, office, phone):
        session.close()
