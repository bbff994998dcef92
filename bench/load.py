"""The mixed load test: lists, details, the leadership dashboard and indicator submissions at once, through
gunicorn with the production config (gunicorn.conf.py, 2 workers) on one generated database.

    make load                                          # 20,000 projects, 120 s; writes bench/load.md
    LOAD_PROJECTS=2000 LOAD_SECONDS=20 make load       # a quicker look
    .venv/bin/python bench/run.py --load N OUT         # as `make bench` runs it, on the size nearest 20,000

One wrk process per kind of request, all running together for LOAD_SECONDS (120), each with LOAD_CONNECTIONS
(2) connections and the Lua script bench/load/mixed.lua, so that each kind has its own latency distribution:

- ``list``: ``GET /api/v1/projects/`` as the centre (token), pages, filters, orderings and searches varied;
- ``detail_api``: ``GET /api/v1/projects/<id>/`` as the centre (token), ids spread over the table;
- ``detail_page``: the project's HTML page ``/projects/<id>/`` (its tabs varied) as the centre (session);
- ``dashboard``: the leadership dashboard ``/assessment/dashboard/`` as the leader (session), by unit and period;
- ``write``: ``PUT /api/v1/projects/<id>/indicators/tax/2025/`` as the tax bureau (token): a corrected tax
  figure, a new version each time (201), with its own Idempotency-Key.

Before the load: a static collection into a temporary folder (the HTML pages need production's manifest), one
request of each kind by hand (each must answer 2xx) and a short warm-up of the reads. During it: the load
average and the machine's CPU time. After it: the rows written (the indicator values must have grown by
the number of 201 answers plus the one by hand, and at most one more per connection: the writes in flight when
wrk stopped; every new row with this run's idempotency keys; their history records too) and the gunicorn log's
tracebacks.
Targets: no 5xx and no socket errors anywhere, every answer 2xx, reads' p95 under 500 ms, every write landed.
Standalone (``make load``), it exits 1 when an answer was not 2xx or a write did not land; the latency targets
are reported, not enforced (the machine's 2 cores are shared).
"""

import datetime
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
REPORT = ROOT / "bench" / "load.md"
LUA = ROOT / "bench" / "load" / "mixed.lua"
SECONDS = int(os.environ.get("LOAD_SECONDS", "120"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "2"))
WARMUP = 5
SIZE = 20_000  # the size the test is meant for; make bench runs it on the size nearest this
MIN_SIZE = 2_000
TARGET_READ_P95_MS = 500
YEAR = 2025  # the year the generated indicator data runs to (bench/run.py YEAR)
SAMPLE = 500  # ids per kind, spread over the table

# kind: (what, who, reads?)
KINDS = {
    "list": ("`GET /api/v1/projects/`: pages, filters, orderings, searches", "centre, token", True),
    "detail_api": ("`GET /api/v1/projects/<id>/`", "centre, token", True),
    "detail_page": ("`GET /projects/<id>/?tab=…` (HTML)", "centre, session", True),
    "dashboard": ("`GET /assessment/dashboard/?year=2026&unit=…&period=…` (HTML)", "leader, session", True),
    "write": (f"`PUT /api/v1/projects/<id>/indicators/tax/{YEAR}/`: a new version", "tax bureau, token", False),
}


def pick_size(sizes):
    """The size the load test runs on among ``sizes``: the nearest to 20,000 of at least 2,000 (or None)."""
    eligible = [n for n in sizes if n >= MIN_SIZE]
    return min(eligible, key=lambda n: (abs(n - SIZE), n)) if eligible else None


# --- the measurement (one process, Django set up against the database of one size) ---------------------------


def _lua_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string of ASCII is a Lua string
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{_lua_value(k)}] = {_lua_value(v)}" for k, v in value.items()) + "}"
    return "{" + ",\n  ".join(_lua_value(v) for v in value) + "}"


