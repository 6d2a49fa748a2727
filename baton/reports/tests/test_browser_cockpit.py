"""领导驾驶舱 in a real browser, on the demo district (厦门翔安区).

Every chart must be drawn (an ECharts canvas with pixels on it), no CSP error may be
logged, the seed's figures of 2019-08-31 must show, and a click on a bar must open the
list of the projects it stands for. Screenshots: test-artifacts/browser/cockpit-*.png.
"""

import re

from baton.tests.test_browser import Session, browser, demo_world, pytestmark  # noqa: F401

CHARTS = (
    "chart-funnel",
    "chart-trend",
    "chart-areas",
    "chart-industries",
    "chart-conversion",
    "chart-leaders",
)

# Count the canvas pixels that are not blank: a chart that drew nothing has none.
PAINTED = """(id) => {
  const canvas = document.querySelector('#' + id + ' canvas');
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
  return n;
}"""

# The page position of the middle of the 在谈 count bar, from ECharts' own coordinates.
BAR_MIDDLE = """() => {
  const el = document.getElementById('chart-funnel');
  const chart = echarts.getInstanceByDom(el);
  const value = chart.getOption().series[0].data[2].value;
  const [x, y] = chart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [value / 2, 2]);
  const box = el.getBoundingClientRect();
  return [box.left + x, box.top + y];
}"""


def drawn(session: Session) -> dict[str, int]:
    session.page.wait_for_function(
        "ids => ids.every(id => document.querySelector('#' + id + ' canvas'))", arg=list(CHARTS)
    )
    session.page.wait_for_timeout(900)  # the charts' entry animation
    return {chart: session.page.evaluate(PAINTED, chart) for chart in CHARTS}


def test_the_cockpit_draws_every_chart_for_the_demo_district(browser, live_server, demo_world):  # noqa: F811
    office = Session(browser, live_server.url, "office", width=1440)
    office.login("xa_office", demo_world["xa_office"])
    office.page.wait_for_url(live_server.url + "/")
    office.page.click("#to-cockpit")
    office.page.wait_for_url(re.compile(r"/cockpit/$"))

    # The seed's date: the 厦门日报 figures, with every chart drawn.
    office.go("/cockpit/?as_of=2019-08-31")
    painted = drawn(office)
    assert all(n > 2000 for n in painted.values()), painted
    library = office.page.inner_text("#kpi-library")
    assert "119" in library and "1126.11" in library
    funnel = office.page.inner_text("#funnel table")
    assert re.search(r"在谈\s+70\s+409\.88", funnel) and re.search(r"落地\s+35\s+555\.85", funnel)
    office.shot("cockpit-xiangan-2019-08")

    # The year's end, a fuller trend; the big-screen view a leader puts up.
    office.go("/cockpit/?as_of=2019-12-31")
    painted = drawn(office)
    assert all(n > 2000 for n in painted.values()), painted
    office.shot("cockpit-xiangan-2019-12")

    # A click on the 在谈 bar opens the list of those projects, as of that date.
    office.go("/cockpit/?as_of=2019-08-31")
    drawn(office)
    x, y = office.page.evaluate(BAR_MIDDLE)
    with office.page.expect_navigation():
        office.page.mouse.click(x, y)
    assert "/projects/?" in office.page.url and "as_of=2019-08-31" in office.page.url
    assert office.page.inner_text(".total-count") == "70"
    assert "列表口径：截至2019年8月31日在库" in office.page.inner_text("#drill-caption")
    office.shot("cockpit-drill-down-list")
    office.close()


def test_the_cockpit_reads_on_a_phone(browser, live_server, demo_world):  # noqa: F811
    leader = Session(browser, live_server.url, "leader-phone", width=390)
    leader.login("xa_leader", demo_world["xa_leader"])
    leader.go("/cockpit/?as_of=2019-12-31")
    painted = drawn(leader)
    assert all(n > 500 for n in painted.values()), painted
    page = leader.page
    # The trend's legend wraps to two lines at phone width: the plot starts below it.
    chart = "echarts.getInstanceByDom(document.getElementById('{}')).getOption()"
    assert page.evaluate(chart.format("chart-trend") + ".grid[0].top") >= 70
    assert page.evaluate(chart.format("chart-conversion") + ".title[1].text") == "用时（天）"
    # A treemap block shows as much of its label as fits: all, the name, or nothing.
    labels = page.evaluate(
        "() => { var s = " + chart.format("chart-industries") + ".series[0]; var d = s.data[0];"
        " var total = s.data.reduce(function (t, x) { return t + x.value; }, 0);"
        " return [1, 0.08, 0.01].map(function (share) {"
        " return s.label.formatter({ value: total * share, name: d.name, data: d }); }); }"
    )
    assert "亿" in labels[0] and labels[1] == "{name|" + "教育医疗" + "}" and labels[2] == ""
    leader.shot("cockpit-phone")
    leader.close()
