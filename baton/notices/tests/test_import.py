"""A ledger import tells each unit once, in one summary, never once per row."""

import pytest

from baton.accounts.models import User
from baton.audit.hooks import audit_import
from baton.audit.services import audit_batch
from baton.ledger.importer import ledger_import
from baton.ledger.tests.helpers import row, xlsx
from baton.notices.models import Notice
from baton.testing import make_user

ROWS = [
    row(入库状态="草稿"),
    row(项目编号="350213-2019-0902", 项目名称="光伏组件", 入库状态="草稿"),
    row(项目编号="350213-2019-0903", 项目名称="储能电站", 责任单位="新店街道", 入库状态="草稿"),
]


def run_import(w, *, through_services: bool):
    with audit_batch():
        result = ledger_import(
            data=xlsx(ROWS), actor=w.office, district=w.district, through_services=through_services
        )
    assert result.ok, [e.line() for e in result.errors]
    audit_import(
        result, file_name="/srv/ledgers/翔安区项目台账.xlsx", district=w.district, user=w.office
    )
    return result


@pytest.mark.parametrize("through_services", [False, True], ids=["bulk", "services"])
def test_one_summary_per_unit(w, through_services):
    colleague = make_user(User.Role.UNIT_STAFF, unit=w.town)
    run_import(w, through_services=through_services)
    for user in (w.promoter, colleague):
        [notice] = Notice.objects.filter(recipient=user)
        assert notice.kind == Notice.Kind.IMPORTED
        assert notice.title == "台账导入更新了您单位的 2 个项目"
        assert "翔安区项目台账.xlsx" in notice.body and "/srv" not in notice.body
    [other] = Notice.objects.filter(recipient=w.other_promoter)
    assert other.title == "台账导入更新了您单位的 1 个项目"
    # Nobody else, and not the importer: no per-row submission or admission notices.
    assert Notice.objects.count() == 3
    assert not Notice.objects.filter(recipient__in=[w.office, w.tongan_office, w.reviewer])


def test_an_import_that_changes_nothing_tells_nobody(w):
    run_import(w, through_services=False)
    Notice.objects.all().delete()
    result = run_import(w, through_services=False)
    assert result.events == 0
    assert not Notice.objects.exists()


@pytest.mark.parametrize("through_services", [False, True], ids=["bulk", "services"])
def test_handoffs_by_import_are_summarised_not_told_one_by_one(w, through_services):
    run_import(w, through_services=through_services)
    Notice.objects.all().delete()
    moved = [
        row(入库状态="草稿", 责任单位="新店街道"),
        row(项目编号="350213-2019-0902", 项目名称="光伏组件", 入库状态="草稿", 责任单位="新店街道"),
    ]
    with audit_batch():
        result = ledger_import(
            data=xlsx(moved), actor=w.office, district=w.district, through_services=through_services
        )
    assert result.ok and len(result.updated) == 2
    audit_import(result, file_name="台账.xlsx", district=w.district, user=w.office)
    [notice] = Notice.objects.filter(recipient=w.other_promoter)
    assert notice.title == "台账导入更新了您单位的 2 个项目"
    assert Notice.objects.filter(kind=Notice.Kind.HANDED_OFF).count() == 0


@pytest.mark.parametrize("through_services", [False, True], ids=["bulk", "services"])
def test_a_units_import_asks_the_receiving_unit_once(w, through_services):
    run_import(w, through_services=through_services)
    Notice.objects.all().delete()
    moved = [row(入库状态="草稿", 责任单位="新店街道")]
    with audit_batch():
        result = ledger_import(
            data=xlsx(moved),
            actor=w.promoter,
            district=w.district,
            through_services=through_services,
        )
    assert result.ok, [e.line() for e in result.errors]
    audit_import(result, file_name="台账.xlsx", district=w.district, user=w.promoter)
    [notice] = Notice.objects.filter(recipient=w.other_promoter)
    assert notice.title == "台账导入交给您单位 1 个项目，待您接收"
    assert "请您确认接收：350213-2019-0001" in notice.body
    assert not Notice.objects.filter(recipient=w.promoter)  # the importer is not told
