"""The compliance sweep written by hand in SQL: the yardstick the system's sweep (monitoring.checks) is timed
against. Same findings, grade rows, stage changes and history rows, same ON CONFLICT behaviour, in the same
order (missing data, grading with the end of supervision, milestones, disguised resale); one statement per
step, data-modifying CTEs where a step writes history too. Like each of the system's checks, each step ends by
counting the dashboards' tallies it changed again (core.tallies: the whole tally deleted and counted again,
under the same advisory lock): the findings tally after every step, the grades and stages tallies after
grading.

The rules' data (stage lists, required indicators, deadlines, bands, warning days) is read from the same
places the system reads it; the SQL itself is ours.
"""

import datetime
import zlib
from decimal import Decimal

from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.units import M2_PER_MU
from monitoring import checks, grading
from monitoring.models import Finding
from projects.models import Project
from projects.stages import Stage

SUPERVISED_STAGES = [str(s) for s in getattr(grading, "SUPERVISED_STAGES", [Stage.IN_PRODUCTION, Stage.OPERATING])]


def _history_columns(model):
    """The columns a model's history table copies from the model (django-simple-history)."""
    own = {f.column for f in model._meta.concrete_fields}
    return [f.column for f in model.history.model._meta.concrete_fields if f.column in own]


FINDING_COLUMNS = _history_columns(Finding)


def _finding_history(source, history_type="+", reason="''"):
    """A CTE body copying the rows of ``source`` (a CTE returning findings) into the finding history."""
    columns = ", ".join(FINDING_COLUMNS)
    return (
        f"INSERT INTO monitoring_historicalfinding ({columns}, history_date, history_change_reason, "  # noqa: S608
        f"history_type, history_user_id) SELECT {columns}, %(now)s, {reason}, '{history_type}', NULL FROM {source}"
    )


MISSING_DATA = f"""
WITH sup AS (
    SELECT p.id FROM projects_project p
    WHERE p.stage = ANY(%(supervised_stages)s)
      AND p.production_start_date > %(sup_after)s AND p.production_start_date <= %(sup_until)s
), present AS (
    SELECT v.project_id, array_agg(DISTINCT v.indicator::text) AS have
    FROM monitoring_indicatorvalue v JOIN sup ON sup.id = v.project_id
    WHERE v.year = %(year)s AND v.is_current AND v.indicator = ANY(%(required)s)
    GROUP BY v.project_id
), ins AS (
    INSERT INTO monitoring_finding
        (project_id, kind, period, severity, owner_id, co_owner_id, evidence, deadline, status, opened_at,
         opened_by_run_id)
    SELECT sup.id, 'missing_data', %(period)s, 'medium', %(centre)s, NULL,
           jsonb_build_object('year', %(year)s::int, 'missing', to_jsonb(ARRAY(
               SELECT r FROM unnest(%(required)s::text[]) WITH ORDINALITY AS u(r, o)
               WHERE present.have IS NULL OR r <> ALL(present.have) ORDER BY o))),
           %(data_deadline)s, 'open', %(now)s, %(run_missing_data)s
    FROM sup LEFT JOIN present ON present.project_id = sup.id
    WHERE coalesce(cardinality(present.have), 0) < cardinality(%(required)s::text[])
    ON CONFLICT (project_id, kind, period) DO NOTHING
    RETURNING *
), hist AS ({_finding_history("ins")})
SELECT (SELECT count(*) FROM sup), (SELECT count(*) FROM ins)
"""  # noqa: S608 (our own text)

