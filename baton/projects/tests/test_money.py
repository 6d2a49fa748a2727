"""MoneyField on projects' tables: whole 元 stored, exact sums, 万元 filters."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from baton.core.money import MAX_WAN
from baton.projects.models import Project, ProjectPeriod
from baton.testing import make_project


def raw_investment(model, pk) -> int:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT investment FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_it_stores_whole_yuan(w):
    project = make_project(w, investment="1234.5678")

    assert raw_investment(Project, project.pk) == 12_345_678
    period = project.periods.get()
    assert raw_investment(ProjectPeriod, period.pk) == 12_345_678
    project.refresh_from_db()
    assert project.investment == Decimal("1234.5678")
    assert isinstance(project.investment, Decimal)


def test_it_stores_the_largest_amount_exactly(w):
    project = make_project(w, investment=str(MAX_WAN))

    assert raw_investment(Project, project.pk) == 1_000_000_000_000
    project.refresh_from_db()
    assert project.investment == Decimal("100000000")


def test_it_sums_exactly(w):
    amounts = ["0.1", "0.2"] + ["1234.0001"] * 20 + ["99999999.9999"]
    for amount in amounts:
        make_project(w, investment=amount)

    total = Project.objects.aggregate(total=Sum("investment"))["total"]

    assert isinstance(total, Decimal)
    assert total == Decimal("100024680.3019")
    assert total == sum(Decimal(a) for a in amounts)
    assert raw_investment(Project, Project.objects.order_by("pk").first().pk) == 1_000


def test_it_filters_on_amounts_in_wan(w):
    small = make_project(w, investment="0.0001")
    make_project(w, investment="5000")

    assert list(Project.objects.filter(investment__lt=Decimal("1"))) == [small]
    assert list(Project.objects.filter(investment="0.0001")) == [small]


def test_it_refuses_to_compare_with_a_float(w):
    with pytest.raises(ValidationError) as info:
        list(Project.objects.filter(investment=0.5))
    assert info.value.messages == ["金额不能是浮点数，请以文本或 Decimal 传入。"]
