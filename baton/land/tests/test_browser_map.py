"""招商地图 in a real browser, offline: the map, a filter, a parcel card and a reservation.

Headless Chromium (Debian's) against the live server with the demo loaded; every request
to anything but the live server is aborted, so the map must draw from our own GeoJSON
with the vendored Leaflet and no tile server. Screenshots go to test-artifacts/browser/.
"""

import re

import pytest

from baton.land.models import Parcel
from baton.projects.models import ProjectEvent
from baton.tests.test_browser import CHROMIUM, Session, browser, demo_world  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not __import__("os").path.exists(CHROMIUM),
        reason="未安装 Chromium（以 root 运行 make test 会自动安装）",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PARCEL = "XA-2019-M12"  # 马巷后村地块: 120 亩 M1, 生物医药、新材料, 可供 in the demo


def loaded(session: Session) -> int:
    """Wait for the map's GeoJSON and return how many parcels it drew."""
    session.page.wait_for_selector("#land-map[data-loaded]")
    value = session.page.get_attribute("#land-map", "data-loaded")
    assert value != "error"
    return int(value)


def test_the_map_offline_filter_card_and_reserve(browser, live_server, demo_world):  # noqa: F811
    office = Session(browser, live_server.url, "office", width=1440).login(
        "xa_office", demo_world["xa_office"]
    )
    external = []
    office.page.on(
        "request",
        lambda r: (
            external.append(r.url)
            if not re.match(r"^https?://(localhost|127\.0\.0\.1)[:/]", r.url)
            and not r.url.startswith("data:")
            else None
        ),
    )
    office.go("/land/")
    assert loaded(office) == Parcel.objects.filter(district__code="350213").count() == 17
    page = office.page
    # the district outline, its Chinese place names and the parcels coloured by status
    assert page.locator(".land-label-district span").inner_text() == "翔安区"
    towns = page.locator(".land-label-town span").all_inner_texts()
    assert {"马巷街道", "新店街道", "新圩镇", "内厝镇", "大嶝街道"} <= set(towns)
    assert page.locator(f"path.land-parcel-{PARCEL}").get_attribute("fill") == "#2b8a3e"
    assert page.locator("path.land-parcel-XA-2019-M09").get_attribute("fill") == "#868e96"
    assert page.locator(".land-project-pin").count() >= 4  # the projects on their land
    assert "储备" in page.inner_text(".land-legend") and "已预留" in page.inner_text(".land-legend")
    office.shot("land-01-map")

    # Filter: 可供 M1 land of at least 50 亩.
    page.check("input[name=status][value=available]")
    page.select_option("#id_land_use", "M1")
    page.fill("#id_area_min", "50")
    with page.expect_navigation():
        page.click("form.land-filters button[type=submit]")
    expected = Parcel.objects.filter(status="available", land_use="M1", area_mu__gte=50).count()
    assert expected >= 3 and loaded(office) == expected
    rows = page.locator("table.land-table tbody tr").all_inner_texts()
    assert len(rows) == expected and all("可供" in row and "M1" in row for row in rows)
    assert page.locator("path.land-parcel-XA-2019-M07").count() == 0  # M2: filtered out

    # The parcel card, from a click on the map.
    page.locator(f"path.land-dot-{PARCEL}").click()
    page.wait_for_selector(f"#parcel-card [data-parcel='{PARCEL}']")
    card = page.inner_text("#parcel-card")
    assert "马巷后村地块" in card and "M1 一类工业用地" in card and "候选项目" in card
    office.shot("land-02-card")

    # Reserve it for a project, in the dialog.
    page.locator("#parcel-card").get_by_role("link", name="预留给项目").click()
    page.wait_for_selector("#dialog[open] select[name=project]")
    options = page.locator("#dialog select[name=project] option").all()
    assert options[1].inner_text().startswith("【推荐】")  # the best match comes first
    chosen = options[1].get_attribute("value")
    page.select_option("#dialog select[name=project]", chosen)
    page.fill("#dialog textarea[name=note]", "投资方已实地看地，拟签约。")
    office.shot("land-03-reserve-dialog")
    office.dialog_submit()
    page.wait_for_selector("#parcel-card .land-holder")
    page.wait_for_selector("#dialog:not([open])", state="attached")
    assert "已将地块 XA-2019-M12 预留给" in page.inner_text("#parcel-card")
    # The filtered map (可供 only) redraws without it.
    page.locator(f"path.land-parcel-{PARCEL}").wait_for(state="detached")
    parcel = Parcel.objects.get(code=PARCEL)
    holder = parcel.open_reservation()
    assert parcel.status == "reserved" and holder.project.code == chosen
    assert ProjectEvent.objects.filter(project=holder.project, kind="land_reserved").exists()

    # 马巷's parcels close up: the reserved one in orange with its project, every one named.
    office.go("/land/")
    loaded(office)
    page.select_option("#id_town", label="马巷街道")
    with page.expect_navigation():
        page.click("form.land-filters button[type=submit]")
    loaded(office)
    assert page.locator(f"path.land-parcel-{PARCEL}").get_attribute("fill") == "#e8590c"
    page.wait_for_selector(".land-label-parcel span")
    names = page.locator(".land-label-parcel span").all_inner_texts()
    assert "马巷后村地块" in names
    page.locator(f"path.land-parcel-{PARCEL}").click(force=True)
    page.wait_for_selector(f"#parcel-card [data-parcel='{PARCEL}'] .land-holder")
    page.mouse.move(5, 5)  # no tooltip over the parcels in the picture
    office.shot("land-04-maxiang-reserved")
    assert external == []
    office.close()


def test_the_city_map_shows_the_land_of_every_district(browser, live_server, demo_world):  # noqa: F811
    """A district without an outline of its own still has its parcels in view."""
    from baton.land.tests.helpers import make_parcel
    from baton.org.models import District

    tongan = District.objects.get(code="350212")
    make_parcel(None, "TA-2019-01", district=tongan, where=(118.1520, 24.7300), mu=300)
    city = Session(browser, live_server.url, "city", width=390).login(
        "xm_reviewer", demo_world["xm_reviewer"]
    )
    city.go("/land/")
    assert loaded(city) == Parcel.objects.count() == 18
    page = city.page
    page.wait_for_timeout(300)
    frame = page.locator("#land-map").bounding_box()
    for code in ("TA-2019-01", PARCEL):
        box = page.locator(f"path.land-parcel-{code}").bounding_box()
        assert box is not None, code
        assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
        assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]
    city.shot("land-03-city-map")
