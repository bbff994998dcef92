"""The project list API (GET /api/v1/projects/) under load, against a minimal DRF view over the same table.

Run by bench/run.py in its own process (``run.py --api N OUT``) on the database of one size. As the demo user
``centre`` (sees every project), token authentication:

1. in-process (django.test.Client, no network): each URL's queries (CaptureQueriesContext), its server time
   (median of a few requests), and EXPLAIN (ANALYZE, BUFFERS) of every query of the list and of its common
   filters and orderings (bench/out/api_explain_<size>.txt: where the indexes come from);
2. gunicorn with the production config (gunicorn.conf.py, 2 workers, settings bench.settings = production +
   the baseline's URL) on a free loopback port, and ``wrk -t2 -c16 --latency`` against each URL in turn,
   interleaved (ROUNDS rounds of DURATION seconds each, after a warm-up): requests/s and latency percentiles.

The baseline (bench/urls.py): ListAPIView over Project, the same authentication, permission and page-number
pagination (50 a page, with its count), the model's ordering, the plain columns only (no scope, no filters, no
joins for the related names, no unit conversions).
"""

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
THREADS, CONNECTIONS = 2, 16  # as the anchor in STACK.md: wrk -t2 -c16
DURATION = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
WARMUP = 3
ROUNDS = int(os.environ.get("BENCH_WRK_ROUNDS", "3"))
IN_PROCESS_REQUESTS = 15
USER = "centre"

SYSTEM = "/api/v1/projects/"
BASELINE = "/bench/projects-minimal/"
CURSOR = "/api/v1/projects/?paginate=cursor"
# The list's common filters and orderings, explained (not loaded): where the indexes are chosen.
EXPLAINED = [
    SYSTEM,
    BASELINE,
    CURSOR,
    SYSTEM + "?page=20",
    SYSTEM + "?stage=construction",
    SYSTEM + "?stage=operating",
    SYSTEM + "?landing_unit={unit}",
    SYSTEM + "?landing_unit={unit}&stage=operating",
    SYSTEM + "?channel=direct",
    SYSTEM + "?industry=39",
    SYSTEM + "?ordering=code",
    SYSTEM + "?ordering=-investment",
    SYSTEM + "?ordering=name",
    SYSTEM + "?ordering=-stage",
    SYSTEM + "?q=SC00012",
]


