"""A city office ranks the city's districts, each as a whole; schemes copy in one step."""

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from baton.assessment import services
from baton.assessment.exchange import scheme_dump, scheme_load
from baton.assessment.models import Scheme
from baton.assessment.selectors import manages, ranking_list, scheme_list

from .helpers import project

YEAR = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def tongan(w):
    """The world as 同安区's office sees it (its reviews, its unit)."""
    return SimpleNamespace(**{**vars(w), "office": w.tongan_office})


def city_scheme(w):
    s = services.scheme_create(city=w.city, name="2024年度各区招商引资考核", period_kind="year")
    services.scheme_units_set(scheme=s, members={w.district: "", w.other_district: ""})
    signed = services.indicator_add(
        scheme=s,
        name="新签约亿元以上项目",
        kind="ratio",
        weight="0.5",
        config={"metric": "signed", "min_amount": "10000"},
    )
    fdi = services.indicator_add(
        scheme=s,
        name="实际利用外资",
        kind="ratio",
        weight="0.5",
        cap="0.5",
        config={"metric": "entered", "name": "实际利用外资"},
    )
    for district, count, money in ((w.district, "2", "5000"), (w.other_district, "1", "4000")):
        services.target_set(indicator=signed, unit=district, value=count)
        services.target_set(indicator=fdi, unit=district, value=money)
    return s


def test_a_city_scheme_counts_each_district_as_a_whole(w):
    s = city_scheme(w)
    # 翔安区: three 亿元 projects signed in 2024, held by two units (and the relay does
    # not split a district's count); one below 1亿 does not count.
    project(w, w.town, "20000", admitted=dt.date(2024, 1, 5), signed=dt.date(2024, 3, 1))
    project(
        w,
        w.other_town,
        "30000",
        admitted=dt.date(2024, 1, 5),
        signed=dt.date(2024, 4, 1),
        info_unit=w.town,
    )
    project(w, w.department, "15000", admitted=dt.date(2024, 1, 5), signed=dt.date(2024, 5, 1))
    project(w, w.town, "5000", admitted=dt.date(2024, 1, 5), signed=dt.date(2024, 5, 1))
    # 同安区: one.
    project(
        tongan(w),
        w.tongan_unit,
        "12000",
        admitted=dt.date(2024, 2, 5),
        signed=dt.date(2024, 6, 1),
        actor=w.tongan_office,
    )
    for district, value in ((w.district, "4800"), (w.other_district, "4400")):
        services.entered_fact_set(
            district=district,
            name="实际利用外资",
            period_start=YEAR[0],
            period_end=YEAR[1],
            value=value,
            source="商务局",
            reason="市商务局年报",
            actor=w.reviewer,
        )
    ranking = services.ranking_compute(scheme=s, period_start=YEAR[0], period_end=YEAR[1])
    lines = {line.party_name: line for line in ranking.lines.select_related("district")}
    xiangan, tongan_line = lines["翔安区"], lines["同安区"]
    # 翔安: 3 ÷ 2 × 0.5 = 0.75 (uncapped); 4800 ÷ 5000 = 96% × 0.5 = 0.48; total 1.23.
    assert [(s["score"], s["formula"]) for s in xiangan.scores] == [
        ("0.75", "(3÷2)×0.5"),
        ("0.48", "4800÷5000=96%，96%×0.5=0.48"),
    ]
    # 同安: 1 ÷ 1 × 0.5 = 0.5; 4400 ÷ 4000 = 110% × 0.5 = 0.55 → capped 0.5; total 1.
    assert [(s["score"], s["raw"]) for s in tongan_line.scores] == [
        ("0.50", "0.50"),
        ("0.50", "0.55"),
    ]
    assert (xiangan.rank, xiangan.total, tongan_line.rank, tongan_line.total) == (
        1,
        Decimal("1.23"),
        2,
        Decimal("1.00"),
    )
    assert xiangan.unit is None and xiangan.district == w.district


def test_the_city_office_manages_it_and_the_districts_read_it_once_published(w):
    s = city_scheme(w)
    assert manages(w.reviewer, s) and not manages(w.office, s)
    assert s not in scheme_list(user=w.office)
    with pytest.raises(ValidationError, match="不是厦门市的区"):
        services.scheme_unit_set(scheme=s, unit=w.town)
    services.scheme_publish(scheme=s, actor=w.reviewer)
    ranking = services.ranking_compute(scheme=s, period_start=YEAR[0], period_end=YEAR[1])
    assert s in scheme_list(user=w.office) and s in scheme_list(user=w.promoter)
    assert ranking not in ranking_list(user=w.office)  # a trial run: the city office's
    assert ranking in ranking_list(user=w.reviewer)
    services.ranking_publish(ranking=ranking, actor=w.reviewer)
    assert ranking in ranking_list(user=w.office) and ranking in ranking_list(user=w.leader)


def test_a_city_scheme_round_trips_through_its_file(w):
    s = city_scheme(w)
    data = scheme_dump(s)
    assert data["city"] == "3502" and "district" not in data
    assert [u["unit"] for u in data["units"]] == ["同安区", "翔安区"]
    assert scheme_load(json.loads(json.dumps(data))).outcome == "unchanged"


def test_a_scheme_copies_to_next_year_and_to_another_district_with_its_targets(w):
    s = services.scheme_create(district=w.district, name="2024年度镇街考核", period_kind="year")
    services.scheme_units_set(scheme=s, members={w.town: "镇街", w.office_unit: ""})
    item = services.indicator_add(
        scheme=s, name="签约项目", kind="ratio", weight="1", config={"metric": "signed"}
    )
    services.target_set(indicator=item, unit=w.town, value="3")
    services.target_set(indicator=item, unit=w.office_unit, value="1")

    next_year = services.scheme_copy(scheme=s, next_year=True)
    assert (next_year.name, next_year.version, next_year.district) == (
        "2025年度镇街考核",
        1,
        w.district,
    )
    assert next_year.indicators.get().targets.get(unit=w.town).value == 3

    # To 同安区: its units are matched by name — a 马巷街道 there takes its group and
    # target; 翔安区招商办 has no namesake and is left out.
    w.tongan_unit.__class__.objects.create(
        district=w.other_district, name="马巷街道", kind=w.town.kind, order=2
    )
    there = services.scheme_copy(scheme=s, district=w.other_district)
    assert there.district == w.other_district and there.city == w.city
    assert list(there.units.values_list("unit__name", "group")) == [("马巷街道", "镇街")]
    assert [t.value for t in there.indicators.get().targets.all()] == [3]
    city = city_scheme(w)
    with pytest.raises(ValidationError, match="不能复制到某个区"):
        services.scheme_copy(scheme=city, district=w.district)
    assert Scheme.objects.filter(district=None).count() == 1
