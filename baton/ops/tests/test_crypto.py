"""SM4-GCM field encryption of contact phones, its command and the 国密 self-test."""

import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection
from django.urls import reverse

from baton.audit.models import AuditRecord
from baton.core import crypto
from baton.core.crypto import self_test
from baton.core.encrypted_fields import (
    PREFIX,
    FieldDecryptError,
    Unreadable,
    field_key,
    is_sealed,
    seal,
    sealed_length,
    unseal,
)
from baton.ops.checks import startup_self_test
from baton.projects import services
from baton.projects.models import Project, ProjectEvent
from baton.projects.selectors import project_list
from baton.projects.tests.helpers_views import login
from baton.testing import make_project

KEY = "0123456789abcdeffedcba9876543210"
OTHER_KEY = "00112233445566778899aabbccddeeff"
PHONE = "13812341234"


@pytest.fixture
def key(settings):
    settings.BATON_FIELD_KEY = KEY
    return KEY


# --- the primitives ---------------------------------------------------------------------


def test_the_standard_vectors_pass():
    assert crypto.self_test() == []  # SM3 "abc" (GB/T 32905), SM4 block (GB/T 32907)
    assert self_test() == []  # SM4-GCM (RFC 8998)
    assert crypto.sm3_hex(b"abc").startswith("66c7f0f4")


def test_a_wrong_vector_is_reported(monkeypatch):
    broken = {**crypto.SM4_GCM_VECTOR, "tag": "00" * 16}
    monkeypatch.setattr(crypto, "SM4_GCM_VECTOR", broken)
    assert self_test() == ["SM4-GCM 测试向量不符"]
    monkeypatch.setattr(crypto, "SM3_VECTOR", (b"abd", crypto.SM3_VECTOR[1]))
    with pytest.raises(ImproperlyConfigured, match="国密算法自检失败"):
        startup_self_test()


def test_seal_and_unseal(key):
    sealed = seal(PHONE, purpose="p")
    assert sealed.startswith(PREFIX) and PHONE not in sealed
    assert seal(PHONE, purpose="p") != sealed  # a fresh nonce each time
    assert unseal(sealed, purpose="p") == PHONE
    assert seal(sealed, purpose="p") == sealed  # never sealed twice
    assert unseal(PHONE, purpose="p") == PHONE  # clear values pass
    assert seal("", purpose="p") == ""
    longest = "转" * 30
    assert len(seal(longest, purpose="p")) <= sealed_length(30)


def test_a_damaged_moved_or_foreign_value_is_refused(key):
    sealed = seal(PHONE, purpose="p")
    body = sealed[len(PREFIX) + 9 :]
    flipped = sealed[:-3] + ("A" if sealed[-3] != "A" else "B") + sealed[-2:]
    with pytest.raises(FieldDecryptError, match="认证标签"):
        unseal(flipped, purpose="p")
    with pytest.raises(FieldDecryptError, match="认证标签"):
        unseal(sealed, purpose="another field")
    with pytest.raises(FieldDecryptError, match="另一把密钥"):
        unseal(sealed, purpose="p", key=bytes.fromhex(OTHER_KEY))
    with pytest.raises(FieldDecryptError, match="格式损坏"):
        unseal(f"{PREFIX}zz:{body}", purpose="p")


def test_without_a_key_nothing_is_sealed_and_a_sealed_value_says_so(settings, key):
    sealed = seal(PHONE, purpose="p")
    settings.BATON_FIELD_KEY = ""
    assert seal(PHONE, purpose="p") == PHONE
    with pytest.raises(FieldDecryptError, match="未配置 BATON_FIELD_KEY"):
        unseal(sealed, purpose="p")


def test_a_malformed_key_fails_the_system_check(settings):
    call_command("check", stdout=io.StringIO())
    settings.BATON_FIELD_KEY = "not hex"
    with pytest.raises(SystemCheckError, match=r"baton\.accounts\.E002"):
        call_command("check", stdout=io.StringIO())
    settings.BATON_FIELD_KEY = "abcd"  # hex, but 2 bytes
    with pytest.raises(ImproperlyConfigured, match="32 位十六进制"):
        field_key()


# --- in the database ---------------------------------------------------------------------


def _raw_phone(project) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM projects_project WHERE id = %s", [project.pk])
        return cursor.fetchone()[0]


def _raw_events(project) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT old, new FROM projects_projectevent WHERE project_id = %s ORDER BY id",
            [project.pk],
        )
        return repr(cursor.fetchall())


