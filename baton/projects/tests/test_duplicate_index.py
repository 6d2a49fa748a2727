"""``DuplicateIndex`` answers what a scan of the whole pool answers (``duplicates.match``
over every other project of the city), through any sequence of puts and discards."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from baton.projects.duplicate_index import _PLANS, DuplicateIndex
from baton.projects.duplicates import match


def _scan(pool: dict, code: str, city: int, name: str, investor: str) -> list:
    rows = [(c, n, i) for c, (ct, n, i) in pool.items() if ct == city and c != code]
    found = [(c, score, reason) for c, (score, reason) in match(name, investor, rows).items()]
    found.sort(key=lambda c: (-c[1], c[0]))
    return found[:10]


def _replay(steps) -> int:
    """Apply (op, code, city, name, investor) steps to an index and to a plain dict; compare
    every project's candidates after each step. Return how many candidates were seen."""
    index, pool, seen = DuplicateIndex(), {}, 0
    for op, code, city, name, investor in steps:
        if op == "put":
            index.put(code, city=city, name=name, investor=investor)
            pool[code] = (city, name, investor)
        else:
            index.discard(code)
            pool.pop(code, None)
        expected = _scan(pool, code, city, name, investor)
        assert index.candidates(code, city=city, name=name, investor=investor) == expected
        seen += len(expected)
    return seen


def _near(rng: random.Random, base: str, alphabet: str) -> str:
    """Return ``base`` with up to four random edits: near, but not always, a duplicate."""
    chars = list(base)
    for _ in range(rng.randrange(0, 5)):
        spot = rng.randrange(0, len(chars) + 1)
        edit = rng.choice("ids")
        if edit == "i" or not chars:
            chars.insert(spot, rng.choice(alphabet))
        elif edit == "d":
            del chars[min(spot, len(chars) - 1)]
        else:
            chars[min(spot, len(chars) - 1)] = rng.choice(alphabet)
    return "".join(chars)


def test_every_group_has_a_character():
    assert all(groups <= max(m, 1) for m, plan in enumerate(_PLANS) for _l, groups, _w in plan)


def test_it_finds_what_a_scan_finds_among_near_names():
    rng = random.Random(5)
    alphabet = "新能源电池光伏组件项目基地二期产业园鸿润化合物12345号"
    bases = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 22))) for _ in range(12)]
    bases += ["新能源电池", "新能源电池生产基地", "", "鸿润化合物衬底基地项目12345号"]
    steps, codes = [], []
    for n in range(1500):
        if codes and rng.random() < 0.15:
            code = rng.choice(codes)
            steps.append(("discard", code, 1, _near(rng, rng.choice(bases), alphabet), ""))
            continue
        code = f"C-{n % 700}"
        codes.append(code)
        name = _near(rng, rng.choice(bases), alphabet)
        investor = rng.choice(["", "鸿润", "宁德时代", "象屿"])
        steps.append(("put", code, rng.choice([1, 1, 1, 2]), name, investor))
    assert _replay(steps) > 1000  # the pools did hold near-duplicates


_name = st.text(alphabet="甲乙丙丁戊己项目12", max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["put", "put", "put", "discard"]),
            st.sampled_from([f"P-{n}" for n in range(8)]),
            st.sampled_from([1, 2]),
            _name,
            st.sampled_from(["", "甲乙", "丙"]),
        ),
        max_size=40,
    )
)
def test_generated_pools(steps):
    _replay(steps)
