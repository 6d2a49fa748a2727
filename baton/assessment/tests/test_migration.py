"""``assessment.0005``: the schemes made before city schemes keep working — each gets its
district's city, its units stay its parties, and it ranks as before."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from baton.assessment import services
from baton.assessment.models import Scheme

from .helpers import Q1

BEFORE = [("assessment", "0004_new_kinds")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_district_scheme_made_before_keeps_working(w):
    try:
        old = migrate(BEFORE)
        OldScheme = old.get_model("assessment", "Scheme")
        OldUnit = old.get_model("assessment", "SchemeUnit")
        OldIndicator = old.get_model("assessment", "Indicator")
        made = OldScheme.objects.create(district_id=w.district.pk, name="旧方案", version=1)
        OldUnit.objects.create(scheme=made, unit_id=w.town.pk, group="乡镇")
        OldIndicator.objects.create(
            scheme=made, order=1, name="工作评价", kind="manual", weight=100, config={}
        )
    finally:
        migrate()
    scheme = Scheme.objects.get(name="旧方案")
    assert (scheme.city, scheme.district, scheme.is_city) == (w.city, w.district, False)
    assert [m.party for m in scheme.units.all()] == [w.town]
    ranking = services.ranking_compute(scheme=scheme, period_start=Q1[0], period_end=Q1[1])
    line = ranking.lines.get()
    assert (line.unit, line.district, line.party_name) == (w.town, None, "马巷街道")
