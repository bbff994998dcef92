"""A proposal's follow-up as a document for the deputies: an official-looking Chinese PDF and an .xlsx.

Both are Chinese documents whatever the reader's interface language, so they carry their own wording."""

import io

import openpyxl
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl.styles import Alignment, Font, PatternFill

from decisions.pdf import css_string
from oversight.models import MeasureStatus, Proposal

MEASURE_STATUS_ZH = {
    MeasureStatus.PLANNED: "计划中",
    MeasureStatus.IN_PROGRESS: "推进中",
    MeasureStatus.WORKING: "已在系统中运行",
    MeasureStatus.DONE: "已完成",
}
PROPOSAL_STATUS_ZH = {
    Proposal.Status.SUBMITTED: "待答复",
    Proposal.Status.REPLIED: "已答复",
    Proposal.Status.FOLLOWING_UP: "跟踪落实中",
    Proposal.Status.CONCLUDED: "已办结",
}
KIND_ZH = {Proposal.Kind.PROPOSAL: "议案", Proposal.Kind.SUGGESTION: "建议"}
DEFAULT_ISSUER = "慈溪市投资促进中心"


def chinese_date(value):
    return f"{value.year}年{value.month}月{value.day}日" if value else "未记录"


def _rows(proposal, site):
    """The measures as the documents show them: status in words, dated updates, and absolute links to the pages
    the reader may open (``proposal`` as ``proposal_selectors.proposal_detail`` gives it)."""
    rows = []
    for measure in proposal.measures.all():
        rows.append(
            {
                "measure": measure,
                "status": MEASURE_STATUS_ZH[measure.status],
                "since": chinese_date(measure.status_on) if measure.status_on else "",
                "updates": [
                    {
                        "on": chinese_date(u.on),
                        "change": f"{MEASURE_STATUS_ZH[u.from_status]}→{MEASURE_STATUS_ZH[u.to_status]}",
                        "note": u.note,
                    }
                    for u in measure.updates.all()
                ],
                "links": [{"label": e.label, "url": site.rstrip("/") + e.url} for e in measure.links],
                "staff_links": measure.staff_links,
            }
        )
    return rows


def _summary(rows):
    return [
        (label, sum(1 for r in rows if r["measure"].status == status)) for status, label in MEASURE_STATUS_ZH.items()
    ]


def document_title(proposal):
    return f"第{proposal.number}号{KIND_ZH[proposal.kind]}答复事项落实情况跟踪报告"


def file_name(proposal, extension):
    return f"{proposal.session}第{proposal.number}号{KIND_ZH[proposal.kind]}跟踪报告.{extension}"


def proposal_pdf(proposal, *, site):
    """The PDF (bytes): red header, the proposal, a summary, each measure with its quote, status, dated updates
    and where the system shows it, and the reply in full as an attachment. ``site``: the system's address."""
    from weasyprint import HTML  # heavy import, only when a PDF is made

    rows = _rows(proposal, site)
    today = chinese_date(timezone.localdate())
    title = document_title(proposal)
    html = render_to_string(
        "oversight/proposals/report_pdf.html",
        {
            "proposal": proposal,
            "kind": KIND_ZH[proposal.kind],
            "issuer": proposal.replying_body or DEFAULT_ISSUER,
            "title": title,
            "status": PROPOSAL_STATUS_ZH[proposal.status],
            "replied_on": chinese_date(proposal.replied_on),
            "submitted_on": chinese_date(proposal.submitted_on),
            "rows": rows,
            "summary": _summary(rows),
            "today": today,
            "reply_paragraphs": [line.strip() for line in proposal.reply_text.splitlines() if line.strip()],
            "footer_title": css_string(f"{proposal.session}第{proposal.number}号{KIND_ZH[proposal.kind]}跟踪报告"),
            "footer_date": css_string(f"截至{today}"),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _header(sheet, headers, widths):
    sheet.append(headers)
    for cell, width in zip(sheet[1], widths, strict=True):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"


def proposal_xlsx(proposal, *, site):
    """The workbook (bytes): the proposal, its measures with status and links, and every dated update."""
    rows = _rows(proposal, site)
    workbook = openpyxl.Workbook()
    about = workbook.active
    about.title = "建议"
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 80
    for label, value in [
        ("编号", f"第{proposal.number}号"),
        ("类别", KIND_ZH[proposal.kind]),
        ("会议", proposal.session),
        ("年度", proposal.year or ""),
        ("标题", proposal.title),
        ("提出人", proposal.proposers),
        ("提出日期", chinese_date(proposal.submitted_on)),
        ("答复单位", proposal.replying_body),
        ("答复日期", chinese_date(proposal.replied_on)),
        ("办理状态", PROPOSAL_STATUS_ZH[proposal.status]),
        ("数据截至", chinese_date(timezone.localdate())),
    ]:
        about.append([label, value])
        about.cell(about.max_row, 1).font = Font(bold=True)

    measures = workbook.create_sheet("承诺事项")
    wrap = Alignment(wrap_text=True, vertical="top")
    _header(
        measures,
        ["序号", "答复部分", "承诺事项", "答复原文", "当前状态", "状态日期", "最近进展", "系统查看位置"],
        [6, 10, 24, 60, 14, 14, 40, 50],
    )
    for row in rows:
        measure = row["measure"]
        last = row["updates"][-1] if row["updates"] else None
        measures.append(
            [
                measure.order,
                measure.reply_section,
                measure.title,
                measure.commitment,
                row["status"],
                measure.status_on,
                f"{last['on']} {last['note']}" if last else "",
                "\n".join(
                    [f"{link['label']}：{link['url']}" for link in row["links"]]
                    + ([f"另有{row['staff_links']}处体现在工作人员业务页面"] if row["staff_links"] else [])
                ),
            ]
        )
        for cell in measures[measures.max_row]:
            cell.alignment = wrap
        measures.cell(measures.max_row, 6).number_format = "yyyy-mm-dd"

    updates = workbook.create_sheet("落实进展")
    _header(updates, ["承诺序号", "承诺事项", "日期", "原状态", "新状态", "说明"], [10, 24, 14, 16, 16, 70])
    for row in rows:
        measure = row["measure"]
        for update in measure.updates.all():
            updates.append(
                [
                    measure.order,
                    measure.title,
                    update.on,
                    MEASURE_STATUS_ZH[update.from_status],
                    MEASURE_STATUS_ZH[update.to_status],
                    update.note,
                ]
            )
            updates.cell(updates.max_row, 3).number_format = "yyyy-mm-dd"
            updates.cell(updates.max_row, 6).alignment = wrap
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
