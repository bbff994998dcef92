"""A city of N supervised projects for the benchmark of the compliance sweep (bench/run.py).

Bulk-loaded with PostgreSQL ``COPY`` (no model ``save()``, no signals, so no audit history rows: this is
benchmark data, not records anyone entered). Deterministic for a given ``--seed``.

Per supervised project: a company (valid, unique USCC), a project in stage in_production or operating with
production starting 2017..2025, a land-transfer contract, a performance agreement (per-亩 commitments) and the
four graded indicators for every year from production start to the last year (version 1, current, supplied
by the bureau that owns the indicator). About 70 % meet their commitments, 20 % reach 60-80 % (grade C),
10 % stay below 60 % (grade D); about 5 % have not had last year's tax reported. Besides these, a few
pre-production projects (signed .. completed; ``--pre-production``, default N/50) carry contract milestones
around the sweep date, and a few hundred equity changes (some unapproved, ≥ 50 % or a change of control)
feed the disguised-resale screening.
"""

import datetime
import io
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from accounts.demo import load_units_and_users
from accounts.models import Unit
from core import tallies
from core.units import mu_to_m2
from monitoring.models import (
    INDICATOR_BUREAU,
    Checkpoint,
    EquityChange,
    Indicator,
    IndicatorValue,
    LandContract,
    PerformanceAgreement,
)
from projects.models import Channel, Company, Industry, LandMode, Project, Tier
from projects.stages import Stage
from projects.validators import USCC_CHARSET, uscc_check_character

CODE_PREFIX = "SC"  # project codes of generated projects: SC0000001 …
FIRST_YEAR, LAST_YEAR = 2017, 2025
CHUNK = 5000  # projects per COPY round
SQLITE_MAX = 2000
GRADED_INDICATORS = [Indicator.INVESTMENT, Indicator.TAX, Indicator.ENERGY, Indicator.VALUE_ADDED]
# (share of projects, lowest factor, highest factor) of actual / committed; margins keep the grade bands clear.
PROFILES = [(0.70, 1.03, 1.30), (0.20, 0.63, 0.77), (0.10, 0.30, 0.56)]
MISSING_TAX_SHARE = 0.05
STAMP = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)

COMPANY_COLUMNS = [
    "id",
    "name",
    "uscc",
    "registered_capital",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "parent_group",
    "is_foreign_invested",
    "created_at",
]
PROJECT_COLUMNS = [
    "id",
    "code",
    "name",
    "investor_id",
    "industry_id",
    "landing_unit_id",
    "attracting_unit_id",
    "channel",
    "partner_id",
    "total_investment",
    "foreign_capital_usd",
    "land_mode",
    "land_area_m2",
    "expected_annual_output",
    "expected_annual_tax",
    "is_profit_reinvestment",
    "is_key_chain",
    "description",
    "contacts",
    "tier",
    "stage",
    "stage_changed_at",
    "production_start_date",
    "terminated_reason",
    "created_by_id",
    "created_at",
    "updated_at",
]
CONTRACT_COLUMNS = [
    "id",
    "project_id",
    "parcel_id",
    "number",
    "area_m2",
    "price",
    "signed_on",
    "delivery_date",
    "construction_start_deadline",
    "completion_deadline",
    "production_deadline",
]
CHECKPOINT_COLUMNS = ["id", "agreement_id", "year", "description"]
# The agreement's checkpoints every generated project has (years after production).
CHECKPOINT_YEARS = {1: "投产首年固定资产投资到位", 3: "投产第三年亩均税收达标", 7: "投产第七年全面评价"}
AGREEMENT_COLUMNS = [
    "id",
    "project_id",
    "number",
    "signed_on",
    "investment_per_mu",
    "tax_per_mu",
    "value_added_per_energy",
    "value_added_per_mu",
    "rd_share",
    "liquidated_damages",
    "repay_incentives",
    "land_taken_back",
]
VALUE_COLUMNS = [
    "id",
    "project_id",
    "indicator",
    "year",
    "version",
    "value",
    "is_current",
    "supplied_by_id",
    "submitted_by_id",
    "submitted_at",
    "source",
    "idempotency_key",
]
EQUITY_COLUMNS = [
    "id",
    "company_id",
    "registered_on",
    "transferor",
    "transferee",
    "share",
    "change_of_control",
    "approved",
    "approval_reference",
    "recorded_by_id",
]
TABLES = [
    (Company, COMPANY_COLUMNS),
    (Project, PROJECT_COLUMNS),
    (LandContract, CONTRACT_COLUMNS),
    (PerformanceAgreement, AGREEMENT_COLUMNS),
    (Checkpoint, CHECKPOINT_COLUMNS),
    (IndicatorValue, VALUE_COLUMNS),
    (EquityChange, EQUITY_COLUMNS),
]


