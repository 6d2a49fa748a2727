"""政策梳理和分析: the figures of a small world, computed by hand (see ``analysis_world``)."""

import datetime as dt
from decimal import Decimal

import pytest

from baton.policies.analysis import (
    CAP_ITEM,
    CAP_PROJECT,
    CAP_YEAR,
    OVER_ESTIMATE,
    analysis_build,
    area_for,
    area_of_user,
    pack_figures,
    rows_behind,
)
from baton.testing import add_coordinating

from .analysis_world import D, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def n(w):
    return build(w)


def lines(table):
    return [(x.label, x.promised_count, x.promised, x.paid_count, x.paid) for x in table.lines]


def test_the_district_office_sees_its_promises_and_payments_as_of_d(w, n):
    result = analysis_build(area=area_of_user(w.office), as_of=D)
    # a1 150 + a2 180 + a3 50 (withdrawn after D) + a8 40; not a4 (rejected), a5 (not
    # decided), a6 (withdrawn before D), a7 (after D), t1 (同安).
    assert [r.code for r in result.promised] == [n.a8.code, n.a1.code, n.a3.code, n.a2.code]
    assert (result.total.promised_count, result.total.promised) == (4, Decimal("420"))
    # 40 (2024-12-15) + 45 + 180; not a1's 105 paid after D, nor a3's held instalment.
    assert (result.total.paid_count, result.total.paid) == (3, Decimal("265"))
    assert lines(result.breakdowns["policy"]) == [
        ("厦测〔2025〕1号测试政策", 2, Decimal("330"), 2, Decimal("225")),
        ("翔测〔2025〕2号测试政策", 2, Decimal("90"), 1, Decimal("40")),
    ]
    assert lines(result.breakdowns["clause"])[0][0] == "厦测〔2025〕1号 第三条"
    assert lines(result.breakdowns["industry"]) == [
        ("新能源", 3, Decimal("370"), 3, Decimal("265")),
        ("未填行业", 1, Decimal("50"), 0, Decimal("0")),
    ]
    assert lines(result.breakdowns["unit"]) == [
        ("马巷街道", 3, Decimal("370"), 3, Decimal("265")),
        ("新店街道", 1, Decimal("50"), 0, Decimal("0")),
    ]
    assert lines(result.breakdowns["year"]) == [
        ("2024年", 1, Decimal("40"), 1, Decimal("40")),
        ("2025年", 3, Decimal("380"), 2, Decimal("225")),
    ]
    for table in result.breakdowns.values():  # every breakdown adds up to the same total
        assert table.total.promised == sum(x.promised for x in table.lines) == Decimal("420")
        assert table.total.paid == sum(x.paid for x in table.lines) == Decimal("265")
    assert result.total.rate_text == "63.1%"


def test_a_payment_after_d_counts_from_its_day_on(w, n):
    area = area_of_user(w.office)
    assert analysis_build(area=area, as_of=dt.date(2025, 7, 31)).total.paid == Decimal("265")
    later = analysis_build(area=area, as_of=dt.date(2025, 8, 1))
    assert later.total.paid == Decimal("370")  # a1's 105
    # On 2025-07-10 a3 was withdrawn: from then on it is no promise; a7 approved 07-05 is.
    assert later.total.promised == Decimal("420") - 50 + 20
    early = analysis_build(area=area, as_of=dt.date(2025, 3, 14))
    assert (early.total.promised, early.total.paid) == (Decimal("190"), Decimal("85"))


def test_a_year_narrows_the_promises_and_payments(w, n):
    result = analysis_build(area=area_of_user(w.office), as_of=D, since=dt.date(2025, 1, 1))
    assert (result.total.promised, result.total.paid) == (Decimal("380"), Decimal("225"))
    assert [x.label for x in result.breakdowns["year"].lines] == ["2025年"]


def test_the_rows_behind_a_line_add_up_to_it(w, n):
    result = analysis_build(area=area_of_user(w.office), as_of=D)
    for by, table in result.breakdowns.items():
        for line in table.lines:
            promised, paid = rows_behind(by, line.key, result.promised, result.paid)
            assert sum(r.amount for r in promised) == line.promised, (by, line.label)
            assert sum(p.amount for p in paid) == line.paid, (by, line.label)
            assert (len(promised), len(paid)) == (line.promised_count, line.paid_count)


