"""The files docs/deployment.md names: every command they run is one of Baton's, every file
they mount or include is in the repository, every variable they set is one Baton reads,
and nginx accepts both of its configurations (where nginx is installed)."""

import configparser
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
SETTINGS = (ROOT / "config" / "settings.py").read_text() + (
    ROOT / "config" / "cache.py"
).read_text()


def baton_commands(text: str) -> list[str]:
    """The Baton commands a command line runs (``baton X``, hyphens as the CLI takes them)."""
    return [name.replace("-", "_") for name in re.findall(r"\bbaton ([a-z][a-z_-]+)", text)]


def assert_known(commands: list[str]) -> None:
    known = set(get_commands())
    assert commands and not set(commands) - known, set(commands) - known


def test_the_compose_file_runs_known_commands_and_mounts_files_that_exist():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "db-replica", "redis", "web", "worker", "remind", "nginx"}
    for name in ("web", "worker", "remind"):
        command = services[name]["command"]
        assert_known(baton_commands(" ".join(command) if isinstance(command, list) else command))
        env = services[name]["environment"]
        assert (
            env["CACHE_URL"].startswith("redis://") and "db-replica" in env["DATABASE_REPLICA_URL"]
        )
        assert env["BATON_TASKS"] == "rq"
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).exists() or source == "./deploy/tls", source
    assert (ROOT / "Dockerfile").exists() and (DEPLOY / "compose.env.example").exists()


def test_every_variable_of_the_examples_is_one_baton_reads():
    for example in ("env.example", "compose.env.example"):
        for line in (DEPLOY / example).read_text().splitlines():
            if line and not line.startswith("#"):
                name = line.split("=", 1)[0]
                assert f'"{name}"' in SETTINGS, f"{example}: {name}"


def units() -> dict[str, configparser.RawConfigParser]:
    parsed = {}
    for path in sorted((DEPLOY / "systemd").iterdir()):
        parser = configparser.RawConfigParser(strict=False)
        parser.optionxform = str  # type: ignore[assignment, method-assign]
        parser.read_string(path.read_text().replace("\\\n", " "))
        parsed[path.name] = parser
    return parsed


def test_the_systemd_units_run_known_commands():
    found = units()
    assert set(found) == {
        "baton-web.service",
        "baton-worker@.service",
        "baton-remind.service",
        "baton-remind.timer",
        "baton-nightly.service",
        "baton-nightly.timer",
    }
    commands = []
    for name, unit in found.items():
        if name.endswith(".service"):
            service = unit["Service"]
            assert service["User"] == "baton" and service["EnvironmentFile"] == "/etc/baton/env"
            text = (DEPLOY / "systemd" / name).read_text().replace("\\\n", " ")
            execs = [line for line in text.splitlines() if line.startswith("Exec")]
            commands += baton_commands(" ".join(execs))
        else:
            assert unit["Timer"]["OnCalendar"].endswith("Asia/Shanghai")
    assert_known(commands)
    assert {"check", "db_worker", "remind", "refresh_snapshots", "audit_verify", "backup"} <= set(
        commands
    )
    assert "config/gunicorn.py" in found["baton-web.service"]["Service"]["ExecStart"]


def certificate(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "baton.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "baton.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.mark.skipif(not shutil.which("nginx"), reason="未安装 nginx，跳过 nginx -t。")
@pytest.mark.parametrize("name", ["baton.conf", "compose.conf"])
def test_nginx_accepts_the_configuration(name, tmp_path):
    certificate(tmp_path)
    shutil.copy(DEPLOY / "nginx" / "baton_proxy.conf", tmp_path)
    site = (DEPLOY / "nginx" / name).read_text()
    site = site.replace("/etc/nginx/baton_proxy.conf", str(tmp_path / "baton_proxy.conf"))
    site = site.replace("/etc/nginx/tls/", f"{tmp_path}/")
    site = site.replace("server web:8000;", "server 127.0.0.1:8000;")  # compose's name
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    done = subprocess.run(  # noqa: S603 — nginx's own check of a file we wrote
        [shutil.which("nginx") or "nginx", "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
         "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
