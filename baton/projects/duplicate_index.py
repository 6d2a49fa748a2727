"""Possible duplicates (项目撞车) for many submissions in a row, without a scan each.

An import submits and reviews tens of thousands of projects in one transaction, and each
submission and approval records exactly the candidates ``duplicate_candidates`` would
find at that moment among the city's projects in review or in the library. Scanning that
pool for every one costs rows × pool. ``DuplicateIndex`` holds the pool in memory and
narrows each search to the names that *can* be candidates, then scores those with
``duplicates.match`` itself, so the answer is the same one. A candidate is found one of
three ways:

- **a similar name** (``fuzz.ratio`` rounded to at least NAME_ALONE): the ratio is
  200·LCS/(m + l) for names of m and l characters, and the longest common subsequence
  uses no more than the characters the two share, counted with repeats. So a similar
  name of length l shares at least s = ⌈(2·NAME_ALONE − 1)(m + l)/400⌉ of this name's
  characters and lacks at most k = m − s of them (for 16 and 16 characters, 2). Deal
  the name's characters, rarest first, into k + 2 groups: a similar name holds every
  character of at least two groups. The pool's names are kept by length, and for each
  length and character a Python integer is the bitset of the names holding it, so the
  names holding a group are an AND of a few integers;
- **one name inside the other** (four characters or more): a longer name holding this
  one holds all its characters (one group); a shorter one starts with one of this
  name's 4-grams, looked up in a dict;
- **the same investor**: every project of the pool with this investor key is scored.

``baton/projects/tests/test_duplicate_index.py`` checks the answers against a scan of
the whole pool on generated pools full of near-duplicates.
"""

import contextlib
import pickle
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz, process

from .similarity import NAME_ALONE, match

_MAX_NAME = 200  # Project.name_key's max_length
#: A raw ratio from which ``round`` gives NAME_ALONE (a hair lower: ``match`` decides).
_SIMILAR = NAME_ALONE - 0.5 - 1e-6
#: Below this many names of a length in the pool, scoring them all beats narrowing.
_FEW = 24
_CHILD_GONE = "查重子进程意外退出。"


def _least_shared(m: int, l: int) -> int:  # noqa: E741
    """Return how many characters names of m and l characters share at least when their
    rounded ratio reaches NAME_ALONE (in integers: round(x) ≥ N ⟺ x ≥ N − ½)."""
    return ((2 * NAME_ALONE - 1) * (m + l) + 399) // 400


def _plan(m: int) -> list[tuple[int, int, int]]:
    """Return ``(l, groups, whole)`` for each length l a name similar to one of m
    characters may have: into how many groups to deal the m characters, and how many of
    them such a name holds whole. It lacks at most k = m − shared of them, so of k + 2
    groups at least two are whole; needing two groups, not one, rules out far more names
    for two more operations per group."""
    plan = []
    for l in range(_MAX_NAME + 1):  # noqa: E741
        shared = _least_shared(m, l)
        if shared <= min(m, l):
            k = m - shared
            plan.append((l, k + 2, 2) if k >= 1 and k + 2 <= m else (l, k + 1, 1))
    return plan


_PLANS = [_plan(m) for m in range(_MAX_NAME + 1)]


def _tokens(name: str) -> list[tuple[str, int]]:
    """Return the name's characters with their repeat number: 项目二期项目 has 项 twice."""
    seen: dict[str, int] = {}
    tokens = []
    for char in name:
        n = seen.get(char, 0)
        seen[char] = n + 1
        tokens.append((char, n))
    return tokens


def _positions(bits: int) -> list[int]:
    """Return the numbers of the set bits (few: the loop costs a pass per bit)."""
    found = []
    while bits:
        top = bits.bit_length() - 1
        found.append(top)
        bits ^= 1 << top
    return found


class _Length:
    """The distinct names of one length, numbered, with a bitset per character."""

    __slots__ = ("bits", "names")

    def __init__(self):
        self.names: list[str] = []
        self.bits: dict[tuple[str, int], int] = defaultdict(int)


