from decimal import Decimal

from core import units


def test_money_and_land_round_trip():
    assert units.yuan_to_wan(Decimal("1000000000")) == Decimal("100000.00")
    assert units.wan_to_yuan(Decimal("12.5")) == Decimal("125000.00")
    assert units.m2_to_mu(Decimal("133333.33")) == Decimal("200.00")
    assert units.mu_to_m2(Decimal("200")) == Decimal("133333.33")
    assert units.m2_to_mu(None) is None
