"""The dual contract and the indicator data. Every door (form, API, import) calls these."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.scoping import require
from core.errors import ApplicationError
from monitoring.models import (
    Checkpoint,
    EquityChange,
    Finding,
    FindingAction,
    IndicatorValue,
    LandContract,
    PerformanceAgreement,
)
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
    "production_deadline",
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


def _lock_projects(ids):
    """Submitters of a project's indicator values one at a time, until the transaction ends. Locking only the
    current version is not enough: whoever waited on it would find it no longer current once the first had
    replaced it, see no current version, and write a duplicate version (refused, or a 500 for a first value).
    FOR NO KEY UPDATE: rows that merely refer to the project are not held up. In the order of the ids, so that
    two imports cannot deadlock."""
    from projects.models import Project

    ids = sorted(ids)
    for start in range(0, len(ids), LOOKUP_CHUNK):
        locked = Project.objects.select_for_update(no_key=True).filter(pk__in=ids[start : start + LOOKUP_CHUNK])
        list(locked.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def indicator_submit(
    *, actor, project, indicator, year, value, source=IndicatorValue.Source.FORM, idempotency_key=None
):
    """One value per project, indicator and year. The same value again, or the same idempotency key,
    changes nothing; a different value is a new version and the old one stays in the history."""
    require(actor, "indicator.submit", indicator)
    _lock_projects([project.pk])
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
    # The history names who did it from the actor, not the request: the same in a page, the API and the worker.
    version._history_user = actor
    if current is not None:
        current.is_current = False
        current._history_user = actor
        current.save(update_fields=["is_current"])
    version.save()
    return version, True


FOREIGN_KEYS = ("project", "supplied_by", "submitted_by")
LOOKUP_CHUNK = 2000  # project ids per query (SQLite's limit on parameters)


@transaction.atomic
def indicator_submit_many(*, actor, items, source=IndicatorValue.Source.IMPORT):
    """``indicator_submit`` for many values at once (the import): the same rule per value, the same rows, the
    same history records and audit entries, in a few queries whatever the number instead of about ten each.

    ``items``: (project, indicator, year, value), no key twice. Returns one outcome per item, in order:
    (version, created) as ``indicator_submit`` returns it, or the exception it would have raised
    (PermissionDenied, ApplicationError). If any item fails nothing is written, and the items that would
    have been are None."""
    from collections import defaultdict

    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db.models import Q

    from audit.services import audit_history_records
    from projects.models import Project

    outcomes = [None] * len(items)
    verdicts = {}
    for i, (_project, indicator, _year, _value) in enumerate(items):
        if indicator not in verdicts:
            try:
                require(actor, "indicator.submit", indicator)
                verdicts[indicator] = None
            except PermissionDenied as exc:
                verdicts[indicator] = exc
        outcomes[i] = verdicts[indicator]
    todo = [i for i, outcome in enumerate(outcomes) if outcome is None]

    # The current version of every key (locked, as indicator_submit locks it) and every version taken.
    groups = defaultdict(set)
    for i in todo:
        project, indicator, year, _value = items[i]
        groups[indicator, year].add(project.pk)
    current, taken = {}, set()
    batches, batch, size = [], None, 0  # an OR of (indicator, year, projects), LOOKUP_CHUNK ids a query
    for (indicator, year), ids in sorted(groups.items()):
        ids = sorted(ids)
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start : start + LOOKUP_CHUNK]
            if batch is not None and size + len(chunk) > LOOKUP_CHUNK:
                batches.append(batch)
                batch, size = None, 0
            where = Q(indicator=indicator, year=year, project_id__in=chunk)
            batch = where if batch is None else batch | where
            size += len(chunk)
    if batch is not None:
        batches.append(batch)
    _lock_projects({items[i][0].pk for i in todo})
    for where in batches:
        for value in IndicatorValue.objects.select_for_update().filter(where, is_current=True).order_by():
            current[value.project_id, value.indicator, value.year] = value
        taken.update(IndicatorValue.objects.filter(where).values_list("project_id", "indicator", "year", "version"))

    # New versions, checked as ``validated(version, exclude=["is_current"])`` checks each: the fields one by
    # one here; the foreign keys and the unique version below, once for all.
    created = []  # (item index, new version, the version it supersedes or None)
    for i in todo:
        project, indicator, year, value = items[i]
        was = current.get((project.pk, indicator, year))
        if was is not None and was.value == value:
            outcomes[i] = (was, False)
            continue
        version = IndicatorValue(
            project=project,
            indicator=indicator,
            year=year,
            value=value,
            version=(was.version + 1) if was else 1,
            supplied_by=actor.unit,
            submitted_by=actor,
            source=source,
            idempotency_key=None,
        )
        errors = {}
        try:
            version.full_clean(exclude=["is_current", *FOREIGN_KEYS], validate_constraints=False)
        except ValidationError as exc:
            errors = exc.message_dict
        if (project.pk, indicator, year, version.version) in taken:
            unique = version.unique_error_message(IndicatorValue, ["project", "indicator", "year", "version"])
            errors.setdefault("__all__", []).extend(unique.messages)
        if errors:
            outcomes[i] = ApplicationError(_("Please correct the errors below."), errors=errors)
        else:
            created.append((i, version, was))
    if created:
        probe = created[0][1]
        try:
            probe.clean_fields(exclude=[f.name for f in IndicatorValue._meta.fields if f.name not in FOREIGN_KEYS[1:]])
            common = {}
        except ValidationError as exc:
            common = exc.message_dict
        ids = sorted({version.project_id for _i, version, _was in created})
        existing = set()
        for start in range(0, len(ids), LOOKUP_CHUNK):
            existing.update(
                Project._base_manager.filter(pk__in=ids[start : start + LOOKUP_CHUNK])
                .order_by()
                .values_list("pk", flat=True)
            )
        for i, version, _was in created:
            errors = dict(common)
            if version.project_id not in existing:
                field = IndicatorValue._meta.get_field("project")
                errors["project"] = [
                    field.error_messages["invalid"]
                    % {"model": "project", "pk": version.project_id, "field": "id", "value": version.project_id}
                ]
            if errors:
                outcomes[i] = ApplicationError(_("Please correct the errors below."), errors=errors)
    if any(isinstance(outcome, Exception) for outcome in outcomes):
        return outcomes

    # Write: the superseded versions first (one current per key), then the new ones; their history records
    # and, in the order indicator_submit would have written them, their audit entries (in bulk too).
    superseded = [was for _i, _version, was in created if was is not None]
    for start in range(0, len(superseded), LOOKUP_CHUNK):
        chunk = superseded[start : start + LOOKUP_CHUNK]
        IndicatorValue.objects.filter(pk__in=[was.pk for was in chunk]).update(is_current=False)
    for was in superseded:
        was.is_current = False
    versions = IndicatorValue.objects.bulk_create([version for _i, version, _was in created], batch_size=1000)
    history = IndicatorValue.history
    old_records = dict(
        zip(
            map(id, superseded),
            history.bulk_history_create(superseded, update=True, default_user=actor, default_change_reason=None),
            strict=True,
        )
    )
    new_records = history.bulk_history_create(versions, default_user=actor, default_change_reason=None)
    audited = []
    for (i, version, was), record in zip(created, new_records, strict=True):
        if was is not None:
            old = old_records[id(was)]
            audited.append((old, was, old.history_user))
        audited.append((record, version, record.history_user))
        outcomes[i] = (version, True)
    audit_history_records(audited)
    return outcomes


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
    """A market-regulation record of a shareholder change. The same registration again (same company, date,
    parties and share) is the record already kept: returned, not duplicated. Returns (change, created)."""
    require(actor, "equity_change.record")
    fields = {k: v for k, v in fields.items() if k in EQUITY_FIELDS}
    same = EquityChange.objects.filter(
        company=company,
        registered_on=fields.get("registered_on"),
        transferor=fields.get("transferor", ""),
        transferee=fields.get("transferee", ""),
        share=fields.get("share"),
    ).first()
    if same is not None:
        return same, False
    change = EquityChange(company=company, recorded_by=actor, **fields)
    validated(change)
    change.save()
    return change, True


# Findings: open → rectifying → resolved, or escalated, or waived with a 容错 exemption ----------------------

S = Finding.Status
# action: (from statuses, to status, rule)
FINDING_ACTIONS = {
    "rectify": ((S.OPEN, S.ESCALATED), S.RECTIFYING, "finding.work"),
    "resolve": ((S.OPEN, S.RECTIFYING, S.ESCALATED), S.RESOLVED, "finding.work"),
    "escalate": ((S.OPEN, S.RECTIFYING), S.ESCALATED, "finding.escalate"),
    "waive": ((S.OPEN, S.RECTIFYING, S.ESCALATED), S.WAIVED, "finding.waive"),
}


def finding_actions_for(user, finding):
    """The actions ``user`` may take on ``finding`` now (for the page's buttons)."""
    from accounts.scoping import can

    return [
        action
        for action, (sources, _target, rule_name) in FINDING_ACTIONS.items()
        if finding.status in sources and can(user, rule_name, finding)
    ]


@transaction.atomic
def finding_act(*, actor, finding, action, note, exemption=None):
    """Move a finding along its workflow, with a note; every step is kept. A waiver needs an approved
    fault-tolerance exemption (容错) of the same project."""
    from decisions.models import Exemption

    if action not in FINDING_ACTIONS:
        raise ApplicationError(_("Unknown action."), errors={"action": [_("Unknown action.")]})
    sources, target, rule_name = FINDING_ACTIONS[action]
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    require(actor, rule_name, finding)
    if finding.status not in sources:
        raise ApplicationError(
            _("A finding that is %(status)s cannot be moved this way.") % {"status": finding.get_status_display()},
            status_code=409,
        )
    if not (note or "").strip():
        raise ApplicationError(_("Say what was done and why."), errors={"note": [_("A note is required.")]})
    if action == "waive":
        # Read again, under a lock: the exemption's decision is what the database holds now.
        exemption = exemption and Exemption.objects.select_for_update().filter(pk=exemption.pk).first()
        if exemption is None or exemption.project_id != finding.project_id:
            message = _("A finding is waived only under a fault-tolerance exemption (容错) of the same project.")
            raise ApplicationError(message, errors={"exemption": [message]})
        if exemption.status != Exemption.Status.APPROVED:
            message = _("The exemption is not approved.")
            raise ApplicationError(message, errors={"exemption": [message]})
        finding.exemption = exemption
    FindingAction.objects.create(
        finding=finding,
        from_status=finding.status,
        to_status=target,
        actor=actor,
        note=note.strip(),
        exemption=exemption if action == "waive" else None,
    )
    finding.status = target
    finding.save()
    return finding