GRADE = """
WITH v AS (
    SELECT project_id,
           sum(value) FILTER (WHERE indicator = 'investment') AS inv,
           sum(value) FILTER (WHERE indicator = 'tax') AS tax,
           sum(value) FILTER (WHERE indicator = 'energy') AS energy,
           sum(value) FILTER (WHERE indicator = 'value_added') AS added
    FROM monitoring_indicatorvalue
    WHERE year = %(year)s AND is_current AND indicator IN ('investment', 'tax', 'energy', 'value_added')
    GROUP BY project_id
), r AS (
    SELECT p.id,
           %(year)s + 1 - extract(year FROM p.production_start_date) AS yap,
           round(v.inv * 100 / nullif(a.investment_per_mu * (p.land_area_m2 / %(m2_per_mu)s), 0), 1) AS inv_ratio,
           round(v.tax * 100 / nullif(a.tax_per_mu * (p.land_area_m2 / %(m2_per_mu)s), 0), 1) AS tax_ratio,
           round(v.added * 100 / nullif(a.value_added_per_energy * v.energy, 0), 1) AS energy_ratio
    FROM projects_project p
    JOIN monitoring_performanceagreement a ON a.project_id = p.id
    JOIN v ON v.project_id = p.id
    WHERE p.stage = ANY(%(supervised_stages)s)
      AND p.production_start_date > %(sup_after)s AND p.production_start_date <= %(sup_until)s
      -- graded already from the data as it is now, under the same bands: skipped
      AND NOT EXISTS (
          SELECT 1 FROM monitoring_annualgrade og
          WHERE og.project_id = p.id AND og.year = %(year)s AND og.bands_id IS NOT DISTINCT FROM %(bands)s
            AND NOT EXISTS (SELECT 1 FROM monitoring_indicatorvalue nv
                            WHERE nv.project_id = p.id AND nv.year = %(year)s AND nv.is_current
                              AND nv.submitted_at > og.graded_at))
), g AS (
    SELECT r.*, round((inv_ratio * %(w_inv)s + tax_ratio * %(w_tax)s + energy_ratio * %(w_energy)s)
                      / (%(w_inv)s + %(w_tax)s + %(w_energy)s), 1) AS overall
    FROM r
    WHERE inv_ratio IS NOT NULL AND tax_ratio IS NOT NULL AND energy_ratio IS NOT NULL
)
INSERT INTO monitoring_annualgrade
    (project_id, year, year_after_production, investment_ratio, tax_ratio, energy_ratio, ratio, grade, bands_id,
     graded_at, run_id)
SELECT id, %(year)s, yap, inv_ratio, tax_ratio, energy_ratio, overall,
       CASE WHEN overall >= %(a_from)s THEN 'A' WHEN overall >= %(b_from)s THEN 'B'
            WHEN overall >= %(c_from)s THEN 'C' ELSE 'D' END,
       %(bands)s, %(now)s, %(run_grading)s
FROM g
ON CONFLICT (project_id, year) DO UPDATE SET
    investment_ratio = EXCLUDED.investment_ratio, tax_ratio = EXCLUDED.tax_ratio,
    energy_ratio = EXCLUDED.energy_ratio, ratio = EXCLUDED.ratio, grade = EXCLUDED.grade,
    bands_id = EXCLUDED.bands_id, graded_at = EXCLUDED.graded_at, run_id = EXCLUDED.run_id
"""

GRADE_FINDINGS = f"""
WITH ins AS (
    INSERT INTO monitoring_finding
        (project_id, kind, severity, period, owner_id, co_owner_id, evidence, deadline, status, opened_at,
         opened_by_run_id)
    SELECT g.project_id,
           CASE g.grade WHEN 'D' THEN 'breach' ELSE 'rectification' END,
           CASE g.grade WHEN 'D' THEN 'high' ELSE 'medium' END,
           %(period)s,
           CASE g.grade WHEN 'D' THEN %(centre)s ELSE p.landing_unit_id END,
           CASE g.grade WHEN 'D' THEN p.landing_unit_id END,
           jsonb_build_object('year', g.year, 'year_after_production', g.year_after_production, 'grade', g.grade,
                              'ratio', g.ratio, 'investment_per_mu', g.investment_ratio,
                              'tax_per_mu', g.tax_ratio, 'value_added_per_energy', g.energy_ratio),
           %(rectification_deadline)s, 'open', %(now)s, %(run_grading)s
    FROM monitoring_annualgrade g JOIN projects_project p ON p.id = g.project_id
    WHERE g.year = %(year)s AND g.run_id = %(run_grading)s AND g.grade IN ('C', 'D')
    ON CONFLICT (project_id, kind, period) DO NOTHING
    RETURNING *
), hist AS ({_finding_history("ins")})
SELECT count(*) FROM ins
"""  # noqa: S608 (our own text)

