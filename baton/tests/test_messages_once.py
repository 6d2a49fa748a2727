"""Each Chinese sentence the product says is written once, so a rule's wording cannot drift.

A refusal copied into a form, a view, the API and an importer is a rule written four
times: one copy gets reworded or loses a condition and the paths disagree. Every string
(or f-string) of the product code that reads as a Chinese sentence — it ends in 。 or ！ —
must occur once; what several places say is a constant or a function they share
(``baton/core/messages.py``, ``baton/core/forms.py`` and each app's rules and services).
Tests, migrations and the sample data are not product code.
"""

import ast
from collections import defaultdict
from pathlib import Path

import baton

ROOT = Path(baton.__file__).parent
SKIPPED = {"tests", "migrations", "demo"}


def _is_sentence(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text) and text.rstrip().endswith(("。", "！"))


def sentences() -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(ROOT.rglob("*.py")):
        if SKIPPED & set(path.relative_to(ROOT).parts[:-1]):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside_fstrings = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                inside_fstrings.update(id(part) for part in node.values)
                text = ast.unparse(node)[2:-1]
                if _is_sentence(text):
                    found[text].append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in inside_fstrings
                and len(node.value.strip()) >= 6
                and _is_sentence(node.value)
            ):
                found[node.value.strip()].append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return found


def test_every_sentence_is_written_once():
    repeated = {text: where for text, where in sentences().items() if len(where) > 1}
    assert repeated == {}, "\n".join(
        f"{text}: {', '.join(where)}" for text, where in repeated.items()
    )


def test_the_check_finds_a_repeated_sentence(tmp_path, monkeypatch):
    app = tmp_path / "baton" / "someapp"
    app.mkdir(parents=True)
    (tmp_path / "baton" / "__init__.py").write_text("")
    (app / "views.py").write_text('A = "只有责任单位可以修改该项目。"\n')
    (app / "api.py").write_text('def f(x):\n    return f"只有责任单位可以修改该项目。"\n')
    (app / "forms.py").write_text('B = f"{1}条记录缺失。"\nC = f"{2}条记录缺失。"\n')
    monkeypatch.setattr(__name__ + ".ROOT", tmp_path / "baton")
    found = sentences()
    assert len(found["只有责任单位可以修改该项目。"]) == 2
    assert len(found["{1}条记录缺失。"]) == 1  # different expressions: different sentences
