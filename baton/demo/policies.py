"""The demo's policy library: the public policies shipped in baton/policies/data/."""

import io

from django.core.management import call_command


def load_policies() -> None:
    """Load every shipped policy (a file already loaded is left as it is)."""
    call_command("policy", "load", "--shipped", stdout=io.StringIO(), stderr=io.StringIO())