SUPERVISED_COUNT = """
SELECT count(*) FROM projects_project
WHERE stage = ANY(%(supervised_stages)s)
  AND production_start_date > %(sup_after)s AND production_start_date <= %(sup_until)s
"""


def _end_supervision_sql():
    history = _history_columns(Project)
    return f"""
WITH old AS (
    SELECT id, stage FROM projects_project
    WHERE stage IN ('in_production', 'operating') AND production_start_date <= %(end_until)s
    FOR UPDATE
), moved AS (
    UPDATE projects_project p
    SET stage = 'supervision_ended', stage_changed_at = %(now)s, updated_at = %(now)s
    FROM old WHERE p.id = old.id
    RETURNING p.*, old.stage AS from_stage
), timeline AS (
    INSERT INTO projects_stagechange (project_id, from_stage, to_stage, at, note)
    SELECT id, from_stage, 'supervision_ended', %(now)s, %(end_note)s FROM moved
), hist AS (
    INSERT INTO projects_historicalproject ({", ".join(history)}, history_date, history_change_reason,
                                           history_type, history_user_id)
    SELECT {", ".join(history)}, %(now)s, '', '~', NULL FROM moved
)
SELECT count(*) FROM moved
"""  # noqa: S608 (column names from the models)


MILESTONES = f"""
WITH due AS (
    SELECT c.project_id, p.landing_unit_id, c.number, 'delivery' AS name, c.delivery_date AS day
    FROM monitoring_landcontract c JOIN projects_project p ON p.id = c.project_id
    WHERE p.stage = ANY(%(before_delivery)s) AND c.delivery_date <= %(horizon)s
    UNION ALL
    SELECT c.project_id, p.landing_unit_id, c.number, 'construction_start', c.construction_start_deadline
    FROM monitoring_landcontract c JOIN projects_project p ON p.id = c.project_id
    WHERE p.stage = ANY(%(before_construction)s) AND c.construction_start_deadline <= %(horizon)s
    UNION ALL
    SELECT c.project_id, p.landing_unit_id, c.number, 'completion', c.completion_deadline
    FROM monitoring_landcontract c JOIN projects_project p ON p.id = c.project_id
    WHERE p.stage = ANY(%(before_completion)s) AND c.completion_deadline <= %(horizon)s
    UNION ALL
    SELECT c.project_id, p.landing_unit_id, c.number, 'production', c.production_deadline
    FROM monitoring_landcontract c JOIN projects_project p ON p.id = c.project_id
    WHERE p.stage = ANY(%(before_production)s) AND c.production_deadline <= %(horizon)s
), ins AS (
    INSERT INTO monitoring_finding
        (project_id, kind, period, severity, owner_id, co_owner_id, evidence, deadline, status, opened_at,
         opened_by_run_id)
    SELECT project_id,
           CASE WHEN day < %(today)s THEN 'milestone_overdue' ELSE 'milestone_approaching' END,
           name || ':' || to_char(day, 'YYYY-MM-DD'),
           CASE WHEN day < %(today)s THEN 'medium' ELSE 'low' END,
           landing_unit_id, NULL,
           jsonb_build_object('milestone', name, 'date', to_char(day, 'YYYY-MM-DD'), 'contract', number),
           day, 'open', %(now)s, %(run_milestones)s
    FROM due
    ON CONFLICT (project_id, kind, period) DO NOTHING
    RETURNING *
), hist AS ({_finding_history("ins")})
SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM ins)
"""  # noqa: S608 (our own text)

