from decimal import Decimal

from django import forms
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from core import units
from core.forms import apply_errors, style_fields
from monitoring.excel import IN_TCE
from monitoring.models import Indicator
from projects.models import LandParcel

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


# The dual contract, typed on the project's monitoring page: land in 亩, money in 万元 (the services take m² and yuan).


def _in_wan(label):
    return format_lazy("{}（{}）", label, _("10k yuan"))


class _ContractForm(forms.Form):
    """A form whose 亩/万元 fields stand for the model's m²/yuan fields; the service's errors land on them."""

    CONVERTED = {}  # form field: (model field, conversion)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def service_fields(self):
        data = dict(self.cleaned_data)
        for form_field, (model_field, convert) in self.CONVERTED.items():
            data[model_field] = convert(data.pop(form_field))
        return data

    def apply_service_errors(self, exc):
        renamed = {model_field: form_field for form_field, (model_field, _c) in self.CONVERTED.items()}
        exc.errors = {renamed.get(k, k): v for k, v in (exc.errors or {}).items()}
        apply_errors(self, exc)


class LandContractForm(_ContractForm):
    """资规局's land-transfer contract 出让合同."""

    number = forms.CharField(label=capfirst(_("contract number")), max_length=50)
    parcel = forms.ModelChoiceField(label=capfirst(_("parcel")), queryset=LandParcel.objects.none(), required=False)
    area_mu = forms.DecimalField(label=_("Area (mu)"), min_value=0, max_digits=12, decimal_places=2)
    price_wan = forms.DecimalField(label=_("Price (10k yuan)"), min_value=0, max_digits=14, decimal_places=2)
    signed_on = forms.DateField(label=capfirst(_("signed on")))
    delivery_date = forms.DateField(label=capfirst(_("delivery date")))
    construction_start_deadline = forms.DateField(label=capfirst(_("construction must start by")))
    completion_deadline = forms.DateField(label=capfirst(_("construction must complete by")))
    production_deadline = forms.DateField(label=capfirst(_("production must start by")), required=False)

    CONVERTED = {"area_mu": ("area_m2", units.mu_to_m2), "price_wan": ("price", units.wan_to_yuan)}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        # The parcels the project holds in the resource library.
        self.fields["parcel"].queryset = LandParcel.objects.filter(
            allocations__project=project, allocations__released_at__isnull=True
        ).distinct()


class AgreementForm(_ContractForm):
    """The performance agreement 履约协议: what the investor commits per 亩 and per unit of energy."""

    number = forms.CharField(label=capfirst(_("agreement number")), max_length=50)
    signed_on = forms.DateField(label=capfirst(_("signed on")))
    investment_per_mu_wan = forms.DecimalField(
        label=_in_wan(_("Investment per mu")), min_value=0, max_digits=12, decimal_places=2
    )
    tax_per_mu_wan = forms.DecimalField(
        label=_in_wan(_("Tax per mu a year")), min_value=0, max_digits=12, decimal_places=2
    )
    value_added_per_energy_wan = forms.DecimalField(
        label=_in_wan(_("Value added per tce")), min_value=0, max_digits=12, decimal_places=2
    )
    liquidated_damages = forms.CharField(label=capfirst(_("liquidated damages")), max_length=200, required=False)
    repay_incentives = forms.BooleanField(
        label=capfirst(_("incentives repaid on breach")), required=False, initial=True
    )
    land_taken_back = forms.BooleanField(
        label=capfirst(_("land taken back on serious breach")), required=False, initial=True
    )

    CONVERTED = {
        "investment_per_mu_wan": ("investment_per_mu", units.wan_to_yuan),
        "tax_per_mu_wan": ("tax_per_mu", units.wan_to_yuan),
        "value_added_per_energy_wan": ("value_added_per_energy", units.wan_to_yuan),
    }
