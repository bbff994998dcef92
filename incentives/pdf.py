"""The request notice (兑现申请表) and the payment notice (资金拨付通知) as PDF, in Chinese."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from decisions.pdf import css_string
from incentives import services

TITLES = {"request": "政策兑现申请表", "payment": "政策奖励资金拨付通知"}


def notice_pdf(req, kind):
    """(PDF bytes, title) of the notice of ``kind`` for request ``req``."""
    from weasyprint import HTML  # heavy import, only when a PDF is made

    title = TITLES[kind]
    item = req.item
    with translation.override("zh-hans"):
        when = req.paid_at if kind == "payment" else req.filed_at
        day = formats.date_format(timezone.localtime(when), "Y年n月j日")
        html = render_to_string(
            "incentives/notice_pdf.html",
            {
                "kind": kind,
                "title": title,
                "req": req,
                "item": item,
                "project": item.project,
                "paid": services.item_paid(item),
                "payment": req.ledger.filter(kind="payment").first(),
                "day": day,
                "footer": css_string(f"{title} · 第 {req.pk} 号"),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(), title
