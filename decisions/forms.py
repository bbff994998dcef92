from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import style_fields
from decisions.models import Dimension, Exemption, PreferentialTerm, Rating, StepRecord, TierRuleSet


class Styled:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class MinuteForm(Styled, forms.Form):
    number = forms.CharField(label=_("Minute number"), max_length=50, help_text=_("e.g. 慈投促纪〔2026〕3号"))
    meeting_date = forms.DateField(label=_("Meeting date"))
    chair = forms.CharField(label=_("Chair"), max_length=100)
    attendees = forms.CharField(label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}))
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StepForm(MinuteForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=StepRecord.Outcome.choices)
    field_order = ["outcome", "number", "meeting_date", "chair", "attendees", "conclusion", "conditions"]


class TermForm(Styled, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—")] + PreferentialTerm.Kind.choices, required=False)
    amount_wan = forms.DecimalField(
        label=_("Amount (10k yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    rate = forms.DecimalField(label=_("Rate (%)"), required=False, min_value=0, max_digits=6, decimal_places=2)
    clause = forms.CharField(label=_("Policy clause"), required=False, max_length=200)
    conditions = forms.CharField(label=_("Conditions"), required=False, max_length=500)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") and not cleaned.get("clause"):
            self.add_error("clause", _("Name the policy clause, or write 一事一议."))
        if cleaned.get("kind") and cleaned.get("amount_wan") is None and cleaned.get("rate") is None:
            self.add_error("amount_wan", _("Give an amount or a rate."))
        return cleaned


TermFormSet = forms.formset_factory(TermForm, extra=3, max_num=20)


def terms_from(formset):
    from core.units import wan_to_yuan

    return [
        {
            "kind": f.cleaned_data["kind"],
            "amount": wan_to_yuan(f.cleaned_data["amount_wan"])
            if f.cleaned_data.get("amount_wan") is not None
            else None,
            "rate": f.cleaned_data.get("rate"),
            "clause": f.cleaned_data["clause"],
            "conditions": f.cleaned_data.get("conditions", ""),
        }
        for f in formset
        if f.cleaned_data.get("kind")
    ]


class MemberForm(Styled, forms.Form):
    user = forms.ModelChoiceField(label=_("Member"), queryset=User.objects.none())
    is_lead = forms.BooleanField(label=_("Group lead"), required=False)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The people offered come from decisions.selectors.member_candidates (guarded by evaluation.manage).
        self.fields["user"].queryset = candidates if candidates is not None else User.objects.none()
        self.fields["user"].label_from_instance = lambda u: f"{u} · {u.unit}"


class OpinionForm(Styled, forms.Form):
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))
    recommend = forms.BooleanField(label=_("Recommend the project for decision"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for d in Dimension:
            self.fields[f"{d.value}_rating"] = forms.ChoiceField(label=d.label, choices=Rating.choices)
            self.fields[f"{d.value}_text"] = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))
        self.order_fields(
            [f for d in Dimension for f in (f"{d.value}_rating", f"{d.value}_text")] + ["conclusion", "recommend"]
        )
        style_fields(self)

    def ratings(self):
        return {
            d.value: {"rating": self.cleaned_data[f"{d.value}_rating"], "text": self.cleaned_data[f"{d.value}_text"]}
            for d in Dimension
        }


class TierRuleSetForm(Styled, forms.ModelForm):
    class Meta:
        model = TierRuleSet
        fields = [
            "effective_from",
            "major_land_mu",
            "major_investment",
            "office_land_mu",
            "office_investment",
            "local_filing_working_days",
            "note",
        ]


class ExemptionForm(Styled, forms.ModelForm):
    class Meta:
        model = Exemption
        fields = ["officials", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}
