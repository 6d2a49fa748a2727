import datetime as dt
import itertools
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from baton.audit.chain import GENESIS, record_hash
from baton.audit.models import AuditHead, AuditRecord, AuditRefused
from baton.audit.services import (
    SCRUBBED,
    PurgeRefused,
    audit_purge,
    audit_verify,
    audit_write,
)
from baton.core.crypto import SM3_VECTOR, self_test, sm3_hex

from .helpers import PG, remove, set_after, tamper

Event = AuditRecord.Event


def test_sm3_standard_vector():
    assert sm3_hex(b"abc") == SM3_VECTOR[1]
    assert SM3_VECTOR[1].startswith("66c7f0f4") and SM3_VECTOR[1].endswith("8f4ba8e0")


def test_gm_self_test_passes():
    assert self_test() == []


def _write(n: int, **kwargs) -> list[AuditRecord]:
    return [
        audit_write(event=Event.CONFIG_CHANGED, username=f"u{i}", after={"i": i}, **kwargs)
        for i in range(n)
    ]


@pytest.mark.django_db
def test_chain_links_every_record(capsys):
    records = _write(5)
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(records):
        assert after.prev_hash == before.hash
    stored = AuditRecord.objects.get(seq=3)
    assert record_hash(stored) == stored.hash
    assert stored.time.tzinfo is not None
    assert audit_verify().ok
    call_command("audit_verify")
    assert "5 条审计记录，链完整" in capsys.readouterr().out


@pytest.mark.django_db
def test_tampered_after_json_is_named(capsys):
    _write(5)
    set_after(3, '{"i": 99}')
    verdict = audit_verify()
    assert not verdict.ok and verdict.first_bad_seq == 3
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify")
    assert caught.value.returncode == 1
    assert "第 3 条审计记录已被篡改" in capsys.readouterr().err


@pytest.mark.django_db
def test_deleted_middle_record_is_named(capsys):
    _write(5)
    remove(3)
    verdict = audit_verify()
    assert verdict.first_bad_seq == 3
    with pytest.raises(CommandError):
        call_command("audit_verify")
    assert "第 3 条审计记录缺失" in capsys.readouterr().err


@pytest.mark.django_db
def test_deleted_first_and_last_records_are_named():
    _write(4)
    remove(4)
    assert audit_verify().first_bad_seq == 4
    remove(1)
    assert audit_verify().first_bad_seq == 1


@pytest.mark.django_db
def test_rewritten_record_with_rehash_breaks_the_next_link():
    """A forger without the key cannot recompute the HMAC; with a fake hash the link breaks."""
    _write(3)
    tamper("UPDATE audit_auditrecord SET hash = %s WHERE seq = 2", ["f" * 64])
    assert audit_verify().first_bad_seq == 2


@pytest.mark.django_db
def test_the_application_cannot_change_or_delete_a_record():
    record = _write(1)[0]
    record.after = {"i": 5}
    with pytest.raises(AuditRefused):
        record.save()
    with pytest.raises(AuditRefused):
        record.delete()
    with pytest.raises(AuditRefused):
        AuditRecord.objects.filter(pk=record.pk).update(username="x")
    with pytest.raises(AuditRefused):
        AuditRecord.objects.all().delete()
    assert audit_verify().ok


@pytest.mark.skipif(not PG, reason="the append-only trigger is PostgreSQL's")
@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditrecord SET username = 'x'", "DELETE FROM audit_auditrecord"],
)
def test_postgresql_trigger_rejects_update_and_delete(sql):
    _write(2)
    with (
        pytest.raises(DatabaseError, match="只能追加"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditRecord.objects.count() == 2


@pytest.mark.django_db
def test_secrets_are_scrubbed():
    record = audit_write(
        event=Event.CONFIG_CHANGED,
        before={"password": "Hunter2-xyz", "nested": {"api_token": "baton_abc", "ok": 1}},
        after={"otp_code": "123456", "TOTP_SECRET": "JBSWY3DP", "name": "可见"},
    )
    record = AuditRecord.objects.get(pk=record.pk)
    assert record.before == {"password": SCRUBBED, "nested": {"api_token": SCRUBBED, "ok": 1}}
    assert record.after == {"otp_code": SCRUBBED, "TOTP_SECRET": SCRUBBED, "name": "可见"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_keep_one_linear_chain():
    errors = []
    barrier = threading.Barrier(20)

    def writer(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            for j in range(3):
                audit_write(event=Event.CONFIG_CHANGED, username=f"t{i}", after={"j": j})
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 61))
    assert AuditRecord.objects.values("prev_hash").distinct().count() == 60
    assert AuditHead.objects.get().seq == 60
    assert audit_verify().ok


@pytest.mark.django_db
def test_purge_refuses_records_younger_than_retention():
    _write(2)
    too_recent = timezone.localdate() - dt.timedelta(days=179)
    with pytest.raises(PurgeRefused):
        audit_purge(before=too_recent)
    with pytest.raises(CommandError) as caught:
        call_command("audit_purge", "--before", too_recent.isoformat())
    assert caught.value.returncode == 2
    assert AuditRecord.objects.count() == 2


@pytest.mark.django_db
def test_purge_refuses_even_with_a_shorter_retention_setting(settings):
    settings.BATON_AUDIT_RETENTION_DAYS = 30
    with pytest.raises(PurgeRefused):
        audit_purge(before=timezone.localdate() - dt.timedelta(days=100))


@pytest.mark.django_db
def test_purge_removes_old_records_and_keeps_the_chain_verifiable(capsys):
    old = timezone.now() - dt.timedelta(days=400)
    for i in range(3):
        audit_write(event=Event.LOGIN, username=f"old{i}", _time=old + dt.timedelta(minutes=i))
    _write(2)
    call_command(
        "audit_purge", "--before", (timezone.localdate() - dt.timedelta(days=200)).isoformat()
    )
    assert "3 条" in capsys.readouterr().out
    assert list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True)) == [4, 5, 6]
    purge = AuditRecord.objects.get(event=Event.AUDIT_PURGED)
    assert purge.after["purged_through_seq"] == 3
    verdict = audit_verify()
    assert verdict.ok, verdict.problems
    assert verdict.count == 3
    # Removing the first kept record is still caught.
    remove(4)
    assert audit_verify().first_bad_seq == 4
