"""Time the 领导驾驶舱 page on a generated library and take its screenshot.

    BATON_VAR_DIR=/tmp/prov .venv/bin/baton migrate
    BATON_VAR_DIR=/tmp/prov .venv/bin/baton generate --scale province --seed 1
    BATON_VAR_DIR=/tmp/prov .venv/bin/python benchmarks/cockpit_page.py --as-of 2024-06-30

For the largest district (as its district office) and the largest city (as its city
reviewer) it renders the page through Django three times and prints the server time and
every query of the last run, slowest first; then it serves the page on a local port and
saves a screenshot of each (headless Chromium) to test-artifacts/browser/. The generated
accounts cannot sign in: the script gives the two it uses a random password first —
run it on a database made for benchmarks only. ``DATABASE_URL`` picks another database.
"""

import argparse
import datetime as dt
import os
import re
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default="2024-06-30", help="截止日期 YYYY-MM-DD")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-screenshot", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Serve the static files from the source tree, as the tests do (no collectstatic).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    day = dt.date.fromisoformat(args.as_of)
    people = _people()
    for label, user, query in people:
        _time(label, user, f"/cockpit/?{query}&as_of={day}", args.repeat)
    if not args.no_screenshot:
        _screenshots(people, day)


def _people() -> list[tuple[str, object, str]]:
    from django.db.models import Count

    from baton.accounts.models import User
    from baton.projects.models import Project

    district = (Project.objects.values("district_id").annotate(n=Count("id")).order_by("-n")[0])[
        "district_id"
    ]
    city = (Project.objects.values("district__city_id").annotate(n=Count("id")).order_by("-n")[0])[
        "district__city_id"
    ]
    office = User.objects.filter(role=User.Role.DISTRICT_OFFICE, district_id=district).first()
    reviewer = User.objects.filter(role=User.Role.CITY_REVIEWER, city_id=city).first()
    return [
        (f"最大的区（{office.district.name}，区招商办）", office, ""),
        (f"最大的市（{reviewer.city.name}，市招商办）", reviewer, ""),
    ]


def _time(label: str, user, path: str, repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    samples = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    database = sum(float(q["time"]) for q in queries.captured_queries)
    print(
        f"\n{label} {path}\n  整页服务器用时：中位 {statistics.median(samples) * 1000:.0f} ms"
        f"（{repeat} 次：{'、'.join(f'{s * 1000:.0f}' for s in samples)} ms），"
        f"其中 {len(queries.captured_queries)} 条查询 {database * 1000:.0f} ms"
    )
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"])):
        sql = re.sub(r"\s+", " ", q["sql"])
        print(f"  {float(q['time']) * 1000:7.1f} ms  {sql[:150]}")


def _screenshots(people, day: dt.date) -> None:
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    passwords = {}
    for _label, user, _query in people:
        passwords[user.username] = f"Ck-{secrets.token_hex(8)}"
        user.set_password(passwords[user.username])
        user.save(update_fields=["password", "password_changed_at"])
    server = LiveServerThread("localhost", StaticFilesHandler, connections_override={}, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://localhost:{server.port}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for i, (label, user, query) in enumerate(people):
                context = browser.new_context(
                    viewport={"width": 1440, "height": 900},
                    locale="zh-CN",
                    timezone_id="Asia/Shanghai",
                )
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.fill("#id_username", user.username)
                page.fill("#id_password", passwords[user.username])
                page.click("form button[type=submit]")
                page.wait_for_url(f"{base}/")
                start = time.perf_counter()
                page.goto(f"{base}/cockpit/?{query}&as_of={day}")
                page.wait_for_function("document.querySelectorAll('.chart canvas').length >= 5")
                loaded = time.perf_counter() - start
                page.wait_for_timeout(1000)
                name = ARTIFACTS / f"cockpit-province-{'district' if i == 0 else 'city'}.png"
                page.screenshot(path=str(name), full_page=True)
                print(f"{label}：浏览器打开到图表画完 {loaded * 1000:.0f} ms，截图 {name}")
                context.close()
            browser.close()
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
