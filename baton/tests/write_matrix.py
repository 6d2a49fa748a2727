"""The harness of the write-path matrices (projects, companies, leads, policy delivery).

A matrix tries every actor × change × path — the pages, the API, an import, a command —
and checks that one rule answers the same on each. A cell runs in a savepoint rolled
back afterwards, so one world serves them all; it is *allowed* when the change happened
and the path said yes, and refused when the path said no and nothing at all changed.
"""

import io
import sys
from collections.abc import Callable, Iterable

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client


def try_cell(
    label: str,
    want: str,
    client: Client | None,
    attempt: Callable[[], bool],
    happened: Callable[[], bool],
    state: Callable[[], object],
) -> str | None:
    """Run ``attempt`` (True when the path said no) in a savepoint rolled back; return the
    mismatch with ``want`` ("allowed", or the kind of refusal expected), or None.

    ``happened`` says whether the change was made, ``state`` snapshots what must not move
    on a refusal; the client's cookies (its session) are restored, whatever the path did.
    """
    cookies = {name: m.value for name, m in client.cookies.items()} if client else {}
    with transaction.atomic():
        before = state()
        try:
            said_no = attempt()
            done = happened()
            unchanged = state() == before
        finally:
            transaction.set_rollback(True)
            if client is not None:
                client.cookies.clear()
                for name, value in cookies.items():
                    client.cookies[name] = value
    if done and not said_no:
        got = "allowed"
    elif not unchanged:
        got = "changed something" if said_no else "changed something else"
    elif said_no:
        got = want if want != "allowed" else "refused"
    else:
        got = "no refusal, nothing done"
    return None if got == want else f"{label}: expected {want}, got {got}"


def command_refused(name: str, *args, **options) -> bool:
    """Run management command ``name``; True when it refused (a ``CommandError``)."""
    out = io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=out, **options)
    except CommandError:
        return True
    return False


def run_matrix(cells: Iterable[tuple], run_cell: Callable[..., str | None], capsys) -> list[str]:
    """Run every cell, print the mismatches and the count past the capture; return them."""
    cells = list(cells)
    mismatches = [problem for cell in cells if (problem := run_cell(*cell))]
    with capsys.disabled():
        for line in mismatches:
            print(line, file=sys.stderr)
        print(f"\n{len(cells)} cells, {len(mismatches)} mismatches", file=sys.stderr)
    return mismatches
