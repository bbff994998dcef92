from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import load_units_and_users, second_factor_secrets
from assessment import demo as assessment_demo
from decisions import demo as decisions_demo
from incentives import demo as incentives_demo
from monitoring import demo as monitoring_demo
from oversight.demo import load_proposal_demo
from projects.demo import load_projects
from projects.models import Project


class Command(BaseCommand):
    help = "Load the demo city (idempotent) and print its users with their password."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sweep",
            choices=["worker", "now", "none"],
            default="worker",
            help="The first compliance sweep: sent to the worker (default), run now, or not at all.",
        )

    def handle(self, *args, **options):
        rows = load_units_and_users(password=settings.DEMO_PASSWORD)
        created = load_projects(
            before_submit=decisions_demo.prepare_evaluation,
            decide=decisions_demo.decide,
            advance_open=decisions_demo.advance_open,
            before_sign=monitoring_demo.sign,
            after=monitoring_demo.indicators,
        )
        decisions_demo.supersede_one()
        incentives_demo.load()
        assessment_demo.load()
        monitoring_demo.handled_findings()
        monitoring_demo.equity_and_checks(sweep=options["sweep"])
        load_proposal_demo()
        self.stdout.write(f"Projects: {created} created, {Project.objects.count()} in all.")
        self.stdout.write(self.style.SUCCESS("Demo city loaded. Users (one per role):"))
        width = max(len(r[0]) for r in rows)
        self.stdout.write(f"{'username'.ljust(width)}  password            role / unit")
        for username, password, role, unit in rows:
            self.stdout.write(f"{username.ljust(width)}  {password.ljust(18)}  {role} / {unit}")
        self.stdout.write(
            "The three administrators also give a 6-digit TOTP code after the password (RFC 6238). They are "
            "pre-enrolled with these secrets: add one to an authenticator app, or print the current code with "
            "`.venv/bin/python -m accounts.totp SECRET` (or `oathtool --totp -b SECRET`). The security "
            "administrator can reset a second factor; the next login then enrols a new one."
        )
        for username, secret in second_factor_secrets().items():
            self.stdout.write(f"{username.ljust(width)}  TOTP secret {secret}")
