from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import style_fields
from oversight.models import MeasureStatus


class StatusSelect(forms.Select):
    """Every status listed; those the measure cannot move to now are shown but not offered."""

    def __init__(self, *args, offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = set(offered)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value and value not in self.offered:
            option["attrs"]["disabled"] = True
        return option


class MeasureStatusForm(forms.Form):
    # Every status is accepted here so that the service, which holds the transitions, says why a move is refused.
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[("", "—")] + MeasureStatus.choices,
        error_messages={
            "required": _("Choose the new status."),
            "invalid_choice": _("Choose one of the statuses listed."),
        },
    )
    on = forms.DateField(
        label=_("As of"),
        error_messages={"required": _("Give the date the measure reached this status.")},
    )
    note = forms.CharField(
        label=_("What was done, and where it shows"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what was done and where it shows.")},
    )

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, initial={"on": timezone.localdate()}, **kwargs)
        status = self.fields["status"]
        status.widget = StatusSelect(choices=status.choices, offered=measure.next_statuses)
        style_fields(self)
