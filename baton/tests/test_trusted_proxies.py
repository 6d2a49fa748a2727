"""Behind the TLS gateway the lockout and the audit see the client, not the gateway."""

import pytest

from config.proxy import TrustedProxies, client_address, parse_networks

GATEWAY = parse_networks(["10.0.0.5", "fd00::/64"])


def environ(remote: str, forwarded: str | None = None) -> dict:
    env = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        env["HTTP_X_FORWARDED_FOR"] = forwarded
    return env


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.0.0.5", "203.0.113.7", "203.0.113.7"),  # through the gateway
        ("10.0.0.5", "1.1.1.1, 203.0.113.7", "203.0.113.7"),  # a client's own claim ignored
        ("10.0.0.5", "203.0.113.7, fd00::9", "203.0.113.7"),  # two gateways
        ("10.0.0.5", "garbage, 203.0.113.7", "203.0.113.7"),
        ("10.0.0.5", "203.0.113.7, garbage", "10.0.0.5"),  # malformed by a proxy: its own
        ("10.0.0.5", None, "10.0.0.5"),
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "fd00::9", "10.0.0.5"),  # only proxies: the nearest one
        ("198.51.100.2", "203.0.113.7", "198.51.100.2"),  # not through the gateway
        ("fd00::3", "[2001:db8::1]", "2001:db8::1"),
    ],
)
def test_it_finds_the_client_behind_trusted_proxies_only(remote, forwarded, client):
    assert client_address(environ(remote, forwarded), GATEWAY) == client


def test_without_trusted_proxies_the_header_is_ignored():
    seen = {}

    def app(env, start_response):
        seen["addr"] = env["REMOTE_ADDR"]
        return []

    TrustedProxies(app, ())(environ("10.0.0.5", "203.0.113.7"), None)
    assert seen["addr"] == "10.0.0.5"
    TrustedProxies(app, GATEWAY)(environ("10.0.0.5", "203.0.113.7"), None)
    assert seen["addr"] == "203.0.113.7"


def test_a_bad_setting_is_refused():
    with pytest.raises(ValueError):
        parse_networks(["10.0.0.300"])


def test_the_served_application_applies_the_setting(monkeypatch, settings):
    settings.BATON_TRUSTED_PROXIES = parse_networks(["10.0.0.5"])
    import config.wsgi

    wrapped = config.wsgi.wrap(lambda env, start_response: [env["REMOTE_ADDR"].encode()])
    assert wrapped(environ("10.0.0.5", "203.0.113.7"), None) == [b"203.0.113.7"]


def test_a_bad_trusted_proxy_stops_the_start(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "BATON_TRUSTED_PROXIES": "10.0.0.5,gateway",
        "BATON_VAR_DIR": str(tmp_path),
    }
    code = "import django; django.setup()"
    result = subprocess.run(  # noqa: S603  # nosec B603 # this interpreter, a fixed line
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "BATON_TRUSTED_PROXIES 须为逗号分隔的地址或网段" in result.stderr
