"""Money amounts as people write them, understood exactly or rejected — never guessed."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_SUFFIX = {"k": 3, "m": 6, "mn": 6, "bn": 9, "b": 9}
#: The largest power of ten a suffix multiplies by.
MAX_SCALE = max(_SUFFIX.values())
_PLAIN = re.compile(r"\d+(\.\d+)?")
# Thousands separated by commas, underscores (as in Python), spaces (a no-break or thin one
# too, as in French or Georgian) or apostrophes (as in Switzerland), one kind per number:
# 1,250,000.50, 1 250 000, 1'250'000.
_GROUPED = re.compile(r"\d{1,3}(?P<sep>[,_ \u00a0\u202f\u2009'’])\d{3}((?P=sep)\d{3})*(\.\d+)?")
#: A point before exactly three digits: 250.000 is 250 in English and 250000 in German.
_DOT_THOUSANDS = re.compile(r"[1-9]\d{0,2}(\.\d{3})+")
_SHORT = re.compile(r"(?P<num>\d+(\.\d+)?)\s?(?P<suffix>k|m|mn|bn|b)", re.IGNORECASE)
_SYMBOLS = "$€£₾¥₽₺"
#: Most digits a number may have (amounts, percentages, ratings): a trillion with cents has
#: 15. Checked before any pattern runs, so a 100,000-digit value costs one pass over it.
MAX_DIGITS = 24
#: Longest amount text: the digits, their separators, a suffix and some spaces.
_MAX_CHARS = 2 * MAX_DIGITS


class AmountError(ValueError):
    """An amount that cannot be understood exactly; ``hint`` says what would be valid."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


VALID_FORMS = (
    "write a plain number (250000 or 250000.50), a grouped one in quotes ('250,000'), "
    "or one with k, M or bn (250k, 1.2M)"
)


def parse_amount(value: object, *, dot_groups: bool = True) -> Decimal:
    """Parse a non-negative amount: 250000, 250000.5, '250,000', '250 000', '250k', '1.2M', '3bn'.

    With ``dot_groups`` (money), '250.000' and '1.250.000' are refused as ambiguous: a point
    before exactly three digits groups thousands in much of Europe. Exchange rates are
    written with three decimals (1.085) and pass ``dot_groups=False``.
    """
    if isinstance(value, bool) or value is None:
        raise AmountError(f"{value!r} is not an amount", VALID_FORMS)
    if isinstance(value, int | float | Decimal):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise AmountError("expected a number, got a " + _kind(value), VALID_FORMS)

    check_length(text)
    if text.startswith("-"):
        if re.fullmatch(r"-(0+(\.0*)?|\.0+)", text):  # -0 is zero, written with a sign
            text = text[1:]
        else:
            raise AmountError(f"'{text}' is negative; amounts are never below zero", VALID_FORMS)
    # A currency beside digits ('250 EUR', '640k EUR', 'EUR 250', '$100'); 'abc' is no amount.
    if re.search(r"\d", text) and (
        text[0] in _SYMBOLS
        or text[-1] in _SYMBOLS
        or re.search(r"\d\s*[A-Za-z]{3}$|^[A-Za-z]{3}\s*\d|\d\w*\s+[A-Z]{3}$", text)
    ):
        raise AmountError(
            f"'{text}' contains a currency; amounts are plain numbers",
            "put the currency in budget.currency (e.g. currency: EUR) and the number alone here",
        )
    if dot_groups and _DOT_THOUSANDS.fullmatch(text):
        grouped = text.replace(".", "")
        if text.count(".") > 1:
            message = f"'{text}' groups thousands with points"
            hint = f"write {grouped} (or '{int(grouped):,}' in quotes); a point is read as the decimal mark"
        else:
            decimal = f"{Decimal(text).normalize():f}"
            message = (
                f"'{text}' is ambiguous: {int(grouped):,} if the point groups thousands, "
                f"{decimal} if it is a decimal point"
            )
            hint = f"write {grouped} for {int(grouped):,}, or {decimal} for {decimal}"
        raise AmountError(message, hint)
    if _PLAIN.fullmatch(text):
        return _decimal(text)
    if grouped_match := _GROUPED.fullmatch(text):
        return _decimal(text.replace(grouped_match["sep"], ""))
    short = _SHORT.fullmatch(text)
    if short:
        exponent = _SUFFIX[short["suffix"].lower()]
        return _decimal(short["num"]).scaleb(exponent).normalize() + Decimal(0)
    if re.fullmatch(r"\d+,\d{1,2}", text) or re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text):
        raise AmountError(
            f"'{text}' is ambiguous: is the separator a decimal mark or a thousands separator?",
            "use '.' for decimals and ',' only between groups of three digits (1,250,000.50)",
        )
    raise AmountError(f"'{text}' is not an amount", VALID_FORMS)


def check_length(text: str) -> None:
    """Reject a number longer than ``MAX_DIGITS`` digits, in time linear in its length."""
    if len(text) > _MAX_CHARS or sum(ch.isdigit() for ch in text) > MAX_DIGITS:
        raise AmountError(
            f"'{clip(text)}' is too long for a number", f"numbers have at most {MAX_DIGITS} digits"
        )


def clip(text: str, width: int = 24) -> str:
    """``text`` shortened for a message: a 100,000-character value is not repeated in full."""
    return text if len(text) <= width else f"{text[:width]}… ({len(text):,} characters)"


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above only admit digits
        raise AmountError(f"'{text}' is not an amount", VALID_FORMS) from exc


def _kind(value: object) -> str:
    return {"list": "list", "dict": "mapping"}.get(type(value).__name__, type(value).__name__)