CHECKPOINTS = f"""
WITH due AS (
    SELECT a.project_id, p.landing_unit_id, c.year AS n, c.description,
           extract(year FROM p.production_start_date)::int + c.year - 1 AS y
    FROM monitoring_checkpoint c
    JOIN monitoring_performanceagreement a ON a.id = c.agreement_id
    JOIN projects_project p ON p.id = a.project_id
    WHERE p.stage = ANY(%(supervised_stages)s) AND p.production_start_date IS NOT NULL AND p.land_area_m2 > 0
      AND extract(year FROM p.production_start_date)::int + c.year - 1 <= %(checkpoint_latest)s
      AND extract(year FROM p.production_start_date)::int + c.year - 1 > %(checkpoint_earliest)s
      AND NOT EXISTS (SELECT 1 FROM monitoring_annualgrade g WHERE g.project_id = p.id
                      AND g.year = extract(year FROM p.production_start_date)::int + c.year - 1)
), dated AS (
    SELECT due.*, make_date(y + 1, %(due_month)s, %(due_day)s) AS day FROM due
), ins AS (
    INSERT INTO monitoring_finding
        (project_id, kind, period, severity, owner_id, co_owner_id, evidence, deadline, status, opened_at,
         opened_by_run_id)
    SELECT project_id,
           CASE WHEN day < %(today)s THEN 'milestone_overdue' ELSE 'milestone_approaching' END,
           'checkpoint:' || n || ':' || y,
           CASE WHEN day < %(today)s THEN 'medium' ELSE 'low' END,
           landing_unit_id, NULL,
           jsonb_build_object('milestone', 'checkpoint', 'year_after_production', n, 'year', y,
                              'checkpoint', description, 'date', to_char(day, 'YYYY-MM-DD')),
           day, 'open', %(now)s, %(run_milestones)s
    FROM dated
    ON CONFLICT (project_id, kind, period) DO NOTHING
    RETURNING *
), hist AS ({_finding_history("ins")})
SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM ins)
"""  # noqa: S608 (our own text)

# From the few suspicious transfers to their companies' projects, then whether each project qualifies.
RESALE = f"""
WITH suspicious AS (
    SELECT e.id, e.company_id, e.registered_on, e.share, e.change_of_control,
           coalesce((SELECT sum(w.share) FROM monitoring_equitychange w
                     WHERE w.company_id = e.company_id AND NOT w.approved
                       AND w.registered_on <= e.registered_on
                       AND w.registered_on > e.registered_on - %(window_days)s::int), 0) AS within_year
    FROM monitoring_equitychange e
    WHERE NOT e.approved
), pairs AS (
    SELECT p.id AS project_id, s.*
    FROM suspicious s JOIN projects_project p ON p.investor_id = s.company_id
    WHERE (s.change_of_control OR s.within_year >= %(resale_share)s)
      AND p.stage = ANY(%(holding_land)s)
      AND (p.stage = ANY(%(not_built)s)
           OR (SELECT g.grade FROM monitoring_annualgrade g WHERE g.project_id = p.id
               ORDER BY g.year DESC LIMIT 1) IN ('B', 'C', 'D')
           OR EXISTS (SELECT 1 FROM monitoring_finding f
                      WHERE f.project_id = p.id AND f.kind IN ('rectification', 'breach')
                        AND f.status IN ('open', 'rectifying')))
), ins AS (
    INSERT INTO monitoring_finding
        (project_id, kind, period, severity, owner_id, co_owner_id, evidence, deadline, status, opened_at,
         opened_by_run_id)
    SELECT project_id, 'disguised_resale', to_char(registered_on, 'YYYY-MM-DD'), 'high', %(centre)s, %(zigui)s,
           jsonb_build_object('equity_change', id, 'registered_on', to_char(registered_on, 'YYYY-MM-DD'),
                              'share', round(share, 2)::text, 'within_12_months', round(within_year, 2)::text,
                              'change_of_control', change_of_control),
           registered_on + 30, 'open', %(now)s, %(run_disguised_resale)s
    FROM pairs
    ON CONFLICT (project_id, kind, period) DO NOTHING
    RETURNING *
), hist AS ({_finding_history("ins")})
SELECT (SELECT count(*) FROM pairs), (SELECT count(*) FROM ins)
"""  # noqa: S608 (our own text)


