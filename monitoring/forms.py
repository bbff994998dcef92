from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import style_fields
from monitoring.excel import IN_TCE
from monitoring.models import Indicator

MAX_VALUE = Decimal("9999999999999999")
# As typed on the page: amounts in 万元, energy in tce.
INPUT_LABELS = {
    Indicator.INVESTMENT: _("Fixed-asset investment to date (10k yuan)"),
    Indicator.TAX: _("Tax paid in the year (10k yuan)"),
    Indicator.ENERGY: _("Energy used in the year (tce)"),
    Indicator.VALUE_ADDED: _("Value added in the year (10k yuan)"),
    Indicator.OUTPUT: _("Output value in the year (10k yuan)"),
    Indicator.RD: _("R&D spending in the year (10k yuan)"),
}


class IndicatorEntryForm(forms.Form):
    """A bureau's values for one project and year: one field per indicator it supplies (万元, or tce)."""

    project = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            self.fields[indicator] = forms.DecimalField(
                label=INPUT_LABELS[indicator],
                required=False,
                min_value=0,
                max_value=MAX_VALUE,
                decimal_places=2 if indicator in IN_TCE else 6,
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


class EquityChangeForm(forms.Form):
    """One market-regulation registration; the company by its credit code."""

    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18)
    registered_on = forms.DateField(label=_("Registered on"))
    transferor = forms.CharField(label=_("Transferor"), max_length=200)
    transferee = forms.CharField(label=_("Transferee"), max_length=200)
    share = forms.DecimalField(
        label=_("Share transferred (percent)"), min_value=Decimal("0.01"), max_value=100, decimal_places=2
    )
    change_of_control = forms.BooleanField(label=_("Change of control"), required=False)
    approval_reference = forms.CharField(
        label=_("Prior approval reference"),
        max_length=100,
        required=False,
        help_text=_("Leave empty when the transfer was not approved beforehand."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean(self):
        from projects.models import Company

        data = super().clean()
        code = (data.get("uscc") or "").strip().upper()
        company = Company.objects.filter(uscc=code).first() if code else None
        if code and company is None:
            self.add_error("uscc", _("No registered investor has this credit code: %(code)s.") % {"code": code})
        return {
            "company": company,
            "registered_on": data.get("registered_on"),
            "transferor": data.get("transferor"),
            "transferee": data.get("transferee"),
            "share": data.get("share"),
            "change_of_control": data.get("change_of_control", False),
            "approved": bool(data.get("approval_reference")),
            "approval_reference": data.get("approval_reference") or "",
        }
