"""产业链图谱 in a real browser on the demo, at desktop and phone width: the office opens
新能源, sees the map and the gap list, clicks a node on the map (the canvas, where ECharts
drew it) and sees its local companies. Screenshots under test-artifacts/browser/."""

import os

import pytest

from baton.accounts.models import User
from baton.chains.models import Chain
from baton.chains.selectors import chain_map
from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.demo.tests.snapshot import load_demo_once
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: Where ECharts drew the node called ``name``, in pixels of the chart's box.
NODE_AT = """(name) => {
  const chart = echarts.getInstanceByDom(document.getElementById('chain-map'));
  const data = chart.getModel().getSeriesByIndex(0).getData();
  for (let i = 0; i < data.count(); i++) {
    if (data.getName(i).startsWith(name + '（')) {
      const symbol = data.getItemGraphicEl(i);
      const [x, y] = symbol.transformCoordToGlobal(0, 0);
      return {x, y};
    }
  }
  return null;
}"""
#: Where the label of the tree's root (the chain's name) starts, in pixels of the chart's box.
ROOT_LABEL_LEFT = """(name) => {
  const chart = echarts.getInstanceByDom(document.getElementById('chain-map'));
  const data = chart.getModel().getSeriesByIndex(0).getData();
  let i = 0;
  while (data.getName(i) !== name) i++;
  const text = data.getItemGraphicEl(i).getSymbolPath().getTextContent();
  const rect = text.getBoundingRect().clone();
  rect.applyTransform(text.getComputedTransform());
  return rect.x;
}"""


@pytest.mark.parametrize("screen", WIDTHS)
def test_the_demo_chain_map_drills_to_a_node(browser, live_server, client, screen):  # noqa: F811
    load_demo_once()
    office = User.objects.get(username="xa_office")
    chain = Chain.objects.get(district__code="350213", name="新能源")
    m = chain_map(office, chain)
    node = next(v for v in m.nodes if v.companies)
    gap = m.gaps[0]

    session = signed_in(browser, live_server, client, office, WIDTHS[screen])
    page = session.page
    session.go("/chains/")
    session.shot(f"chains-list-{screen}")
    page.click("text=新能源")
    page.wait_for_url(f"**/chains/{chain.pk}/")
    page.locator("#chain-map.chart-ready canvas").first.wait_for()
    assert gap.node.name in page.inner_text("#gaps")
    session.shot(f"chains-map-{screen}")

    page.wait_for_timeout(800)  # the tree's opening animation
    assert page.evaluate(ROOT_LABEL_LEFT, chain.name) >= 0  # the chain's name drawn whole
    at = page.evaluate(NODE_AT, node.node.name)
    assert at is not None
    box = page.locator("#chain-map").bounding_box()
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    panel = page.locator("#node-panel")
    panel.locator(f"#node-{node.pk}").wait_for()
    text = panel.inner_text()
    for company in node.companies:
        assert company.name in text
    assert page.url.endswith(f"/chains/{chain.pk}/nodes/{node.pk}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS[screen]
    session.shot(f"chains-node-{screen}")

    # A gap, from the list: said to be one.
    page.locator("#gaps a", has_text=gap.node.name).click()
    panel.locator(f"#node-{gap.pk}").wait_for()
    assert "缺链" in panel.inner_text()
    session.close()
