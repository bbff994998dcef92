from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from core import units
from core.forms import style_fields
from projects.models import (
    Attachment,
    Channel,
    Company,
    Filing,
    Industry,
    Partner,
    Project,
    Tier,
)
from projects.stages import Stage

YES_NO = [("", _("All")), ("yes", _("Yes")), ("no", _("No"))]


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All stages"))] + Stage.choices)
    landing_unit = forms.ModelChoiceField(
        label=_("Landing unit"), required=False, queryset=Unit.objects.filter(kind__in=Unit.LANDING_KINDS)
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"), required=False, queryset=Industry.objects.all(), to_field_name="code"
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All channels"))] + Channel.choices)
    tier = forms.ChoiceField(label=_("Tier"), required=False, choices=[("", _("All tiers"))] + Tier.choices)
    is_profit_reinvestment = forms.ChoiceField(label=_("Profit reinvestment"), required=False, choices=YES_NO)
    is_key_chain = forms.ChoiceField(label=_("Key chain"), required=False, choices=YES_NO)
    ordering = forms.CharField(required=False, widget=forms.HiddenInput)
    # From the dashboard: projects by the grade recorded for a year.
    grade = forms.ChoiceField(required=False, choices=[("", "")] + [(g, g) for g in "ABCD"], widget=forms.HiddenInput)
    grade_year = forms.IntegerField(required=False, min_value=2000, max_value=2100, widget=forms.HiddenInput)
    # From the assessment: projects signed in a period (the ranking's "signed" figures).
    signed_from = forms.DateField(required=False, widget=forms.HiddenInput)
    signed_to = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class ProjectForm(forms.ModelForm):
    """Amounts are typed in 万元 and land in 亩; the service receives yuan and m²."""

    total_investment_wan = forms.DecimalField(
        label=_("Total investment (10,000 yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    foreign_capital_usd = forms.DecimalField(
        label=_("Foreign capital (USD)"), min_value=0, required=False, max_digits=16, decimal_places=2
    )
    land_area_mu = forms.DecimalField(
        label=_("Land area (mu)"), min_value=0, required=False, max_digits=12, decimal_places=2
    )
    expected_annual_output_wan = forms.DecimalField(
        label=_("Expected annual output (10,000 yuan)"), min_value=0, required=False, max_digits=14, decimal_places=2
    )
    expected_annual_tax_wan = forms.DecimalField(
        label=_("Expected annual tax (10,000 yuan)"), min_value=0, required=False, max_digits=14, decimal_places=2
    )

    CONVERTED = {
        "total_investment_wan": ("total_investment", units.wan_to_yuan, units.yuan_to_wan),
        "land_area_mu": ("land_area_m2", units.mu_to_m2, units.m2_to_mu),
        "expected_annual_output_wan": ("expected_annual_output", units.wan_to_yuan, units.yuan_to_wan),
        "expected_annual_tax_wan": ("expected_annual_tax", units.wan_to_yuan, units.yuan_to_wan),
    }

    class Meta:
        model = Project
        fields = [
            "name",
            "investor",
            "industry",
            "landing_unit",
            "attracting_unit",
            "channel",
            "partner",
            "land_mode",
            "is_profit_reinvestment",
            "is_key_chain",
            "description",
            "contacts",
        ]

    field_order = [
        "name",
        "investor",
        "industry",
        "landing_unit",
        "attracting_unit",
        "channel",
        "partner",
        "total_investment_wan",
        "foreign_capital_usd",
        "land_mode",
        "land_area_mu",
        "expected_annual_output_wan",
        "expected_annual_tax_wan",
        "is_profit_reinvestment",
        "is_key_chain",
        "description",
        "contacts",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.filter(section__isnull=False).select_related("section")
        self.fields["attracting_unit"].queryset = Unit.objects.filter(is_active=True)
        self.fields["landing_unit"].queryset = Unit.objects.filter(is_active=True, kind__in=Unit.LANDING_KINDS)
        self.fields["investor"].queryset = Company.objects.order_by("name")
        self.fields["partner"].queryset = Partner.objects.filter(is_active=True)
        if self.instance.pk:
            for form_field, (model_field, _to, from_model) in self.CONVERTED.items():
                self.initial[form_field] = from_model(getattr(self.instance, model_field))
            self.initial["foreign_capital_usd"] = self.instance.foreign_capital_usd
        style_fields(self)

    def service_fields(self):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        for form_field, (model_field, to_model, _from) in self.CONVERTED.items():
            data[model_field] = to_model(self.cleaned_data.get(form_field) or Decimal(0))
        data["foreign_capital_usd"] = self.cleaned_data.get("foreign_capital_usd") or Decimal(0)
        return data


class StyledModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class CompanyForm(StyledModelForm):
    class Meta:
        model = Company
        fields = [
            "name",
            "uscc",
            "registered_capital",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "parent_group",
            "is_foreign_invested",
        ]


class PartnerForm(StyledModelForm):
    class Meta:
        model = Partner
        fields = [
            "name",
            "kind",
            "contact_name",
            "contact_phone",
            "agreement_start",
            "agreement_end",
            "agreement_terms",
            "is_active",
        ]


class FilingForm(StyledModelForm):
    class Meta:
        model = Filing
        fields = ["kind", "national_code", "approving_unit", "date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approving_unit"].queryset = Unit.objects.filter(kind=Unit.Kind.BUREAU)


class TransitionForm(forms.Form):
    target = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    production_start_date = forms.DateField(
        label=_("Production start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Attachment.Kind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"class": "form-control"}))


class AllocationForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        # Read once: the resource list renders this select on every row.
        self.fields["project"].choices = [("", "---------")] + [(p.pk, str(p)) for p in projects]


class ChannelPeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
