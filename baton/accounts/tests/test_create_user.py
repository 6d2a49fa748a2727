import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from baton.accounts.models import User

STRONG = "Jieli-bang2019"
WEAK = ["short1A", "alllowercase", "ALLUPPER123", "12345678", "password", "Password", "abcdefgh1"]


def create(*args):
    out = io.StringIO()
    call_command("create_user", *args, "--password-stdin", stdout=out)
    return out.getvalue()


@pytest.fixture
def stdin(monkeypatch):
    def feed(text):
        monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))

    return feed


def test_it_creates_a_unit_promoter(w, stdin):
    stdin(STRONG)
    out = create("mx2", "--role", "unit_staff", "--district", "350213", "--unit", "马巷街道")
    user = User.objects.get(username="mx2")
    assert (user.unit, user.district, user.city) == (w.town, w.district, w.city)
    assert user.check_password(STRONG) and not user.is_superuser
    assert "已创建账号 mx2" in out


@pytest.mark.parametrize("password", WEAK)
def test_it_refuses_weak_passwords(w, stdin, password):
    stdin(password)
    with pytest.raises(CommandError) as exc:
        create("weak", "--role", "district_office", "--district", "350213")
    assert exc.value.returncode == 2
    assert not User.objects.filter(username="weak").exists()


def test_it_refuses_a_role_without_its_area(w, stdin):
    stdin(STRONG)
    with pytest.raises(CommandError, match="必须指定"):
        create("office2", "--role", "district_office")
    assert not User.objects.filter(username="office2").exists()


def test_it_refuses_an_existing_username(w, stdin):
    stdin(STRONG)
    with pytest.raises(CommandError, match="已存在"):
        create("xa_office", "--role", "district_office", "--district", "350213")


def test_it_refuses_an_unknown_unit(w, stdin):
    stdin(STRONG)
    with pytest.raises(CommandError, match="找不到"):
        create("x", "--role", "unit_staff", "--district", "350213", "--unit", "不存在的单位")


def test_the_system_administrator_may_open_the_admin_site(w, stdin):
    stdin(STRONG)
    create("sys2", "--role", "sys_admin")
    user = User.objects.get(username="sys2")
    assert user.is_staff and not user.is_superuser
