from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baton.org.models import District


class LedgerAlias(models.Model):
    """A value an office's own ledger writes for a catalogue value (集成电路 for
    半导体与集成电路), remembered for its district when an import maps it: the next
    import of that district reads it without asking."""

    class Column(models.TextChoices):
        INDUSTRY = "industry", _("行业")
        UNIT = "unit", _("责任单位")
        LEADER = "leader", _("挂钩领导")
        STAGE = "stage", _("项目阶段")
        REVIEW_STATE = "review_state", _("入库状态")

    district = models.ForeignKey(
        District, models.CASCADE, related_name="ledger_aliases", verbose_name=_("区")
    )
    column = models.CharField(_("列"), max_length=20, choices=Column.choices)
    value = models.CharField(_("台账中的写法"), max_length=100)
    # The catalogue value as the importer reads it: a name (a stage's name or code, a
    # review state's label), resolved again at every import.
    target = models.CharField(_("对应的目录值"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设置人"),
    )
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("台账别名")
        verbose_name_plural = _("台账别名")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "column", "value"], name="ledger_alias_once_a_district"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_column_display()}：{self.value} → {self.target}"
