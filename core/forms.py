from django.core.exceptions import NON_FIELD_ERRORS


def apply_errors(form, error):
    """Put an ApplicationError's field errors on the form fields they name; the rest on the form."""
    placed = False
    for field, messages in (error.errors or {}).items():
        target = field if field in form.fields else NON_FIELD_ERRORS
        for message in messages if isinstance(messages, (list, tuple)) else [messages]:
            form.add_error(None if target == NON_FIELD_ERRORS else target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def style_fields(form):
    """Bootstrap classes on every widget of ``form``; date fields get the browser's date picker."""
    from django import forms

    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
        if isinstance(field, forms.DateField):
            widget.input_type = "date"