@pytest.mark.django_db
def test_the_phone_is_stored_encrypted_and_read_in_clear(w, key):
    project = make_project(w, contact_phone=PHONE)
    services.project_update(
        project=project, actor=w.promoter, changes={"contact_phone": "0592-7777777转123"}
    )
    assert is_sealed(_raw_phone(project))
    assert "7777777" not in _raw_phone(project)
    events = _raw_events(project)
    assert PHONE not in events and "7777777" not in events and PREFIX in events
    project = Project.objects.get(pk=project.pk)
    assert project.contact_phone == "0592-7777777转123"
    updated = ProjectEvent.objects.get(project=project, kind="updated")
    assert updated.old["contact_phone"] == PHONE
    assert updated.new["contact_phone"] == "0592-7777777转123"
    assert Project.objects.filter(pk=project.pk).values_list("contact_phone", flat=True)[0] == (
        "0592-7777777转123"
    )


@pytest.mark.django_db
def test_the_longest_phone_fits_the_column(w, key):
    phone = "转" * 30
    project = make_project(w, contact_phone=phone)
    assert Project.objects.get(pk=project.pk).contact_phone == phone


@pytest.mark.django_db
def test_search_and_the_pages_still_work(client, w, key):
    project = make_project(w, name="翔安锂电池材料项目", contact_phone=PHONE)
    assert list(project_list(user=w.promoter, filters={"name__contains": "锂电池"})) == [project]
    login(client, w.promoter)
    page = client.get(reverse("projects:detail", args=[project.code])).content.decode()
    assert PHONE in page
    listing = client.get(reverse("projects:list"), {"q": "锂电池"}).content.decode()
    assert project.code in listing


@pytest.mark.django_db
def test_without_the_key_a_sealed_phone_is_shown_as_such_and_kept(settings, w, key):
    project = make_project(w, contact_phone=PHONE)
    sealed = _raw_phone(project)
    settings.BATON_FIELD_KEY = ""
    project = Project.objects.get(pk=project.pk)
    assert isinstance(project.contact_phone, Unreadable)
    assert project.contact_phone == "（已加密，无法解密）"
    services.project_update(project=project, actor=w.promoter, changes={"remarks": "补充说明"})
    assert _raw_phone(project) == sealed  # saved back untouched, not the notice
    settings.BATON_FIELD_KEY = KEY
    assert Project.objects.get(pk=project.pk).contact_phone == PHONE


# --- baton encrypt-fields -----------------------------------------------------------------


def _run(*args) -> str:
    out = io.StringIO()
    call_command("encrypt_fields", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_encrypt_fields_converts_existing_rows_and_back(settings, w):
    projects = [make_project(w, contact_phone=f"1390000{i:04d}") for i in range(3)]
    blank = make_project(w)
    services.project_update(
        project=projects[0], actor=w.promoter, changes={"contact_phone": "0592-1234567"}
    )
    assert not any(is_sealed(_raw_phone(p)) for p in projects)
    settings.BATON_FIELD_KEY = KEY
    assert "项目 3 行，项目动态 4 行" in _run()  # 3 creations with a phone, 1 change
    assert all(is_sealed(_raw_phone(p)) for p in projects) and _raw_phone(blank) == ""
    assert all("1390000" not in _raw_events(p) for p in projects)
    assert "项目 0 行，项目动态 0 行" in _run()  # idempotent
    read = {p.pk: p.contact_phone for p in Project.objects.all()}
    assert read[projects[1].pk] == "13900000001" and read[projects[0].pk] == "0592-1234567"
    assert "项目 3 行，项目动态 4 行" in _run("--decrypt")
    assert _raw_phone(projects[1]) == "13900000001"
    assert "13900000000" in _raw_events(projects[0])
    assert "项目 0 行，项目动态 0 行" in _run("--decrypt")
    record = AuditRecord.objects.filter(event="config_changed").order_by("-seq").first()
    assert record.object_type == "field_encryption" and "1390000" not in json.dumps(record.after)


@pytest.mark.django_db
def test_encrypt_fields_needs_a_key_and_refuses_a_foreign_one(settings, w):
    with pytest.raises(CommandError, match="未设置 BATON_FIELD_KEY"):
        _run()
    settings.BATON_FIELD_KEY = KEY
    project = make_project(w, contact_phone=PHONE)
    settings.BATON_FIELD_KEY = OTHER_KEY
    with pytest.raises(CommandError, match="另一把密钥"):
        _run("--decrypt")
    settings.BATON_FIELD_KEY = KEY
    assert is_sealed(_raw_phone(project))
    assert Project.objects.get(pk=project.pk).contact_phone == PHONE
