"""The site's language: its words (gettext catalogs) and its dates, numbers and amounts (CLDR,
through Babel), in one place.

A build sets the language once (``use_language``) before the portfolio is aggregated; the
render workers are forked after that and inherit it. Pages, charts and the views take every
word from ``gettext``/``ngettext`` and every figure from the ``format_*`` functions here. The
command line and the pull-request comment stay English and keep using ``model.money`` and
``model.text`` directly; data exports keep ISO dates and plain numbers in every language.

The catalogs ship as ``.po`` files (``itpm_site/locale/<lang>/LC_MESSAGES/messages.po``) and
are compiled in memory when a build first needs one: no compiled binaries in the repository.
English is the source language, so an English site formats exactly as ``model.money`` does.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as _gettext
import io
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from itpm_site.model import money, text

if TYPE_CHECKING:
    from babel import Locale

#: The languages a site can be built in (site.yaml ``language``); the first is the source.
LANGUAGES: tuple[str, ...] = ("en", "ka")
#: Each language's name, in itself (the language switch and documentation).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "ka": "ქართული"}
SOURCE = LANGUAGES[0]
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

#: The month abbreviations of English pages and of the command line's messages.
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``language`` (English: the source strings themselves)."""
    if language == SOURCE or not po_path(language).is_file():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as msgfmt does
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


#: Where the theme's scripts live (their words go into every page, base.html).
THEME_SCRIPTS = "themes/"
#: The script ``serve`` adds to the pages it serves (its words are served with it).
RELOAD_SCRIPT = "itpm_site/serve/reload.js"


