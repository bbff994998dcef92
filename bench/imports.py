"""The indicator import (monitoring.excel.import_indicators, the "indicators" kind of projects.imports) of a
10,000-row .xlsx, against merely parsing the same file with openpyxl.

Run by bench/run.py in its own process (``run.py --import N OUT``) on the database of one size. The file is what
the statistics bureau (demo user ``tongji``, who supplies value added and R&D) would upload: 8,000 new R&D
values (years from 2026 back, for the first projects by number), 1,000 value-added figures equal to the
recorded ones (unchanged) and 1,000 corrected ones (a new version each), in 万元 as the template has them.

- parse: ``openpyxl.load_workbook(read_only=True, data_only=True)`` and every row's values (what the import's
  own reading starts with), median of REPS;
- import: ``import_indicators(dry_run=False)`` as the worker runs it (its own transaction, committed), median of
  REPS; after each run what it wrote (values, their history; not the audit entries: the trail is append-only)
  is deleted and the superseded
  versions made current again, so every run starts from the same state (checked by row counts);
- check: the trial run the worker does first (``dry_run=True``: the same work, rolled back), once;
- one more import under pyinstrument (or cProfile) for the profile: bench/out/import_profile_<size>.txt.
"""

import io
import json
import os
import statistics
import time
from decimal import Decimal
from pathlib import Path

ROWS = 10_000
UNCHANGED = 1_000
CORRECTED = 1_000
REPS = int(os.environ.get("BENCH_IMPORT_REPS", "3"))
USER = "tongji"
NEW_YEARS = range(2026, 2016, -1)


