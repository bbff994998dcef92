"""A published report as an official-looking Chinese bulletin (PDF)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from decisions.pdf import css_string

TITLES = {
    "monthly": "全市招商引资工作月通报",
    "quarterly": "全市招商引资工作季度晾晒",
    "annual": "全市招商引资目标管理年度考评",
}


def report_pdf(report, rows, metrics):
    from weasyprint import HTML  # heavy import, only when a PDF is made

    with translation.override("zh-hans"):
        period = {
            "monthly": f"{report.year}年{report.period}月",
            "quarterly": f"{report.year}年第{report.period}季度",
        }.get(report.kind, f"{report.year}年度")
        html = render_to_string(
            "assessment/report_pdf.html",
            {
                "report": report,
                "rows": rows,
                "metrics": metrics,
                "title": TITLES[report.kind],
                "period": period,
                "issued": formats.date_format(timezone.localtime(report.published_at), "Y年n月j日"),
                "footer": css_string(f"{TITLES[report.kind]} · {period} · 第 {report.version} 版"),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
