from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import style_fields
from core.units import wan_to_yuan
from incentives.models import Clause, CommitmentItem, Fund
from monitoring.models import Indicator
from projects.stages import Stage

WAN = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class FundForm(_Styled):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    budget_wan = forms.DecimalField(label=_("Budget (10k yuan)"), **WAN)

    def service_fields(self):
        return {"year": self.cleaned_data["year"], "budget": wan_to_yuan(self.cleaned_data["budget_wan"])}


class ItemForm(_Styled):
    """An item of the commitment: bound to a clause, or to a term of the project's current minutes."""

    fund = forms.ModelChoiceField(label=_("Charged to the fund of"), queryset=Fund.objects.all())
    clause = forms.ModelChoiceField(
        label=_("Policy clause"), queryset=Clause.objects.select_related("policy"), required=False
    )
    term = forms.ModelChoiceField(label=_("Or a term of the minutes"), queryset=None, required=False)
    title = forms.CharField(label=_("Item"), max_length=200)
    cap_wan = forms.DecimalField(label=_("Cap (10k yuan)"), **WAN)
    condition = forms.ChoiceField(label=_("Condition"), choices=CommitmentItem.Condition.choices)
    stage = forms.ChoiceField(label=_("Stage reached"), choices=[("", "—"), *Stage.choices], required=False)
    indicator = forms.ChoiceField(label=_("Indicator"), choices=[("", "—"), *Indicator.choices], required=False)
    indicator_year = forms.IntegerField(label=_("Indicator year"), required=False, min_value=2000, max_value=2100)
    indicator_min = forms.DecimalField(label=_("Indicator at least"), required=False, max_digits=18, decimal_places=2)
    earliest = forms.DateField(label=_("Not paid before"))

    def __init__(self, *args, project, **kwargs):
        from decisions.models import PreferentialTerm

        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = PreferentialTerm.objects.filter(
            minute__project=project, minute__superseded_by__isnull=True
        ).select_related("minute")

    def clean(self):
        data = super().clean()
        if bool(data.get("clause")) == bool(data.get("term")):
            raise forms.ValidationError(_("Choose a policy clause or a term of the minutes (one of them)."))
        return data

    def service_fields(self):
        data = dict(self.cleaned_data)
        data["cap"] = wan_to_yuan(data.pop("cap_wan"))
        return data


class RequestForm(_Styled):
    item = forms.ModelChoiceField(label=_("Item"), queryset=None)
    amount_wan = forms.DecimalField(
        label=_("Amount (10k yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    evidence = forms.CharField(
        label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("What shows the condition is met.")
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class ReasonForm(_Styled):
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class RepayForm(_Styled):
    amount_wan = forms.DecimalField(
        label=_("Repaid (10k yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
