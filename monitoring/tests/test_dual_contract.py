import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import ApplicationError
from monitoring import services
from monitoring.models import Indicator, IndicatorValue, PerformanceAgreement
from projects.services import project_move, project_transition
from projects.stages import Stage
from projects.tests.factories import make_project

D = datetime.date


def _approved(city, **overrides):
    project = make_project(city["centre"], **overrides)
    for target in (Stage.NEGOTIATING, Stage.PRE_EVALUATION, Stage.AWAITING_DECISION, Stage.APPROVED):
        project_move(actor=city["centre"], project=project, target=target)
    return project


def _contract(city, project, number="出让-2026-001"):
    return services.land_contract_create(
        actor=city["zigui"],
        project=project,
        number=number,
        area_m2=Decimal("40000"),
        price=Decimal("12000000"),
        signed_on=D(2026, 3, 1),
        delivery_date=D(2026, 4, 1),
        construction_start_deadline=D(2026, 10, 1),
        completion_deadline=D(2028, 4, 1),
    )


def _agreement(city, project):
    return services.agreement_create(
        actor=city["town_a"],
        project=project,
        number="履约-2026-001",
        signed_on=D(2026, 3, 1),
        investment_per_mu=Decimal("3000000"),
        tax_per_mu=Decimal("300000"),
        value_added_per_energy=Decimal("20000"),
        checkpoints={3: "投产第三年亩均税收达标", 7: "投产第七年全面评价"},
    )


def test_signing_needs_both_contracts_and_says_which_is_missing(city):
    project = _approved(city)
    with pytest.raises(ApplicationError) as refused:
        project_transition(actor=city["town_a"], project=project, target=Stage.SIGNED)
    assert "出让合同" in refused.value.message or "land-transfer" in refused.value.message
    _contract(city, project)
    with pytest.raises(ApplicationError, match="履约协议|performance agreement"):
        project_transition(actor=city["town_a"], project=project, target=Stage.SIGNED)
    _agreement(city, project)
    project_transition(actor=city["town_a"], project=project, target=Stage.SIGNED)
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED


def test_a_project_without_new_land_needs_only_the_agreement(city):
    project = _approved(city, land_mode="lease", land_area_m2=Decimal(0))
    _agreement(city, project)
    project_transition(actor=city["town_a"], project=project, target=Stage.SIGNED)


