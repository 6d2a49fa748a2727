"""The report: the table of product against hand-written SQL with targets and ratios,
and the HTTP cells of ``benchmarks/http_load.py``."""

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.measure import RATIO_TARGET

ROOT = Path(__file__).resolve().parent.parent


class Report:
    """The HTTP cells and the printed tables (a part of ``Bench``)."""

    def pending(self) -> None:
        if self.args.http:
            self.http()
            return
        for label in (
            "HTTP 项目库页，16 并发（gunicorn 2 workers）",
            "HTTP 项目页，16 并发",
            "HTTP 混合页面，200 并发",
        ):
            self.rows.append((f"{label}（--http 或 make bench-http）", None, None, None))

    def http(self) -> None:
        """Run benchmarks/http_load.py on this database; keep its cells for the table."""
        import tempfile

        from django.db import connections

        connections.close_all()
        with tempfile.TemporaryDirectory() as tmp:
            cells = Path(tmp) / "http.json"
            command = [
                sys.executable,
                str(ROOT / "benchmarks" / "http_load.py"),
                "bench",
                "--scale",
                self.args.scale,
                "--database-url",
                os.environ["DATABASE_URL"],
                "--duration",
                str(self.args.http_duration),
                "--json",
                str(cells),
            ]
            print("\nHTTP：" + " ".join(command[1:]), flush=True)
            subprocess.run(command, check=False)  # noqa: S603 — our own script
            self.http_cells = json.loads(cells.read_text()) if cells.exists() else []

    def print_http(self) -> None:
        if not self.args.http:
            return
        print()
        print(f"HTTP（gunicorn 2 进程 × 4 线程，每格 {self.args.http_duration:g} 秒）")
        print(
            f"{'页面':<22}{'并发':>6}{'请求/秒':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'错误':>6}  目标"
        )
        for cell in self.http_cells:
            verdict = ""
            if cell["page"] == "项目库（首页+合计）" and cell["connections"] == 16:
                met = cell["per_second"] >= 200 and cell["p95"] <= 150 and not cell["errors"]
                verdict = f"≥ 200 请求/秒、p95 ≤ 150 ms、0 错误：{'达标' if met else '未达标'}"
            elif cell["connections"] >= 200:
                verdict = f"0 错误：{'达标' if not cell['errors'] else '未达标'}"
            print(
                f"{cell['page']:<22}{cell['connections']:>6}{cell['per_second']:>10.1f}"
                f"{cell['p50']:>9.0f}{cell['p95']:>9.0f}{cell['p99']:>9.0f}{cell['errors']:>6}  {verdict}"
            )
        if not self.http_cells:
            print("HTTP 测量没有结果（见上面 http_load.py 的输出）。")

    def print(self) -> None:
        width = max(len(r[0]) for r in self.rows) + 2
        print()
        print(f"{'查询':<{width}}{'产品 ms':>10}{'手写SQL ms':>12}{'比值':>8}{'目标 ms':>10}  结果")
        for label, product, raw, target in self.rows:
            if product is None:
                print(f"{label:<{width}}{'—':>10}{'—':>12}{'—':>8}{'—':>10}  未测")
                continue
            ratio = product / raw if raw else float("nan")
            verdicts = []
            if target is not None:
                verdicts.append("达标" if product <= target else "未达标")
            verdicts.append("比值达标" if ratio <= RATIO_TARGET else "比值超 1.3")
            print(
                f"{label:<{width}}{product:>10.2f}{raw:>12.2f}{ratio:>8.2f}"
                f"{(str(target) if target else '—'):>10}  {'，'.join(verdicts)}"
            )
