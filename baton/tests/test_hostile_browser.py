"""Hostile names in a real browser: what the map and the cockpit show on hover.

A parcel, building, project, unit, industry or leader named like markup must read as that
text to everyone who hovers it, and no element may be made from it (the CSP stops a
script, not the markup). Hovering every point of the cockpit's industry treemap, its root
included, throws nothing. Screenshots: test-artifacts/browser/hostile-*.png.
"""

import pytest
from django.db.models import Value
from django.db.models.functions import Concat

from baton.land.models import Building, Parcel, ParcelReservation
from baton.land.tests.test_browser_map import loaded
from baton.org.models import Person, Unit
from baton.projects.models import Industry, Project
from baton.reports.tests.test_browser_cockpit import drawn
from baton.tests.test_browser import (  # noqa: F401
    ARTIFACTS,
    Session,
    browser,
    demo_world,
    pytestmark,
)

HOSTILE = "<img src=x onerror=alert(1)><b>粗体</b>"

# Elements the hostile names would make if they were parsed as HTML.
INJECTED = """() => document.querySelectorAll('img[src="x"]').length +
  [...document.querySelectorAll('b')].filter(b => b.textContent === '粗体').length"""


def tooltip(session: Session, target) -> str:
    """Hover ``target`` and return the text of the map's tooltip that opens."""
    session.page.mouse.move(2, 2)
    session.page.locator(".leaflet-tooltip").wait_for(state="detached")
    target.hover(force=True)
    tip = session.page.locator(".leaflet-tooltip")
    tip.wait_for()
    return tip.inner_text()


@pytest.fixture
def hostile_land(demo_world):  # noqa: F811
    """A held parcel of 翔安区, its project and its buildings, all named like markup."""
    held = (
        ParcelReservation.objects.filter(released_at__isnull=True, parcel__district__code="350213")
        .select_related("parcel", "project")
        .order_by("parcel__code")
        .first()
    )
    Parcel.objects.filter(pk=held.parcel_id).update(name=HOSTILE + "地块")
    Project.objects.filter(pk=held.project_id).update(name=HOSTILE + "项目")
    # Every building: their markers overlap, whichever is on top must read as text.
    buildings = Building.objects.filter(district__code="350213")
    buildings.update(name=Concat(Value(HOSTILE), "code"))
    return held.parcel.code, buildings.order_by("code").first().code


