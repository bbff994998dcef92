from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from assessment.models import Metric
from core.forms import style_fields


class TargetForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Landing unit"), queryset=Unit.objects.filter(kind__in=Unit.LANDING_KINDS, is_active=True)
    )
    metric = forms.ChoiceField(label=_("Metric"), choices=())
    value = forms.DecimalField(
        label=_("Target"),
        min_value=0,
        max_digits=18,
        decimal_places=2,
        help_text=_("A count for projects; yuan for investment; USD for foreign capital."),
    )

    def __init__(self, *args, **kwargs):
        from assessment.models import CustomMetric

        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [*Metric.choices, *((m.code, m.label) for m in CustomMetric.objects.all())]
        style_fields(self)


class CustomMetricForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=100)
    unit_label = forms.CharField(label=_("Unit of measure"), max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class MetricValueForm(forms.Form):
    metric = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    unit = forms.ModelChoiceField(
        label=_("Landing unit"), queryset=Unit.objects.filter(kind__in=Unit.LANDING_KINDS, is_active=True)
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    value = forms.DecimalField(label=_("Value"), max_digits=18, decimal_places=2)

    def __init__(self, *args, **kwargs):
        from assessment.models import CustomMetric

        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = CustomMetric.objects.all()
        style_fields(self)