def write_script(folder, kind, *, method, paths, headers, run_id):
    """The kind's wrk script: its parameters, then bench/load/mixed.lua."""
    params = {"kind": kind, "method": method, "paths": paths, "headers": headers, "write": method != "GET"}
    head = "".join(f"{name} = {_lua_value(value)}\n" for name, value in params.items())
    script = Path(folder) / f"{kind}.lua"
    script.write_text(head + f"run_id = {_lua_value(run_id)}\n\n" + LUA.read_text())
    return script


def start_wrk(script, base, seconds, connections):
    cmd = [
        shutil.which("wrk") or "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        base,
    ]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603 (our command line)


def wrk_result(proc):
    stdout, stderr = proc.communicate()
    text = stdout.decode("utf-8", "replace")
    line = next((ln for ln in text.splitlines() if ln.startswith("LOAD_RESULT ")), None)
    if proc.returncode or line is None:
        raise SystemExit(f"bench: wrk failed ({proc.returncode}): {text}{stderr.decode('utf-8', 'replace')}")
    raw = json.loads(line.removeprefix("LOAD_RESULT "))
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "seconds": seconds,
        "rps": raw["requests"] / seconds if seconds else 0.0,
        **{f"p{p}_ms": raw[f"p{p}_us"] / 1000 for p in (50, 90, 95, 99)},
        "mean_ms": raw["mean_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "n2xx": raw["n2xx"],
        "n201": raw["n201"],
        "n3xx": raw["n3xx"],
        "n4xx": raw["n4xx"],
        "n5xx": raw["n5xx"],
        "non_2xx": raw["n3xx"] + raw["n4xx"] + raw["n5xx"],
        "socket_errors": {k: v for k, v in raw["errors"].items() if k != "status"},
        "first_bad": raw["first_bad"],
    }


