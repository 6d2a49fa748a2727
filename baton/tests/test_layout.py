"""How the code is laid out: what the tools are told about the modules matches the modules."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_split_services_or_selectors_module_is_checked_as_strictly():
    """mypy's stricter rules reach a module only by name (its patterns match whole names)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    strict = {
        name
        for override in config["tool"]["mypy"]["overrides"]
        if override.get("disallow_untyped_defs")
        for name in override["module"]
    }
    split = {
        f"baton.{path.parent.name}.{path.stem}"
        for pattern in ("services_*.py", "selectors_*.py")
        for path in (ROOT / "baton").glob(f"*/{pattern}")
    }
    assert split, "no split module found: the test looks in the wrong place"
    assert split <= strict, f"not checked as strictly as services.py: {sorted(split - strict)}"
