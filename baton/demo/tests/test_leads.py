"""The demo's 投资信息: twenty-odd leads of 翔安区's units for the demo's companies, in
every state the pages show."""

from django.utils import timezone

from baton.demo.tests.snapshot import load_demo_once
from baton.leads.due import overdue_q
from baton.leads.models import Lead, LeadEvent, Status
from baton.leads.services import can_reassign_now
from baton.org.models import District


def test_the_demo_has_leads_in_every_state(db):
    load_demo_once()
    xa = District.objects.get(name="翔安区")
    leads = Lead.objects.filter(district=xa)
    assert 15 <= leads.count() <= 25
    statuses = set(leads.values_list("status", flat=True))
    assert {Status.REGISTERED, Status.FOLLOWING, Status.ASSESSED, Status.CONVERTED} <= statuses
    assert {Status.CONFLICT, Status.REJECTED, Status.MERGED} <= statuses
    assert leads.filter(status=Status.CONFLICT).count() == 1
    assert leads.filter(is_reserve=True).exists()
    assert leads.filter(overdue_q(timezone.localdate())).exists()
    assert any(can_reassign_now(lead) for lead in leads)
    assert leads.values("unit").distinct().count() >= 8
    assert len(set(leads.values_list("source", flat=True))) >= 5
    for lead in leads.filter(status=Status.CONVERTED):
        assert lead.project.info_unit_id == lead.first_unit_id
    assert LeadEvent.objects.filter(kind="arbitrated").exists()
