"""Who may be the same project (项目撞车): the scoring of ``duplicate_candidates``.

Apart from the models (it imports no Django), so that an import can run it in a
process of its own (``duplicate_index``).
"""

from rapidfuzz import fuzz, process

#: A name this similar is a candidate whatever the investor.
NAME_ALONE = 88
#: With the same investor, a name this similar is a candidate.
NAME_WITH_INVESTOR = 60


def match(name: str, investor: str, rows: list[tuple]) -> dict:
    """Return ``{key: (score, reason)}`` for the rows ``(key, name_key, investor_key)``
    that may be the project with this name key and investor key."""
    scores = {
        index: round(score)
        for _choice, score, index in process.extract(
            name,
            [row[1] for row in rows],
            scorer=fuzz.ratio,
            score_cutoff=NAME_WITH_INVESTOR,
            limit=None,
        )
    }
    if name:
        for index, (_pk, other, _investor) in enumerate(rows):
            if other and scores.get(index, 0) < NAME_ALONE:
                # One name inside the other: 「某某新能源电池」 vs 「某某新能源电池生产基地」.
                shorter, longer = sorted((name, other), key=len)
                if len(shorter) >= 4 and shorter in longer:
                    scores[index] = NAME_ALONE
    matched: dict = {}
    for index, score in scores.items():
        pk, _other, other_investor = rows[index]
        same_investor = bool(investor) and other_investor == investor
        if same_investor and score >= NAME_WITH_INVESTOR:
            matched[pk] = (score, f"投资方相同，项目名称相似度 {score}%")
        elif score >= NAME_ALONE:
            matched[pk] = (score, f"项目名称相似度 {score}%")
    return matched
