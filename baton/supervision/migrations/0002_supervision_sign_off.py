"""督办 with sign-off: the report's time, the reason it was sent back, who closed it,
the 待确认办结 status, and the report's files (kept in the database, as the report)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='supervision',
            name='closed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='办结确认人'),
        ),
        migrations.AddField(
            model_name='supervision',
            name='reported_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='报送时间'),
        ),
        migrations.AddField(
            model_name='supervision',
            name='returned_reason',
            field=models.TextField(blank=True, verbose_name='退回原因'),
        ),
        migrations.AlterField(
            model_name='supervision',
            name='response',
            field=models.TextField(blank=True, verbose_name='办理情况'),
        ),
        migrations.AlterField(
            model_name='supervision',
            name='status',
            field=models.CharField(choices=[('active', '督办中'), ('reported', '待确认办结'), ('done', '已办结')], default='active', max_length=10, verbose_name='状态'),
        ),
        migrations.CreateModel(
            name='SupervisionFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='文件名')),
                ('content_type', models.CharField(max_length=100, verbose_name='类型')),
                ('size', models.PositiveIntegerField(verbose_name='大小')),
                ('data', models.BinaryField(verbose_name='内容')),
                ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='上传时间')),
                ('supervision', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='files', to='supervision.supervision', verbose_name='督办')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='上传人')),
            ],
            options={
                'verbose_name': '督办附件',
                'verbose_name_plural': '督办附件',
                'ordering': ['id'],
            },
        ),
    ]
