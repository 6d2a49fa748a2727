import json

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q

from baton.audit.services import Event, audit_write
from baton.core.encrypted_fields import FieldDecryptError, field_key, is_sealed, seal, unseal
from baton.projects.models import Project, ProjectEvent

PHONE = "contact_phone"
PROJECT_PURPOSE = "projects.project.contact_phone"
CHUNK = 1000


class Command(BaseCommand):
    help = (
        "把已有的联系电话加密存放（SM4-GCM，密钥为 BATON_FIELD_KEY）；--decrypt 还原为明文。"
        "只转换需要转换的行，可以重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--decrypt", action="store_true", help="解密还原为明文（停用字段加密或更换密钥前）"
        )

    def handle(self, *args, decrypt, **options):
        try:
            key = field_key()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc), returncode=2) from None
        if key is None:
            raise CommandError(
                "未设置 BATON_FIELD_KEY（32 位十六进制数），无法加密或解密。", returncode=2
            )
        convert = _opener(key) if decrypt else _sealer(key)
        try:
            projects = _convert_projects(convert)
            events = _convert_events(convert)
        except FieldDecryptError as exc:
            raise CommandError(
                f"无法解密：{exc}（已转换的行保持转换后的状态）", returncode=1
            ) from None
        verb = "解密" if decrypt else "加密"
        audit_write(
            event=Event.CONFIG_CHANGED,
            object_type="field_encryption",
            detail=f"联系电话字段{verb}：项目 {projects} 行，项目动态 {events} 行",
            after={
                "action": "decrypt" if decrypt else "encrypt",
                "projects": projects,
                "events": events,
            },
        )
        self.stdout.write(
            f"已{verb}联系电话：项目 {projects} 行，项目动态 {events} 行（其余无需转换）。"
        )


def _sealer(key):
    def convert(value, purpose):
        if isinstance(value, str) and value and not is_sealed(value):
            return seal(value, purpose=purpose, key=key)
        return value

    return convert


def _opener(key):
    def convert(value, purpose):
        return unseal(value, purpose=purpose, key=key) if is_sealed(value) else value

    return convert


def _convert_projects(convert) -> int:
    """Convert the stored phones, reading and writing the column as it is (no model save)."""
    table = connection.ops.quote_name(Project._meta.db_table)
    changed = 0
    last = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {PHONE} FROM {table} WHERE id > %s AND {PHONE} <> '' "  # noqa: S608 — fixed names
                "ORDER BY id LIMIT %s",
                [last, CHUNK],
            )
            rows = cursor.fetchall()
            for pk, value in rows:
                new = convert(value, PROJECT_PURPOSE)
                if new != value:
                    cursor.execute(
                        f"UPDATE {table} SET {PHONE} = %s WHERE id = %s AND {PHONE} = %s",  # noqa: S608
                        [new, pk, value],
                    )
                    changed += cursor.rowcount
        if len(rows) < CHUNK:
            return changed
        last = rows[-1][0]


def _convert_events(convert) -> int:
    """Convert a contact phone inside the events' old and new values."""
    table = connection.ops.quote_name(ProjectEvent._meta.db_table)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    ids = list(
        ProjectEvent.objects.filter(Q(old__has_key=PHONE) | Q(new__has_key=PHONE))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    changed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic(), connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT id, old, new FROM {table} WHERE id IN ({marks})", chunk)  # noqa: S608
            for pk, old_raw, new_raw in cursor.fetchall():
                old, new = _json(old_raw), _json(new_raw)
                old2, new2 = _values(old, convert), _values(new, convert)
                if (old2, new2) != (old, new):
                    cursor.execute(
                        f"UPDATE {table} SET old = %s{cast}, new = %s{cast} WHERE id = %s",  # noqa: S608
                        [json.dumps(old2), json.dumps(new2), pk],
                    )
                    changed += 1
    return changed


def _json(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


def _values(values, convert):
    if isinstance(values, dict) and PHONE in values:
        return {**values, PHONE: convert(values[PHONE], PHONE)}
    return values