def build_file(path):
    """The 10,000-row sheet; returns what the import should report."""
    import openpyxl

    from core.units import YUAN_PER_WAN
    from monitoring import excel
    from monitoring.models import Indicator, IndicatorValue
    from projects.models import Project

    # Exactly the recorded figures (yuan, to the fen) in 万元, as a float like a typed cell: read back equal.
    existing = list(
        IndicatorValue.objects.filter(indicator=Indicator.VALUE_ADDED, is_current=True)
        .order_by("project__code", "-year")
        .values_list("project__code", "project__name", "year", "value")[: UNCHANGED + CORRECTED]
    )
    if len(existing) < UNCHANGED + CORRECTED:
        raise SystemExit("bench: too few recorded value-added figures to build the import file")
    projects = list(Project.objects.order_by("code").values_list("code", "name"))
    rows = []
    for i, (code, name, year, value) in enumerate(existing):
        if i >= UNCHANGED:
            value += Decimal(10000)  # one 万元 more: a correction
        rows.append([code, name, excel.SHEET_NAMES[Indicator.VALUE_ADDED], year, float(value / YUAN_PER_WAN)])
    new = ROWS - len(rows)
    for i in range(new):
        code, name = projects[i % len(projects)]
        year = NEW_YEARS[i // len(projects)]
        rows.append(
            [code, name, excel.SHEET_NAMES[Indicator.RD], year, round(50 + (i * 37) % 9000 + (i % 100) / 100, 2)]
        )
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(excel.SHEET)
    sheet.append(excel.HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return {"created": new + CORRECTED, "unchanged": UNCHANGED}


def parse_only(path):
    import openpyxl

    started = time.perf_counter()
    with open(path, "rb") as f:
        book = openpyxl.load_workbook(f, read_only=True, data_only=True)
        rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
        book.close()
    return time.perf_counter() - started, rows


def measure(n, out):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from audit.models import AuditEntry
    from monitoring import excel
    from monitoring.models import IndicatorValue

    History = IndicatorValue.history.model
    user = get_user_model().objects.select_related("unit").get(username=USER)
    path = Path(out).with_name(f"indicators_{ROWS}.xlsx")
    expected = build_file(path)

    def counts():
        return {
            "values": IndicatorValue.objects.count(),
            "current": IndicatorValue.objects.filter(is_current=True).count(),
            "history": History.objects.count(),
            "audit": AuditEntry.objects.count(),
        }

    before = counts()
    last_id = IndicatorValue.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_history = History.objects.order_by("-history_id").values_list("history_id", flat=True).first() or 0

    def undo():
        """Back to the state before the import: its rows deleted, the versions it superseded current again."""
        superseded = list(
            IndicatorValue.objects.filter(pk__gt=last_id, version__gt=1).values_list("project_id", "indicator", "year")
        )
        History.objects.filter(history_id__gt=last_history).delete()
        # The audit trail is append-only (refused by a trigger): its entries of the run stay.
        # A raw delete: Model.delete would record each deletion in the history and the audit trail.
        new = IndicatorValue.objects.filter(pk__gt=last_id)
        new._raw_delete(new.db)
        with connection.cursor() as cursor:
            if superseded:
                cursor.execute(
                    "UPDATE monitoring_indicatorvalue v SET is_current = true FROM unnest(%s::bigint[], %s::text[], "
                    "%s::int[]) AS k(project_id, indicator, year) WHERE v.project_id = k.project_id AND "
                    "v.indicator = k.indicator AND v.year = k.year AND v.id <= %s",
                    [[s[0] for s in superseded], [s[1] for s in superseded], [s[2] for s in superseded], last_id],
                )
            cursor.execute("VACUUM ANALYZE monitoring_indicatorvalue")
        after = counts()
        after["audit"] = before["audit"]
        if after != before:
            raise SystemExit(f"bench: the import's undo left {after}, expected {before}")

    def run(dry_run=False):
        with open(path, "rb") as f:
            started = time.perf_counter()
            outcome = excel.import_indicators(actor=user, fileobj=f, dry_run=dry_run)
            seconds = time.perf_counter() - started
        got = {"created": outcome.created, "unchanged": outcome.unchanged}
        if got != expected:
            raise SystemExit(f"bench: the import reported {got}, expected {expected}")
        return seconds

    parses = []
    for _ in range(REPS):
        seconds, rows = parse_only(path)
        parses.append(seconds)
    if rows != ROWS + 1:
        raise SystemExit(f"bench: parsed {rows} rows, expected {ROWS + 1}")
    print(f"  import: parse {', '.join(f'{s:.2f}' for s in parses)} s", flush=True)

    check = run(dry_run=True)
    if counts() != before:
        raise SystemExit(f"bench: the trial run (dry_run) wrote something: {counts()} after, {before} before")
    imports = []
    written = None
    for _ in range(REPS):
        imports.append(run())
        now = counts()
        written = {k: v - before[k] for k, v in now.items()}
        undo()
        before["audit"] = now["audit"]
        print(f"  import: {imports[-1]:.2f} s (wrote {written})", flush=True)

    # The profile: one more import.
    profile_path = Path(out).with_name(f"import_profile_{n}.txt")
    try:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
        profiled = run()
        profiler.stop()
        profile_path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        profile_path.with_suffix(".html").write_text(profiler.output_html())
        profiler_name = "pyinstrument"
    except ImportError:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        profiled = run()
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(50)
        profile_path.write_text(text.getvalue())
        profiler_name = "cProfile"
    undo()

    result = {
        "size": n,
        "rows": ROWS,
        "user": USER,
        "file_bytes": path.stat().st_size,
        "expected": expected,
        "written": written,
        "parse_seconds": parses,
        "parse_median": statistics.median(parses),
        "import_seconds": imports,
        "import_median": statistics.median(imports),
        "check_seconds": check,
        "profiled_seconds": profiled,
        "profiler": profiler_name,
    }
    Path(out).write_text(json.dumps(result, indent=2, default=str))
    print(
        f"  import: {result['import_median']:.2f} s vs parse {result['parse_median']:.2f} s: "
        f"{result['import_median'] / result['parse_median']:.2f}x",
        flush=True,
    )
    return result
