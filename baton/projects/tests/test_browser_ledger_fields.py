"""The fields real ledgers keep in a real browser, at desktop and at phone width: typed in
the edit form (a wrong 统一社会信用代码 first), shown on the project page. Screenshots are
saved under test-artifacts/browser/ to be looked at."""

import pytest

from baton import testing
from baton.projects.models import Project
from baton.tests.test_browser import CHROMIUM, Session, browser  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not __import__("os").path.exists(CHROMIUM),
        reason="未安装 Chromium（以 root 运行 make test 会自动安装）",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def world(w):
    password = testing.test_password()
    w.promoter.set_password(password)
    w.promoter.save()
    project = testing.make_project(
        w, name="宁德时代锂电池项目", investor="宁德时代新能源科技股份有限公司"
    )
    return project, password


@pytest.mark.parametrize(("width", "name"), [(1280, "desktop"), (390, "phone")])
def test_the_fields_are_typed_checked_and_shown(browser, live_server, world, width, name):  # noqa: F811
    project, password = world
    s = Session(browser, live_server.url, "promoter", width=width)
    s.login("mx_promoter", password)
    s.page.wait_for_url(live_server.url + "/")
    s.go(f"/projects/{project.code}/edit/")
    page = s.page
    page.select_option("#id_project_type", "domestic")
    page.check("#id_is_china500")
    page.check("#id_is_listed")
    page.select_option("#id_investor_region", "350900")
    page.fill("#id_investor_uscc", "91350900587527783X")
    page.fill("#id_fixed_investment", "80,000")
    page.fill("#id_annual_output", "300000")
    page.fill("#id_annual_tax", "15000")
    page.fill("#id_planned_start_on", "2030-03-01")
    page.fill("#id_planned_production_on", "2031-06-30")
    page.select_option("#id_land_use", "industrial")
    page.locator("form.project-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    error = page.locator(".has-error").filter(has_text="统一社会信用代码校验位不正确")
    assert error.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    s.shot(f"ledger-fields-1-refused-{name}")
    project.refresh_from_db()
    assert project.investor_uscc == "" and project.version == 1

    page.fill("#id_investor_uscc", "91350900587527783P")
    page.locator("form.project-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/projects/{project.code}/")
    text = page.locator(".field-sections").inner_text()
    for shown in (
        "内资",
        "中国500强、上市公司",
        "福建省宁德市",
        "91350900587527783P",
        "80,000 万元",
        "工业",
    ):
        assert shown in text, shown
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert "{#" not in page.locator("body").inner_text()  # no template comment shows
    s.shot(f"ledger-fields-2-page-{name}")
    assert Project.objects.get(pk=project.pk).is_listed
    assert not s.problems, s.problems
    s.close()
