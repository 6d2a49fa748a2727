"""Measuring one query: the targets in ms, the days asked about, the median of timed
runs, hand-written SQL on the DB-API cursor, and a row of the table."""

import datetime as dt
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (key, label, {(scale, vendor): target in ms})
TARGETS = {
    "fig_district": {
        ("province", "sqlite"): 15,
        ("province", "postgresql"): 25,
        ("national", "postgresql"): 50,
    },
    "fig_month": {
        ("province", "sqlite"): 10,
        ("province", "postgresql"): 10,
        ("national", "postgresql"): 50,
    },
    "fig_all": {
        ("province", "sqlite"): 350,
        ("province", "postgresql"): 250,
        ("national", "postgresql"): 3500,
    },
    "list": {
        ("province", "sqlite"): 25,
        ("province", "postgresql"): 25,
        ("national", "postgresql"): 60,
    },
    "search": {
        ("province", "sqlite"): 30,
        ("province", "postgresql"): 30,
        ("national", "postgresql"): 300,
    },
    # 领导驾驶舱: every figure of the page well under 2 s.
    "cockpit": {
        ("province", "sqlite"): 2000,
        ("province", "postgresql"): 2000,
        ("national", "postgresql"): 2000,
    },
    # 单位月度排名: the engine's lines for the largest district's units (issue 23: ≤ 100 ms).
    "ranking": {
        ("province", "sqlite"): 100,
        ("province", "postgresql"): 100,
        ("national", "postgresql"): 100,
    },
}
RATIO_TARGET = 1.3
D_ANY = dt.date(2024, 6, 17)
D_MONTH = dt.date(2024, 6, 30)


class Measure:
    """Timing and the table's rows (a part of ``Bench``)."""

    def time(self, fn) -> float:
        for _ in range(2):
            fn()
        samples = []
        for _ in range(self.args.repeat):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples) * 1000

    def raw(self, *statements):
        """Return a function running hand-written SQL on the DB-API cursor, all rows fetched."""
        from django.db import connection

        def adapt(sql):
            return sql.replace("%s", "?") if self.vendor == "sqlite" else sql

        prepared = [(adapt(sql), params) for sql, params in statements]

        def run():
            cursor = connection.connection.cursor()
            try:
                results = []
                for sql, params in prepared:
                    cursor.execute(sql, params)
                    results.append(cursor.fetchall())
                return results
            finally:
                cursor.close()

        return run

    def add(self, label: str, target_key: str | None, product, raw, check=None) -> None:
        if check is not None:
            check(product(), raw())
        product_ms, raw_ms = self.time(product), self.time(raw)
        target = (
            TARGETS.get(target_key, {}).get((self.args.scale, self.vendor)) if target_key else None
        )
        self.rows.append((label, product_ms, raw_ms, target))
