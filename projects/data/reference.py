"""Loading the reference data. Used by the data migration and, after a test flushed the tables, by tests."""

from projects.data.gbt4754 import SECTIONS, divisions


def load_industries(industry_model):
    if industry_model.objects.count() == len(SECTIONS) + len(list(divisions())):
        return
    sections = {}
    for code, name, _names in SECTIONS:
        sections[code], _ = industry_model.objects.update_or_create(code=code, defaults={"name": name, "section": None})
    for section, code, name in divisions():
        industry_model.objects.update_or_create(code=code, defaults={"name": name, "section": sections[section]})
