"""Field types of the data contract: each parses what people write and explains what it rejects.

These are pydantic ``Annotated`` types, so the same declaration validates, documents itself in
the JSON Schema and gives the model its Python type. A rejection raises ``PydanticCustomError``
whose context carries a ``hint``, turned into a diagnostic by the loader.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any

import pycountry
from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from itpm_site.model import i18n, slugs, vocab
from itpm_site.model.amounts import (
    AmountError,
    check_length,
    clip,
    parse_amount,
)
from itpm_site.model.slugs import SLUG_PATTERN


def fail(
    code: str, message: str, hint: str = "", field: str | int = "", suggestion: str = ""
) -> PydanticCustomError:
    """A rejection with a hint; ``field`` names the culprit when a model-level rule fails;
    ``suggestion`` is the valid value the message proposes ("did you mean …"), if any."""
    # Braces in user text would be read as template fields by pydantic: pass the text as context.
    context = {"text": message, "hint": hint, "field": field, "suggestion": suggestion}
    return PydanticCustomError(code, "{text}", context)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"'{clip(str(value), 80)}'"


# ------------------------------------------------------------------------------ text


def _text(value: Any) -> Any:
    if isinstance(value, bool | dict | list):
        raise fail(
            "text",
            f"expected text, got {_show(value)}",
            "write the value as plain text; quote it if it looks like true/false",
        )
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        value = value.strip()
        # Only invisible characters (a zero-width space, a direction mark) is no text either.
        return "" if is_blank(value) else value
    return value


def is_blank(value: str) -> bool:
    """``value`` shows nothing: every character of it is a space of some kind or a format
    character such as a zero-width space (Unicode categories Zs, Zl, Zp, Cf); '' is blank."""
    return all(c.isspace() or unicodedata.category(c) in _INVISIBLE_CATEGORIES for c in value)


_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp"})

Text = Annotated[str, BeforeValidator(_text), Field(min_length=1)]
OptionalText = Annotated[str, BeforeValidator(_text)]


# ------------------------------------------------------------------------------ text per language

#: What people write for a language, besides its code: its names and the country's code.
_LANGUAGE_SPELLINGS = {
    **{vocab.normalize(code): code for code in i18n.LANGUAGES},
    **{vocab.normalize(name): code for code, name in i18n.LANGUAGE_NAMES.items()},
    "english": "en",
    "eng": "en",
    "georgian": "ka",
    "kat": "ka",
    "geo": "ka",
    "ge": "ka",
}


def _local_text(value: Any, optional: bool) -> Any:
    """Text, or text per language: ``{en: Monitoring & Control, ka: მონიტორინგი}``."""
    if not isinstance(value, dict):
        written = _text(value)
        if written == "" and not optional:
            raise fail("empty-value", "the text is empty", "write a value after the ':'")
        return written
    out: dict[str, str] = {}
    for key, text in value.items():
        code = str(key).strip()
        if code not in i18n.LANGUAGES:
            # A code typed with a look-alike letter (Cyrillic 'kа') is spelt in Latin first.
            guess = (
                _LANGUAGE_SPELLINGS.get(vocab.normalize(code))
                or _LANGUAGE_SPELLINGS.get(slugs.latin_words(code))
                or vocab.did_you_mean(code, _LANGUAGE_SPELLINGS)
            )
            message = f"'{code}' is not a site language"
            if guess:
                message += f"; did you mean '{guess}'?"
            raise fail(
                "language",
                message,
                f"key each text by a site language: {', '.join(i18n.LANGUAGES)}",
                field=key,
                suggestion=guess or "",
            )
        written = _text(text)
        if not isinstance(written, str) or not written:
            raise fail(
                "text",
                f"expected text for '{code}', got {_show(text)}",
                "write the text in that language, or leave the language out",
                field=key,
            )
        out[code] = written
    if not out and not optional:
        raise fail("text", "expected text, got an empty mapping", "write the text, or {en: …, ka: …}")
    return out


_LOCAL_SCHEMA = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "propertyNames": {"enum": list(i18n.LANGUAGES)},
            "additionalProperties": {"type": "string"},
        },
    ]
}
#: Text, the same in every language, or a mapping of site languages to text.
LocalText = Annotated[
    str | dict[str, str],
    BeforeValidator(lambda v: _local_text(v, optional=False)),
    WithJsonSchema(_LOCAL_SCHEMA),
]
OptionalLocalText = Annotated[
    str | dict[str, str],
    BeforeValidator(lambda v: _local_text(v, optional=True)),
    WithJsonSchema(_LOCAL_SCHEMA),
]


def in_language(value: str | dict[str, str], language: str) -> str | None:
    """``value`` in ``language``: text is the same in every language; a mapping gives its
    entry (None when it has none for ``language``)."""
    return value if isinstance(value, str) else value.get(language)


def every_language(value: str | dict[str, str]) -> list[str]:
    """Every text ``value`` holds, once each."""
    return [value] if isinstance(value, str) else list(dict.fromkeys(value.values()))


_SEPARATORS = re.compile(r"[,;]")


def _text_list(value: Any) -> Any:
    if isinstance(value, str):  # `tags: web` means a list of one
        if _SEPARATORS.search(value):
            # `tags: aws, cloud` is one text to YAML: the author meant a list.
            items = [part.strip() for part in _SEPARATORS.split(value) if part.strip()]
            raise fail(
                "comma-list",
                f"'{clip(value.strip(), 80)}' is one text with commas or semicolons, not a list",
                f"write a list: [{', '.join(items)}] (or one item per line starting with '- ')",
            )
        return [value]
    return value


def _name_list(value: Any) -> Any:
    """A list of names or keywords (tags, team): an item holding several is a mistake too."""
    value = _text_list(value)
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str) and _SEPARATORS.search(item):
                items = [part.strip() for part in _SEPARATORS.split(item) if part.strip()]
                raise fail(
                    "comma-list",
                    f"item {index + 1}, '{clip(item.strip(), 80)}', holds several separated by commas "
                    "or semicolons",
                    f"write each as an item of its own: {', '.join(items)}",
                    field=index,
                )
    return value


# The schema admits the single-string form too, so editors do not flag `tags: web`.
TextList = Annotated[list[Text], BeforeValidator(_text_list, json_schema_input_type=list[Text] | Text)]
#: Tags or people: one per item ('network, data-centre' as one item is two).
NameList = Annotated[list[Text], BeforeValidator(_name_list, json_schema_input_type=list[Text] | Text)]

# ------------------------------------------------------------------------------ slug


def _slug(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str) and not slugs.is_valid(value):
        raise fail(
            "slug",
            f"'{clip(value, 80)}' is not a valid slug ({_slug_rule(value)})",
            f"use '{slugs.slugify(value)}'",
        )
    return value


def _slug_rule(value: str) -> str:
    if len(value) > slugs.MAX_LENGTH:
        return f"at most {slugs.MAX_LENGTH} characters"
    if value in slugs.WINDOWS_RESERVED:
        return "Windows reserves it for a device"
    return "lowercase letters, digits and '-' only"


Slug = Annotated[
    str,
    BeforeValidator(_slug),
    WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN, "maxLength": slugs.MAX_LENGTH}),
]
SlugList = Annotated[list[Slug], BeforeValidator(_text_list, json_schema_input_type=list[Slug] | Slug)]

# ------------------------------------------------------------------------------ vocabularies


def _choice(vocabulary: vocab.Vocabulary):
    def parse(value: Any) -> Any:
        if isinstance(value, vocabulary.enum):
            return value
        if not isinstance(value, str):
            raise fail(
                vocabulary.enum.__name__.lower(),
                f"{_show(value)} is not {vocabulary.noun}",
                f"use one of: {vocabulary.choices()}",
            )
        parsed = vocabulary.parse(value)
        if parsed is not None:
            return parsed
        suggestion = vocabulary.suggest(value)
        message = f"'{value}' is not {vocabulary.noun}"
        if suggestion:
            message += f"; did you mean '{suggestion}'?"
        raise fail(
            vocabulary.enum.__name__.lower(),
            message,
            f"use one of: {vocabulary.choices()}",
            suggestion=suggestion or "",
        )

    return parse


def _enum_schema(vocabulary: vocab.Vocabulary) -> dict:
    return {"type": "string", "enum": [m.value for m in vocabulary.enum]}


PhaseField = Annotated[
    vocab.Phase, BeforeValidator(_choice(vocab.PHASES)), WithJsonSchema(_enum_schema(vocab.PHASES))
]
StatusField = Annotated[
    vocab.Status, BeforeValidator(_choice(vocab.STATUSES)), WithJsonSchema(_enum_schema(vocab.STATUSES))
]
StateField = Annotated[
    vocab.State, BeforeValidator(_choice(vocab.STATES)), WithJsonSchema(_enum_schema(vocab.STATES))
]
PriorityField = Annotated[
    vocab.Priority, BeforeValidator(_choice(vocab.PRIORITIES)), WithJsonSchema(_enum_schema(vocab.PRIORITIES))
]
RiskResponseField = Annotated[
    vocab.RiskResponse,
    BeforeValidator(_choice(vocab.RISK_RESPONSES)),
    WithJsonSchema(_enum_schema(vocab.RISK_RESPONSES)),
]
RiskStatusField = Annotated[
    vocab.RiskStatus,
    BeforeValidator(_choice(vocab.RISK_STATUSES)),
    WithJsonSchema(_enum_schema(vocab.RISK_STATUSES)),
]

# ------------------------------------------------------------------------------ numbers

_INT_RE = re.compile(r"[0-9]+")


def _whole(low: int, high: int, what: str):
    def parse(value: Any) -> int:
        text = value.strip().rstrip("%").strip() if isinstance(value, str) else value
        if isinstance(text, str):
            try:
                check_length(text)
            except AmountError as exc:
                raise fail("range", str(exc), f"write a whole number from {low} to {high}") from None
        if isinstance(text, int) and not isinstance(text, bool):
            number = text
        elif isinstance(text, str) and _INT_RE.fullmatch(text):
            number = int(text)
        else:
            raise fail("range", f"{_show(value)} is not {what}", f"write a whole number from {low} to {high}")
        if not low <= number <= high:
            raise fail(
                "range",
                f"{number} is not between {low} and {high}",
                f"write a whole number from {low} to {high}",
            )
        return number

    return parse


Scale = Annotated[
    int,
    BeforeValidator(_whole(1, 5, "a 1-5 rating")),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 5}),
]
Percent = Annotated[
    int,
    BeforeValidator(_whole(0, 100, "a percentage")),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 100}),
]
Month = Annotated[
    int,
    BeforeValidator(_whole(1, 12, "a month number")),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 12}),
]


def _amount(value: Any) -> Decimal:
    try:
        return parse_amount(value)
    except AmountError as exc:
        raise fail("amount", str(exc), exc.hint) from None


def _rate(value: Any) -> Decimal:
    try:
        return parse_amount(value, dot_groups=False)
    except AmountError as exc:
        raise fail("amount", str(exc), exc.hint) from None


AMOUNT_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {
            "type": "string",
            "pattern": r"^\d{1,3}([,_ '’]\d{3})*(\.\d+)?$|^\d+(\.\d+)?\s?([kKmMbB]|mn|bn)?$",
        },
    ]
}
Amount = Annotated[Decimal, BeforeValidator(_amount), WithJsonSchema(AMOUNT_SCHEMA)]
#: An exchange rate: a number like an amount, where '1.085' is always a decimal.
Rate = Annotated[Decimal, BeforeValidator(_rate), WithJsonSchema(AMOUNT_SCHEMA)]


def _bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        raise fail(
            "bool",
            f"'{value}' is quoted, so it is text, not true or false",
            f"remove the quotes: {value.strip().lower()}",
        )
    raise fail(
        "bool", f"{_show(value)} is not true or false", "write true or false (yes/no/on/off are read as text)"
    )


Bool = Annotated[bool, BeforeValidator(_bool), WithJsonSchema({"type": "boolean"})]

# ------------------------------------------------------------------------------ dates

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

#: The dates every date field accepts (project, milestone and status dates, site.yaml's
#: ``as_of``, the ``--as-of`` option): wide enough for any real portfolio, and far enough from
#: the calendar's ends (year 1 and 9999) that the day after a date, the month after it and a
#: fiscal year's label always exist.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2999, 12, 31)
DATE_RANGE = f"{MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}"


def date_out_of_range(day: dt.date) -> str | None:
    """Why ``day`` is not accepted (outside MIN_DATE..MAX_DATE), or None when it is."""
    if MIN_DATE <= day <= MAX_DATE:
        return None
    return f"{day.isoformat()} is outside the supported dates, {DATE_RANGE}"


def parse_iso_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    else:
        text = value.strip() if isinstance(value, str) else None
        if text is None or not _DATE_RE.fullmatch(text):
            raise fail("date", f"{_show(value)} is not a date", "write dates as YYYY-MM-DD, e.g. 2026-09-30")
        try:
            day = dt.date.fromisoformat(text)
        except ValueError as exc:
            raise fail(
                "date", f"'{text}' is not a real date ({exc})", "write dates as YYYY-MM-DD, e.g. 2026-09-30"
            ) from None
    problem = date_out_of_range(day)
    if problem:
        raise fail("date", problem, f"use a date from {DATE_RANGE}; check the year for a typo")
    return day


IsoDate = Annotated[
    dt.date, BeforeValidator(parse_iso_date), WithJsonSchema({"type": "string", "format": "date"})
]

# ------------------------------------------------------------------------------ currency

_CURRENCIES = {c.alpha_3: c.name for c in pycountry.currencies}


def _currency(value: Any) -> str:
    if not isinstance(value, str):
        raise fail(
            "currency",
            f"{_show(value)} is not a currency code",
            "use a three-letter ISO 4217 code such as USD, EUR or GEL",
        )
    code = value.strip().upper()
    if code in _CURRENCIES:
        return code
    by_name = {vocab.normalize(name): alpha for alpha, name in _CURRENCIES.items()}
    guess = by_name.get(vocab.normalize(value)) or vocab.did_you_mean(
        value, {vocab.normalize(a): a for a in _CURRENCIES}
    )
    message = f"'{value}' is not an ISO 4217 currency code"
    if guess:
        message += f"; did you mean '{guess}'?"
    raise fail(
        "currency",
        message,
        "use a three-letter ISO 4217 code such as USD, EUR or GEL",
        suggestion=guess or "",
    )


Currency = Annotated[
    str, BeforeValidator(_currency), WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$"})
]


# ------------------------------------------------------------------------------ placeholders

#: What people (and ``itpm-site new``) write for a value not known yet: TBD, TBC, TODO,
#: '???', '<owner>'. Taken as data it would publish "TBD" as a sponsor, or a budget of 0.
_PLACEHOLDER = re.compile(
    # '<owner>' and '<YYYY-MM-DD>' are placeholders; '<img src=x>' is markup, not one.
    r"(t\.?b\.?[dc]\.?|to\s?do|fixme|x{3,}|\?+|<[^<>=\"\n]*>|fill\s+in\b.*|n\.?\s?/?\s?a\.?|none|nil"
    r"|unassigned|unknown|[-—–]+|to\s+be\s+(confirmed|decided|determined|defined|agreed|assigned))",
    re.IGNORECASE | re.DOTALL,
)


#: The first letters a placeholder can have: most values are ruled out without the pattern.
PLACEHOLDER_STARTS = frozenset("tTfFxX?<nNuU-—–")


def is_placeholder(value: object) -> bool:
    """``value`` is a placeholder for something still to be written."""
    if not isinstance(value, str) or not (value[:1] in PLACEHOLDER_STARTS or value[:1].isspace()):
        return False
    text = value.strip()
    return text[:1] in PLACEHOLDER_STARTS and bool(_PLACEHOLDER.fullmatch(text))


# ------------------------------------------------------------------------------ extra


def _extra(value: Any) -> Any:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise fail(
            "extra",
            f"'extra' must be a group of 'key: value' lines, not {_show(value)}",
            "indent the theme's own keys under 'extra:', e.g. extra: {cost_centre: CC-104}",
        )
    return value


#: Data only a theme uses: any mapping, passed to templates and exports as written, never
#: validated. Every other key of a closed mapping is an error, so a misspelt key cannot
#: silently drop a value; this is where keys the contract does not know go on purpose.
Extra = Annotated[
    dict[str, Any],
    BeforeValidator(_extra),
    WithJsonSchema({"type": "object", "description": "Keys a theme uses; passed on, never validated."}),
]

# ------------------------------------------------------------------------------ links

_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _url(value: Any) -> Any:
    value = _text(value)
    if isinstance(value, str):
        lowered = value.lower()
        if ":" in lowered.split("/", 1)[0] and not lowered.startswith(_SAFE_SCHEMES):
            raise fail(
                "url",
                f"'{value}' uses a scheme that is not allowed",
                "links must be http://, https:// or mailto: addresses, or relative paths",
            )
        if re.match(r"(?i)(https?|mailto)(//|:/[^/]|/)", value) or re.match(
            r"(?i)(www\.|[a-z0-9-]+\.[a-z0-9-]+\.[a-z]{2,}(/|$))", value
        ):
            raise fail(
                "url",
                f"'{value}' looks like a web address without its 'https://'",
                "write the address in full, e.g. https://wiki.example.com/page; as written it would "
                "be a link inside this site, which leads nowhere",
            )
        if is_protocol_relative(value):
            raise fail(
                "url",
                f"'{value}' leads to another site without saying how",
                "write the address in full (https://…); a link starting '//' is not relative",
            )
    return value


Url = Annotated[str, BeforeValidator(_url), Field(min_length=1)]


def is_protocol_relative(url: str) -> bool:
    """'//host/x' (and '\\\\host', which browsers read the same) leaves the site: it is no
    relative link."""
    return url.strip().replace("\\", "/").startswith("//")
