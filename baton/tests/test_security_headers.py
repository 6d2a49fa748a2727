import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_it_sends_the_security_headers(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_carry_no_inline_script_or_style(client, db):
    html = client.get("/accounts/login/").text
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert "onclick=" not in html


def test_it_refuses_a_post_without_csrf_token(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "x", "password": "y"}
    )
    assert response.status_code == 403


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "BATON_ENV": "production",
        "BATON_SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-0123456789",
        "BATON_VAR_DIR": str(tmp_path),
        "BATON_ALLOWED_HOSTS": "baton.example.gov.cn",
    }
    result = subprocess.run(
        [sys.executable, "-m", "baton", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
