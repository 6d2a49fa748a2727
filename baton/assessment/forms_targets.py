"""目标任务: the targets each assessed unit is given under a scheme, one cell a slot."""

from django import forms

from baton.core.messages import INCOMPLETE_FORM

from .config import ratio_parts
from .describe import subject
from .forms import Kind, _decimal, text
from .models import Indicator, Scheme, Target
from .services import STALE_TARGETS, TARGET_POSITIVE


def target_slots(scheme: Scheme) -> list[tuple[Indicator, int, str]]:
    """Return (indicator, part, label) for every target a unit needs under the scheme."""
    slots = []
    for indicator in scheme.indicators.order_by("order", "id"):
        if indicator.kind == Kind.RATIO:
            parts = ratio_parts(indicator.config)
            for i, part in enumerate(parts):
                if "over" not in part:
                    slots.append((indicator, i, subject(part)))
        elif indicator.kind == Kind.TIERS and indicator.config.get("beyond_target"):
            slots.append((indicator, 0, f"{subject(indicator.config, measure=False)}个数"))
    return slots


class TargetsForm(forms.Form):
    """目标任务: one cell per assessed unit and target slot; a blank cell has no target."""

    slots_key = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": INCOMPLETE_FORM},
    )

    def __init__(self, *args, scheme: Scheme, **kwargs):
        self.scheme = scheme
        self.slots = target_slots(scheme)
        self.members = list(scheme.units.select_related("unit", "district"))
        current = {
            (t.indicator_id, t.party_id, t.part): t.value
            for t in Target.objects.filter(indicator__scheme=scheme)
        }
        initial = {"slots_key": self.key()}
        for member in self.members:
            for indicator, part, _label in self.slots:
                value = current.get((indicator.pk, member.party_id, part))
                if value is not None:
                    initial[self.cell(indicator, part, member.party_id)] = text(value)
        super().__init__(*args, initial=initial, **kwargs)
        for member in self.members:
            for indicator, part, label in self.slots:
                field = _decimal(
                    f"{member.party_name}：{indicator.name}", required=False, places=4, digits=16
                )
                field.widget.attrs["aria-label"] = f"{member.party_name} {indicator.name} {label}"
                self.fields[self.cell(indicator, part, member.party_id)] = field

    def counts(self) -> tuple[int, int]:
        """Return (targets filled, targets the scheme needs)."""
        cells = [name for name in self.fields if name.startswith("t_")]
        return sum(1 for name in cells if self.initial.get(name)), len(cells)

    def key(self) -> str:
        units = ",".join(str(m.party_id) for m in self.members)
        return ";".join(f"{i.pk}:{part}" for i, part, _ in self.slots) + "|" + units

    @staticmethod
    def cell(indicator: Indicator, part: int, unit_id: int) -> str:
        return f"t_{indicator.pk}_{part}_{unit_id}"

    def rows(self):
        for member in self.members:
            cells = [self[self.cell(i, part, member.party_id)] for i, part, _ in self.slots]
            yield member, cells

    def clean_slots_key(self):
        if self.cleaned_data["slots_key"] != self.key():
            raise forms.ValidationError(STALE_TARGETS)
        return self.cleaned_data["slots_key"]

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if name.startswith("t_") and value is not None and value <= 0:
                self.add_error(name, TARGET_POSITIVE)
        return data

    def values(self) -> dict[tuple[int, int, int], object]:
        data = self.cleaned_data
        return {
            (indicator.pk, member.party_id, part): data.get(
                self.cell(indicator, part, member.party_id)
            )
            for member in self.members
            for indicator, part, _ in self.slots
        }
