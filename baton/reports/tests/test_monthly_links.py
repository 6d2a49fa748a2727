"""月度统计: every count of the stage table opens the project list behind it, and that list
holds exactly the projects counted (same scope, as of the same date), live and from the
month-end snapshot."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest

from baton.projects.models import Milestone
from baton.projects.tests.helpers_views import login
from baton.projects.tests.test_api import Api
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


def _milestone_links(text: str) -> dict[str, tuple[str, int]]:
    """{milestone name: (list URL, count shown)} of the 落地项目里程碑 table."""
    start = text.index("<th>里程碑</th>")
    table = text[start : text.index("</table>", start)]
    found = re.findall(
        r'<td>已(\w+)</td><td class="num"><a href="([^"]+)" title="[^"]*">(\d+)</a>', table
    )
    return {name: (html.unescape(url), int(count)) for name, url, count in found}


def _landed_world(w, h):
    """Milestones the report counts and ones it must not: B (landed) signed in June,
    started in August and registered after the date; A (in talks, not landed) signed
    before it."""
    Milestone.objects.create(project=h.b, kind=Milestone.Kind.STARTED, date=dt.date(2019, 8, 20))
    Milestone.objects.create(project=h.b, kind=Milestone.Kind.REGISTERED, date=dt.date(2019, 9, 2))
    Milestone.objects.create(project=h.a, kind=Milestone.Kind.SIGNED, date=dt.date(2019, 4, 1))


@pytest.mark.parametrize("snapshot", [False, True])
@pytest.mark.parametrize("persona", ["office", "reviewer"])
def test_each_milestone_count_lists_exactly_its_projects(client, w, h, snapshot, persona):
    _landed_world(w, h)
    if snapshot:
        snapshot_refresh()
    login(client, getattr(w, persona))
    links = _milestone_links(client.get("/reports/monthly/", {"as_of": D}).content.decode())
    assert set(links) == {str(kind.label) for kind in Milestone.Kind}
    assert links["签约"][1] == 1 and links["开工"][1] == 1  # B only: A is not landed
    assert links["注册"][1] == 0  # dated after the report's date
    for name, (url, count) in links.items():
        assert "landed=1" in url and f"as_of={D}" in url, url
        listing = client.get(url)
        assert listing.status_code == 200, url
        assert listing.context["page"].total == count, (name, url)
        assert {p.pk for p in listing.context["page"].rows} <= {h.b.pk}
        assert "已落地" in listing.content.decode()


def test_a_milestone_link_shows_nothing_outside_the_users_scope(client, w, h):
    _landed_world(w, h)
    login(client, w.office)
    links = _milestone_links(client.get("/reports/monthly/", {"as_of": D}).content.decode())
    url, count = links["签约"]
    assert count == 1
    for outsider in (w.tongan_office, w.other_promoter):
        client.logout()
        login(client, outsider)
        listing = client.get(url)
        assert listing.status_code == 200, url
        assert listing.context["page"].total == 0


def test_the_api_list_takes_the_same_link(client, w, h):
    _landed_world(w, h)
    api = Api(client)
    answer = api.get(w.office, "/projects", as_of=D, landed="true", signed_to=D)
    assert answer.status_code == 200, answer.content.decode()
    assert answer.json()["count"] == 1
    assert [row["code"] for row in answer.json()["items"]] == [h.b.code]
    # Not landed at the date: A (in talks, signed in April) and the rest of the library.
    others = api.get(w.office, "/projects", as_of=D, landed="false", signed_to=D).json()
    assert [row["code"] for row in others["items"]] == [h.a.code]
    assert api.get(w.tongan_office, "/projects", as_of=D, landed="true").json()["count"] == 0
    assert api.get(w.office, "/projects", landed="maybe").status_code in (400, 422)