def test_map_tooltips_show_hostile_names_as_text(browser, live_server, demo_world, hostile_land):  # noqa: F811
    parcel, building = hostile_land
    office = Session(browser, live_server.url, "office", width=1440)
    office.login("xa_office", demo_world["xa_office"])
    page = office.page
    office.go("/land/")
    loaded(office)

    # At the district's zoom: the parcel's dot, the building and the project's pin.
    text = tooltip(office, page.locator(f"path.land-dot-{parcel}"))
    assert text.startswith(HOSTILE + "地块（") and text.endswith("）")
    text = tooltip(office, page.locator(f"path.land-building-{building}"))
    assert text.startswith(HOSTILE) and "（" in text and "空置" in text
    text = tooltip(office, page.get_by_title(HOSTILE + "项目").locator("span"))
    assert text.startswith("项目：" + HOSTILE + "项目（") and parcel in text
    office.shot("hostile-01-map-pin-tooltip")
    assert page.evaluate(INJECTED) == 0

    # Close up (the parcel's town only): the parcel itself names its project too.
    town = Parcel.objects.get(code=parcel).town
    office.go(f"/land/?town={town.pk}")
    loaded(office)
    page.wait_for_selector(".land-label-parcel span")
    labels = page.locator(".land-label-parcel span").all_inner_texts()
    assert HOSTILE + "地块" in labels
    box = page.locator(f"path.land-parcel-{parcel}").bounding_box()
    page.mouse.move(2, 2)
    # A point inside the parcel away from its label and its project's pin, at its centre.
    for dx, dy in ((0.3, 0.5), (0.7, 0.5), (0.5, 0.3), (0.5, 0.7)):
        page.mouse.move(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
        tip = page.locator(".leaflet-tooltip")
        if tip.count() and tip.inner_text().startswith(HOSTILE + "地块"):
            break
    text = page.locator(".leaflet-tooltip").inner_text()
    assert text.startswith(HOSTILE + "地块（") and f"\n项目：{HOSTILE}项目" in text
    office.shot("hostile-02-map-parcel-tooltip")
    assert page.evaluate(INJECTED) == 0
    office.close()


# Where the pointer was over each block of the treemap, by name; its root (no industry,
# no row of the data) is the one without an address.
WATCH_TREEMAP = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById('chart-industries'));
  window.hovered = {};
  chart.on('mouseover', (p) => {
    const name = p.data && p.data.url ? p.name : '(root)';
    window.hovered[name] = [p.event.offsetX, p.event.offsetY];
  });
}"""

CROSSED = "(name) => '(root)' in window.hovered && name in window.hovered"

# Lines across a chart in pieces, as (from, to, moves): the pointer moves ``step`` pixels at a time —
# on the treemap a pixel, so that it crosses the gaps between the blocks, where it is over
# the root; on the bar charts every bar is many pixels wide.
SWEEP = """([id, step]) => {
  const box = document.getElementById(id).getBoundingClientRect();
  const lines = [];
  const piece = step * 60;  // pixels a line: after each the sweep may stop
  const across = (x0, y0, x1, y1) => {
    const length = Math.hypot(x1 - x0, y1 - y0);
    for (let d = 0; d < length; d += piece) {
      const e = Math.min(d + piece, length), t0 = d / length, t1 = e / length;
      lines.push([x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0, x0 + (x1 - x0) * t1,
                  y0 + (y1 - y0) * t1, Math.max(1, Math.round((e - d) / step))]);
    }
  };
  for (const f of [0.25, 0.5, 0.75]) {
    const y = box.top + box.height * f, x = box.left + box.width * f;
    across(box.left + 1, y, box.right - 1, y);
    across(x, box.top + 1, x, box.bottom - 1);
  }
  return lines;
}"""
#: The sweep's step on each chart of the cockpit (pixels).
STEPS = {"chart-industries": 1, "chart-areas": 10, "chart-leaders": 10}


def test_cockpit_tooltips_take_hostile_names_and_the_treemap_root(
    browser,  # noqa: F811
    live_server,
    demo_world,  # noqa: F811
):
    industry = (
        Industry.objects.filter(projects__district__code="350213").order_by("order", "id").first()
    )
    Industry.objects.filter(pk=industry.pk).update(name=HOSTILE)
    Unit.objects.filter(district__code="350213", name="马巷街道").update(name=HOSTILE + "街道")
    leader = Person.objects.filter(acts__district__code="350213").first()
    Person.objects.filter(pk=leader.pk).update(name=HOSTILE)

    office = Session(browser, live_server.url, "office", width=1440)
    office.login("xa_office", demo_world["xa_office"])
    office.go("/cockpit/?as_of=2019-08-31")
    drawn(office)
    page = office.page
    page.evaluate(WATCH_TREEMAP)
    for chart, step in STEPS.items():
        page.locator(f"#{chart}").scroll_into_view_if_needed()
        for x0, y0, x1, y1, steps in page.evaluate(SWEEP, [chart, step]):
            page.mouse.move(x0, y0)
            page.mouse.move(x1, y1, steps=steps)  # one call, a move every ``step`` pixels
            # The treemap's sweep ends once it has crossed both the root and the hostile block.
            if chart == "chart-industries" and page.evaluate(CROSSED, HOSTILE):
                break
        assert page.evaluate(INJECTED) == 0, chart
    hovered = page.evaluate("window.hovered")
    assert "(root)" in hovered and HOSTILE in hovered  # the sweep crossed both
    # The page's own tables name them as text too.
    assert HOSTILE in page.inner_text("main")

    # Pictures: the tooltip over the root (the blocks' sum), then over the hostile block.
    treemap = page.locator("#chart-industries")
    treemap.scroll_into_view_if_needed()
    box = treemap.bounding_box()
    x, y = hovered["(root)"]
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.wait_for_timeout(300)
    treemap.screenshot(path=str(ARTIFACTS / "hostile-03-cockpit-treemap-root.png"))
    x, y = hovered[HOSTILE]
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.wait_for_timeout(300)
    treemap.screenshot(path=str(ARTIFACTS / "hostile-04-cockpit-treemap-block.png"))
    office.close()  # asserts no page error (the treemap's root threw on hover)
