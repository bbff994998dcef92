from django.core.management.base import BaseCommand, CommandError

from incentives.reconcile import reconcile


class Command(BaseCommand):
    help = "Check the incentives ledger against requests, caps, funds and claw-backs; fails on any mismatch."

    def handle(self, *args, **options):
        problems = reconcile()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found.")
        self.stdout.write(self.style.SUCCESS("The incentives ledger balances."))
