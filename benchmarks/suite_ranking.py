# ruff: noqa: S608 — hand-written SQL is the point here; every value is a bound parameter
"""单位月度排名: the month's ranking of the largest district's units computed by the
engine, against hand-written SQL of every unit's credited facts."""

import datetime as dt
from pathlib import Path

from benchmarks.measure import D_MONTH

ROOT = Path(__file__).resolve().parent.parent


class Ranking:
    """The units' monthly ranking (a part of ``Bench``)."""

    def ranking(self) -> None:
        """The month's ranking of the largest district's units under a scheme of scored
        indicators with monthly targets, as a city sets its units.

        The scheme is written through the services inside a transaction that is rolled
        back afterwards, so the library stays as generated. The product is
        ``engine.compute`` — the lines that 试算 (``ranking_compute``) computes before it
        stores them — without the store; the SQL gives every unit's credited facts of the
        month, from which the check recomputes every unit's score.
        """
        from django.db import transaction

        from baton.assessment import engine

        start, end = D_MONTH.replace(day=1), D_MONTH
        with transaction.atomic():
            scheme, indicators = self.ranking_scheme()
            units = scheme.units.count()
            self.add(
                f"单位月度排名（{self.district.name} {units} 个单位，{end.year}年{end.month}月，"
                "引擎计算不落库）",
                "ranking",
                lambda: engine.compute(scheme=scheme, period_start=start, period_end=end),
                self.raw(self.ranking_sql(scheme, start, end)),
                lambda lines, results: self.ranking_check(
                    scheme, indicators, start, end, lines, results[0]
                ),
            )
            transaction.set_rollback(True)

    #: Monthly targets by kind of unit: 亿元 projects admitted (个), signed (个, 亿元), landed (亿元).
    RANKING_TARGETS = {
        "town": ("1", "2", "5", "3"),
        "department": ("1", "1", "3", "2"),
        "headquarters": ("2", "3", "10", "8"),
        "group": ("3", "4", "20", "15"),
    }

    def ranking_scheme(self):
        """Write and publish the scheme (scored indicators: projects admitted,
        signed and landed against each unit's monthly target) with targets."""
        from baton.assessment import services
        from baton.demo.assessment import BIG, MAIN_INDUSTRIES
        from baton.org.models import Unit

        scheme = services.scheme_create(
            district=self.district, name="单位月度招商绩效评价（基准测试）", period_kind="month"
        )
        units = list(Unit.objects.filter(district=self.district).exclude(kind=Unit.Kind.OFFICE))
        services.scheme_units_set(scheme=scheme, members={u: u.get_kind_display() for u in units})
        add = services.indicator_add
        made = {
            "big": add(
                scheme=scheme,
                name="新引进亿元项目数量",
                kind="ratio",
                weight="30",
                cap="30",
                config=BIG,
            ),
            "signed": add(
                scheme=scheme,
                name="新签约项目个数与投资额",
                kind="ratio",
                weight="20",
                cap="20",
                config={
                    "parts": [
                        {"metric": "signed", "share": "0.5"},
                        {"metric": "signed", "measure": "amount_yi", "share": "0.5"},
                    ]
                },
            ),
            "landed": add(
                scheme=scheme,
                name="落地项目投资额",
                kind="ratio",
                weight="20",
                cap="20",
                config={"metric": "landed", "measure": "amount_yi"},
            ),
            "fit": add(
                scheme=scheme,
                name="产业契合度",
                kind="ratio",
                weight="20",
                config={
                    "metric": "admitted",
                    "industries": MAIN_INDUSTRIES,
                    "over": {"metric": "admitted"},
                },
            ),
            "beyond": add(
                scheme=scheme,
                name="超目标引进亿元项目",
                kind="tiers",
                weight="6",
                cap="6",
                config={**BIG, "by": "each", "points": "2", "beyond_target": True},
            ),
            "major": add(
                scheme=scheme,
                name="引进10亿元以上重大项目",
                kind="tiers",
                weight="0",
                config={
                    "metric": "admitted",
                    "by": "amount",
                    "tiers": [{"min": "500000", "points": "8"}, {"min": "100000", "points": "4"}],
                },
            ),
        }
        values = {}
        for unit in units:
            big, signed, signed_yi, landed_yi = self.RANKING_TARGETS[unit.kind]
            values[(made["big"].pk, unit.pk, 0)] = big
            values[(made["signed"].pk, unit.pk, 0)] = signed
            values[(made["signed"].pk, unit.pk, 1)] = signed_yi
            values[(made["landed"].pk, unit.pk, 0)] = landed_yi
            values[(made["beyond"].pk, unit.pk, 0)] = big
        services.targets_set(scheme=scheme, values=values)
        services.scheme_publish(scheme=scheme, actor=self.office)
        return scheme, made

    def ranking_sql(self, scheme, start: dt.date, end: dt.date) -> tuple:
        """Return the statement giving each unit's credited counts and 元 of the month.

        One row per (metric, unit, relay role, ≥ 1亿, 重大项目 points, main industry): the
        projects of the month (admitted, moved into a landed stage, signed) admitted in the
        district at the period end, each role's unit as the history last recorded it before
        the end (none: the responsible unit then).
        """
        from django.db import connection

        from baton.demo.assessment import MAIN_INDUSTRIES
        from baton.projects.models import Industry, Stage
        from baton.reports.snapshots import end_of_day

        dt_param = connection.ops.adapt_datetimefield_value
        day_param = connection.ops.adapt_datefield_value
        pg = self.vendor == "postgresql"
        begin, cutoff = (
            dt_param(end_of_day(start - dt.timedelta(days=1))),
            dt_param(end_of_day(end)),
        )
        landing = list(Stage.objects.filter(allows_milestones=True).values_list("pk", flat=True))
        main = list(Industry.objects.filter(name__in=MAIN_INDUSTRIES).values_list("pk", flat=True))

        def marks(ids: list) -> str:
            return ", ".join(["%s"] * len(ids))

        def role(key: str) -> str:
            has = f"e.new ? '{key}'" if pg else f"json_type(e.new, '$.{key}') IS NOT NULL"
            unit = f"(e.new ->> '{key}')::bigint" if pg else f"json_extract(e.new, '$.{key}')"
            return (
                f"(SELECT {unit} FROM projects_projectevent e WHERE e.project_id = c.project_id"
                f" AND e.at < %s AND {has} ORDER BY e.at DESC, e.id DESC LIMIT 1)"
            )

        stage = "(e.new ->> 'stage')::bigint" if pg else "json_extract(e.new, '$.stage')"
        credit = " UNION ALL ".join(
            f"SELECT c.metric, c.industry_id, c.investment, '{r}' AS role,"
            f" COALESCE(r.{r}, c.unit_id) AS unit FROM counted c JOIN roles r ON r.project_id = c.project_id"
            for r in ("info", "talks", "landing")
        )
        yuan = 10_000  # 元 per 万元
        sql = (
            "WITH marks AS ("
            "SELECT DISTINCT 'admitted' AS metric, e.project_id FROM projects_projectevent e"
            " WHERE e.district_id = %s AND e.kind = 'admitted' AND e.at >= %s AND e.at < %s"
            " UNION ALL SELECT DISTINCT 'landed', e.project_id FROM projects_projectevent e"
            " WHERE e.district_id = %s AND e.kind = 'moved' AND e.at >= %s AND e.at < %s"
            f" AND {stage} IN ({marks(landing)})"
            " UNION ALL SELECT 'signed', m.project_id FROM projects_milestone m"
            " WHERE m.kind = 'signed' AND m.date >= %s AND m.date <= %s),"
            " counted AS (SELECT k.metric, p.project_id, p.unit_id, p.industry_id, p.investment"
            " FROM marks k JOIN projects_projectperiod p ON p.project_id = k.project_id"
            " WHERE p.district_id = %s AND p.review_state = 'admitted' AND p.valid_from < %s"
            " AND (p.valid_to >= %s OR p.valid_to IS NULL)),"
            f" roles AS (SELECT c.project_id, {role('info_unit')} AS info,"
            f" {role('talks_unit')} AS talks, {role('landing_unit')} AS landing"
            " FROM (SELECT DISTINCT project_id FROM counted) c),"
            f" credit AS ({credit})"
            " SELECT metric, unit, role, CASE WHEN investment >= %s THEN 1 ELSE 0 END,"
            " CASE WHEN investment >= %s THEN 8 WHEN investment >= %s THEN 4 ELSE 0 END,"
            f" CASE WHEN industry_id IN ({marks(main)}) THEN 1 ELSE 0 END, COUNT(*), SUM(investment)"
            " FROM credit GROUP BY 1, 2, 3, 4, 5, 6"
        )
        district = self.district.pk
        params = [
            *(district, begin, cutoff),
            *(district, begin, cutoff, *landing),
            *(day_param(start), day_param(end)),
            *(district, cutoff, cutoff),
            *(cutoff, cutoff, cutoff),
            *(10_000 * yuan, 500_000 * yuan, 100_000 * yuan, *main),
        ]
        return sql, params

    def ranking_check(self, scheme, made, start, end, lines, rows) -> None:
        """The engine's facts equal the SQL's, and its every score those facts give."""
        from decimal import Decimal, localcontext

        from baton.assessment.facts import Facts, value
        from baton.assessment.models import Target
        from baton.demo.assessment import BIG, MAIN_INDUSTRIES

        zero, yi = Decimal(0), Decimal(100_000_000)  # 元 per 亿元
        shares = scheme.relay_shares()
        with localcontext() as ctx:
            ctx.prec = 40
            sql: dict[str, dict[int, Decimal]] = {}

            def put(name: str, unit: int, amount: Decimal) -> None:
                sql.setdefault(name, {})[unit] = sql.get(name, {}).get(unit, zero) + amount

            for metric, unit, role, big, points, main, n, total in rows:
                share = shares[role]
                if metric == "admitted":
                    put("admitted", unit, share * n)
                    put("points", unit, share * n * points)
                    if big:
                        put("big", unit, share * n)
                    if main:
                        put("fit", unit, share * n)
                else:
                    put(metric, unit, share * n)
                    put(f"{metric}_yi", unit, share * Decimal(total) / yi)
            facts = Facts(district=self.district, shares=shares, start=start, end=end)
            specs = {
                "admitted": ({"metric": "admitted"}, "count"),
                "big": (BIG, "count"),
                "fit": ({"metric": "admitted", "industries": MAIN_INDUSTRIES}, "count"),
                "signed": ({"metric": "signed"}, "count"),
                "signed_yi": ({"metric": "signed"}, "amount_yi"),
                "landed": ({"metric": "landed"}, "count"),
                "landed_yi": ({"metric": "landed"}, "amount_yi"),
            }
            members = [line.unit_id for line in lines]
            for name, (spec, measure) in specs.items():
                cases = facts.cases(spec)
                for unit in members:
                    product = value(cases, unit, measure)
                    expected = sql.get(name, {}).get(unit, zero)
                    assert product == expected, (name, unit, product, expected)
            assert sum(sql.get("admitted", {}).values(), zero) > 0, "本月没有入库项目，排名无意义"
            targets = {
                (t.indicator_id, t.unit_id, t.part): t.value
                for t in Target.objects.filter(indicator__scheme=scheme)
            }

            def ratio(indicator, parts) -> Decimal:
                raw = zero
                for actual, target, share in parts:
                    if target:
                        raw += actual / target * Decimal(share)
                raw *= indicator.weight
                return raw if indicator.cap is None else min(raw, indicator.cap)

            for line in lines:
                u = line.unit_id

                def fact(name: str, u=u) -> Decimal:
                    return sql.get(name, {}).get(u, zero)

                def target(key: str, part: int = 0, u=u) -> Decimal:
                    return targets[(made[key].pk, u, part)]

                expected = [
                    ratio(made["big"], [(fact("big"), target("big"), 1)]),
                    ratio(
                        made["signed"],
                        [
                            (fact("signed"), target("signed"), "0.5"),
                            (fact("signed_yi"), target("signed", 1), "0.5"),
                        ],
                    ),
                    ratio(made["landed"], [(fact("landed_yi"), target("landed"), 1)]),
                    ratio(made["fit"], [(fact("fit"), fact("admitted"), 1)]),
                    min(2 * max(fact("big") - target("beyond"), zero), made["beyond"].cap),
                    fact("points"),
                ]
                got = [s.exact for s in line.scores]
                assert got == expected, (u, got, expected)
