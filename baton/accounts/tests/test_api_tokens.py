"""API tokens: stored as a hash only, every refusal a 401 in Chinese, and the commands."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from baton.accounts.api_auth import TOUCH_EVERY, token_create, token_revoke
from baton.accounts.models import ApiToken
from baton.accounts.services import user_set_active

URL = "/api/v1/stages"


def get(client, header=None, url=URL):
    headers = {"Authorization": header} if header is not None else {}
    return client.get(url, headers=headers)


def test_it_stores_only_the_hash_of_the_secret(w):
    token, secret = token_create(user=w.promoter, name="对接")
    assert secret.startswith("baton_") and len(secret) >= 40
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(token.prefix) == 12
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in {str(value) for value in stored.values()}


def test_it_accepts_a_valid_token_and_records_its_use(client, w):
    token, secret = token_create(user=w.promoter)
    response = get(client, f"Bearer {secret}")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_writes_last_use_at_most_once_a_minute(client, w):
    token, secret = token_create(user=w.promoter)
    get(client, f"Bearer {secret}")
    token.refresh_from_db()
    first = token.last_used_at
    get(client, f"Bearer {secret}")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - TOUCH_EVERY * 2)
    get(client, f"Bearer {secret}")
    token.refresh_from_db()
    assert token.last_used_at > first


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "未提供访问令牌"),
        ("", "未提供访问令牌"),
        ("Token abc", "认证方式不正确"),
        ("Basic bXg6cGFzcw==", "认证方式不正确"),
        ("Bearer", "访问令牌无效"),
        ("Bearer baton_not-a-real-token", "访问令牌无效"),
        ("Bearer " + "x" * 5000, "访问令牌无效"),
        ("Bearer 令牌", "访问令牌无效"),
    ],
)
def test_it_refuses_a_missing_or_bad_token(client, w, header, message):
    response = get(client, header)
    assert response.status_code == 401
    assert message in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_a_revoked_token(client, w):
    token, secret = token_create(user=w.promoter)
    assert token_revoke(token=token) is True
    assert token_revoke(token=token) is False
    response = get(client, f"Bearer {secret}")
    assert response.status_code == 401
    assert "吊销" in response.json()["detail"]


def test_it_refuses_an_expired_token(client, w):
    token, secret = token_create(user=w.promoter, days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = get(client, f"Bearer {secret}")
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


def test_it_refuses_the_token_of_a_disabled_user(client, w):
    _, secret = token_create(user=w.promoter)
    user_set_active(user=w.promoter, active=False)
    response = get(client, f"Bearer {secret}")
    assert response.status_code == 401
    assert "停用" in response.json()["detail"]


def test_a_web_session_alone_does_not_open_the_api(client, w):
    # No cookie-authenticated API: no CSRF exposure, and the token is the one credential.
    client.force_login(w.office)
    response = client.get("/api/v1/projects")
    assert response.status_code == 401


def test_the_token_of_an_administrator_opens_no_business_data(client, w):
    _, secret = token_create(user=w.sys_admin)
    response = get(client, f"Bearer {secret}", url="/api/v1/projects")
    assert response.status_code == 200
    assert response.json()["count"] == 0 and response.json()["items"] == []


# --- baton create-token / revoke-token ---------------------------------------------------


def create_token(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_command_prints_a_working_token_once(client, w):
    secret, summary = create_token("mx_promoter", "--name", "市平台对接")
    assert secret.startswith("baton_") and "\n" not in secret
    assert "只显示这一次" in summary and secret not in summary
    token = ApiToken.objects.get(user=w.promoter)
    assert token.name == "市平台对接" and token.expires_at is None
    assert get(client, f"Bearer {secret}").status_code == 200


def test_the_command_sets_an_expiry(w):
    create_token("mx_promoter", "--days", "30")
    token = ApiToken.objects.get(user=w.promoter)
    expected = timezone.now() + dt.timedelta(days=30)
    assert abs(token.expires_at - expected) < dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody"], "找不到账号"),
        (["mx_promoter", "--days", "0"], "--days"),
        (["mx_promoter", "--days", "99999"], "--days"),
    ],
)
def test_the_command_refuses_bad_arguments(w, args, message):
    with pytest.raises(CommandError, match=message):
        create_token(*args)
    assert not ApiToken.objects.exists()


def test_the_command_refuses_a_disabled_user(w):
    user_set_active(user=w.promoter, active=False)
    with pytest.raises(CommandError, match="停用"):
        create_token("mx_promoter")


def test_revoke_token_by_prefix_and_by_user(client, w):
    first, _ = create_token("mx_promoter")
    second, _ = create_token("mx_promoter")
    out = io.StringIO()
    call_command("revoke_token", first[:12], stdout=out)
    assert "已吊销 1 个令牌" in out.getvalue()
    assert get(client, f"Bearer {first}").status_code == 401
    assert get(client, f"Bearer {second}").status_code == 200
    out = io.StringIO()
    call_command("revoke_token", "--user", "mx_promoter", stdout=out)
    assert "已吊销 1 个令牌" in out.getvalue()
    assert get(client, f"Bearer {second}").status_code == 401


def test_revoke_token_needs_a_prefix_or_a_user(w):
    with pytest.raises(CommandError):
        call_command("revoke_token")
