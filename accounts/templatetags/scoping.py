from django import template

from accounts import scoping

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    """``{% can "users.manage" user_obj as verdict %}``: verdict.allowed and verdict.reason."""
    return scoping.can(context["request"].user, action, obj)
