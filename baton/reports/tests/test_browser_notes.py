"""工作亮点/下步工作 and 打印项目卡片 in a real browser, on the demo district (厦门翔安区).

The office writes the month's text on 月度统计, saves it, sees it kept; a promoter downloads
a project's card from its page. Screenshots: test-artifacts/browser/report-notes-*.png.
"""

from baton.projects.models import Project
from baton.tests.test_browser import Session, browser, demo_world, pytestmark  # noqa: F401

MONTH = "/reports/monthly/?scope=district:350213&as_of=2019-08-31"
HIGHLIGHTS = "一是强化项目接力，本月完成交接3个。\n二是加快项目落地。"


def test_the_office_writes_the_months_text_before_publishing(browser, live_server, demo_world):  # noqa: F811
    for width, name in ((1280, "desktop"), (390, "phone")):
        office = Session(browser, live_server.url, f"office-{name}", width=width)
        office.login("xa_office", demo_world["xa_office"])
        office.page.wait_for_url(live_server.url + "/")
        office.go(MONTH)
        office.page.fill("#notes_highlights", HIGHLIGHTS + name)
        office.page.fill("#notes_next_steps", "一是紧盯审批事项。")
        with office.page.expect_navigation():
            office.page.click("#notes button[type=submit]")
        assert "已保存本月的工作亮点和下步工作" in office.page.inner_text("body")
        assert office.page.input_value("#notes_highlights") == HIGHLIGHTS + name
        office.shot(f"report-notes-{name}")
        office.close()


def test_a_promoter_downloads_the_project_card(browser, live_server, demo_world):  # noqa: F811
    project = Project.objects.filter(unit__name="马巷街道").order_by("code").first()
    promoter = Session(browser, live_server.url, "promoter", width=390)
    promoter.login("mx_promoter", demo_world["mx_promoter"])
    promoter.page.wait_for_url(live_server.url + "/")
    promoter.go(f"/projects/{project.code}/")
    card = promoter.page.locator("#print-card a")
    assert card.inner_text() == "打印项目卡片"
    with promoter.page.expect_download() as download:
        card.click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename.startswith(project.code)
    promoter.page.locator("#print-card").scroll_into_view_if_needed()
    promoter.shot("project-print-card-phone")
    promoter.close()
