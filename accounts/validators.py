from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_classes(password):
    return sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )


class PolicyPasswordValidator:
    """Length and character classes from the security administrator's PasswordPolicy."""

    def _policy(self):
        from accounts.models import PasswordPolicy

        return PasswordPolicy.current()

    def validate(self, password, user=None):
        policy = self._policy()
        errors = []
        if len(password) < policy.min_length:
            errors.append(
                ValidationError(
                    _("The password must be at least %(n)d characters long.") % {"n": policy.min_length},
                    code="password_too_short",
                )
            )
        if character_classes(password) < policy.min_classes:
            errors.append(
                ValidationError(
                    _(
                        "The password must mix at least %(n)d of: "
                        "lower-case letters, upper-case letters, digits, symbols."
                    )
                    % {"n": policy.min_classes},
                    code="password_too_simple",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        policy = self._policy()
        return _(
            "At least %(len)d characters, mixing at least %(n)d of: "
            "lower-case letters, upper-case letters, digits, symbols."
        ) % {"len": policy.min_length, "n": policy.min_classes}
