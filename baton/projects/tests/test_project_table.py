"""The 项目库's rows (templatetags/project_table.py) write what their template wrote."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.urls import reverse

from baton.projects.listing import project_page
from baton.projects.templatetags.project_table import project_rows
from baton.testing import admit, at, make_project

UTC_EVENING = dt.datetime(2024, 3, 31, 17, 30, tzinfo=dt.UTC)  # 4月1日 01:30 in Beijing

#: The rows as the template wrote them before they were written in Python.
TEMPLATE = Template(
    """{% load baton %}{% for p in rows %}
      <tr>
        <td class="code" data-label="项目编号">{{ p.code }}</td>
        <td class="name" data-label="项目名称"><a href="{% url 'projects:detail' p.code %}">{{ p.name }}</a></td>
        <td class="investor" data-label="投资方">{{ p.investor|default:"—" }}</td>
        {% if show_district %}<td class="district" data-label="所属区">{{ p.district.name }}</td>{% endif %}
        {% if p.period_then %}
        <td class="unit" data-label="责任单位">{{ p.period_then.unit.name }}</td>
        <td class="stage" data-label="阶段"><span class="badge stage-{{ p.period_then.stage.code }}">{{ p.period_then.stage.name }}</span></td>
        {% else %}
        <td class="unit" data-label="责任单位">{{ p.unit.name }}</td>
        <td class="stage" data-label="阶段"><span class="badge stage-{{ p.stage.code }}">{{ p.stage.name }}</span></td>
        {% endif %}
        <td class="review" data-label="入库状态"><span class="badge review-{{ p.review_state }}">{{ p.get_review_state_display }}</span></td>
        <td class="num amount" data-label="总投资（万元）">{% if p.period_then %}{{ p.period_then.investment|wan }}{% else %}{{ p.investment|wan }}{% endif %}</td>
        <td class="when" data-label="最近动态"><time datetime="{{ p.updated_at|date:'c' }}">{{ p.updated_at|date:"Y-m-d" }}</time></td>
      </tr>
      {% endfor %}"""
)


@pytest.fixture
def rows(w):
    make_project(
        w, name='<script>alert("x")</script>园区 & 厂房', investor="", investment="12345.5",
        at=at(2024, 1, 5),
    )  # fmt: skip
    late = make_project(
        w, name="鹭岛冷链物流园", investor="厦门<鹭岛>有限公司", investment="880000",
        at=at(2024, 2, 1),
    )  # fmt: skip
    admit(w, late, when=UTC_EVENING)
    return w


@pytest.mark.parametrize("show_district", [False, True])
def test_rows_match_the_template(rows, show_district):
    page = project_page(user=rows.office, size=10)
    assert len(page.rows) == 2
    ours = project_rows(page.rows, show_district)
    theirs = TEMPLATE.render(Context({"rows": page.rows, "show_district": show_district}))
    assert parse_html(ours) == parse_html(theirs)
    assert "&lt;script&gt;" in ours and "<script>" not in ours
    assert ">—</td>" in ours and "12,345.5" in ours
    assert ("所属区" in ours) is show_district
    assert '<time datetime="2024-04-01T01:30:00+08:00">2024-04-01</time>' in ours


def test_rows_as_of_a_date_show_that_period(rows):
    page = project_page(user=rows.office, filters={"as_of": dt.date(2024, 4, 2)}, size=10)
    assert page.rows and all(p.period_then for p in page.rows)
    ours = project_rows(page.rows, False)
    theirs = TEMPLATE.render(Context({"rows": page.rows, "show_district": False}))
    assert parse_html(ours) == parse_html(theirs)


def test_row_links_are_the_detail_addresses(rows):
    page = project_page(user=rows.office, size=10)
    html = project_rows(page.rows, False)
    for p in page.rows:
        assert f'href="{reverse("projects:detail", args=[p.code])}"' in html
