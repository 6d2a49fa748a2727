"""`manage.py check --deploy` with production settings reports nothing (RELIABILITY item 9).

Run in a fresh process, because the settings are read from the environment once. The
same run with HTTPS redirection off, or DEBUG on, or a malformed field key, must fail
and name the problem, so the clean run is not clean by accident.
"""

import os
import secrets
import subprocess  # nosec B404 # runs our own console script
import sys

import pytest


def _check(tmp_path, **overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    env.update(
        BATON_ENV="production",
        BATON_SECRET_KEY=secrets.token_urlsafe(50),
        BATON_ALLOWED_HOSTS="baton.example.gov.cn",
        BATON_CSRF_TRUSTED_ORIGINS="https://baton.example.gov.cn",
        BATON_AUDIT_KEY=secrets.token_hex(32),
        BATON_FIELD_KEY=secrets.token_hex(16),
        BATON_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(overrides)
    return subprocess.run(  # nosec B603
        [sys.executable, "-m", "baton", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_settings_pass_the_deploy_check(tmp_path):
    run = _check(tmp_path)
    assert run.returncode == 0, run.stderr
    assert "System check identified no issues (0 silenced)." in run.stdout


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"BATON_SSL_REDIRECT": "0"}, "security.W008"),
        ({"BATON_DEBUG": "1"}, "security.W018"),
        ({"BATON_SECRET_KEY": "short"}, "security.W009"),
        ({"BATON_FIELD_KEY": "not-a-key"}, "baton.accounts.E002"),
    ],
)
def test_a_weakened_setting_fails_the_deploy_check(tmp_path, overrides, expected):
    run = _check(tmp_path, **overrides)
    assert run.returncode != 0
    assert expected in run.stderr + run.stdout