class DuplicateIndex:
    """The pool of possible duplicates: the projects (by code) in review or in the
    library, with their city, name key and investor key."""

    def __init__(self):
        self._lengths: dict[int, _Length] = defaultdict(_Length)
        self._number: dict[str, int] = {}  # name → its number among the names of its length
        self._count: dict[tuple[str, int], int] = defaultdict(int)  # character → names
        self._heads: dict[str, list[tuple[int, int]]] = defaultdict(list)  # 4-gram → names
        self._active: dict[tuple[int, int], int] = {}  # (city, length) → names in the pool
        self._holders: dict[tuple[int, int, int], dict[str, str]] = {}  # → {code: investor}
        self._investors: dict[tuple[int, str], dict[str, str]] = {}  # → {code: name}
        self._entries: dict[str, tuple[int, str, str]] = {}  # code → (city, name, investor)

    def __contains__(self, code: str) -> bool:
        return code in self._entries

    def put(self, code: str, *, city: int, name: str, investor: str) -> None:
        """Put a project in the pool, or update its keys there."""
        entry = (city, name, investor)
        if self._entries.get(code) == entry:
            return
        self.discard(code)
        number = self._number.get(name)
        if number is None:
            number = self._register(name)
        self._entries[code] = entry
        key = (city, len(name), number)
        holders = self._holders.get(key)
        if holders is None:
            holders = self._holders[key] = {}
            self._active[key[:2]] = self._active.get(key[:2], 0) | 1 << number
        holders[code] = investor
        if investor:
            self._investors.setdefault((city, investor), {})[code] = name

    def discard(self, code: str) -> None:
        """Take a project out of the pool (returned, or back to draft)."""
        entry = self._entries.pop(code, None)
        if entry is None:
            return
        city, name, investor = entry
        key = (city, len(name), self._number[name])
        holders = self._holders[key]
        del holders[code]
        if not holders:
            del self._holders[key]
            self._active[key[:2]] &= ~(1 << key[2])
        if investor:
            same = self._investors[(city, investor)]
            del same[code]
            if not same:
                del self._investors[(city, investor)]

    def candidates(
        self, code: str, *, city: int, name: str, investor: str, limit: int = 10
    ) -> list[tuple[str, int, str]]:
        """Return ``(code, score, reason)`` of the projects ``duplicate_candidates`` would
        return for this project, best first."""
        rows, seen = [], {code}
        for length, number in self._similar(city, name):
            other_name = self._lengths[length].names[number]
            for other, other_investor in self._holders[(city, length, number)].items():
                if other not in seen:
                    seen.add(other)
                    rows.append((other, other_name, other_investor))
        if investor:
            for other, other_name in self._investors.get((city, investor), {}).items():
                if other not in seen:
                    seen.add(other)
                    rows.append((other, other_name, investor))
        if not rows:
            return []
        found = [(c, score, reason) for c, (score, reason) in match(name, investor, rows).items()]
        found.sort(key=lambda c: (-c[1], c[0]))
        return found[:limit]

    # --- inside ----------------------------------------------------------------------------

    def _register(self, name: str) -> int:
        length = self._lengths[len(name)]
        number = len(length.names)
        length.names.append(name)
        self._number[name] = number
        bit = 1 << number
        bits = length.bits
        for token in _tokens(name):
            bits[token] |= bit
            self._count[token] += 1
        if len(name) >= 4:
            self._heads[name[:4]].append((len(name), number))
        return number

    def _similar(self, city: int, name: str) -> set[tuple[int, int]]:
        """Return (length, number) of the names in the city's pool that score as this
        name's candidates whatever the investor: similar, or one inside the other."""
        m = len(name)
        found: set[tuple[int, int]] = set()
        if not name:
            number = self._number.get("")
            if number is not None and (city, 0, number) in self._holders:
                found.add((0, number))
            return found
        count = self._count.get
        tokens = sorted(_tokens(name), key=lambda t: count(t, 0))
        plan = _PLANS[min(m, _MAX_NAME)]
        similar_up_to = plan[-1][0]
        for length, groups, whole in plan:
            active = self._active.get((city, length))
            if not active:
                continue
            get = self._lengths[length].bits.get
            once = twice = 0  # the names holding one group whole, two groups
            if active.bit_count() <= _FEW:  # a handful of names: score them all
                once, groups, whole = active, 0, 1
            for first in range(groups):
                group = tokens[first::groups]
                names = get(group[0], 0)  # the rarest first; the pool once at the end
                for token in group[1:]:
                    if not names:
                        break
                    names &= get(token, 0)
                if names:
                    if whole == 2 and once:
                        twice |= once & names
                    once |= names
                elif whole == 2 and not once and first == groups - 2:
                    break  # no group whole yet and one left: never two
            near = (twice if whole == 2 else once) & active
            if near:
                numbers = _positions(near)
                names_of = self._lengths[length].names
                for _other, _score, at in process.extract_iter(
                    name, [names_of[n] for n in numbers], scorer=fuzz.ratio, score_cutoff=_SIMILAR
                ):
                    found.add((length, numbers[at]))
        if m >= 4:  # a much longer name holding this one holds all its characters
            for (pool_city, length), active in self._active.items():
                if pool_city != city or length <= similar_up_to or not active:
                    continue
                bits = self._lengths[length].bits
                for token in tokens:
                    active &= bits.get(token, 0)
                    if not active:
                        break
                if active:
                    names_of = self._lengths[length].names
                    found.update((length, n) for n in _positions(active) if name in names_of[n])
        if m > 4:  # a shorter name inside this one starts with one of its 4-grams
            for start in range(m - 3):
                for length, number in self._heads.get(name[start : start + 4], ()):
                    held = (city, length, number) in self._holders
                    if held and self._lengths[length].names[number] in name:
                        found.add((length, number))
        return found