def serving_env(db_url):
    """The environment gunicorn (and this process) run under: production settings, bench URLconf."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": db_url,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PYTHONPATH": str(ROOT),
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output):
    result = {"raw": output}
    m = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["rps"] = float(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in ([\d.]+\w+),", output)
    result["requests"] = int(m.group(1)) if m else 0
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", output, re.M)
        result[f"p{pct}_ms"] = _ms(m.group(1)) if m else None
    m = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", output)
    result["mean_ms"] = _ms(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors:(.*)", output)
    result["socket_errors"] = m.group(1).strip() if m else ""
    return result


def wrk(url, token, seconds):
    completed = subprocess.run(  # noqa: S603 (our own command line; wrk from PATH)
        [
            shutil.which("wrk") or "wrk",
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-H",
            f"Authorization: Token {token}",
            "-H",
            "Accept: application/json",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(completed.stdout)


def start_gunicorn(env, port, log):
    cmd = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench: gunicorn exited ({proc.returncode}); see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return proc, cmd
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("bench: gunicorn did not answer within 60 s")


def drain(port, deadline=60):
    """Wait until the workers are idle: wrk leaves up to CONNECTIONS requests queued when it stops (sync workers
    still answer them), which would eat into the next run."""
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:  # noqa: S310
                response.read()
        except OSError:
            pass
        if time.perf_counter() - started < 0.05:
            return
        time.sleep(0.5)


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure(n, out, db_url):
    for key, value in serving_env(db_url).items():
        os.environ[key] = value
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from accounts.models import Unit

    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is not installed (scripts/install_system_deps.sh installs it)")
    user = get_user_model().objects.get(username=USER)
    token, _ = Token.objects.get_or_create(user=user)
    from projects.models import Project

    unit = Unit.objects.get(pk=Project.objects.order_by("code").values_list("landing_unit", flat=True)[0])
    client = Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT="application/json")

    def get(path):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"bench: GET {path} as {USER} answered {response.status_code}: {response.content[:300]}")
        return response

    # 1. In-process: what each URL does, and how long the server takes without HTTP.
    urls = {"system": SYSTEM, "baseline": BASELINE, "cursor": CURSOR}
    in_process = {}
    for name, path in urls.items():
        body = get(path).json()
        with CaptureQueriesContext(connection) as ctx:
            get(path)
        captured = list(ctx.captured_queries)  # a view of connection.queries: the next request resets it
        times = []
        for _ in range(IN_PROCESS_REQUESTS):
            started = time.perf_counter()
            get(path)
            times.append(time.perf_counter() - started)
        in_process[name] = {
            "path": path,
            "count": body.get("count"),
            "results": len(body.get("results", [])),
            "query_count": len(captured),
            "queries": [q["sql"] for q in captured],
            "median_ms": statistics.median(times) * 1000,
        }
    explained = []
    with open(Path(out).with_name(f"api_explain_{n}.txt"), "w") as f:
        for template in EXPLAINED:
            path = template.format(unit=unit.pk)
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                get(path)
                ms = (time.perf_counter() - started) * 1000
            f.write(f"##### GET {path}  ({ms:.1f} ms in-process, {len(ctx.captured_queries)} queries)\n\n")
            entry = {"path": path, "ms": ms, "plans": []}
            for q in ctx.captured_queries:
                sql = q["sql"]
                if not sql.lstrip().upper().startswith("SELECT") or "projects_project" not in sql:
                    continue
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                seq = sorted(set(re.findall(r"Seq Scan on (\w+)", plan)))
                execution = re.search(r"Execution Time: ([\d.]+) ms", plan)
                entry["plans"].append(
                    {
                        "sql": sql[:300],
                        "seq_scans": seq,
                        "execution_ms": float(execution.group(1)) if execution else None,
                    }
                )
                f.write(f"{sql}\n\n{plan}\n\n")
            explained.append(entry)
    connection.close()

    # 2. Under load, through gunicorn.
    port = free_port()
    log_path = Path(out).with_name(f"api_gunicorn_{n}.log")
    loads = {"system": [], "baseline": [], "cursor": []}
    with open(log_path, "w") as log:
        proc, cmd = start_gunicorn(serving_env(db_url), port, log)
        try:
            base = f"http://127.0.0.1:{port}"
            for name in loads:
                wrk(base + urls[name], token.key, WARMUP)
                drain(port)
            for rnd in range(ROUNDS):
                for name in ("system", "baseline") + (("cursor",) if rnd == 0 else ()):
                    result = wrk(base + urls[name], token.key, DURATION)
                    drain(port)
                    loads[name].append(result)
                    print(
                        f"  api {name:<8} round {rnd + 1}: {result['rps']:.1f} req/s, p99 {result['p99_ms']:.1f} ms"
                        + (f", {result['non_2xx']} non-2xx" if result["non_2xx"] else ""),
                        flush=True,
                    )
        finally:
            stop(proc)

    def summary(runs):
        return {
            "rps": statistics.median(r["rps"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "rounds": [{k: v for k, v in r.items() if k != "raw"} for r in runs],
            "non_2xx": sum(r["non_2xx"] for r in runs),
            "raw": runs[-1]["raw"],
        }

    result = {
        "size": n,
        "user": USER,
        "workers": WORKERS,
        "wrk": f"wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}s --latency",
        "rounds": ROUNDS,
        "gunicorn": " ".join(cmd[1:]).replace(str(ROOT) + "/", ""),
        "in_process": in_process,
        "explained": explained,
        "load": {name: summary(runs) for name, runs in loads.items()},
    }
    Path(out).write_text(json.dumps(result, indent=2, default=str))
    s, b = result["load"]["system"], result["load"]["baseline"]
    print(
        f"  api: {s['rps']:.1f} req/s (p99 {s['p99_ms']:.1f} ms) vs baseline {b['rps']:.1f} req/s "
        f"(p99 {b['p99_ms']:.1f} ms): {b['rps'] / s['rps']:.2f}x",
        flush=True,
    )
    return result