@functools.cache
def script_messages(language: str, scripts: str = THEME_SCRIPTS) -> dict[str, str | list[str]]:
    """The catalog entries the scripts under ``scripts`` (a path or a folder, from the
    repository's root) use, as the page hands them to the scripts: msgid → translation, or
    the list of plural forms."""
    if language == SOURCE or not po_path(language).is_file():
        return {}
    from babel.messages.pofile import read_po

    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    out: dict[str, str | list[str]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if not any(f.endswith(".js") and f.startswith(scripts) for f, _ in message.locations):
            continue
        if isinstance(message.id, tuple | list):
            out[str(message.id[0])] = [str(form) for form in message.string or ()]
        elif message.string:
            out[str(message.id)] = str(message.string)
    return dict(sorted(out.items()))


class _Active:
    language: str = SOURCE
    catalog: _gettext.NullTranslations = _gettext.NullTranslations()


class Labelled(_gettext.NullTranslations):
    """A catalog with some of its messages replaced: the labels a portfolio gives its phases
    and statuses (site.yaml ``labels``), source label -> the portfolio's text."""

    def __init__(self, catalog: _gettext.NullTranslations, labels: dict[str, str]) -> None:
        super().__init__()
        self._catalog = catalog
        self._labels = dict(labels)

    def gettext(self, message: str) -> str:
        found = self._labels.get(message)
        return found if found is not None else self._catalog.gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self._catalog.ngettext(msgid1, msgid2, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._catalog.pgettext(context, message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self._catalog.npgettext(context, msgid1, msgid2, n)


def use_language(language: str, labels: dict[str, str] | None = None) -> None:
    """Make ``language`` the one every later word and figure of this process is given in;
    ``labels`` replace the catalog's words for those messages (a portfolio's own labels)."""
    _Active.language = language
    _Active.catalog = Labelled(translations(language), labels) if labels else translations(language)


def language() -> str:
    return _Active.language


def catalog() -> _gettext.NullTranslations:
    """The active catalog (Jinja's i18n extension is given it)."""
    return _Active.catalog


def gettext(message: str) -> str:
    return _Active.catalog.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _Active.catalog.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _Active.catalog.pgettext(context, message)


def N_(message: str) -> str:
    """Marks a string for the catalog where it is defined; it is translated where shown."""
    return message


def count(n: int, singular: str, plural: str) -> str:
    """A count and its noun in the site's language: '3 projects', '3 პროექტი'. The messages
    hold the number as ``%(n)s``."""
    return ngettext(singular, plural, n) % {"n": format_number(n)}


# ------------------------------------------------------------------------------ figures


def format_number(value: int | Decimal) -> str:
    """A whole number with the language's grouping: '7,661' / '7 661'."""
    if _Active.language == SOURCE:
        return str(value)
    return _decimal(Decimal(value), _Active.language)


@functools.lru_cache(maxsize=65536)
def _decimal(value: Decimal, locale: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale)


def format_amount(
    amount: Decimal | None, currency: str | None = None, compact: bool = False, signed: bool = False
) -> str:
    """An amount in whole units, as ``model.money.format_amount`` in English ('1,250,000 USD',
    compact '1.25M USD'); in another language by CLDR ('7 661 000 ₾', '7,66 მლნ. ₾')."""
    if _Active.language == SOURCE or amount is None:
        return money.format_amount(amount, currency, compact, signed)
    return _amount(amount, currency, compact, signed, _Active.language)


@functools.lru_cache(maxsize=65536)
def _amount(amount: Decimal, currency: str | None, compact: bool, signed: bool, locale: str) -> str:
    if compact:
        from babel.numbers import format_compact_currency, format_compact_decimal

        body = (
            format_compact_currency(amount, currency, locale=_locale(locale), fraction_digits=2)
            if currency
            else format_compact_decimal(amount, locale=_locale(locale), fraction_digits=2)
        )
        value = amount
    else:
        value = money.whole(amount)
        body = whole_amount(value, currency, locale)
    body = body.replace("-", "−") if value < 0 else body
    return ("+" if signed and amount > 0 else "") + body


#: The CLDR patterns of whole amounts: grouped by three, no decimals, the currency's symbol
#: after the digits.
WHOLE_PATTERN = "#,##0"
WHOLE_CURRENCY_PATTERN = WHOLE_PATTERN + "\xa0¤"


def whole_amount(value: Decimal, currency: str | None, locale: str) -> str:
    """``value`` (whole) in ``locale`` with the patterns above: what Babel's
    ``format_currency``/``format_decimal`` give (tests/test_i18n.py holds them equal), without
    their locale and pattern look-ups on every call. Every amount of a page comes here."""
    group, suffix = _whole_parts(currency, locale)
    digits = f"{abs(value):,f}".replace(",", group)
    return ("-" if value.is_signed() else "") + digits + suffix


@functools.cache
def _whole_parts(currency: str | None, locale: str) -> tuple[str, str]:
    """The group separator of ``locale``, and what the pattern puts after the digits."""
    from babel.numbers import get_currency_symbol, get_group_symbol

    group = get_group_symbol(_locale(locale))
    if not currency:
        return group, ""
    symbol = get_currency_symbol(currency, _locale(locale))
    return group, WHOLE_CURRENCY_PATTERN.removeprefix(WHOLE_PATTERN).replace("¤", symbol)


@functools.cache
def _locale(locale: str) -> Locale:
    """Babel's locale, parsed once (each formatting call would parse its name again)."""
    from babel import Locale

    return Locale.parse(locale)


def format_percent(value: Decimal | float | None, signed: bool = False) -> str:
    """A percentage with one decimal ('+18.6%' / '+18,6%'); '–' when undefined."""
    text_ = money.format_percent(None if value is None else Decimal(value), signed)
    if _Active.language == SOURCE or value is None:
        return text_
    return text_.replace(".", _decimal_symbol(_Active.language))


@functools.cache
def _decimal_symbol(locale: str) -> str:
    from babel.numbers import get_decimal_symbol

    return get_decimal_symbol(_locale(locale))


def format_date(value: dt.date | None, style: str = "") -> str:
    """The one date format of the pages: '1 Apr 2026' / '1 აპრ. 2026'; '–' when unknown."""
    del style  # the theme passes 'short' in places: one format serves every place
    if value is None:
        return "–"
    if _Active.language == SOURCE:
        return f"{value.day} {EN_MONTHS[value.month - 1]} {value.year}"
    return _date(value, _Active.language)


@functools.lru_cache(maxsize=8192)
def _date(value: dt.date, locale: str) -> str:
    from babel.dates import format_date as babel_date

    return babel_date(value, "medium", locale=_locale(locale))


def month_names(width: Literal["abbreviated", "narrow"] = "abbreviated") -> tuple[str, ...]:
    """The twelve month names ('Jan'…; ``narrow``: 'J'…) for chart axes."""
    if _Active.language == SOURCE:
        return EN_MONTHS if width == "abbreviated" else tuple(m[0] for m in EN_MONTHS)
    return _months(width, _Active.language)


@functools.cache
def _months(width: Literal["abbreviated", "narrow"], locale: str) -> tuple[str, ...]:
    from babel.dates import get_month_names

    names = get_month_names(width, "stand-alone", locale=locale)
    return tuple(str(names[m]).rstrip(".") for m in range(1, 13))


def signed_days(n: int | None, short: bool = False) -> str:
    """Days as a change: '+3 days' ('+3 d' ``short``); '–' when unknown."""
    if _Active.language == SOURCE:
        return text.signed_days(n, short)
    if n is None:
        return "–"
    sign = "+" if n > 0 else ""
    if short:
        return sign + gettext("%(n)s d") % {"n": n}
    return sign + ngettext("%(n)s day", "%(n)s days", abs(n)) % {"n": n}
