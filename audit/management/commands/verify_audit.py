from django.core.management.base import BaseCommand, CommandError, no_translations

from audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Walk the audit trail's hash chain from its first entry (streaming, constant memory). Prints the "
        "entry count and last hash when intact; otherwise the first broken link, and exits with status 1."
    )

    @no_translations
    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(result.describe(), returncode=1)
        self.stdout.write(self.style.SUCCESS(result.describe()))
        if result.pending:
            self.stdout.write(f"{result.pending} entries were still being written and are not yet sealed.")
