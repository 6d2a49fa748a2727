"""No app imports a higher one: the layering, checked over every module's imports.

An app may import only the apps below it (STYLE 18); ``core`` imports no app. Tests and
migrations are not checked. The top level (``baton/testing.py``, ``baton/conftest.py``,
``baton/__main__.py``) and ``config`` may import any app.
"""

import ast
from pathlib import Path

import baton

LAYERS = [
    "core",
    "org",
    "audit",
    "accounts",
    "companies",
    "jobs",
    "projects",
    "files",
    "supervision",
    "land",
    "todo",
    "leads",
    "chains",
    "policies",
    "intermediaries",
    "visits",
    "activities",
    "outcomes",
    "notices",
    "reports",
    "news",
    "ledger",
    "assessment",
    "meetings",
    "ops",
    "demo",
]
TOP = len(LAYERS)  # baton/testing.py, baton/conftest.py, baton/__main__.py
CONFIG = TOP + 1

ROOT = Path(baton.__file__).parent


def layer(module: str) -> int | None:
    """Return the layer of a module of this repository, None for a library's."""
    parts = module.split(".")
    if parts[0] == "config":
        return CONFIG
    if parts[0] != "baton":
        return None
    if len(parts) == 1 or parts[1] not in LAYERS:
        return TOP  # baton itself, testing, conftest, __main__
    return LAYERS.index(parts[1])


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def checked_files():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path.name.startswith("test_"):
            continue
        yield path


def imported(path: Path, module: str):
    """Yield every module ``path`` imports (relative imports resolved)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield ".".join([*base, node.module] if node.module else base)
            else:
                yield node.module


def upward_imports() -> set[tuple[str, str]]:
    found = set()
    for path in checked_files():
        module = module_name(path)
        own = layer(module)
        for name in imported(path, module):
            other = layer(name)
            if own is not None and other is not None and other > own:
                found.add((module, name))
    return found


def test_no_app_imports_a_higher_one():
    found = sorted(upward_imports())
    assert not found, f"upward imports (an app imports only below itself): {found}"


def test_the_check_sees_an_upward_import(tmp_path):
    # The self-test: the parser finds absolute and relative imports, and ranks them.
    assert layer("baton.core.crypto") < layer("baton.audit") < layer("baton.accounts.models")
    assert layer("baton.ops.backup") < layer("baton.testing") < layer("config.settings")
    assert layer("django.db") is None
    source = tmp_path / "signals.py"
    source.write_text(
        "from baton.projects.models import ProjectEvent\n"
        "from ..accounts import privacy\n"
        "from . import services\n"
        "import baton.land.models\n"
    )
    names = list(imported(source, "baton.audit.signals"))
    assert names == [
        "baton.projects.models",
        "baton.accounts",
        "baton.audit",
        "baton.land.models",
    ]
    assert [n for n in names if layer(n) > layer("baton.audit.signals")] == [
        "baton.projects.models",
        "baton.accounts",
        "baton.land.models",
    ]


def test_every_app_is_in_the_layering():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {
        p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in ("tests",)
    }
    assert apps - {"templates", "static"} <= set(LAYERS)