# Resolving findings whose cause is gone (when the system does it: monitoring.checks._close): an action row,
# the status, a history row each. Starts from the few active findings, not from every project.
def _close_sql(closing, run):
    return f"""
WITH closing AS ({closing}),
act AS (
    INSERT INTO monitoring_findingaction (finding_id, from_status, to_status, at, note, run_id)
    SELECT id, status, 'resolved', %(now)s, note, %({run})s FROM closing
), upd AS (
    UPDATE monitoring_finding f SET status = 'resolved' FROM closing WHERE f.id = closing.id
    RETURNING f.*, closing.note AS note
), hist AS ({_finding_history("upd", "~", "left(note, 100)")})
SELECT count(*) FROM upd
"""  # noqa: S608 (our own text)


CLOSE_MISSING_DATA = _close_sql(
    """
    SELECT f.id, f.status, %(note_arrived)s AS note
    FROM monitoring_finding f JOIN projects_project p ON p.id = f.project_id
    WHERE f.kind = 'missing_data' AND f.period = %(period)s AND f.status = ANY(%(active)s)
      AND p.stage = ANY(%(supervised_stages)s)
      AND p.production_start_date > %(sup_after)s AND p.production_start_date <= %(sup_until)s
      AND (SELECT count(DISTINCT v.indicator) FROM monitoring_indicatorvalue v
           WHERE v.project_id = f.project_id AND v.year = %(year)s AND v.is_current
             AND v.indicator = ANY(%(required)s)) = cardinality(%(required)s::text[])
    FOR UPDATE OF f
    """,
    "run_missing_data",
)
_REACHED = """((f.period LIKE 'delivery:%%' AND p.stage = ANY(%(from_land_supplied)s))
      OR (f.period LIKE 'construction_start:%%' AND p.stage = ANY(%(from_construction)s))
      OR (f.period LIKE 'completion:%%' AND p.stage = ANY(%(from_completed)s))
      OR (f.period LIKE 'production:%%' AND p.stage = ANY(%(from_in_production)s)))"""
_GRADED = """(f.period LIKE 'checkpoint:%%' AND EXISTS (
      SELECT 1 FROM monitoring_annualgrade g WHERE g.project_id = f.project_id
        AND g.year = (f.evidence ->> 'year')::int))"""
CLOSE_MILESTONES = _close_sql(
    f"""
    SELECT f.id, f.status,
           CASE WHEN {_REACHED} THEN %(note_reached)s
                WHEN f.kind = 'milestone_approaching' AND f.deadline < %(today)s THEN %(note_passed)s
                ELSE %(note_graded)s END AS note
    FROM monitoring_finding f JOIN projects_project p ON p.id = f.project_id
    WHERE f.kind IN ('milestone_overdue', 'milestone_approaching') AND f.status = ANY(%(active)s)
      AND ({_REACHED} OR (f.kind = 'milestone_approaching' AND f.deadline < %(today)s) OR {_GRADED})
    FOR UPDATE OF f
    """,  # noqa: S608 (our own text)
    "run_milestones",
)

