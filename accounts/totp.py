"""Time-based one-time passwords (RFC 6238): HOTP (RFC 4226) over HMAC-SHA-1 on 30-second steps, 6 digits.

The standard library only, so the second factor depends on nothing that is not already audited with Python.
Any authenticator app (or ``oathtool --totp -b SECRET``) computes the same codes; so does
``python -m accounts.totp SECRET``.
"""

import base64
import hashlib
import hmac
import secrets
import struct
import sys
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
# Codes of the step before and after the current one are accepted too: clocks drift and people type slowly.
WINDOW = 1


def new_secret():
    """A random 160-bit key (the length RFC 4226 recommends), base32 as authenticator apps expect it."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def _key(secret):
    compact = secret.replace(" ", "").upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def hotp(key, counter, digits=DIGITS):
    """RFC 4226 section 5.3: HMAC-SHA-1 of the 8-byte counter, dynamically truncated to ``digits`` digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def step_at(when=None):
    """The RFC 6238 time step (T) at Unix time ``when`` (now by default)."""
    return int((time.time() if when is None else when) // STEP_SECONDS)


def code_at(secret, when=None, digits=DIGITS):
    return hotp(_key(secret), step_at(when), digits)


def matching_step(secret, code, *, when=None, window=WINDOW):
    """The time step within ``window`` steps of ``when`` whose code is ``code``, or None.

    Every candidate is compared in constant time and the loop never stops early, so the answer's timing says
    nothing about which step matched. The caller refuses a step already used (no replay within the window)."""
    code = "".join(str(code).split())
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    key = _key(secret)
    now = step_at(when)
    found = None
    for step in range(now - window, now + window + 1):
        if hmac.compare_digest(hotp(key, step), code):
            found = step
    return found


def provisioning_uri(secret, *, account, issuer):
    """The ``otpauth://`` URI authenticator apps read (as text or from a QR code)."""
    label = quote(f"{issuer}:{account}", safe="")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP_SECONDS}
    )
    return f"otpauth://totp/{label}?{query}"


if __name__ == "__main__":  # The demo's stand-in for an authenticator app.
    if len(sys.argv) != 2:
        sys.exit("usage: python -m accounts.totp BASE32_SECRET")
    print(code_at(sys.argv[1]))
