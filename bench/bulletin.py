"""The monthly bulletin for all units (assessment.services.report_publish, then assessment.pdf.report_pdf).

Run by bench/run.py in its own process (``run.py --bulletin N OUT``) on the database of one size. First the
state the beat publishes from: a scoring scheme and targets for every landing unit (assessment.demo's), and
one live project in MAJOR_EVERY made a major project, so the bulletin's second table (where every live major
project stands) has rows at every size. Then, as the centre: ``report_publish(kind=monthly, period=12)``
(refresh of the monthly summary, the ranking, the frozen data) and the PDF of that report as the report page
serves it (every unit's detail), REPS times each, median.
"""

import json
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

REPS = 3
MAJOR_EVERY = 500  # about 200 live major projects at 100,000


def measure(n, out, *, year):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from accounts.models import Unit
    from assessment import demo, pdf, services
    from assessment.models import Report, ScoringScheme, Weight
    from projects.models import Project, Tier
    from projects.stages import LIVE_STAGES

    centre = get_user_model().objects.get(username="centre")
    if not ScoringScheme.objects.exists():
        scheme = ScoringScheme.objects.create(effective_from=f"{year - 1}-01-01", note="bench")
        for metric, points in demo.POINTS.items():
            Weight.objects.create(scheme=scheme, metric=metric, weight=points, cap_percent=120)
    units = list(Unit.objects.filter(kind__in=Unit.LANDING_KINDS, is_active=True))
    for unit in units:
        for metric, value in demo.TARGETS.items():
            services.target_set(actor=centre, unit=unit, year=year, metric=metric, value=value)
    numbered = (
        Project.objects.filter(stage__in=LIVE_STAGES)
        .annotate(i=Window(RowNumber(), order_by=F("code").asc()))
        .values("pk", "i")
    )
    majors = [row["pk"] for row in numbered if row["i"] % MAJOR_EVERY == 0]
    Project.objects.filter(pk__in=majors).update(tier=Tier.MAJOR)

    publish, render, render_cpu, sizes = [], [], [], []
    report = None
    for _ in range(REPS):
        started = time.perf_counter()
        report = services.report_publish(actor=centre, kind=Report.Kind.MONTHLY, year=year, period=12)
        publish.append(time.perf_counter() - started)
        # As the report page serves it to the centre: every unit's detail.
        rows = [dict(row) for row in report.data["rows"]]
        columns = report.data["metrics"]
        started, cpu = time.perf_counter(), time.process_time()
        content = pdf.report_pdf(report, rows, columns)
        render.append(time.perf_counter() - started)
        render_cpu.append(time.process_time() - cpu)
        sizes.append(len(content))
    path = Path(out).with_name(f"bulletin_{n}.pdf")
    path.write_bytes(content)
    pages = None
    if shutil.which("pdfinfo"):  # poppler-utils (scripts/install_system_deps.sh)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False).stdout  # noqa: S603,S607
        found = re.search(r"^Pages:\s+(\d+)", info, re.M)
        pages = int(found.group(1)) if found else None
    totals = [p + r for p, r in zip(publish, render, strict=True)]
    result = {
        "size": n,
        "units": len(report.data["rows"]),
        "landing_units": len(units),
        "major_projects": len(report.data.get("major", [])),
        "publish_seconds": publish,
        "render_seconds": render,
        "total_seconds": totals,
        "median_seconds": statistics.median(totals),
        "publish_median": statistics.median(publish),
        "render_median": statistics.median(render),
        # This process's own CPU time: what the PDF costs whatever else the shared cores are doing.
        "render_cpu_seconds": render_cpu,
        "render_cpu_median": statistics.median(render_cpu),
        "pdf_bytes": sizes[-1],
        "pdf_pages": pages,
        "pdf": path.name,
    }
    Path(out).write_text(json.dumps(result, indent=2, default=str))
    print(
        f"  bulletin: {result['median_seconds']:.2f} s ({result['publish_median']:.2f} s publish, "
        f"{result['render_median']:.2f} s PDF) for {result['units']} units and {result['major_projects']} major "
        "projects",
        flush=True,
    )
    return result