# The dashboards' tallies (core.tallies.register in projects/tallies.py and monitoring/tallies.py): per landing
# unit and keys, the rows of the source counted; the findings tally counts active findings only.
TALLIES = {
    "findings": (
        "monitoring_findingtally",
        "landing_unit_id, owner_id, severity",
        """SELECT p.landing_unit_id, f.owner_id, f.severity, count(*)
        FROM monitoring_finding f JOIN projects_project p ON p.id = f.project_id
        WHERE f.status = ANY(%(active)s) GROUP BY 1, 2, 3""",
    ),
    "grades": (
        "monitoring_gradetally",
        "landing_unit_id, year, grade",
        """SELECT p.landing_unit_id, g.year, g.grade, count(*)
        FROM monitoring_annualgrade g JOIN projects_project p ON p.id = g.project_id GROUP BY 1, 2, 3""",
    ),
    "stages": (
        "projects_stagetally",
        "landing_unit_id, stage, tier",
        "SELECT landing_unit_id, stage, tier, count(*) FROM projects_project GROUP BY 1, 2, 3",
    ),
}


def _refresh_tally(cursor, name, p):
    table, keys, counted = TALLIES[name]
    # The lock the system's recounts of the table take (serialises them with single-row recounts).
    cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [zlib.crc32(table.encode()) & 0x7FFFFFFF])
    cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our own text)
    cursor.execute(f"INSERT INTO {table} ({keys}, n) {counted}", p)  # noqa: S608 (our own text)


SETTINGS = """
SELECT (SELECT id FROM accounts_unit WHERE kind = 'centre' LIMIT 1),
       (SELECT id FROM accounts_unit WHERE bureau = 'zigui' ORDER BY kind, name LIMIT 1),
       coalesce((SELECT milestone_warning_days FROM monitoring_monitoringrules WHERE effective_from <= %(today)s
                 ORDER BY effective_from DESC LIMIT 1), 30)
"""
BANDS = """
SELECT id, a_from, b_from, c_from, weight_investment, weight_tax, weight_energy FROM monitoring_gradebands
WHERE effective_from <= %(year_end)s ORDER BY effective_from DESC LIMIT 1
"""


def _stages_before(reached):
    order = [str(s) for s in checks.STAGE_ORDER]
    return order[: order.index(str(reached))]


def _stages_from(reached):
    order = [str(s) for s in checks.STAGE_ORDER]
    return order[order.index(str(reached)) :]


