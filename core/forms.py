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
