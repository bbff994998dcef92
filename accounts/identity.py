"""What stands between a right password and the rest of the system, in this order:

1. the three administrators' second factor (TOTP), proven once per session;
2. a password older than ``PASSWORD_MAX_AGE_DAYS``, to be changed before anything else.

IdentityMiddleware asks here on every request, the token endpoint before it issues a token, and the
second-factor and password pages when they decide what to show.
"""

from typing import NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.roles import ADMIN_ROLES
from accounts.scoping import has_role

# The session of a user who gave the second factor holds their id under this key; a session that does not is
# one step short of a login.
VERIFIED_SESSION_KEY = "accounts_second_factor_user"
# How authenticator apps name this system's entries.
TOTP_ISSUER = "Cizhou Invest"


class Step(NamedTuple):
    view_name: str  # the one page that opens while this step is pending
    reason: str


def needs_second_factor(user):
    return has_role(user, *ADMIN_ROLES)


def second_factor_verified(session, user):
    return session.get(VERIFIED_SESSION_KEY) == user.pk


def mark_second_factor_verified(request, user):
    """The session now counts as fully logged in; a new session key, as at any change of privilege."""
    request.session.cycle_key()
    request.session[VERIFIED_SESSION_KEY] = user.pk


def second_factor_reason():
    return _("Enter the 6-digit code of your authenticator app to finish logging in.")


def password_expired_reason():
    return _("Your password is more than %(days)d days old: change it before you continue.") % {
        "days": settings.PASSWORD_MAX_AGE_DAYS
    }


def pending_step(user, session):
    """The step a session-authenticated ``user`` must take before any other page opens, or None."""
    if needs_second_factor(user) and not second_factor_verified(session, user):
        return Step("accounts:second_factor", second_factor_reason())
    if user.password_expired():
        return Step("accounts:password_change", password_expired_reason())
    return None


def token_refusal(user):
    """Why an API token of ``user`` is not accepted (or issued), or "" when it is.

    DRF tokens do not expire, so a token of an administrator would outlive the second factor of the session
    it came from: administrators use the API only from their verified browser session."""
    if needs_second_factor(user):
        return _(
            "Administrators do not use API tokens: sign in to the web console with your second factor; "
            "its session also opens the API."
        )
    if user.password_expired():
        return _(
            "Your password is more than %(days)d days old: change it at /accounts/password/ before using the API."
        ) % {"days": settings.PASSWORD_MAX_AGE_DAYS}
    return ""
