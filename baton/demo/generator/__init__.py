"""Synthetic libraries at the scales of DESIGN §9, for benchmarks and load tests.

``generate(scale=, seed=)`` builds cities, districts, units, leaders, accounts and a
project library whose histories span 2018–2025, with the skew real libraries have: a
few districts hold many projects, most projects sit in early stages, amounts have a
long tail, a few percent are returned or stopped, about six events a project.

Each project's history is first *planned* as the steps a user would take — create,
submit, review, move, hand off, change the amount, record milestones, add notes — and
then *written*. ``BulkWriter`` writes the rows the services would have written for
those steps (project, events, periods, milestones, co-units, handoffs, code sequences) with
multi-row inserts (``COPY`` on PostgreSQL): each new project is the draft
``rules.new_draft`` builds (every value checked as ``project_create`` checks it), each
event's payload is built by ``events``, and a unit's handoff is a request the receiving
unit accepts soon after, as the services record it.
The tests write the same plans through the services too (``tests/helpers_generate.py``)
and compare row for row, and ``check_periods`` finds no difference after each scale.

Names are built so that no two projects of a city are possible duplicates
(``duplicate_candidates`` finds nothing), which is what lets the bulk writer know,
without running the fuzzy matcher, that every submission lists no duplicates:

- a project name is a two-character brand plus a product (at most six characters)
  plus 项目; brand characters never occur in products;
- a (brand, product) pair is used once per city; investors carry the pair too;
- no product contains another, and two products share too little to reach the
  matcher's threshold even under the same brand (checked when the module loads).

The parts: ``names`` (brands, products, places, texts), ``org`` (the scales and the
organisation), ``planning`` (each project's steps), ``writer`` (the bulk writer); the run
is here.
"""

import time
from dataclasses import dataclass

from django.db import connection, transaction

from baton.org.models import City
from baton.projects.models import Milestone, Project, ProjectEvent, ProjectPeriod, Stage

from .names import PROVINCES
from .org import SCALES, Scale, build_org
from .planning import END, START, Plan, Step, plans
from .writer import BulkWriter, handoff_reason, wan

__all__ = [
    "END",
    "SCALES",
    "START",
    "BulkWriter",
    "GenerateResult",
    "Plan",
    "Scale",
    "Step",
    "build_org",
    "first_city_code",
    "generate",
    "handoff_reason",
    "plans",
    "wan",
]


@dataclass
class GenerateResult:
    scale: str
    seed: int
    created: bool
    cities: int = 0
    districts: int = 0
    units: int = 0
    users: int = 0
    projects: int = 0
    events: int = 0
    periods: int = 0
    milestones: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.created:
            return f"规模 {self.scale}（种子 {self.seed}）的数据已存在，未重复生成。"
        return (
            f"已生成规模 {self.scale}（种子 {self.seed}）：{self.cities} 个市、{self.districts} 个区、"
            f"{self.units:,} 个单位、{self.users:,} 个账号、{self.projects:,} 个项目、"
            f"{self.events:,} 条动态、{self.periods:,} 个时段、{self.milestones:,} 个里程碑，"
            f"用时 {self.seconds:.1f} 秒。"
        )


def first_city_code() -> str:
    """Return the code of the first generated city: its presence means "already generated"."""
    return f"{PROVINCES[0]}01"


def generate(
    *, scale: str, seed: int = 1, projects: int | None = None, batch: int = 150_000, progress=None
) -> GenerateResult:
    """Generate a library at ``scale``; do nothing if this scale and seed are there already.

    ``projects`` overrides the scale's project count (the tests use a few dozen).
    """
    started = time.monotonic()
    spec = SCALES[scale]
    result = GenerateResult(scale=scale, seed=seed, created=False)
    if City.objects.filter(code=first_city_code()).exists():
        return result
    with transaction.atomic():
        org = build_org(spec, seed, projects)
    writer = BulkWriter(dict(Stage.objects.values_list("code", "pk")))
    for plan in plans(org, seed):
        writer.write(plan)
        if len(writer.rows) >= batch:
            writer.flush()
            if progress:
                progress(writer.counts["projects"], time.monotonic() - started)
    writer.finish()
    if connection.vendor == "postgresql":
        # VACUUM sets the visibility map, without which no index-only scan is possible.
        with connection.cursor() as cursor:
            for model in (Project, ProjectEvent, ProjectPeriod, Milestone):
                if connection.in_atomic_block:
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
                else:
                    cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
            cursor.execute("ANALYZE")  # the new cities, districts, units and users too
    else:
        with connection.cursor() as cursor:
            # Full statistics (3 s at a province): with sampled ones SQLite may sort a
            # district's rows instead of walking its (district, updated_at) index.
            cursor.execute("PRAGMA analysis_limit=0")
            cursor.execute("ANALYZE")
    result.created = True
    result.cities, result.districts = org.cities, len(org.districts)
    result.units, result.users = org.units, org.users
    result.projects = writer.counts["projects"]
    result.events = writer.counts["events"]
    result.periods = writer.counts["periods"]
    result.milestones = writer.counts["milestones"]
    result.seconds = time.monotonic() - started
    return result
