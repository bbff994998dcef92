from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from core import units

register = template.Library()


@register.filter
def wan(yuan):
    """Yuan shown as 万元, with thousands separators."""
    value = units.yuan_to_wan(yuan)
    return "—" if value is None else intcomma(value)


@register.filter
def mu(m2):
    """m² shown as 亩."""
    value = units.m2_to_mu(m2)
    return "—" if value is None else intcomma(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
