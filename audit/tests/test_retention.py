"""Entries are kept at least 183 days: a shorter AUDIT_RETENTION_DAYS stops the system at its checks."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from audit.checks import retention_check


@pytest.mark.parametrize("days", [0, 30, 182, "365", None])
def test_a_retention_below_183_days_is_an_error(days):
    with override_settings(AUDIT_RETENTION_DAYS=days):
        errors = retention_check()
    assert [e.id for e in errors] == ["audit.E001"]
    assert "183" in errors[0].msg


@pytest.mark.parametrize("days", [183, 365, 3650])
def test_183_days_or_more_passes(days):
    with override_settings(AUDIT_RETENTION_DAYS=days):
        assert retention_check() == []


def test_the_default_is_183_days():
    from django.conf import settings

    assert settings.AUDIT_RETENTION_DAYS == 183
    assert retention_check() == []


def test_manage_py_check_refuses_it():
    with override_settings(AUDIT_RETENTION_DAYS=100), pytest.raises(SystemCheckError, match="audit.E001"):
        call_command("check")
