"""Reads of rankings: the ordered lines and the red and black lists (红黑榜)."""

from dataclasses import dataclass

from .models import Ranking, RankingLine


@dataclass(frozen=True)
class HonorRoll:
    red: list[RankingLine]
    black: list[RankingLine]


def ranking_lines(*, ranking: Ranking) -> list[RankingLine]:
    return list(ranking.lines.select_related("unit").order_by("rank", "unit__order", "unit_id"))


def ranking_honor_roll(*, ranking: Ranking, n: int = 3) -> HonorRoll:
    """Return the top ``n`` (红榜) and bottom ``n`` (黑榜, worst first) of a ranking.

    A unit is on one list only: with fewer than ``2n`` units the black list is shorter.
    """
    lines = ranking_lines(ranking=ranking)
    red = lines[:n]
    black = [line for line in reversed(lines[len(red) :])][:n]
    return HonorRoll(red=red, black=black)
