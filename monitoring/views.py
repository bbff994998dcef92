from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from monitoring.grading import project_grades
from monitoring.models import Indicator
from monitoring.selectors import indicator_table
from projects import selectors as project_selectors


@login_required
def project_monitoring(request, pk):
    project = project_selectors.project_detail(user=request.user, pk=pk)
    agreement = getattr(project, "performance_agreement", None)
    grades = project_grades(project)
    chart = {
        "years": [f"{g['year']}（{g['n']}）" for g in grades],
        "ratios": [float(g["ratio"]) if g["ratio"] is not None else None for g in grades],
    }
    return render(
        request,
        "monitoring/project.html",
        {
            "project": project,
            "contracts": project.land_contracts.select_related("parcel"),
            "agreement": agreement,
            "checkpoints": agreement.checkpoints.all() if agreement else [],
            "indicators": list(Indicator),
            "table": indicator_table(user=request.user, project=project),
            "grades": grades,
            "chart": chart,
        },
    )