def test_contracts_belong_to_their_owners(city):
    project = _approved(city)
    with pytest.raises(PermissionDenied):
        services.land_contract_create(
            actor=city["centre"],
            project=project,
            number="x",
            area_m2=Decimal(1),
            price=Decimal(1),
            signed_on=D(2026, 1, 1),
            delivery_date=D(2026, 1, 1),
            construction_start_deadline=D(2026, 1, 1),
            completion_deadline=D(2026, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        services.agreement_create(
            actor=city["town_b"],
            project=project,
            number="y",
            signed_on=D(2026, 1, 1),
            investment_per_mu=Decimal(1),
            tax_per_mu=Decimal(1),
            value_added_per_energy=Decimal(1),
        )


def test_contract_dates_must_run_in_order(city):
    project = _approved(city)
    with pytest.raises(ApplicationError):
        services.land_contract_create(
            actor=city["zigui"],
            project=project,
            number="乱序",
            area_m2=Decimal(1),
            price=Decimal(1),
            signed_on=D(2026, 5, 1),
            delivery_date=D(2026, 4, 1),
            construction_start_deadline=D(2026, 6, 1),
            completion_deadline=D(2026, 7, 1),
        )


def test_checkpoints_are_years_one_to_seven(city):
    project = _approved(city)
    with pytest.raises(ApplicationError):
        services.agreement_create(
            actor=city["centre"],
            project=project,
            number="z",
            signed_on=D(2026, 1, 1),
            investment_per_mu=Decimal(1),
            tax_per_mu=Decimal(1),
            value_added_per_energy=Decimal(1),
            checkpoints={8: "第八年"},
        )
    assert not PerformanceAgreement.objects.filter(project=project).exists()  # nothing half written


def test_a_correction_is_a_new_version_and_the_same_value_changes_nothing(city):
    project = make_project(city["centre"])
    first, created = services.indicator_submit(
        actor=city["shuiwu"], project=project, indicator=Indicator.TAX, year=2026, value=Decimal("1000000")
    )
    assert created and first.version == 1
    again, created = services.indicator_submit(
        actor=city["shuiwu"], project=project, indicator=Indicator.TAX, year=2026, value=Decimal("1000000")
    )
    assert not created and again == first
    corrected, created = services.indicator_submit(
        actor=city["shuiwu"], project=project, indicator=Indicator.TAX, year=2026, value=Decimal("1200000")
    )
    assert created and corrected.version == 2
    rows = IndicatorValue.objects.filter(project=project, indicator=Indicator.TAX, year=2026)
    assert [(r.version, r.is_current) for r in rows.order_by("version")] == [(1, False), (2, True)]
    assert corrected.supplied_by == city["shuiwu"].unit


def test_an_idempotency_key_makes_a_repeat_harmless(city):
    project = make_project(city["centre"])
    kwargs = {
        "actor": city["tongji"],
        "project": project,
        "indicator": Indicator.VALUE_ADDED,
        "year": 2026,
        "idempotency_key": "tongji-2026-0001",
    }
    services.indicator_submit(value=Decimal("5000000"), **kwargs)
    services.indicator_submit(value=Decimal("5000000"), **kwargs)
    assert IndicatorValue.objects.filter(project=project).count() == 1
    with pytest.raises(ApplicationError):
        services.indicator_submit(**(kwargs | {"year": 2025}), value=Decimal(1))


def test_only_the_owning_bureau_supplies_an_indicator(city):
    project = make_project(city["centre"])
    with pytest.raises(PermissionDenied, match="税务|Tax"):
        services.indicator_submit(
            actor=city["tongji"], project=project, indicator=Indicator.TAX, year=2026, value=Decimal(1)
        )
    with pytest.raises(PermissionDenied):
        services.indicator_submit(
            actor=city["deputy"], project=project, indicator=Indicator.TAX, year=2026, value=Decimal(1)
        )


def test_the_monitoring_page_shows_contracts_agreement_and_versions(city, client_for):
    project = _approved(city)
    _contract(city, project)
    _agreement(city, project)
    services.indicator_submit(
        actor=city["shuiwu"], project=project, indicator=Indicator.TAX, year=2026, value=Decimal("1000000")
    )
    services.indicator_submit(
        actor=city["shuiwu"], project=project, indicator=Indicator.TAX, year=2026, value=Decimal("1200000")
    )
    page = client_for("town_a").get(f"/monitoring/projects/{project.pk}/").content.decode()
    assert "出让-2026-001" in page and "履约-2026-001" in page and "1200000.00" in page and "v2" in page
    assert client_for("town_b").get(f"/monitoring/projects/{project.pk}/").status_code == 404


def test_the_contract_forms_on_the_page_record_or_say_what_is_wrong(city, client_for):
    project = _approved(city)
    url = f"/monitoring/projects/{project.pk}/"
    contract = {
        "form": "contract",
        "contract-number": "出让-页面-1",
        "contract-area_mu": "30",
        "contract-price_wan": "900",
        "contract-signed_on": "2026-05-01",
        "contract-delivery_date": "2026-04-01",  # before the signing: the service refuses it
        "contract-construction_start_deadline": "2026-06-01",
        "contract-completion_deadline": "2026-07-01",
    }
    zigui = client_for("zigui")
    refused = zigui.post(url, contract)
    assert refused.status_code == 400
    assert refused.context["contract_form"].errors
    assert not project.land_contracts.exists()
    assert zigui.post(url, contract | {"contract-delivery_date": "2026-05-10"}).status_code == 302
    assert project.land_contracts.get().number == "出让-页面-1"
    assert "出让-页面-1" in zigui.get(url).content.decode()

    agreement = {
        "form": "agreement",
        "agreement-number": "履约-页面-1",
        "agreement-signed_on": "2026-05-02",
        "agreement-investment_per_mu_wan": "500",
        "agreement-tax_per_mu_wan": "-1",  # negative: the form refuses it
        "agreement-value_added_per_energy_wan": "2.5",
        "agreement-repay_incentives": "on",
    }
    assert client_for("town_b").post(url, agreement).status_code == 404
    refused = client_for("centre").post(url, agreement)
    assert refused.status_code == 400 and "tax_per_mu_wan" in refused.context["agreement_form"].errors
    assert client_for("centre").post(url, agreement | {"agreement-tax_per_mu_wan": "30"}).status_code == 302
    assert PerformanceAgreement.objects.get(project=project).number == "履约-页面-1"
