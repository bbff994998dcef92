import datetime
from decimal import Decimal

from monitoring import services
from monitoring.grading import bands_for, grade_of, project_grades
from monitoring.models import Indicator
from projects.tests.factories import make_project

MU_10 = Decimal("6666.67")  # 10.00 亩


def _supervised(city, start=datetime.date(2018, 3, 1)):
    project = make_project(city["centre"], land_area_m2=MU_10, total_investment=Decimal("30000000"))
    project.production_start_date = start
    project.save(update_fields=["production_start_date"])
    services.agreement_create(
        actor=city["centre"],
        project=project,
        number=f"履约-{project.pk}",
        signed_on=datetime.date(2017, 1, 1),
        investment_per_mu=Decimal("3000000"),
        tax_per_mu=Decimal("300000"),
        value_added_per_energy=Decimal("20000"),
    )
    return project


def _year(
    city, project, year, *, tax, investment=Decimal("30000000"), energy=Decimal(100), value_added=Decimal(2000000)
):
    for username, indicator, value in (
        ("shuiwu", Indicator.TAX, tax),
        ("fagai", Indicator.INVESTMENT, investment),
        ("jingxin", Indicator.ENERGY, energy),
        ("tongji", Indicator.VALUE_ADDED, value_added),
    ):
        services.indicator_submit(actor=city[username], project=project, indicator=indicator, year=year, value=value)


def test_exactly_at_the_commitment_is_an_a(city):
    project = _supervised(city)
    _year(city, project, 2018, tax=Decimal("3000000"))  # 10 亩 × 300,000 = exactly the commitment
    (row,) = project_grades(project)
    assert [(c["key"], c["ratio"], c["grade"]) for c in row["cells"]] == [
        ("investment_per_mu", Decimal("100.0"), "A"),
        ("tax_per_mu", Decimal("100.0"), "A"),
        ("value_added_per_energy", Decimal("100.0"), "A"),
    ]
    assert (row["n"], row["grade"]) == (1, "A")


def test_band_boundaries_are_inclusive(city):
    bands = bands_for(datetime.date.today().year)
    assert [grade_of(Decimal(r), bands) for r in ("100", "99.9", "80", "79.9", "60", "59.9")] == [
        "A",
        "B",
        "B",
        "C",
        "C",
        "D",
    ]


def test_year_seven_is_graded_and_year_eight_is_not(city):
    project = _supervised(city, start=datetime.date(2018, 3, 1))
    for year in (2024, 2025):  # years 7 and 8 after production started in 2018
        _year(city, project, year, tax=Decimal("2400000"))
    rows = project_grades(project)
    assert [(r["year"], r["n"]) for r in rows] == [(2024, 7)]
    assert rows[0]["cells"][1]["grade"] == "B"  # 80% of the tax commitment


def test_nothing_is_graded_without_an_agreement_or_production_date(city):
    project = make_project(city["centre"])
    assert project_grades(project) == []
