from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from baton.audit.services import Event, Outcome, audit_write
from baton.core.forms import too_large
from baton.land.importer import MAX_BYTES, parcel_import
from baton.org.lookup import command_district


class Command(BaseCommand):
    help = (
        "导入地块与载体：GeoJSON（WGS84）或国土部门的界址点坐标文本（CGCS2000 高斯-克吕格）；"
        "全部通过才写入，重复导入不产生变化。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="地块文件 .geojson/.json 或 .txt")
        parser.add_argument(
            "--district", help="所属区为空的地块（界址点文本的全部地块）归入此区（区划代码或名称）"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="只校验并报告将发生的变化，不写入"
        )

    def handle(self, *args, path, district=None, dry_run=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件：{path}", returncode=2)
        if file.stat().st_size > MAX_BYTES:
            raise CommandError(too_large(MAX_BYTES, file.stat().st_size), returncode=1)
        default = None
        if district:
            default = command_district(district)
        result = parcel_import(data=file.read_bytes(), district=default, dry_run=dry_run)
        if not dry_run:
            audit_write(
                event=Event.IMPORT,
                outcome=Outcome.SUCCESS if result.ok else Outcome.FAILURE,
                object_type="parcels",
                object_label=str(file)[:200],
                detail=result.summary()
                if result.ok
                else f"地块文件有 {len(result.errors)} 处错误，未写入任何数据",
                after={
                    "file": str(file),
                    "created": result.created[:200],
                    "updated": result.updated[:200],
                    "errors": len(result.errors),
                },
            )
        for flag in result.flagged:
            self.stderr.write(flag.line())
        if result.ok:
            self.stdout.write(result.summary())
            return
        for error in result.errors:
            self.stderr.write(error.line())
        raise CommandError(f"文件有 {len(result.errors)} 处错误，未写入任何数据。", returncode=1)