def test_each_role_sees_its_own_area(w, n):
    def totals(user):
        result = analysis_build(area=area_of_user(user), as_of=D)
        return result.total.promised, result.total.paid

    assert totals(w.office) == totals(w.leader) == (Decimal("420"), Decimal("265"))
    assert totals(w.tongan_office) == (Decimal("500"), Decimal("200"))  # paid_amount, not 250
    assert totals(w.reviewer) == (Decimal("920"), Decimal("465"))
    assert totals(w.promoter) == (Decimal("370"), Decimal("265"))  # 马巷's project A only
    assert totals(w.other_promoter) == (Decimal("50"), Decimal("0"))
    for admin in (w.sys_admin, w.sec_admin, w.audit_admin, add_coordinating(w).coordinator):
        assert area_of_user(admin) is None


def test_the_promises_over_a_cap_are_listed_with_the_excess(w, n):
    result = analysis_build(area=area_of_user(w.office), as_of=D)
    assert [(e.kind, e.promised, e.cap, e.excess, e.year) for e in result.excess] == [
        (CAP_YEAR, Decimal("330"), Decimal("250"), Decimal("80"), 2025),  # 甲公司, a1 + a2
        (CAP_PROJECT, Decimal("330"), Decimal("300"), Decimal("30"), None),  # project A
        (OVER_ESTIMATE, Decimal("150"), Decimal("140"), Decimal("10"), None),  # a1
    ]
    assert result.excess[0].codes == (n.a1.code, n.a2.code)
    tongan = analysis_build(area=area_of_user(w.tongan_office), as_of=D)
    assert [(e.kind, e.excess) for e in tongan.excess] == [
        (CAP_ITEM, Decimal("300")),
        (CAP_YEAR, Decimal("250")),
        (CAP_PROJECT, Decimal("200")),
    ]
    # A year's window does not hide a promise over a cap made to D.
    windowed = analysis_build(area=area_of_user(w.office), as_of=D, since=dt.date(2025, 6, 1))
    assert len(windowed.excess) == 3


def test_the_policies_never_used_are_those_of_the_area(w, n):
    def unused(user, **kw):
        result = analysis_build(area=area_of_user(user), as_of=D, **kw)
        return [p.number for p in result.unused]

    assert unused(w.office) == ["厦测〔2025〕3号"]  # P4 is 同安's, P5 a draft
    # The newest first (P4 in force from 2024, P3 from 2023).
    assert unused(w.tongan_office) == ["同测〔2025〕4号", "厦测〔2025〕3号"]
    assert unused(w.reviewer) == ["同测〔2025〕4号", "厦测〔2025〕3号"]
    # In 2025 翔安 received an application under P1 only (a5): P2's were in 2024.
    assert unused(w.office, since=dt.date(2025, 1, 1)) == ["翔测〔2025〕2号", "厦测〔2025〕3号"]


def test_the_share_of_landed_projects_that_applied(w, n):
    share = analysis_build(area=area_of_user(w.office), as_of=D).share
    assert [p.name for p in share.landed] == ["新能源电池", "物流中心", "未申报项目"]
    assert [p.name for p in share.applied] == ["新能源电池", "物流中心"]
    assert [p.name for p in share.not_applied] == ["未申报项目"]  # C applied but is 在谈
    assert share.share == Decimal(2) / Decimal(3) and share.share_text == "66.7%"
    unit = analysis_build(area=area_of_user(w.promoter), as_of=D).share
    assert (len(unit.applied), len(unit.landed)) == (1, 2)
    # Before the landings (2025-01-20) nothing had landed.
    before = analysis_build(area=area_of_user(w.office), as_of=dt.date(2025, 1, 19)).share
    assert before.landed == [] and before.share is None and before.share_text == "—"


def test_the_pack_figures_hold_the_month_the_year_and_the_share(w, n):
    figures = pack_figures(area=area_for(district=w.district), as_of=D)
    assert (figures.month.promised, figures.month.paid) == (Decimal("180"), Decimal("180"))
    assert (figures.year.promised, figures.year.paid) == (Decimal("380"), Decimal("225"))
    assert (figures.total.promised, figures.total.paid) == (Decimal("420"), Decimal("265"))
    assert len(figures.share.applied) == 2 and len(figures.share.landed) == 3
    assert figures.policies.total.promised == Decimal("380")
