"""The security headers where Django's middleware does not reach, and downloads no cache keeps.

- gunicorn's own answers to a request it cannot parse (a malformed request line, one too
  long, headers too large) are written before Django sees the request: gunicorn is
  started as ``baton demo`` starts it, on a free loopback port, and sent raw requests.
- Static files (whitenoise), from the same server after ``collectstatic``.
- Every download of users' data says ``Cache-Control: no-store``.

Both must carry the headers a page carries (CSP with frame-ancestors, nosniff,
Referrer-Policy, X-Frame-Options, COOP), compared with a page's own.
"""

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from baton.assessment.tests.helpers_views import published_scheme, ranking, signed_projects
from baton.demo.management.commands.demo import gunicorn_command
from baton.ledger.tests.helpers import row, xlsx
from baton.projects.tests.helpers_views import login
from baton.testing import admit, make_project

ROOT = Path(__file__).resolve().parents[2]
SECURITY = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "cross-origin-opener-policy",
)


def security(headers) -> dict:
    """The security headers of an answer; the CSP as its set of directives (any order)."""
    found = {name: headers.get(name) for name in SECURITY}
    if found["content-security-policy"]:
        csp = found["content-security-policy"]
        found["content-security-policy"] = sorted(d.strip() for d in csp.split(";") if d.strip())
    return found


@pytest.fixture
def page_headers(client, db) -> dict:
    """The security headers of an ordinary page: what every answer must carry."""
    response = client.get("/accounts/login/")
    expected = security({k.lower(): v for k, v in response.items()})
    assert all(expected.values()), expected
    return expected


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn as ``baton demo`` runs it (1 worker here), its static files collected."""
    var = tmp_path_factory.mktemp("var")
    env = {**os.environ, "BATON_VAR_DIR": str(var)}
    subprocess.run(
        [sys.executable, "-m", "baton", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = gunicorn_command(f"127.0.0.1:{port}")
    command += ["--workers", "1", "--threads", "2", "--no-control-socket"]
    log = var / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(  # noqa: S603 — our own server
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not listen within 60 s"
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            time.sleep(0.2)
        yield {"port": port, "static": var / "static", "log": log}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def raw(port: int, request: bytes) -> tuple[int, dict]:
    """Send ``request`` as it is and return the status and headers of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = dict(line.split(": ", 1) for line in head[1:])
    return status, {k.lower(): v for k, v in headers.items()}


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 400),
        (b"GET /\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400),
        (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: " + b"a" * 9000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Name: x\r\n\r\n", 400),
    ],
    ids=[
        "garbage-line",
        "bad-version",
        "nul-in-target",
        "line-too-long",
        "header-too-large",
        "bad-header-name",
    ],
)
def test_gunicorns_own_error_answers_carry_the_security_headers(
    server, page_headers, request_bytes, status
):
    answer_status, headers = raw(server["port"], request_bytes)
    assert answer_status == status
    assert security(headers) == page_headers


def _static_name(server) -> str:
    """The hashed name the pages use for baton.js (the manifest's)."""
    manifest = json.loads((server["static"] / "staticfiles.json").read_text())
    return manifest["paths"]["baton/baton.js"]


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "baton/baton.js", {}, 200),
        ("GET", "hashed", {}, 200),
        ("HEAD", "hashed", {}, 200),
        ("GET", "hashed", {"Accept-Encoding": "gzip"}, 200),
        ("GET", "hashed", {"Range": "bytes=0-9"}, 206),
        ("GET", "vendor/leaflet/leaflet.css", {}, 200),
        ("GET", "hashed", {"If-None-Match": "etag"}, 304),
    ],
    ids=["plain", "hashed", "head", "gzip", "range", "css", "not-modified"],
)
def test_static_files_carry_the_security_headers(
    server, page_headers, method, path, headers, status
):
    path = _static_name(server) if path == "hashed" else path
    connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=10)
    if headers.get("If-None-Match") == "etag":
        connection.request("GET", f"/static/{path}")
        first = connection.getresponse()
        first.read()
        headers = {"If-None-Match": first.getheader("ETag")}
    connection.request(method, f"/static/{path}", headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == status
    assert security({k.lower(): v for k, v in response.getheaders()}) == page_headers


# --- downloads --------------------------------------------------------------------------


def _no_store(response) -> None:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment;")
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert "no-store" in directives, response["Cache-Control"]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_the_monthly_report_pack_is_not_stored(client, w, fmt):
    admit(w, make_project(w, name="月报下载项目"))
    login(client, w.office)
    query = {"scope": "district:350213", "as_of": "2019-08-31"}
    _no_store(client.get(reverse(f"reports:monthly_{fmt}"), query))


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_ranking_download_is_not_stored(client, w, fmt):
    scheme = published_scheme(w)
    signed_projects(w)
    result = ranking(w, scheme, publish=True)
    login(client, w.office)
    _no_store(client.get(reverse(f"assessment:ranking_{fmt}", args=[result.pk])))


def test_a_ledger_export_is_not_stored(client, w):
    make_project(w, name="台账导出项目")
    login(client, w.promoter)
    _no_store(client.get(reverse("ledger:export")))
    _no_store(client.get(reverse("ledger:export"), {"layout": "official"}))


def test_a_ledgers_annotated_errors_are_not_stored(client, w, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    login(client, w.promoter)
    data = xlsx([row(**{"总投资(万元)": -5})])
    upload = client.post(reverse("ledger:import"), {"file": SimpleUploadedFile("台账.xlsx", data)})
    token = re.search(r"/ledger/import/([A-Za-z0-9_\-]{32})/$", upload["Location"]).group(1)
    _no_store(client.get(reverse("ledger:import_errors", args=[token])))


def test_the_audit_log_export_is_not_stored(client, w):
    login(client, w.audit_admin)
    _no_store(client.get(reverse("audit:export")))


def test_every_download_is_named_by_the_one_helper():
    """A view that builds its own Content-Disposition would skip the no-store rule."""
    helper = ROOT / "baton" / "core" / "http.py"
    elsewhere = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in sorted((ROOT / "baton").rglob("*.py"))
        if path != helper and "tests" not in path.parts
        for line in path.read_text(encoding="utf-8").splitlines()
        if "Content-Disposition" in line or "as_attachment=True" in line
    ]
    assert elsewhere == []
