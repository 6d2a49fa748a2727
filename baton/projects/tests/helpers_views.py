"""Shared helpers of the view tests: signing in, a submitted project."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.projects import services
from baton.projects.models import Project
from baton.projects.tests.helpers import db_state
from baton.testing import make_project

HTMX = {"HTTP_HX_REQUEST": "true"}


def login(client, user):
    """Sign ``user`` in; an administrator also passes the second factor."""
    client.force_login(user)
    if user.is_admin_role:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def state() -> dict:
    """Everything these views may write, to compare before and after a refusal."""
    return db_state()


def make_submitted(w, *, actor=None, **kwargs) -> Project:
    """Create a project and submit it (by its creator unless told otherwise)."""
    actor = actor or w.promoter
    project = make_project(w, actor=actor, **kwargs)
    services.project_submit(project=project, actor=actor)
    return project
