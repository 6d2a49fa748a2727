"""``baton check-attachments``: every row's bytes in the store and unchanged, and what
the store holds that no row names."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from baton.files import services, store
from baton.projects.tests.helpers import make_landed
from baton.testing import at

from .helpers import PDF, PNG, upload


@pytest.fixture
def kept(w):
    project = make_landed(w, name="马巷新能源电池项目", when=at(2024, 3, 1))
    add = services.attachment_add
    return [
        add(project=project, actor=w.promoter, file=upload("a.pdf", PDF), kind="agreement"),
        add(project=project, actor=w.promoter, file=upload("b.png", PNG), kind="photo"),
    ]


def test_a_whole_store_passes(kept, capsys):
    call_command("check_attachments")
    assert (
        capsys.readouterr()
        .out.strip()
        .endswith("附件 2 个：完好 2，缺失 0，内容不符 0；存储中未登记的文件 0 个。")
    )


def test_a_missing_a_changed_and_a_stray_file_are_named(kept, capsys):
    one, two = kept
    store.remove(one.storage_name)
    store.remove(two.storage_name)
    store.put(two.storage_name, PNG + b"changed")
    store.put("350213/2024/stray.pdf", PDF)
    with pytest.raises(CommandError) as info:
        call_command("check_attachments")
    assert str(info.value) == "附件 2 个：完好 0，缺失 1，内容不符 1；存储中未登记的文件 1 个。"
    out = capsys.readouterr()
    assert f"缺失：{one.pk} a.pdf（{one.storage_name}）" in out.err
    assert f"内容不符：{two.pk} b.png（{two.storage_name}）" in out.err
    assert "未登记：350213/2024/stray.pdf" in out.out
