"""What a search finds a project by beyond the words of its name and investor: the pinyin
initials of both ("ndsd" finds 宁德时代), its contact's name, and a keyed digest of the
contact's phone (the number is encrypted at rest; it is never copied here in clear).

One row a project (``ProjectSearch``) keeps the keys with copies of the texts they were
computed from. A project without a row, or whose name, investor or contact differs from
its row's copies, is stale; ``refresh_stale`` finds those in one scan and recomputes
exactly them. A save through the ORM refreshes its project at once (``post_save``); the
bulk import refreshes the projects it wrote, the generator calls ``refresh_stale``, and
so does every ``migrate``; ``baton search-keys --all`` recomputes every row (after the
secret key changed, the phone digests have to be made again).

Initials follow the words: the text is cut into words (pypinyin's maximum matching on its
phrase dictionary), a word of the dictionary gets its phrase's reading (重庆 cq, 银行 yh,
厦门 xm), any other character its first reading; letters and digits stay, lower-cased.
"""

import functools
import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver

from .models import Project, ProjectSearch

INITIALS_LENGTH = 100
_BATCH = 2_000
_PHONE_DIGITS = re.compile(r"\D")


@functools.cache
def _segmenter():
    from pypinyin.seg.mmseg import seg  # loads the phrase dictionary: once, when first used

    return seg


@functools.cache
def _phrases() -> dict:
    from pypinyin.constants import PHRASES_DICT

    return PHRASES_DICT


@functools.cache
def _chars() -> dict:
    from pypinyin.constants import PINYIN_DICT

    return PINYIN_DICT


def _first_letter(reading: str) -> str:
    return unicodedata.normalize("NFD", reading)[:1].lower()


@functools.lru_cache(maxsize=65_536)
def _word_initials(word: str) -> str:
    phrase = _phrases().get(word)
    if phrase is not None and len(phrase) == len(word):
        return "".join(_first_letter(readings[0]) for readings in phrase)
    out = []
    for char in word:
        if char.isascii():
            if char.isalnum():
                out.append(char.lower())
            continue
        reading = _chars().get(ord(char))
        if reading:
            out.append(_first_letter(reading.split(",", 1)[0]))
    return "".join(out)


def initials(text: str) -> str:
    """Return the pinyin initials of ``text``: 宁德时代新能源 → ndsdxny (ASCII kept)."""
    text = str(text or "").strip()
    if not text:
        return ""
    return "".join(_word_initials(word) for word in _segmenter().cut(text))[:INITIALS_LENGTH]


def phone_digits(value: str) -> str:
    """The digits a phone number is compared by: 0086/+86 before a mobile dropped."""
    digits = _PHONE_DIGITS.sub("", str(value or ""))
    if len(digits) == 13 and digits.startswith("86") and digits[2] == "1":
        digits = digits[2:]
    elif len(digits) == 15 and digits.startswith("0086") and digits[4] == "1":
        digits = digits[4:]
    return digits


def phone_digest(value: str) -> str:
    """A keyed digest of a phone's digits ("" for no number): equal numbers, equal digests;
    the number cannot be read back without the secret key."""
    digits = phone_digits(value)
    if len(digits) < 7:
        return ""
    key = hashlib.sha256(b"baton-phone-search:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:32]


def keys_for(project: Project) -> dict:
    """Return the ``ProjectSearch`` values of ``project`` (its copies and its keys)."""
    contact = (project.contact_name or "").strip()
    return {
        "name": project.name or "",
        "investor": project.investor or "",
        "contact": project.contact_name or "",
        "name_initials": initials(project.name),
        "investor_initials": initials(project.investor),
        "contact_name": contact[:50],
        "phone_digest": phone_digest(project.contact_phone),
    }


def refresh(project_ids) -> int:
    """Recompute the keys of the given projects; return how many rows were written."""
    ids = list(project_ids)
    written = 0
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        projects = Project.objects.filter(pk__in=chunk).only(
            "id", "name", "investor", "contact_name", "contact_phone"
        )
        rows = [ProjectSearch(project_id=p.pk, **keys_for(p)) for p in projects]
        with transaction.atomic():
            ProjectSearch.objects.filter(project_id__in=chunk).delete()
            ProjectSearch.objects.bulk_create(rows, batch_size=500)
        written += len(rows)
    return written


def stale_ids() -> list[int]:
    """Return the ids of the projects whose keys are missing or computed from other texts.

    The phone is not compared (encrypted, it is sealed afresh with a new nonce at every
    write): a number changes through a save or an import, which refresh their projects.
    """
    project, keys = Project._meta.db_table, ProjectSearch._meta.db_table
    sql = (
        f"SELECT p.id FROM {project} p LEFT JOIN {keys} k ON k.project_id = p.id "  # noqa: S608 — table names are constants
        "WHERE k.project_id IS NULL OR k.name <> p.name OR k.investor <> p.investor "
        "OR k.contact <> p.contact_name"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def refresh_stale() -> int:
    """Recompute the keys of every stale project, and drop the rows of deleted ones."""
    written = refresh(stale_ids())
    # NOT EXISTS, not NOT IN: PostgreSQL cannot hash a NOT IN list that outgrows work_mem,
    # and tried every key against every project (2 M × 2 M at the national scale).
    gone = ProjectSearch.objects.exclude(Exists(Project.objects.filter(pk=OuterRef("project_id"))))
    gone._raw_delete(gone.db)
    return written


def refresh_all() -> int:
    ProjectSearch.objects.all().delete()
    return refresh(Project.objects.values_list("id", flat=True).iterator())


_KEYED = {"name", "investor", "contact_name", "contact_phone"}


@receiver(post_save, sender=Project, dispatch_uid="project_search_keys")
def _project_saved(sender, instance: Project, raw: bool = False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not _KEYED & set(update_fields)):
        return
    # From the saved instance (its phone in clear), not read back: one write.
    ProjectSearch.objects.update_or_create(project_id=instance.pk, defaults=keys_for(instance))


@receiver(post_migrate, dispatch_uid="project_search_keys_after_migrate")
def _after_migrate(sender, app_config=None, using="default", plan=None, **kwargs):
    if getattr(app_config, "label", None) != "projects" or using != "default":
        return
    tables = connection.introspection.table_names()
    if ProjectSearch._meta.db_table in tables:
        refresh_stale()
