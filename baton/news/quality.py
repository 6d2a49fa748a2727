"""How well the rules read the corpus of real report paragraphs (``corpus/*.json``).

Each corpus file holds a paragraph as published (its ``source`` URL kept), and the
reading a person wrote for it (``expected``): the figure groups (kind, count, amount in
万元, the group a subset is ``of``) and the companies named. A group counts as found
only when all four agree; a company when its name does (amount and stage are reported
apart, as the share right among the companies found). The publication date is checked
where the paragraph states one.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .extract import extract

CORPUS = Path(__file__).resolve().parent / "corpus"


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


@dataclass
class Score:
    files: int = 0
    groups_expected: int = 0
    groups_found: int = 0
    groups_right: int = 0
    companies_expected: int = 0
    companies_found: int = 0
    companies_right: int = 0
    amounts_right: int = 0
    dates_checked: int = 0
    dates_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def group_precision(self) -> float:
        return _ratio(self.groups_right, self.groups_found)

    @property
    def group_recall(self) -> float:
        return _ratio(self.groups_right, self.groups_expected)

    @property
    def company_precision(self) -> float:
        return _ratio(self.companies_right, self.companies_found)

    @property
    def company_recall(self) -> float:
        return _ratio(self.companies_right, self.companies_expected)

    def lines(self) -> list[str]:
        return [
            f"语料 {self.files} 段",
            f"数字组：应有 {self.groups_expected}，读出 {self.groups_found}，完全正确 "
            f"{self.groups_right}；精确率 {self.group_precision:.1%}，召回率 {self.group_recall:.1%}",
            f"企业：应有 {self.companies_expected}，读出 {self.companies_found}，正确 "
            f"{self.companies_right}；精确率 {self.company_precision:.1%}，召回率 "
            f"{self.company_recall:.1%}；其中金额也对 {self.amounts_right}",
            f"发布日期：核对 {self.dates_checked}，正确 {self.dates_right}",
            *self.misses,
        ]


def _group_key(g: dict) -> tuple:
    return (g["kind"], g["count"], g["investment_wan"], g["of"])


def score_corpus(directory: Path = CORPUS) -> Score:
    score = Score()
    for path in sorted(directory.glob("*.json")):
        item = json.loads(path.read_text(encoding="utf-8"))
        expected = item["expected"]
        got = extract(item["text"]).as_json()
        score.files += 1
        want = Counter(_group_key(g) for g in expected["groups"])
        have = Counter(_group_key(g) for g in got["groups"])
        right = want & have
        score.groups_expected += sum(want.values())
        score.groups_found += sum(have.values())
        score.groups_right += sum(right.values())
        for key in (want - have).elements():
            score.misses.append(f"  {path.stem}：漏读或读错数字组 {key}")
        for key in (have - want).elements():
            score.misses.append(f"  {path.stem}：多读或读错数字组 {key}")
        names = {c["name"]: c for c in expected["companies"]}
        found = {c["name"]: c for c in got["companies"]}
        score.companies_expected += len(names)
        score.companies_found += len(found)
        for name in names.keys() & found.keys():
            score.companies_right += 1
            score.amounts_right += names[name]["amount_wan"] == found[name]["amount_wan"]
        for name in names.keys() - found.keys():
            score.misses.append(f"  {path.stem}：漏读企业 {name}")
        for name in found.keys() - names.keys():
            score.misses.append(f"  {path.stem}：误读企业 {name}")
        if expected.get("date"):
            score.dates_checked += 1
            score.dates_right += expected["date"] == got["date"]
    return score
