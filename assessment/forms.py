from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from assessment.models import Metric
from core.forms import style_fields


class TargetForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Landing unit"), queryset=Unit.objects.filter(kind__in=Unit.LANDING_KINDS, is_active=True)
    )
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    value = forms.DecimalField(
        label=_("Target"),
        min_value=0,
        max_digits=18,
        decimal_places=2,
        help_text=_("A count for projects; yuan for investment; USD for foreign capital."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
