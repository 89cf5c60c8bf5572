"""Money amounts as people write them: understood exactly (as Decimal) or rejected, never guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from itpm_site.model.amounts import VALID_FORMS, AmountError, parse_amount

CURRENCY_HINT = "put the currency in budget.currency (e.g. currency: EUR) and the number alone here"
AMBIGUOUS_HINT = "use '.' for decimals and ',' only between groups of three digits (1,250,000.50)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("250,000", "250000"),
        ("250k", "250000"),
        ("250K", "250000"),
        ("250 k", "250000"),
        ("1.2M", "1200000"),
        ("1.1M", "1100000"),  # exactly: 1.1 * 10**6 in binary floating point is 1100000.0000000002
        ("0.1m", "100000"),
        ("10mn", "10000000"),
        ("3bn", "3000000000"),
        ("1.23456789k", "1234.56789"),
        ("1,250,000.50", "1250000.50"),
        ("1_000", "1000"),
        ("250000", "250000"),
        ("250000.5", "250000.5"),
        ("  42  ", "42"),
        ("0", "0"),
        (250000, "250000"),
        (0, "0"),
        (1.1, "1.1"),
        (Decimal("7.25"), "7.25"),
        # Grouped with spaces (a no-break or thin one too) or apostrophes, one kind per number.
        ("250 000", "250000"),
        ("1 250 000.50", "1250000.50"),
        ("1\u00a0250\u00a0000", "1250000"),
        ("1\u202f250", "1250"),
        ("250'000", "250000"),
        ("1’250’000", "1250000"),
        # A point before other than three digits is a decimal point; so is one after a 0.
        ("1250.000", "1250.000"),
        ("0.125", "0.125"),
        ("250.50", "250.50"),
    ],
)
def test_understood_exactly(value, expected):
    result = parse_amount(value)
    assert type(result) is Decimal
    assert result == Decimal(expected)
    assert str(result) == expected  # no exponent notation, no float noise


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        (
            "1,5",
            "'1,5' is ambiguous: is the separator a decimal mark or a thousands separator?",
            AMBIGUOUS_HINT,
        ),
        (
            "1.000.000",
            "'1.000.000' groups thousands with points",
            "write 1000000 (or '1,000,000' in quotes); a point is read as the decimal mark",
        ),
        # 250 in English, 250,000 in German: refused, with both readings.
        (
            "250.000",
            "'250.000' is ambiguous: 250,000 if the point groups thousands, 250 if it is a decimal point",
            "write 250000 for 250,000, or 250 for 250",
        ),
        (
            "12.500",
            "'12.500' is ambiguous: 12,500 if the point groups thousands, 12.5 if it is a decimal point",
            "write 12500 for 12,500, or 12.5 for 12.5",
        ),
        ("1 250,000", "'1 250,000' is not an amount", VALID_FORMS),
        ("250 00", "'250 00' is not an amount", VALID_FORMS),
        ("250 EUR", "'250 EUR' contains a currency; amounts are plain numbers", CURRENCY_HINT),
        ("640k EUR", "'640k EUR' contains a currency; amounts are plain numbers", CURRENCY_HINT),
        ("EUR 250", "'EUR 250' contains a currency; amounts are plain numbers", CURRENCY_HINT),
        ("250usd", "'250usd' contains a currency; amounts are plain numbers", CURRENCY_HINT),
        ("$100", "'$100' contains a currency; amounts are plain numbers", CURRENCY_HINT),
        ("100₾", "'100₾' contains a currency; amounts are plain numbers", CURRENCY_HINT),
        ("-5", "'-5' is negative; amounts are never below zero", VALID_FORMS),
        (-1, "'-1' is negative; amounts are never below zero", VALID_FORMS),
        ("abc", "'abc' is not an amount", VALID_FORMS),
        ("", "'' is not an amount", VALID_FORMS),
        ("1e6", "'1e6' is not an amount", VALID_FORMS),
        ("12,34,567", "'12,34,567' is not an amount", VALID_FORMS),
        ("1,000k", "'1,000k' is not an amount", VALID_FORMS),
        ("about 5k", "'about 5k' is not an amount", VALID_FORMS),
        (float("nan"), "'nan' is not an amount", VALID_FORMS),
        (True, "True is not an amount", VALID_FORMS),
        (None, "None is not an amount", VALID_FORMS),
        ([1], "expected a number, got a list", VALID_FORMS),
        ({"planned": 1}, "expected a number, got a mapping", VALID_FORMS),
    ],
)
def test_rejected_with_a_clear_message(value, message, hint):
    with pytest.raises(AmountError) as caught:
        parse_amount(value)
    assert str(caught.value) == message
    assert caught.value.hint == hint


def test_amount_error_is_a_value_error():
    assert issubclass(AmountError, ValueError)


@pytest.mark.parametrize("written", ["-0", "-0.00", "-00", -0.0])
def test_minus_zero_is_zero_not_negative(written):
    assert parse_amount(written) == 0


def test_an_exchange_rate_with_three_decimals_is_a_decimal():
    assert parse_amount("1.085", dot_groups=False) == Decimal("1.085")
    with pytest.raises(AmountError):
        parse_amount("1.085")
