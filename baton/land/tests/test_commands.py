"""`baton import-parcels PATH`: a one-line summary, or every error and exit status 1."""

import io

import pytest
from django.core.management import CommandError, call_command

from baton.land.models import Parcel

from .helpers import MAXIANG, boundary_txt, collection, feature, ring

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_parcels", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_it_imports_a_text_file_into_a_district(w, tmp_path):
    path = tmp_path / "界址点.txt"
    points = [tuple(p) for p in ring(*MAXIANG, 100)]
    path.write_bytes(boundary_txt([("XA-T-01", "地块", "M1", "6.6667", points)]).encode("gb18030"))
    out, err = run(str(path), "--district", "350213")
    assert out == "地块：新增 1 块、更新 0 块、未变 0 块。" and err == ""
    assert Parcel.objects.get().district == w.district
    out, _err = run(str(path), "--district", "翔安区")
    assert out == "地块：新增 0 块、更新 0 块、未变 1 块。"


def test_a_dry_run_writes_nothing(w, tmp_path):
    path = tmp_path / "parcels.geojson"
    path.write_bytes(collection(feature("XA-T-01", **{"面积（亩）": "120"})))
    out, err = run(str(path), "--district", "350213", "--dry-run")
    assert out.startswith("试导入（未写入）：地块：将新增 1 块")
    assert "相差" in err  # the area flag
    assert not Parcel.objects.exists()


def test_errors_are_listed_and_the_exit_status_is_1(w, tmp_path):
    path = tmp_path / "parcels.geojson"
    path.write_bytes(collection(feature("XA-T-01", **{"用地性质": "??"}), feature("")))
    with pytest.raises(CommandError) as failed:
        run(str(path), "--district", "350213")
    assert failed.value.returncode == 1 and "2 处错误" in str(failed.value)
    assert not Parcel.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["/nope.txt"], "找不到文件"), (["{path}", "--district", "999999"], "找不到区")],
)
def test_bad_arguments_exit_2(w, tmp_path, args, message):
    path = tmp_path / "p.geojson"
    path.write_bytes(collection(feature("XA-T-01")))
    with pytest.raises(CommandError) as failed:
        run(*[a.format(path=path) for a in args])
    assert failed.value.returncode == 2 and message in str(failed.value)