def uscc_for(n):
    """A valid credit code unique to ``n``: division 330282, then ``n`` in base 31 behind a fixed 'B'."""
    digits = []
    for _ in range(8):
        n, r = divmod(n, len(USCC_CHARSET))
        digits.append(USCC_CHARSET[r])
    if n:
        raise CommandError("Too many companies for the credit-code scheme.")
    first17 = "91330282B" + "".join(reversed(digits))
    return first17 + uscc_check_character(first17)


def money(x):
    return f"{x:.2f}"


def day_in(rng, start, days):
    return start + datetime.timedelta(days=rng.randrange(days))


class Writer:
    """Rows to a table: ``COPY`` on PostgreSQL, ``executemany`` on SQLite (tiny cities only)."""

    def __init__(self, cursor, postgres):
        self.cursor = cursor
        self.postgres = postgres
        self.seconds = {}
        self.rows = {}

    def write(self, model, columns, rows):
        if not rows:
            return
        table = model._meta.db_table
        started = time.perf_counter()
        if self.postgres:
            buffer = io.StringIO()
            buffer.writelines("\t".join(map(self._text, row)) + "\n" for row in rows)
            buffer.seek(0)
            self.cursor.copy_expert(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN', buffer)
        else:
            marks = ", ".join("?" * len(columns))
            self.cursor.executemany(
                f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})',  # noqa: S608 (our own names)  # nosec B608
                [tuple(map(self._sqlite, row)) for row in rows],
            )
        self.seconds[table] = self.seconds.get(table, 0) + time.perf_counter() - started
        self.rows[table] = self.rows.get(table, 0) + len(rows)

    @staticmethod
    def _text(value):
        if value is None:
            return "\\N"
        if value is True:
            return "t"
        if value is False:
            return "f"
        return str(value)

    @staticmethod
    def _sqlite(value):
        if isinstance(value, datetime.datetime):
            return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value


