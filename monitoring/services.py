"""The dual contract and the indicator data. Every door (form, API, import) calls these."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scoping import require
from core.errors import ApplicationError
from monitoring.models import Checkpoint, EquityChange, IndicatorValue, LandContract, PerformanceAgreement
from projects.services import validated

CONTRACT_FIELDS = (
    "parcel",
    "number",
    "area_m2",
    "price",
    "signed_on",
    "delivery_date",
    "construction_start_deadline",
    "completion_deadline",
)
AGREEMENT_FIELDS = (
    "number",
    "signed_on",
    "investment_per_mu",
    "tax_per_mu",
    "value_added_per_energy",
    "value_added_per_mu",
    "rd_share",
    "liquidated_damages",
    "repay_incentives",
    "land_taken_back",
)


@transaction.atomic
def land_contract_create(*, actor, project, **fields):
    require(actor, "land_contract.manage", project)
    contract = LandContract(project=project, **{k: v for k, v in fields.items() if k in CONTRACT_FIELDS})
    validated(contract)
    contract.save()
    return contract


@transaction.atomic
def agreement_create(*, actor, project, checkpoints=(), **fields):
    """The performance agreement, with its checkpoints {year: description} (years 1 to 7 after production)."""
    require(actor, "agreement.manage", project)
    if hasattr(project, "performance_agreement"):
        raise ApplicationError(_("The project already has a performance agreement."), status_code=409)
    agreement = PerformanceAgreement(project=project, **{k: v for k, v in fields.items() if k in AGREEMENT_FIELDS})
    validated(agreement)
    agreement.save()
    for year, description in dict(checkpoints).items():
        checkpoint = Checkpoint(agreement=agreement, year=year, description=description)
        validated(checkpoint)
        checkpoint.save()
    return agreement


@transaction.atomic
def indicator_submit(
    *, actor, project, indicator, year, value, source=IndicatorValue.Source.FORM, idempotency_key=None
):
    """One value per project, indicator and year. The same value again, or the same idempotency key,
    changes nothing; a different value is a new version and the old one stays in the history."""
    require(actor, "indicator.submit", indicator)
    if idempotency_key:
        earlier = IndicatorValue.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if (earlier.project_id, earlier.indicator, earlier.year) != (project.pk, indicator, year):
                raise ApplicationError(
                    _("This idempotency key was used for another value."),
                    errors={"idempotency_key": [_("Already used.")]},
                    status_code=409,
                )
            return earlier, False
    current = (
        IndicatorValue.objects.select_for_update()
        .filter(project=project, indicator=indicator, year=year, is_current=True)
        .first()
    )
    if current is not None and current.value == value:
        return current, False
    version = IndicatorValue(
        project=project,
        indicator=indicator,
        year=year,
        value=value,
        version=(current.version + 1) if current else 1,
        supplied_by=actor.unit,
        submitted_by=actor,
        source=source,
        idempotency_key=idempotency_key or None,
    )
    validated(version, exclude=["is_current"])
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    version.save()
    return version, True


EQUITY_FIELDS = (
    "registered_on",
    "transferor",
    "transferee",
    "share",
    "change_of_control",
    "approved",
    "approval_reference",
)


@transaction.atomic
def equity_change_record(*, actor, company, **fields):
    require(actor, "equity_change.record")
    change = EquityChange(company=company, recorded_by=actor, **{k: v for k, v in fields.items() if k in EQUITY_FIELDS})
    validated(change)
    change.save()
    return change
