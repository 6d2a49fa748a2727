"""The timeline's 附件 events (upload and removal, written by baton.files) get their label:
choices only, so no table changes on either database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0013_project_search_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="projectevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "创建"),
                    ("updated", "修改"),
                    ("submitted", "上报"),
                    ("approved", "区招商办审核通过"),
                    ("admitted", "审核入库"),
                    ("returned", "退回"),
                    ("moved", "阶段变更"),
                    ("handed_off", "接力交接"),
                    ("handoff_requested", "发起交接"),
                    ("handoff_accepted", "接收交接"),
                    ("handoff_declined", "拒绝接收"),
                    ("handoff_withdrawn", "撤回交接"),
                    ("milestone", "里程碑"),
                    ("note", "跟进记录"),
                    ("problem", "存在问题"),
                    ("supervised", "领导督办"),
                    ("supervision_reported", "督办报送办理情况"),
                    ("supervision_closed", "督办办结"),
                    ("supervision_returned", "督办退回"),
                    ("leader_act", "领导活动"),
                    ("land_reserved", "预留地块"),
                    ("land_released", "释放预留地块"),
                    ("attachment", "附件"),
                ],
                max_length=20,
                verbose_name="类型",
            ),
        ),
    ]
