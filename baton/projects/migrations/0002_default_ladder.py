"""The default stage ladder of DESIGN §3 and a starting list of industries.

Both are data a district office edits afterwards; this only seeds an empty table.
"""

from django.db import migrations

STAGES = [
    # code, name, order, terminal, milestones, required before entry
    ("planning", "策划", 10, False, False, []),
    ("intent", "意向", 20, False, False, []),
    ("negotiating", "在谈", 30, False, False, ["investor"]),
    ("landed", "落地", 40, False, True, ["investor", "signed_on"]),
    ("stopped", "中止", 90, True, False, []),
]

INDUSTRIES = [
    "先进制造", "电子信息", "半导体与集成电路", "新材料", "新能源", "生物医药", "航空航天",
    "数字经济", "现代物流", "商贸服务", "金融服务", "文化旅游", "会展体育", "总部经济",
    "现代农业", "教育医疗", "城市建设", "其他",
]


def seed(apps, schema_editor):
    Stage = apps.get_model("projects", "Stage")
    Industry = apps.get_model("projects", "Industry")
    if not Stage.objects.exists():
        for code, name, order, terminal, milestones, required in STAGES:
            Stage.objects.create(
                code=code, name=name, order=order, report_group=name, is_terminal=terminal,
                allows_milestones=milestones, required_fields=required,
            )
    if not Industry.objects.exists():
        for order, name in enumerate(INDUSTRIES, start=1):
            Industry.objects.create(name=name, order=order)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
