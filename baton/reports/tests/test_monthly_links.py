"""月度统计: every count of the stage table opens the project list behind it, and that list
holds exactly the projects counted (same scope, as of the same date), live and from the
month-end snapshot."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest

from baton.projects.tests.helpers_views import login
from baton.reports.scopes import scope_for
from baton.reports.selectors import figures_as_of
from baton.reports.snapshots import snapshot_refresh
from baton.reports.tests.test_cockpit import build_history

D = "2019-08-31"


@pytest.fixture
def h(w):
    return build_history(w)


def _links(text: str) -> list[tuple[str, int]]:
    """(list URL, count shown) of every count in the stage table, the total last."""
    table = text[text.index("<th>阶段</th>") : text.index("</table>", text.index("<th>阶段</th>"))]
    return [
        (html.unescape(url), int(count))
        for url, count in re.findall(r'<a href="([^"]+)" title="[^"]*">(\d+)</a>', table)
    ]


@pytest.mark.parametrize("snapshot", [False, True])
@pytest.mark.parametrize("persona", ["office", "reviewer"])
def test_each_count_lists_exactly_its_projects(client, w, h, snapshot, persona):
    if snapshot:
        snapshot_refresh()
    user = getattr(w, persona)
    login(client, user)
    text = client.get("/reports/monthly/", {"as_of": D}).content.decode()
    links = _links(text)
    assert len(links) >= 5  # the stages and the total
    assert sum(count for _url, count in links[:-1]) >= links[-1][1] >= 5
    for url, count in links:
        assert f"as_of={D}" in url
        listing = client.get(url)
        assert listing.status_code == 200, url
        assert listing.context["page"].total == count, url
        assert "列表口径：截至2019年8月31日在库" in listing.content.decode()


def test_the_list_sums_the_amounts_of_that_date(client, w, h):
    figures = figures_as_of(
        as_of=dt.date(2019, 8, 31),
        scope=scope_for(w.office, None),
        user=w.office,
    )
    login(client, w.office)
    text = client.get("/reports/monthly/", {"as_of": D}).content.decode()
    url, count = _links(text)[-1]
    page = client.get(url).context["page"]
    assert page.total == figures.count == count
    assert page.investment == figures.investment != Decimal(0)
