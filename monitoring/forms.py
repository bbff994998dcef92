from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import style_fields
from monitoring.excel import IN_TCE
from monitoring.models import Indicator

MAX_VALUE = Decimal("9999999999999999")


class IndicatorEntryForm(forms.Form):
    """A bureau's values for one project and year: one field per indicator it supplies (万元, or tce)."""

    project = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            self.fields[indicator] = forms.DecimalField(
                label=Indicator(indicator).label,
                required=False,
                min_value=0,
                max_value=MAX_VALUE,
                decimal_places=2 if indicator in IN_TCE else 6,
                help_text=_("tce") if indicator in IN_TCE else _("10k yuan"),
            )
        style_fields(self)

    def clean(self):
        data = super().clean()
        if self.is_valid_so_far() and not any(data.get(i) is not None for i in self.indicator_names):
            raise forms.ValidationError(_("Enter at least one value."))
        return data

    @property
    def indicator_names(self):
        return [name for name in self.fields if name in Indicator.values]

    def is_valid_so_far(self):
        return not self._errors


class FindingActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("rectify", "resolve", "escalate", "waive")])
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    exemption = forms.IntegerField(required=False)
