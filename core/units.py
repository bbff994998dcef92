"""Conversions between what is stored (yuan, m²) and what people read and type (万元, 亩)."""

from decimal import ROUND_HALF_UP, Decimal

YUAN_PER_WAN = Decimal(10000)
M2_PER_MU = Decimal(10000) / Decimal(15)


def yuan_to_wan(yuan):
    if yuan is None:
        return None
    return (Decimal(yuan) / YUAN_PER_WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def wan_to_yuan(wan):
    if wan is None:
        return None
    return (Decimal(wan) * YUAN_PER_WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def m2_to_mu(m2):
    if m2 is None:
        return None
    return (Decimal(m2) / M2_PER_MU).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def mu_to_m2(mu):
    if mu is None:
        return None
    return (Decimal(mu) * M2_PER_MU).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