class Command(BaseCommand):
    help = "Generate a city of N supervised projects (bulk COPY, PostgreSQL) for the compliance-sweep benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, required=True, help="supervised projects to create")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--pre-production",
            type=int,
            default=None,
            help="extra projects signed .. completed, with contract milestones (default N/50)",
        )
        parser.add_argument("--equity-changes", type=int, default=None, help="equity-change cases (default N/250)")
        parser.add_argument(
            "--allow-sqlite", action="store_true", help=f"allow SQLite for a tiny city (at most {SQLITE_MAX})"
        )

    def handle(self, *args, **options):
        n = options["projects"]
        if n < 1:
            raise CommandError("--projects must be at least 1.")
        postgres = connection.vendor == "postgresql"
        if not postgres:
            if not options["allow_sqlite"]:
                raise CommandError(
                    f"generate_scale needs PostgreSQL (bulk COPY); this database is {connection.vendor}. "
                    "Set DATABASE_URL=postgres://… (or run it under scripts/with_services.sh), "
                    f"or pass --allow-sqlite for a tiny city (at most {SQLITE_MAX} projects)."
                )
            if n > SQLITE_MAX:
                raise CommandError(f"On SQLite at most {SQLITE_MAX} projects; use PostgreSQL for more.")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database has unapplied migrations: run `python manage.py migrate` first.")
        pre = n // 50 if options["pre_production"] is None else options["pre_production"]
        cases = max(30, round(n / 250)) if options["equity_changes"] is None else options["equity_changes"]
        timings = {}
        started = time.perf_counter()

        if not Unit.objects.filter(kind=Unit.Kind.CENTRE).exists():
            load_units_and_users(password=settings.DEMO_PASSWORD)
        timings["units and users"] = time.perf_counter() - started
        if Project.objects.filter(code__startswith=CODE_PREFIX).exists():
            raise CommandError(
                f"This database already holds generated projects ({CODE_PREFIX}…); use a fresh database "
                "(bench/run.py creates one per size)."
            )
        self._check_columns()
        with transaction.atomic(), connection.cursor() as cursor:
            writer = Writer(cursor, postgres)
            counts = self._generate(writer, n, pre, cases, options["seed"])
            step = time.perf_counter()
            if postgres:
                for model, _columns in TABLES:
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608 (our own names)  # nosec B608
                        f'(SELECT max(id) FROM "{table}"))'
                    )
            timings["sequences"] = time.perf_counter() - step
        step = time.perf_counter()
        if postgres:
            with connection.cursor() as cursor:
                for model, _columns in TABLES:
                    cursor.execute(f'ANALYZE "{model._meta.db_table}"')
        timings["analyze"] = time.perf_counter() - step
        step = time.perf_counter()
        tallies.refresh_all()  # COPY bypasses the doors that keep the dashboards' tallies current
        timings["tallies"] = time.perf_counter() - step
        self._check_no_history(counts["first_ids"])
        total = time.perf_counter() - started

        for table, seconds in writer.seconds.items():
            self.stdout.write(f"  {table:<40} {writer.rows[table]:>10,} rows  {seconds:8.2f} s (COPY)")
        self.stdout.write(f"  {'building rows in Python':<40} {'':>15} {counts['build_seconds']:8.2f} s")
        for name, seconds in timings.items():
            self.stdout.write(f"  {name:<40} {'':>15} {seconds:8.2f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {n:,} supervised + {pre:,} pre-production projects, "
                f"{counts['values']:,} indicator values, {counts['equity']:,} equity changes "
                f"(seed {options['seed']}) in {total:.1f} s"
            )
        )
        self.stdout.write(f"generate_scale_seconds={total:.3f}")

    def _check_columns(self):
        """Every NOT NULL column without a database default is filled, even if a model grew a column."""
        with connection.cursor() as cursor:
            for model, columns in TABLES:
                description = connection.introspection.get_table_description(cursor, model._meta.db_table)
                required = {
                    c.name
                    for c in description
                    if not c.null_ok and not getattr(c, "default", None) and not getattr(c, "is_autofield", False)
                }
                missing = required - set(columns)
                if missing:
                    raise CommandError(
                        f"{model._meta.db_table} has NOT NULL columns generate_scale does not fill: "
                        f"{', '.join(sorted(missing))}. Update core/management/commands/generate_scale.py."
                    )

    def _check_no_history(self, first_ids):
        for model in (Company, Project, LandContract, PerformanceAgreement, IndicatorValue, EquityChange):
            if model.history.filter(id__gte=first_ids[model]).exists():
                raise CommandError(f"History rows were written for generated {model._meta.verbose_name} rows.")

    def _generate(self, writer, n, pre, cases, seed):
        rng = random.Random(seed)
        centre = Unit.objects.get(kind=Unit.Kind.CENTRE)
        towns = list(Unit.objects.filter(kind=Unit.Kind.TOWN).order_by("code").values_list("pk", flat=True))
        if not towns:
            raise CommandError("No town units: load the units first (accounts.demo.load_units_and_users).")
        bureau_units = dict(Unit.objects.exclude(bureau="").values_list("bureau", "pk"))
        supplier = {indicator: bureau_units[INDICATOR_BUREAU[indicator]] for indicator in GRADED_INDICATORS}
        industries = list(Industry.objects.filter(section__isnull=False).order_by("code").values_list("pk", flat=True))
        if not industries:
            raise CommandError("No industries: run `python manage.py migrate` (it loads GB/T 4754).")
        channels = [c.value for c in Channel]
        first_ids = {
            model: (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
            for model, _columns in TABLES
        }
        next_id = {model: first_ids[model] for model in first_ids}
        build = 0.0
        values_written = 0
        supervised_companies, pre_companies, weak_companies = [], [], []

        def take(model):
            value = next_id[model]
            next_id[model] += 1
            return value

        total = n + pre
        for chunk_start in range(0, total, CHUNK):
            t0 = time.perf_counter()
            rows = {model: [] for model, _columns in TABLES}
            for i in range(chunk_start, min(total, chunk_start + CHUNK)):
                supervised = i < n
                company_id = take(Company)
                project_id = take(Project)
                serial = i + 1
                rows[Company].append(
                    (
                        company_id,
                        f"规模测试企业{serial:07d}有限公司",
                        uscc_for(serial),
                        money(rng.choice([1000, 5000, 20000, 50000]) * 10000),
                        "",
                        "",
                        "",
                        "",
                        False,
                        STAMP,
                    )
                )
                mu = rng.randint(10, 200)
                area = mu_to_m2(mu)
                investment_per_mu = rng.randint(150, 600) * 10000
                total_investment = investment_per_mu * mu
                tax_per_mu = rng.randint(15, 45) * 10000
                va_per_energy = rng.randint(15, 35) * 1000
                if supervised:
                    start = day_in(rng, datetime.date(FIRST_YEAR, 1, 1), 365 * (LAST_YEAR - FIRST_YEAR + 1))
                    start = min(start, datetime.date(LAST_YEAR, 12, 31))
                    stage = (
                        Stage.OPERATING if start.year <= LAST_YEAR - 2 and rng.random() < 0.8 else Stage.IN_PRODUCTION
                    )
                    completion = start - datetime.timedelta(days=rng.randint(30, 120))
                    cs = completion - datetime.timedelta(days=rng.randint(300, 700))
                    delivery = cs - datetime.timedelta(days=rng.randint(60, 240))
                    signed = delivery - datetime.timedelta(days=rng.randint(30, 200))
                    supervised_companies.append(company_id)
                else:
                    start = None
                    stage = rng.choices(
                        [Stage.SIGNED, Stage.LAND_SUPPLIED, Stage.CONSTRUCTION, Stage.COMPLETED], [25, 25, 35, 15]
                    )[0]
                    signed, delivery, cs, completion = self._milestones(rng, stage)
                    pre_companies.append(company_id)
                rows[Project].append(
                    (
                        project_id,
                        f"{CODE_PREFIX}{serial:07d}",
                        f"规模测试项目{serial:07d}",
                        company_id,
                        rng.choice(industries),
                        rng.choice(towns),
                        centre.pk,
                        rng.choice(channels),
                        None,
                        money(total_investment),
                        "0.00",
                        LandMode.NEW_LAND,
                        money(area),
                        money(total_investment * 1.5),
                        money(tax_per_mu * mu),
                        False,
                        rng.random() < 0.1,
                        "",
                        "",
                        Tier.OFFICE,
                        stage,
                        STAMP,
                        start,
                        "",
                        None,
                        STAMP,
                        STAMP,
                    )
                )
                rows[LandContract].append(
                    (
                        take(LandContract),
                        project_id,
                        None,
                        f"SC-LC-{serial:07d}",
                        money(area),
                        money(float(area) * 450),
                        signed,
                        delivery,
                        cs,
                        completion,
                        completion + datetime.timedelta(days=180),
                    )
                )
                agreement_id = take(PerformanceAgreement)
                rows[Checkpoint].extend(
                    (take(Checkpoint), agreement_id, year, text) for year, text in CHECKPOINT_YEARS.items()
                )
                rows[PerformanceAgreement].append(
                    (
                        agreement_id,
                        project_id,
                        f"SC-PA-{serial:07d}",
                        signed,
                        money(investment_per_mu),
                        money(tax_per_mu),
                        money(va_per_energy),
                        money(va_per_energy * 60),
                        None,
                        "按未达标差额的 20% 支付违约金",
                        True,
                        True,
                    )
                )
                if not supervised:
                    continue
                pick = rng.random()
                low, high = PROFILES[-1][1:]
                cumulative = 0.0
                for share, lo, hi in PROFILES:
                    cumulative += share
                    if pick < cumulative:
                        low, high = lo, hi
                        break
                if low < 1:
                    weak_companies.append(company_id)
                factor = rng.uniform(low, high)
                skip_last_tax = rng.random() < MISSING_TAX_SHARE
                energy_base = rng.randint(500, 5000)
                for year in range(start.year, LAST_YEAR + 1):
                    stamp = datetime.datetime(year + 1, 1, 20, 2, 0, tzinfo=datetime.UTC)
                    energy = energy_base * rng.uniform(0.95, 1.05)
                    yearly = {
                        Indicator.INVESTMENT: investment_per_mu * mu * factor * rng.uniform(0.98, 1.02),
                        Indicator.TAX: tax_per_mu * mu * factor * rng.uniform(0.98, 1.02),
                        Indicator.ENERGY: energy,
                        Indicator.VALUE_ADDED: va_per_energy * energy * factor * rng.uniform(0.98, 1.02),
                    }
                    for indicator in GRADED_INDICATORS:
                        if skip_last_tax and year == LAST_YEAR and indicator == Indicator.TAX:
                            continue
                        rows[IndicatorValue].append(
                            (
                                take(IndicatorValue),
                                project_id,
                                indicator.value,
                                year,
                                1,
                                money(yearly[indicator]),
                                True,
                                supplier[indicator],
                                None,
                                stamp,
                                IndicatorValue.Source.IMPORT,
                                None,
                            )
                        )
            if chunk_start + CHUNK >= total:
                rows[EquityChange] = self._equity_changes(
                    rng, cases, take, pre_companies, supervised_companies, weak_companies
                )
            build += time.perf_counter() - t0
            for model, columns in TABLES:
                writer.write(model, columns, rows[model])
            values_written += len(rows[IndicatorValue])
            self.stdout.write(f"  … {min(total, chunk_start + CHUNK):,} / {total:,} projects", ending="\r")
            self.stdout.flush()
        self.stdout.write("")
        return {
            "build_seconds": build,
            "values": values_written,
            "equity": writer.rows.get(EquityChange._meta.db_table, 0),
            "first_ids": first_ids,
        }

    @staticmethod
    def _milestones(rng, stage):
        """Contract dates whose next milestone (for ``stage``) falls around the sweep date (2026-01-15)."""
        days = datetime.timedelta
        if stage == Stage.SIGNED:
            delivery = day_in(rng, datetime.date(2025, 9, 1), 300)
            cs = delivery + days(rng.randint(90, 240))
            completion = cs + days(rng.randint(365, 720))
        elif stage == Stage.LAND_SUPPLIED:
            cs = day_in(rng, datetime.date(2025, 6, 1), 365)
            delivery = cs - days(rng.randint(90, 240))
            completion = cs + days(rng.randint(365, 720))
        else:
            first = datetime.date(2025, 9, 1) if stage == Stage.CONSTRUCTION else datetime.date(2024, 6, 1)
            completion = day_in(rng, first, 500)
            cs = completion - days(rng.randint(365, 720))
            delivery = cs - days(rng.randint(90, 240))
        signed = delivery - days(rng.randint(60, 200))
        return signed, delivery, cs, completion

    @staticmethod
    def _equity_changes(rng, cases, take, pre_companies, supervised_companies, weak_companies):
        """Approved transfers, small ones, ≥ 50 % ones, pairs adding up to ≥ 50 % within a year, and changes of
        control; on companies of pre-production projects, of weak supervised ones, and of any supervised one."""
        rows = []
        pools = [p for p in (pre_companies, weak_companies, supervised_companies) if p]
        used = set()
        for case in range(cases):
            pool = pools[case % len(pools)]
            company = rng.choice(pool)
            for _ in range(20):
                if company not in used:
                    break
                company = rng.choice(pool)
            used.add(company)
            when = day_in(rng, datetime.date(2024, 1, 1), 700)
            kind = rng.choices(["approved", "small", "big", "pair", "control"], [30, 25, 20, 15, 10])[0]
            shares = {
                "approved": [rng.randint(5, 60)],
                "small": [rng.randint(5, 30)],
                "big": [rng.randint(50, 80)],
                "pair": [rng.randint(25, 35), rng.randint(25, 35)],
                "control": [rng.randint(10, 40)],
            }[kind]
            for k, share in enumerate(shares):
                approved = kind == "approved"
                rows.append(
                    (
                        take(EquityChange),
                        company,
                        when + datetime.timedelta(days=k * rng.randint(30, 180)),
                        f"规模测试企业股东{company}",
                        f"规模测试受让方{case:05d}",
                        f"{share}.00",
                        kind == "control",
                        approved,
                        f"慈投审〔2025〕{case}号" if approved else "",
                        None,
                    )
                )
        return rows