def by_hand(base, method, path, headers, body=None):
    """One request, as curl would send it: (status, body)."""
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _stat(pid):
    """(parent pid, CPU seconds of the process, CPU seconds of its children that ended) from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()  # after the command name: state, ppid, …
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def tree_cpu(root):
    """CPU seconds used so far by process ``root`` and its children, running or ended (gunicorn's master and
    workers; PostgreSQL's postmaster and backends)."""
    _ppid, own, ended = _stat(root)
    total = own + ended
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            ppid, cpu, _ended = _stat(int(entry))
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        if ppid == root:
            total += cpu
    return total


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the wrk processes, once waited for
    return usage.ru_utime + usage.ru_stime


class Machine:
    """Over a window: the load average every 2 s, the machine's busy CPU time (/proc/stat), and the CPU time of
    the system under test (gunicorn, PostgreSQL) and of the load generators (wrk); the rest is other work."""

    def __init__(self, roots):
        self.roots = {name: pid for name, pid in roots.items() if pid}
        self.samples = []
        self.running = False

    @staticmethod
    def cpu():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        tick = os.sysconf("SC_CLK_TCK")
        return (sum(fields) - idle) / tick, sum(fields) / tick

    def _loop(self):
        while self.running:
            self.samples.append(os.getloadavg()[0])
            time.sleep(2)

    def _ours(self):
        return {name: tree_cpu(pid) for name, pid in self.roots.items()} | {"wrk": children_cpu()}

    def __enter__(self):
        self.before = os.getloadavg()
        self.cpu_before = self.cpu()
        self.ours_before = self._ours()
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.after = os.getloadavg()
        self.busy, self.total = (a - b for a, b in zip(self.cpu(), self.cpu_before, strict=True))
        self.ours = {name: seconds - self.ours_before[name] for name, seconds in self._ours().items()}

    def summary(self):
        return {
            "before": list(self.before),
            "after": list(self.after),
            "max_1min": max(self.samples, default=self.after[0]),
            "cpu_busy": self.busy / self.total if self.total else 0.0,
            "cpu_seconds": {
                "available": self.total,
                "busy": self.busy,
                **self.ours,
                "other": self.busy - sum(self.ours.values()),
            },
            "cores": os.cpu_count(),
        }


def measure(n, out, db_url):
    from bench import api

    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is not installed (scripts/install_system_deps.sh installs it)")
    started_at = datetime.datetime.now(datetime.UTC)
    work = Path(tempfile.mkdtemp(prefix="cizhou-load-"))
    try:
        return _measure(n, Path(out), db_url, work, started_at, api)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _measure(n, out, db_url, work, started_at, api):
    # The serving settings: bench.settings (production), the static files collected into this run's folder (the
    # HTML pages name them through production's manifest), hashed but not compressed: the pages are the same,
    # and whitenoise's compression of every file takes over a minute here (no static file is requested).
    (work / "load_serving.py").write_text(
        "from bench.settings import *  # noqa: F403\n\n"
        f"STATIC_ROOT = {str(work / 'static')!r}\n"
        "STORAGES = {**STORAGES, 'staticfiles': "
        "{'BACKEND': 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n"
    )
    env = api.serving_env(db_url) | {
        "DJANGO_SETTINGS_MODULE": "load_serving",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{work}",
    }
    collect_started = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    collect_seconds = time.perf_counter() - collect_started

    for key, value in env.items():
        os.environ[key] = value
    sys.path.insert(0, str(work))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.models import Unit
    from monitoring.models import Indicator, IndicatorValue
    from projects.models import Industry, Project

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["centre", "leader", "shuiwu"])}
    tokens = {name: Token.objects.get_or_create(user=users[name])[0].key for name in ("centre", "shuiwu")}

    def session(user):
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    cookies = {name: session(users[name]) for name in ("centre", "leader")}

    def spread(ids):
        """At most SAMPLE of ``ids``, evenly spaced."""
        ids = sorted(ids)
        step = max(len(ids) // SAMPLE, 1)
        return ids[::step][:SAMPLE]

    project_ids = spread(Project.objects.values_list("id", flat=True))
    # A supervised project's tax for the last complete year: what the tax bureau corrects.
    write_ids = spread(
        IndicatorValue.objects.filter(indicator=Indicator.TAX, year=YEAR, is_current=True).values_list(
            "project_id", flat=True
        )
    )
    landing_units = list(
        Unit.objects.filter(pk__in=Project.objects.values("landing_unit_id"))
        .order_by("code")
        .values_list("id", flat=True)
    )
    industries = list(
        Industry.objects.filter(pk__in=Project.objects.values("industry_id"))
        .order_by("code")
        .values_list("code", flat=True)
    )[:20]
    codes = list(Project.objects.order_by("code").values_list("code", flat=True)[:: max(n // 20, 1)])
    pages = max((Project.objects.count() + 49) // 50, 1)
    stages = ["operating", "in_production", "supervision_ended", "construction", "signed"]
    orderings = ["code", "-investment", "name", "-created", "land", "stage"]

    list_paths = ["/api/v1/projects/"] * 4
    list_paths += [f"/api/v1/projects/?page={p}" for p in (2, 3, 4, 5, 10, pages // 2, pages)]
    list_paths += [f"/api/v1/projects/?stage={s}" for s in stages]
    list_paths += [f"/api/v1/projects/?landing_unit={u}" for u in landing_units]
    list_paths += [f"/api/v1/projects/?landing_unit={u}&stage=operating" for u in landing_units[:4]]
    list_paths += [f"/api/v1/projects/?industry={c}" for c in industries]
    list_paths += [f"/api/v1/projects/?ordering={o}" for o in orderings]
    list_paths += [f"/api/v1/projects/?ordering={o}&page=3" for o in orderings[:3]]
    list_paths += [f"/api/v1/projects/?channel={c}" for c in ("direct", "agency", "overseas")]
    list_paths += [f"/api/v1/projects/?q={c}" for c in codes[:10]]
    list_paths += ["/api/v1/projects/?paginate=cursor", "/api/v1/projects/?is_key_chain=true"]
    tabs = ["overview"] * 3 + ["timeline", "resources", "history"]
    dashboard_paths = ["/assessment/dashboard/?year=2026"] * 4
    dashboard_paths += [f"/assessment/dashboard/?year=2026&unit={u}" for u in landing_units[:6]]
    dashboard_paths += [f"/assessment/dashboard/?year=2026&period={p}" for p in ("q4", "m12", "q1")]
    dashboard_paths += ["/assessment/dashboard/?year=2025"]

    def token(name):
        return {"Authorization": f"Token {tokens[name]}", "Accept": "application/json"}

    def cookie(name):
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookies[name]}", "Accept": "text/html"}

    requests = {
        "list": ("GET", list_paths, token("centre")),
        "detail_api": ("GET", [f"/api/v1/projects/{pk}/" for pk in project_ids], token("centre")),
        "detail_page": (
            "GET",
            [f"/projects/{pk}/" + (f"?tab={tabs[i % len(tabs)]}" if i % 2 else "") for i, pk in enumerate(project_ids)],
            cookie("centre"),
        ),
        "dashboard": ("GET", dashboard_paths, cookie("leader")),
        "write": (
            "PUT",
            [f"/api/v1/projects/{pk}/indicators/tax/{YEAR}/" for pk in write_ids],
            token("shuiwu") | {"Content-Type": "application/json"},
        ),
    }
    if not write_ids:
        raise SystemExit(f"bench: no current {YEAR} tax values to correct; was the database generated?")

    def written():
        return {
            "indicator_values": IndicatorValue.objects.count(),
            "indicator_value_history": IndicatorValue.history.count(),
            "by_the_test": IndicatorValue.objects.filter(idempotency_key__startswith=f"load-{run_id}-").count(),
        }

    run_id = uuid.uuid4().hex[:12]
    rows_before = written()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    # PostgreSQL runs on this machine (scripts/with_services.sh): the postmaster is its backends' parent.
    postmaster = _stat(backend)[0] if Path(f"/proc/{backend}").exists() else None
    connection.close()

    port = api.free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = out.with_name(f"load_gunicorn_{n}.log")
    scripts = {
        kind: write_script(work, kind, method=method, paths=paths, headers=headers, run_id=run_id)
        for kind, (method, paths, headers) in requests.items()
    }
    with open(log_path, "w") as log:
        proc, cmd = api.start_gunicorn(env, port, log)
        try:
            # One of each by hand: a kind that does not answer 2xx would only measure its refusal.
            checked = {}
            for kind, (method, paths, headers) in requests.items():
                body = None
                headers = dict(headers)
                if method == "PUT":
                    body = json.dumps({"value": "1234567.89"}).encode()
                    headers["Idempotency-Key"] = f"load-{run_id}-by-hand"
                # Reads five times (the median: the time without load), the write once.
                times = []
                for _ in range(1 if body else 5):
                    started = time.perf_counter()
                    status, content = by_hand(base, method, paths[0], headers, body)
                    times.append((time.perf_counter() - started) * 1000)
                    if not 200 <= status < 300:
                        raise SystemExit(f"bench: {method} {paths[0]} ({kind}) answered {status}: {content[:500]!r}")
                checked[kind] = {"path": paths[0], "status": status, "bytes": len(content), "idle_ms": median(times)}
            print("  load: one of each by hand: " + ", ".join(f"{k} {v['status']}" for k, v in checked.items()))
            warm = [start_wrk(scripts[k], base, WARMUP, CONNECTIONS) for k in requests if k != "write"]
            for p in warm:
                wrk_result(p)
            api.drain(port)
            with Machine({"gunicorn": proc.pid, "postgresql": postmaster}) as machine:
                procs = {kind: start_wrk(scripts[kind], base, SECONDS, CONNECTIONS) for kind in requests}
                kinds = {kind: wrk_result(p) for kind, p in procs.items()}
            api.drain(port)
        finally:
            api.stop(proc)
    log_text = log_path.read_text(errors="replace")
    rows_after = written()
    connection.close()

    # wrk stops with up to a connection's worth of writes in flight: the server still makes them, wrk never
    # counts their answers. So at least every 201 landed, at most one more per connection, and all of them ours.
    created = kinds["write"]["n201"] + (checked["write"]["status"] == 201)
    grew = {key: rows_after[key] - rows_before[key] for key in rows_before}
    writes = {
        "answered_201": kinds["write"]["n201"],
        "by_hand": checked["write"]["status"],
        "expected_rows": created,
        "in_flight_at_stop": grew["indicator_values"] - created,
        "grew": grew,
        "landed": created <= grew["indicator_values"] <= created + CONNECTIONS
        and grew["by_the_test"] == grew["indicator_values"]
        and grew["indicator_value_history"] >= grew["indicator_values"],
    }
    reads = [k for k, (_what, _who, read) in KINDS.items() if read]
    targets = {
        "no_5xx": all(k["n5xx"] == 0 for k in kinds.values()),
        "all_2xx": all(k["non_2xx"] == 0 for k in kinds.values()),
        "no_socket_errors": all(not any(k["socket_errors"].values()) for k in kinds.values()),
        "reads_p95": all(kinds[k]["p95_ms"] < TARGET_READ_P95_MS for k in reads),
        "writes_landed": writes["landed"],
    }
    result = {
        "size": n,
        "started": started_at.isoformat(),
        "seconds": SECONDS,
        "connections": CONNECTIONS,
        "wrk": f"wrk -t1 -c{CONNECTIONS} -d{SECONDS}s --timeout 10s -s bench/load/mixed.lua (one per kind, at once)",
        "gunicorn": " ".join(cmd[1:]).replace(str(ROOT) + "/", ""),
        "workers": api.WORKERS,
        "collectstatic_seconds": collect_seconds,
        "paths": {kind: len(paths) for kind, (_m, paths, _h) in requests.items()},
        "by_hand": checked,
        "kinds": kinds,
        "total": {
            "requests": sum(k["requests"] for k in kinds.values()),
            "rps": sum(k["rps"] for k in kinds.values()),
            "n5xx": sum(k["n5xx"] for k in kinds.values()),
            "non_2xx": sum(k["non_2xx"] for k in kinds.values()),
        },
        "machine": machine.summary(),
        "writes": writes,
        "gunicorn_log": {
            "tracebacks": log_text.count("Traceback (most recent call last)"),
            "worker_timeouts": log_text.count("WORKER TIMEOUT"),
            "path": str(log_path.relative_to(ROOT)) if log_path.is_relative_to(ROOT) else str(log_path),
        },
        "targets": targets,
        "ok": all(targets.values()),
    }
    out.write_text(json.dumps(result, indent=2, default=str))
    for kind, k in kinds.items():
        print(
            f"  load {kind:<11} {k['requests']:>6} requests, {k['rps']:6.1f}/s, p50 {k['p50_ms']:6.1f} ms, "
            f"p95 {k['p95_ms']:6.1f} ms, p99 {k['p99_ms']:6.1f} ms, 5xx {k['n5xx']}, non-2xx {k['non_2xx']}"
            + (f" (first: {k['first_bad'][:200]})" if k["first_bad"] else ""),
            flush=True,
        )
    m = result["machine"]
    print(
        f"  load: load average {m['before'][0]:.2f} before, {m['after'][0]:.2f} after (max {m['max_1min']:.2f}), "
        f"CPU {m['cpu_busy']:.0%} busy; writes landed: {writes['landed']} ({grew['indicator_values']} rows for "
        f"{created} created); gunicorn log: {result['gunicorn_log']['tracebacks']} tracebacks",
        flush=True,
    )
    return result


# --- the report (no Django: bench/run.py's report uses these too) ----------------------------------------------


def _ok(ok):
    return "✅" if ok else "❌"


def find_result(results_by_size, sizes, out=OUT):
    """The load test's result for the report: from this run's results, else a saved bench/out/load-<n>.json
    (``make load``), the size nearest 20,000 first."""
    for n in sorted(sizes, key=lambda n: (abs(n - SIZE), n)):
        if results_by_size.get(n, {}).get("mixed_load"):
            return results_by_size[n]["mixed_load"]
        saved = Path(out) / f"load-{n}.json"
        if saved.exists():
            return json.loads(saved.read_text()) | {"from_file": saved.name}
    return None


def report_rows(result):
    """Rows of bench/report.md's table: figure, value, baseline, ratio, target."""
    if not result:
        return []
    n, kinds, t = result["size"], result["kinds"], result["targets"]
    rows = []
    for kind, (_what, _who, read) in KINDS.items():
        k = kinds[kind]
        target = f"p95 < {TARGET_READ_P95_MS} ms {_ok(k['p95_ms'] < TARGET_READ_P95_MS)}" if read else "reported"
        rows.append(
            (
                f"mixed load, {kind}: p95 ms (req/s), {n:,} projects",
                f"{k['p95_ms']:.0f} ({k['rps']:.1f})",
                "—",
                "—",
                target,
            )
        )
    total = result["total"]
    rows.append(
        (
            f"mixed load: 5xx answers of {total['requests']:,}, {n:,} projects",
            str(total["n5xx"]),
            "—",
            "—",
            f"0 {_ok(t['no_5xx'] and t['no_socket_errors'])}",
        )
    )
    w = result["writes"]
    rows.append(
        (
            f"mixed load: writes answered 201 and landed, {n:,} projects",
            f"{w['answered_201']:,} of {kinds['write']['requests']:,}, {w['grew']['indicator_values']:,} rows",
            "—",
            "—",
            f"all 2xx, all landed {_ok(kinds['write']['non_2xx'] == 0 and w['landed'])}",
        )
    )
    return rows


def report_section(result, sizes):
    lines = ["## Mixed load", ""]
    if not result:
        if not any(n >= MIN_SIZE for n in sizes):
            return lines + [f"Not run: no size of at least {MIN_SIZE:,} projects in this run.", ""]
        return lines + ["Not run: no bench/out/load-<size>.json (`make load` runs the mixed load test alone).", ""]
    n, m, w = result["size"], result["machine"], result["writes"]
    started = datetime.datetime.fromisoformat(result["started"])
    lines += [
        f"All at once for {result['seconds']} s on {n:,} projects (bench/load.py, started {started:%Y-%m-%d %H:%M} "
        "UTC" + (f", from {result['from_file']}" if result.get("from_file") else "") + "): one wrk process per kind "
        f"of request (`{result['wrk']}`), {result['connections']} connections each, against "
        f"`gunicorn {result['gunicorn']}` with the production settings. Each request picks one of the kind's "
        "paths at random (ids spread over the table).",
        "",
        "| kind | requests | req/s | p50 ms | p95 ms | p99 ms | 5xx | non-2xx | alone ms | what (as whom) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for kind, (what, who, _read) in KINDS.items():
        k = result["kinds"][kind]
        lines.append(
            f"| {kind} | {k['requests']:,} | {k['rps']:.1f} | {k['p50_ms']:.0f} | {k['p95_ms']:.0f} | "
            f"{k['p99_ms']:.0f} | {k['n5xx']} | {k['non_2xx']} | {result['by_hand'][kind]['idle_ms']:.0f} | "
            f"{what} ({who}) |"
        )
    total = result["total"]
    errors = {kind: k["socket_errors"] for kind, k in result["kinds"].items() if any(k["socket_errors"].values())}
    lines += [
        f"| all | {total['requests']:,} | {total['rps']:.1f} | | | | {total['n5xx']} | {total['non_2xx']} | | |",
        "",
        "*alone ms*: the kind's first path requested by hand before the load, the server otherwise idle (median "
        "of 5; the write once). Under load the latencies are mostly the wait for one of the 2 sync workers: "
        f"{sum(result['connections'] for _ in result['kinds'])} connections share them.",
        "",
        f"Load average {m['before'][0]:.2f} at the start, {m['after'][0]:.2f} at the end (highest 1-minute "
        f"figure during the run {m['max_1min']:.2f}); the machine's {m['cores']} cores were {m['cpu_busy']:.0%} "
        "busy"
        + (
            f": of {c['available']:.0f} CPU-seconds, gunicorn used {c.get('gunicorn', 0):.0f}, PostgreSQL "
            f"{c.get('postgresql', 0):.0f}, wrk {c['wrk']:.0f} and other work on the machine {max(c['other'], 0):.0f}"
            f" ({max(c['other'], 0) / c['available']:.0%} of it). The system under test took "
            f"{(c.get('gunicorn', 0) + c.get('postgresql', 0)) * 1000 / total['requests']:.0f} ms of CPU a request "
            f"(gunicorn {c.get('gunicorn', 0) * 1000 / total['requests']:.0f}, PostgreSQL "
            f"{c.get('postgresql', 0) * 1000 / total['requests']:.0f}): with the {m['cores']} cores to itself, at "
            f"most ~{m['cores'] * total['requests'] / (c.get('gunicorn', 0) + c.get('postgresql', 0)):.0f} req/s "
            "of this mix"
            if (c := m.get("cpu_seconds")) and total["requests"] and c.get("gunicorn")
            else ""
        )
        + ". Socket errors: "
        + (json.dumps(errors) if errors else "none")
        + f". Tracebacks in the gunicorn log: {result['gunicorn_log']['tracebacks']}.",
        "",
        f"Writes: {w['answered_201']:,} answered 201 (plus one by hand before the load); the indicator values "
        f"grew by {w['grew']['indicator_values']:,} rows ({w['in_flight_at_stop']} of them in flight when wrk "
        f"stopped, their answers uncounted), all with this run's idempotency keys, and their history by "
        f"{w['grew']['indicator_value_history']:,}: "
        + ("every write landed" if w["landed"] else "**not every write landed**")
        + f". Targets: no 5xx {_ok(result['targets']['no_5xx'])}, every answer 2xx "
        f"{_ok(result['targets']['all_2xx'])}, reads' p95 under {TARGET_READ_P95_MS} ms "
        f"{_ok(result['targets']['reads_p95'])}, writes landed {_ok(w['landed'])}.",
        "",
    ]
    bad = {kind: k["first_bad"] for kind, k in result["kinds"].items() if k["first_bad"]}
    if bad:
        lines += ["First answer that was not 2xx, by kind:", ""]
        lines += [f"- {kind}: `{text[:200]}`" for kind, text in bad.items()]
        lines.append("")
    return lines


def write_report(result):
    lines = [
        "# Mixed load test",
        "",
        f"Generated by `make load` (bench/load.py) on {datetime.date.today().isoformat()}; PostgreSQL 15 from "
        "scripts/with_services.sh (fsync off), 2-core machine.",
        "",
        "| figure | value | baseline | ratio | target |",
        "|---|---|---|---|---|",
        *[f"| {' | '.join(row)} |" for row in report_rows(result)],
        "",
        *report_section(result, [result["size"]])[2:],
    ]
    REPORT.write_text("\n".join(lines))


# --- standalone: one generated database, then the measurement -------------------------------------------------


def main():
    from bench import run

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench: DATABASE_URL must point at PostgreSQL (run it as `make load`).")
    n = int(os.environ.get("LOAD_PROJECTS", str(SIZE)).replace("_", ""))
    OUT.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    name = f"load_{n}"
    db_url = run._url_with_db(url, name)
    env = dict(os.environ) | {"DATABASE_URL": db_url}
    admin = run._admin(url)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        run._run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run._run([python, "manage.py", "generate_scale", "--projects", n, "--seed", run.SEED], env)
        db = run._admin(db_url)
        with db.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        db.close()
        # The year's sweep, as on a working day (grades and findings for the dashboard); it also times the page.
        with tempfile.TemporaryDirectory() as folder:
            run._run([python, run.__file__, "--dashboard", n, Path(folder) / "dashboard.json"], env)
        out = OUT / f"load-{n}.json"
        run._run([python, run.__file__, "--load", n, out], env)
    finally:
        if not os.environ.get("LOAD_KEEP"):
            with admin.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.close()
    result = json.loads(out.read_text())
    write_report(result)
    print(f"\nbench: wrote {REPORT.relative_to(ROOT)} and {out.relative_to(ROOT)}")
    t = result["targets"]
    if not (t["no_5xx"] and t["all_2xx"] and t["no_socket_errors"] and t["writes_landed"]):
        raise SystemExit("bench: the mixed load test had errors; see bench/load.md")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