# --- in a process of its own ---------------------------------------------------------------


class PoolProcess:
    """A ``DuplicateIndex`` in a child process: on two cores, an import's searches for
    duplicates run beside its other work. Calls are sent in order; ``query`` returns a
    number and ``answers`` the candidates' codes of every query since the last call, once
    the child has caught up. Only our own code is on either end of the pipes (pickle).
    """

    def __init__(self):
        self._child = subprocess.Popen(
            [sys.executable, "-m", "baton.projects.duplicate_index"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=str(Path(__file__).resolve().parents[2]),
        )
        self._out: list = []
        self._queries = 0

    def put(self, code: str, *, city: int, name: str, investor: str) -> None:
        self._send(("put", code, city, name, investor))

    def discard(self, code: str) -> None:
        self._send(("discard", code))

    def query(self, code: str, *, city: int, name: str, investor: str) -> int:
        self._queries += 1
        self._send(("query", self._queries, code, city, name, investor))
        return self._queries

    def answers(self) -> dict[int, list[str]]:
        self._out.append(("answers",))
        self._flush()
        try:
            return pickle.load(self._child.stdout)  # noqa: S301 — our own child
        except EOFError:
            raise RuntimeError(_CHILD_GONE) from None

    #: The peak memory (MB) of the last pool process, read when it ends (Linux).
    last_peak_mb: float | None = None

    def close(self) -> None:
        if self._child.poll() is None:
            PoolProcess.last_peak_mb = _peak_mb(self._child.pid)
            with contextlib.suppress(OSError):
                self._child.stdin.close()
            self._child.wait()
        self._child.stdout.close()

    def _send(self, op) -> None:
        self._out.append(op)
        if len(self._out) >= 1024:  # the child works on them while this side goes on
            self._flush()

    def _flush(self) -> None:
        try:
            pickle.dump(self._out, self._child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._child.stdin.flush()
        except BrokenPipeError:
            raise RuntimeError(_CHILD_GONE) from None
        self._out = []


def _peak_mb(pid: int) -> float | None:
    """Return a process's peak resident memory since it started its program (VmHWM)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _serve(source, sink) -> None:
    index, found = DuplicateIndex(), {}
    while True:
        try:
            ops = pickle.load(source)  # noqa: S301 — from the parent process
        except EOFError:
            return
        for op in ops:
            if op[0] == "put":
                index.put(op[1], city=op[2], name=op[3], investor=op[4])
            elif op[0] == "discard":
                index.discard(op[1])
            elif op[0] == "query":
                _kind, number, code, city, name, investor = op
                candidates = index.candidates(code, city=city, name=name, investor=investor)
                found[number] = [c for c, _score, _reason in candidates]
            else:
                pickle.dump(found, sink, protocol=pickle.HIGHEST_PROTOCOL)
                sink.flush()
                found = {}


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
