"""The demo's 履约与效益: promises on signed projects, two years of results for the
projects in production, and one broken promise with its problem raised."""

from django.utils import timezone

from baton.demo.tests.snapshot import load_demo_once
from baton.org.models import District
from baton.outcomes.models import Promise, Result
from baton.outcomes.services import broken_promises


def test_the_demo_has_promises_results_and_one_broken(db):
    load_demo_once()
    xa = District.objects.get(name="翔安区")
    promises = Promise.objects.filter(district=xa)
    assert promises.count() >= 6
    last = timezone.localdate().year - 1
    assert Result.objects.filter(district=xa, year=last, source="statistics").exists()
    broken = promises.filter(status=Promise.Status.BROKEN)
    assert broken.count() == 1
    promise = broken.get()
    assert promise.kind == "output" and promise.problem is not None
    assert promise.problem.responsible_unit_id == promise.project.unit_id
    assert broken_promises(promise.project_id).exists()
    assert promises.filter(status=Promise.Status.KEPT).exists()
