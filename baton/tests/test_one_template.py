"""One form field, one dialog and one refusal page for every app.

``_field.html``, ``_dialog.html`` (with ``_dialog_foot.html``) and ``denied.html`` live once
in ``baton/templates``; a refusal is ``baton.core.views.deny`` (or ``raise
PermissionDenied``). An app that grows its own copy again, or its own ``_denied`` helper,
fails here.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the baton package
SHARED = ROOT / "templates"
ONCE = ("_field.html", "_dialog.html", "_dialog_foot.html")


def app_templates() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.glob("*/templates/**/*.html"))
        if not path.is_relative_to(SHARED)
    ]


def test_the_shared_templates_are_there():
    for name in (*ONCE, "denied.html", "dialog_page.html"):
        assert (SHARED / name).is_file(), name


def test_no_app_has_its_own_field_dialog_or_refusal_template():
    found = [
        str(path.relative_to(ROOT))
        for path in app_templates()
        if path.name in ONCE or "denied" in path.name
    ]
    assert app_templates(), "the app templates were not found"
    assert found == []


def test_no_view_has_its_own_refusal_helper():
    helper = re.compile(r"^\s*def _denied\b", re.MULTILINE)
    found = [
        str(path.relative_to(ROOT))
        for path in sorted(ROOT.rglob("*.py"))
        if "tests" not in path.parts and helper.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_no_template_includes_an_apps_copy():
    copy = re.compile(r"""["'][a-z_]+/(_field|_dialog|_dialog_foot)\.html["']""")
    found = [
        str(path.relative_to(ROOT))
        for path in sorted(ROOT.glob("**/templates/**/*.html"))
        if copy.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
