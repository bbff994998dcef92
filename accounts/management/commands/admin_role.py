"""Grant or withdraw an administrator role, at the server only.

    python manage.py admin_role grant USERNAME system_admin|security_admin|audit_admin
    python manage.py admin_role withdraw USERNAME ROLE

No page, API or admin screen can do this (accounts.services refuses it there): the three administrators are
kept apart by who appoints them, and appointing one is done by whoever runs the server, in the audit trail.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.roles import ADMIN_ROLES
from accounts.services import admin_role_set
from core.errors import ApplicationError


class Command(BaseCommand):
    help = "Grant or withdraw an administrator role (the only way to do either)."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["grant", "withdraw"])
        parser.add_argument("username")
        parser.add_argument("role", choices=sorted(ADMIN_ROLES))

    def handle(self, *args, verb, username, role, **options):
        try:
            user = admin_role_set(username=username, role=role, grant=verb == "grant")
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} {exc.errors}") from exc
        state = "granted to" if verb == "grant" else "withdrawn from"
        self.stdout.write(
            f"{role} {state} {user.username}; the account is {'active' if user.is_active else 'disabled'}."
        )
