"""The leadership dashboard (GET /assessment/dashboard/) at one generated size, in-process.

Run by bench/run.py in its own process (``run.py --dashboard N OUT``), after the sweep worker, on the same
database: first one sweep (year 2025, as the beat would have run it, so grades and findings exist), committed
and analysed, then, as the "leader" demo user (django.test.Client, force_login): a warm-up request, 7 timed
requests (median = the server time: middleware, view, queries and template), the SQL queries of one request
(CaptureQueriesContext), each query's time (median over 3 captured requests) and EXPLAIN (ANALYZE, BUFFERS) of
the slowest ones. Nothing in the application is changed.
"""

import json
import statistics
import time
from pathlib import Path

REQUESTS = 7
CAPTURES = 3
EXPLAIN_TOP = 3


def measure(n, out, *, year, today):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.models import TaskRun
    from monitoring import checks

    def fetch(sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    # The state a leader sees on a working day: the year's sweep done (the worker left its tables empty).
    started = time.perf_counter()
    run = TaskRun.objects.create(task="bench.dashboard.sweep")
    checks.sweep(year=year, run=run, today=today)
    sweep_seconds = time.perf_counter() - started
    # Autovacuum is off in the benchmark's database (the worker turned it off); in service it would have
    # analysed what the sweep wrote.
    fetch("VACUUM ANALYZE")

    leader = get_user_model().objects.get(username="leader")
    # The settings' ALLOWED_HOSTS (no test environment set up: its template instrumentation would add to
    # the time measured).
    client = Client(SERVER_NAME="localhost")
    client.force_login(leader)
    path = f"/assessment/dashboard/?year={year + 1}"  # the grades shown are the previous year's: ``year``

    def get():
        started = time.perf_counter()
        response = client.get(path)
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"bench: GET {path} as leader answered {response.status_code}")
        return seconds, len(response.content)

    warm, size = get()
    times = [get()[0] for _ in range(REQUESTS)]

    # CaptureQueriesContext counts the queries; its times are rounded to the millisecond, so each statement
    # is also timed (and kept with its parameters, for EXPLAIN) by an execute wrapper.
    captures = []
    captured_counts = []
    request_seconds = []
    for _ in range(CAPTURES):
        timed = []

        def timer(execute, sql, params, many, context, timed=timed):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timed.append((sql, params, many, time.perf_counter() - started))

        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
            request_seconds.append(get()[0])
        captured_counts.append(len(ctx.captured_queries))
        captures.append(timed)
    counts = set(captured_counts)
    queries = []
    for i, (sql, params, many, _t) in enumerate(captures[0]):
        queries.append(
            {
                "index": i,
                "sql": " ".join(sql.split()),
                "params": None if many else params,
                "ms": statistics.median(c[i][3] for c in captures if i < len(c)) * 1000,
            }
        )
    slowest = sorted(queries, key=lambda q: -q["ms"])[:EXPLAIN_TOP]
    plans = []
    for q in slowest:
        if q["params"] is None and "%s" in q["sql"] or not q["sql"].upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"], q["params"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        plans.append({"index": q["index"], "ms": q["ms"], "sql": q["sql"], "plan": plan})
    for q in queries:
        q["params"] = None if q["params"] is None else [str(p) for p in q["params"]]

    # Where the rest goes: one request under cProfile (cumulative, the top of the tree).
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    get()
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
    Path(out).with_name(f"dashboard_profile_{n}.txt").write_text(text.getvalue())

    rows = dict(
        fetch(
            "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname IN ('projects_project', "
            "'monitoring_finding', 'monitoring_annualgrade', 'monitoring_indicatorvalue', 'assessment_target')"
        )
    )
    result = {
        "size": n,
        "path": path,
        "sweep_seconds": sweep_seconds,
        "warmup_ms": warm * 1000,
        "ms": [t * 1000 for t in times],
        "median_ms": statistics.median(times) * 1000,
        "response_bytes": size,
        "query_count": captured_counts[0],
        "timed_statements": len(captures[0]),
        "sql_ms": statistics.median(sum(t[3] for t in c) for c in captures) * 1000,
        "captured_request_ms": statistics.median(request_seconds) * 1000,
        "query_counts_seen": sorted(counts),
        "queries": queries,
        "plans": plans,
        "rows": rows,
    }
    Path(out).write_text(json.dumps(result, indent=2, default=str))
    print(
        f"  dashboard: median {result['median_ms']:.1f} ms of {REQUESTS} (warm-up {result['warmup_ms']:.1f} ms), "
        f"{result['query_count']} queries; slowest: " + ", ".join(f"#{q['index']} {q['ms']:.1f} ms" for q in slowest),
        flush=True,
    )
    return result