def sweep(*, year, today, runs, with_grading=True):
    """The whole sweep, in the caller's transaction. ``runs`` maps each check to its TaskRun id. Returns the
    same counts as monitoring.checks (examined / opened, graded, supervision_ended)."""
    now = timezone.now()
    supervised_years = grading.SUPERVISED_YEARS
    p = {
        "year": year,
        "period": str(year),
        "today": today,
        "year_end": datetime.date(year, 12, 31),
        "now": now,
        "required": list(checks.REQUIRED),
        "supervised_stages": SUPERVISED_STAGES,
        "sup_after": datetime.date(year - supervised_years, 12, 31),
        "sup_until": datetime.date(year, 12, 31),
        "data_deadline": datetime.date(year + 1, 1, 1) + datetime.timedelta(days=checks.DATA_DEADLINE_DAYS),
        "m2_per_mu": M2_PER_MU,
        "end_until": datetime.date(year - supervised_years + 1, 12, 31),
        "end_note": f"{year}年为投产后第7年，监管期结束",
        "before_delivery": _stages_before(Stage.LAND_SUPPLIED),
        "before_construction": _stages_before(Stage.CONSTRUCTION),
        "before_completion": _stages_before(Stage.COMPLETED),
        "before_production": _stages_before(Stage.IN_PRODUCTION),
        "from_in_production": _stages_from(Stage.IN_PRODUCTION),
        "due_month": checks.CHECKPOINT_DUE[0],
        "due_day": checks.CHECKPOINT_DUE[1],
        "window_days": checks.RESALE_WINDOW.days,
        "resale_share": checks.RESALE_SHARE,
        "holding_land": [str(s) for s in checks.HOLDING_LAND],
        "not_built": [str(s) for s in checks.NOT_BUILT],
        "from_land_supplied": _stages_from(Stage.LAND_SUPPLIED),
        "from_construction": _stages_from(Stage.CONSTRUCTION),
        "from_completed": _stages_from(Stage.COMPLETED),
        "active": [str(s) for s in getattr(checks, "ACTIVE", [])],
    }
    with translation.override("zh-hans"):  # stored in Chinese, as the system does: it is a record
        p["note_arrived"] = gettext("The missing data has arrived (checked by the compliance engine).")
        p["note_reached"] = gettext("The milestone has been reached.")
        p["note_passed"] = gettext("The date has passed: followed by the overdue finding.")
        p["note_graded"] = gettext("The checkpoint year has been graded.")
    p |= {f"run_{name}": run_id for name, run_id in runs.items()}
    closes = callable(getattr(checks, "_close", None))
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(SETTINGS, p)
        p["centre"], p["zigui"], warning_days = cursor.fetchone()
        p["horizon"] = today + datetime.timedelta(days=warning_days)
        limit = p["horizon"]
        p["checkpoint_earliest"] = today.year - 1 - supervised_years
        p["checkpoint_latest"] = (
            limit.year - 1 if limit >= datetime.date(limit.year, *checks.CHECKPOINT_DUE) else limit.year - 2
        )

        cursor.execute(MISSING_DATA, p)
        examined, opened = cursor.fetchone()
        result["missing_data"] = {"examined": examined, "opened": opened}
        if closes:
            cursor.execute(CLOSE_MISSING_DATA, p)
            (result["missing_data"]["closed"],) = cursor.fetchone()
        _refresh_tally(cursor, "findings", p)

        if with_grading:
            graded = opened = 0
            # The 7 supervised years up to ``year``, each with its own window and bands, as the system does.
            for graded_year in range(year - supervised_years + 1, year + 1):
                q = p | {
                    "year": graded_year,
                    "period": str(graded_year),
                    "year_end": datetime.date(graded_year, 12, 31),
                    "sup_after": datetime.date(graded_year - supervised_years, 12, 31),
                    "sup_until": datetime.date(graded_year, 12, 31),
                }
                cursor.execute(BANDS, q)
                row = cursor.fetchone()
                if row is None:  # no bands recorded: the model's defaults, as grading.bands_for does
                    row = (None, Decimal(100), Decimal(80), Decimal(60), Decimal(1), Decimal(1), Decimal(1))
                q["bands"], q["a_from"], q["b_from"], q["c_from"], w_inv, w_tax, w_energy = row
                if not (w_inv + w_tax + w_energy):
                    w_inv = w_tax = w_energy = Decimal(1)
                q["w_inv"], q["w_tax"], q["w_energy"] = w_inv, w_tax, w_energy
                q["rectification_deadline"] = datetime.date(graded_year + 1, 1, 1) + datetime.timedelta(
                    days=checks.RECTIFICATION_MONTHS * 30
                )
                cursor.execute(GRADE, q)
                graded += cursor.rowcount
                cursor.execute(GRADE_FINDINGS, q)
                opened += cursor.fetchone()[0]
            cursor.execute(SUPERVISED_COUNT, p)
            (examined,) = cursor.fetchone()
            cursor.execute(_end_supervision_sql(), p)
            (ended,) = cursor.fetchone()
            result["grading"] = {"examined": examined, "graded": graded, "opened": opened, "supervision_ended": ended}
            for name in ("findings", "grades", "stages"):
                _refresh_tally(cursor, name, p)

        cursor.execute(MILESTONES, p)
        examined, opened = cursor.fetchone()
        cursor.execute(CHECKPOINTS, p)
        more_examined, more_opened = cursor.fetchone()
        result["milestones"] = {"examined": examined + more_examined, "opened": opened + more_opened}
        if closes:
            cursor.execute(CLOSE_MILESTONES, p)
            (result["milestones"]["closed"],) = cursor.fetchone()
        _refresh_tally(cursor, "findings", p)

        cursor.execute(RESALE, p)
        examined, opened = cursor.fetchone()
        result["disguised_resale"] = {"examined": examined, "opened": opened}
        _refresh_tally(cursor, "findings", p)
    return result
