"""Validators for the identifiers of the shared libraries."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17):
    """The GB 32100-2015 check character for the first 17 characters of a code."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value):
    """A unified social credit code 统一社会信用代码: 18 characters, GB 32100-2015 check character."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)},
            code="uscc_length",
        )
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s (I, O, S, V, Z are never used).")
            % {"chars": "、".join(bad)},
            code="uscc_charset",
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of the code must be the administrative division code (digits)."), code="uscc_division"
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character (18th) is wrong: %(got)s, expected %(want)s. Please check the code.")
            % {"got": code[17], "want": expected},
            code="uscc_check",
        )


NATIONAL_CODE_RE = re.compile(r"^(\d{2})(\d{2})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")


def validate_national_project_code(value):
    """The national investment project code 项目代码, e.g. 2401-330282-04-01-123456."""
    match = NATIONAL_CODE_RE.match((value or "").strip())
    if not match:
        raise ValidationError(
            _("A project code has the form YYMM-NNNNNN-NN-NN-NNNNNN (e.g. 2401-330282-04-01-123456)."),
            code="project_code_format",
        )
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise ValidationError(
            _("The month in the project code (%(m)02d) does not exist.") % {"m": month}, code="project_code_month"
        )
