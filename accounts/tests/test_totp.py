"""RFC 6238 TOTP from the standard library: the RFCs' own test vectors, the window, and no replay."""

import base64
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts import totp

# RFC 6238 appendix B: the SHA-1 key is the ASCII string "12345678901234567890"; 8-digit codes.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC6238_SHA1 = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]
# RFC 4226 appendix D: HOTP values for counters 0..9 with the same key, 6 digits.
RFC4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]


@pytest.mark.parametrize("when, expected", RFC6238_SHA1)
def test_the_rfc_6238_sha1_vectors(when, expected):
    assert totp.code_at(RFC_SECRET, when, digits=8) == expected


def test_the_rfc_4226_hotp_vectors():
    assert [totp.hotp(b"12345678901234567890", counter) for counter in range(10)] == RFC4226


def test_six_digits_and_thirty_second_steps():
    assert totp.code_at(RFC_SECRET, 59) == "287082"  # the 8-digit 94287082, last six digits
    assert totp.step_at(59) == 1 and totp.step_at(60) == 2


def test_a_code_is_accepted_one_step_either_side_and_no_further():
    secret = totp.new_secret()
    now = 1_800_000_000
    current = totp.step_at(now)
    for offset in (-1, 0, 1):
        code = totp.code_at(secret, now + offset * totp.STEP_SECONDS)
        assert totp.matching_step(secret, code, when=now) == current + offset
    for offset in (-3, -2, 2, 3):
        code = totp.code_at(secret, now + offset * totp.STEP_SECONDS)
        if all(code != totp.code_at(secret, now + k * totp.STEP_SECONDS) for k in (-1, 0, 1)):
            assert totp.matching_step(secret, code, when=now) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６", None])
def test_malformed_codes_never_match(code):
    assert totp.matching_step(RFC_SECRET, code) is None


def test_spaces_in_a_typed_code_are_ignored():
    code = totp.code_at(RFC_SECRET, 1_800_000_000)
    assert totp.matching_step(RFC_SECRET, f"{code[:3]} {code[3:]}", when=1_800_000_000) is not None


def test_secrets_are_random_160_bit_base32():
    a, b = totp.new_secret(), totp.new_secret()
    assert a != b
    assert len(base64.b32decode(a)) == 20
    # Authenticator apps show secrets in groups and lower case; both are read back the same.
    spaced = " ".join(a[i : i + 4] for i in range(0, len(a), 4)).lower()
    assert totp.code_at(spaced, 1_800_000_000) == totp.code_at(a, 1_800_000_000)


def test_the_provisioning_uri_names_the_issuer_account_and_parameters():
    uri = totp.provisioning_uri(RFC_SECRET, account="secadmin", issuer="Cizhou Invest")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert parts.path == "/Cizhou%20Invest%3Asecadmin"
    query = parse_qs(parts.query)
    assert query == {
        "secret": [RFC_SECRET],
        "issuer": ["Cizhou Invest"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }


def test_the_command_line_prints_the_current_code():
    out = subprocess.run(
        [sys.executable, "-m", "accounts.totp", RFC_SECRET], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out.isdigit() and len(out) == 6
    assert totp.matching_step(RFC_SECRET, out) is not None
