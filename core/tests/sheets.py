"""Workbooks for import tests: one sheet, its title, a header row, then the rows as given."""

import io

import openpyxl


def xlsx(title, headers, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out
