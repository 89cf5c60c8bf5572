"""``site.yaml``: the portfolio's settings, all optional, declared as a typed model."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from itpm_site.model import i18n, vocab
from itpm_site.model.fields import (
    DATE_RANGE,
    Bool,
    Currency,
    Extra,
    IsoDate,
    LocalText,
    Month,
    OptionalLocalText,
    PhaseField,
    Rate,
    Slug,
    StatusField,
    Text,
    TextList,
    date_out_of_range,
    every_language,
    fail,
    in_language,
)
from itpm_site.model.i18n import N_
from itpm_site.model.people import PeopleSettings


class Category(BaseModel):
    """One kind of project in the taxonomy; a project's ``category`` matches slug, label or alias."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    slug: Slug
    #: Text, or text per language ({en: Cyber security, ka: კიბერუსაფრთხოება}).
    label: LocalText
    description: OptionalLocalText = ""
    aliases: TextList = Field(default_factory=list)

    @property
    def built_in(self) -> bool:
        """One of the default taxonomy's: its words are the catalog's, in every language."""
        return any(self == category for category in DEFAULT_CATEGORIES)

    def spellings(self) -> list[str]:
        """What a project's ``category`` may say: the slug, the label in every language it is
        written in (a built-in category's in every site language), and the aliases."""
        labels = every_language(self.label)
        if self.built_in:
            labels += [i18n.translations(language).gettext(self.label_text) for language in i18n.LANGUAGES]
        return [self.slug, *labels, *self.aliases]

    @property
    def label_text(self) -> str:
        """The label as the source language (or the first language given) writes it."""
        return in_language(self.label, i18n.SOURCE) or every_language(self.label)[0]

    def shown_label(self) -> str:
        """The label in the site's language."""
        return self._shown(self.label)

    def shown_description(self) -> str:
        return self._shown(self.description) if self.description else ""

    def _shown(self, value: str | dict[str, str]) -> str:
        # A portfolio's own text stands as written; the built-in taxonomy's comes from the
        # catalog, and so does a mapping's English text when it has none in the language.
        text = in_language(value, i18n.language())
        if text is not None and not self.built_in:
            return text
        english = in_language(value, i18n.SOURCE) or every_language(value)[0]
        return i18n.gettext(english)


#: The four kinds of IT project, with the names people give them in practice ("&" and "and"
#: are the same to the matcher, as are case and punctuation).
DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category(
        slug="software",
        label=N_("Software"),
        description=N_("Software, website and app development"),
        aliases=[
            "software development",
            "application",
            "app",
            "apps",
            "web",
            "website",
            "mobile",
            "development",
            "application development",
            "app development",
            "web development",
            "website development",
            "web and app development",
            "websites and apps",
            "mobile apps",
            "mobile development",
            "software, website and app development",
            "digital products",
        ],
    ),
    Category(
        slug="network-cloud",
        label=N_("Network & cloud"),
        description=N_("Network and cloud updates or expansion"),
        aliases=[
            "network",
            "networking",
            "networks",
            "cloud",
            "infrastructure",
            "network and cloud",
            "cloud and network",
            "hosting",
            "cloud migration",
            "cloud infrastructure",
            "network infrastructure",
            "infrastructure and cloud",
            "network and cloud updates",
            "network and cloud updates or expansion",
        ],
    ),
    Category(
        slug="data-analytics",
        label=N_("Data & analytics"),
        description=N_("Data management and business analytics"),
        aliases=[
            "data",
            "analytics",
            "bi",
            "business intelligence",
            "data management",
            "reporting",
            "business analytics",
            "data and business analytics",
            "data management and business analytics",
            "analytics and reporting",
            "data and reporting",
            "data platform",
            "data and ai",
        ],
    ),
    Category(
        slug="it-services",
        label=N_("IT services"),
        description=N_("Help desk support and other technology services"),
        aliases=[
            "services",
            "it service",
            "help desk",
            "helpdesk",
            "service desk",
            "support",
            "it support",
            "technology services",
            "technological services",
            "help desk and technology services",
            "help desk and support",
            "help desk support",
            "help desk support and other technology services",
            "help desk support and other technological services",
            "service management",
            "itsm",
            "it operations",
            "technical support",
            "end user services",
            "end user computing",
            "workplace services",
        ],
    ),
)


class RiskBands(BaseModel):
    """Lowest score (probability × impact) of each band; the defaults give 1-4 low,
    5-9 medium, 10-15 high, 16-25 critical."""

    # Unknown keys are a warning from the loader (as everywhere), not a second, raw error.
    model_config = ConfigDict(extra="ignore", frozen=True)

    low: int = 1
    medium: int = 5
    high: int = 10
    critical: int = 16

    @model_validator(mode="after")
    def _increasing(self) -> RiskBands:
        bounds = [self.low, self.medium, self.high, self.critical]
        if self.low != 1 or bounds != sorted(set(bounds)) or self.critical > 25:
            raise fail(
                "risk-bands",
                f"risk bands must start at 1 and increase up to 25, got {bounds}",
                "e.g. risk_bands: {low: 1, medium: 5, high: 10, critical: 16}",
            )
        return self

    def band(self, score: int) -> str:
        for name, lowest in (("critical", self.critical), ("high", self.high), ("medium", self.medium)):
            if score >= lowest:
                return name
        return "low"

    def ranges(self) -> list[tuple[str, int, int]]:
        starts = [
            ("low", self.low),
            ("medium", self.medium),
            ("high", self.high),
            ("critical", self.critical),
        ]
        return [
            (name, lo, (starts[i + 1][1] - 1) if i + 1 < len(starts) else 25)
            for i, (name, lo) in enumerate(starts)
        ]


class LabelSettings(BaseModel):
    """``labels:``: what the pages call a phase or a status, in place of the catalog's words."""

    # A closed mapping: a misspelt ``phases:`` would silently keep the catalog's words.
    model_config = ConfigDict(extra="forbid", frozen=True)

    phase: dict[PhaseField, LocalText] = Field(
        default_factory=dict,
        description="Phase -> its label, or its label per language: {monitoring: {en: …, ka: …}}.",
    )
    status: dict[StatusField, LocalText] = Field(
        default_factory=dict, description="RAG status -> its label: {amber: At risk}."
    )

    def overrides(self, language: str) -> dict[str, str]:
        """The catalog's messages these labels replace in ``language``: source label -> text
        (a label given for other languages only replaces nothing)."""
        out: dict[str, str] = {}
        for phase, label in self.phase.items():
            text = in_language(label, language)
            if text is not None:
                out[vocab.PHASE_INFO[phase].source_label] = text
        for status, label in self.status.items():
            text = in_language(label, language)
            if text is not None:
                out[status.source_label] = text
        return out


class HistorySettings(BaseModel):
    """``history:``: how the pages read from the portfolio's git history behave."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    weeks: int = Field(8, ge=1, le=520, description="Weeks shown on the changes page.")
    stale_days: int = Field(
        30, ge=1, description=("A project whose file has not changed in git for longer than this is flagged.")
    )
    authors: Bool = Field(
        False,
        description=(
            "Show who made each change (commit authors); off by default, as names may be sensitive."
        ),
    )


class ReportSettings(BaseModel):
    """``report:``: the steering-committee pack (``/report/``)."""

    # A closed mapping: a misspelt ``sinse:`` would silently fall back to the default period.
    model_config = ConfigDict(extra="forbid", frozen=True)

    since: IsoDate | None = Field(
        None,
        description=(
            'The date of the last steering committee: the pack\'s "since the last committee" '
            "page covers the changes after it (default: 30 days before as_of; --since overrides)."
        ),
    )


#: The "since the last committee" period when neither --since nor report.since is given.
DEFAULT_REPORT_DAYS = 30


def resolve_report_since(explicit: dt.date | None, config: SiteConfig, as_of: dt.date) -> tuple[dt.date, str]:
    """--since, else site.yaml's report.since, else 30 days before as_of; with where the
    date came from, in words for the pack."""
    if explicit is not None:
        return explicit, "the --since option"
    if config.report.since is not None:
        return config.report.since, "report.since in site.yaml"
    default = as_of - dt.timedelta(days=DEFAULT_REPORT_DAYS)
    return default, f"the default, {DEFAULT_REPORT_DAYS} days before as_of"


#: Where a value is in site.yaml: ('categories', 2, 'aliases', 0) (as the loader's FieldPath).
FieldPath = tuple[str | int, ...]


def _spelling_kind(path: FieldPath) -> str:
    return "alias" if path[2] == "aliases" else str(path[2])


def is_folder_name(name: str) -> bool:
    """``name`` names a folder directly under another (a theme under themes/): no path."""
    return name not in ("", ".", "..") and not any(c in name for c in "/\\:")


class SiteConfig(BaseModel):
    """``site.yaml``. Every key is optional."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    title: Text = Field("IT Project Portfolio", description="Site title.")
    base_url: Text = Field(
        "/",
        description=(
            "Where the site is hosted, e.g. https://acme.github.io/portfolio/; links work under "
            "that sub-path."
        ),
    )
    language: Literal["en", "ka"] = Field("en", description="UI language: en or ka.")
    currency: Currency = Field("USD", description="Base currency (ISO 4217).")
    exchange_rates: dict[Currency, Rate] = Field(
        default_factory=dict,
        description="Value of one unit of each currency in the base currency, e.g. {EUR: 1.08}.",
    )
    fiscal_year_start: Month = Field(1, description="Month the fiscal year starts (1-12).")
    theme: Text = Field("default", description="Folder under themes/ that extends the default theme.")
    as_of: IsoDate | None = Field(
        None, description=("The date taken as today; default SOURCE_DATE_EPOCH, else today.")
    )
    categories: list[Category] = Field(
        default_factory=lambda: list(DEFAULT_CATEGORIES),
        description="Replaces the default taxonomy of the four kinds of IT project.",
    )
    labels: LabelSettings = Field(
        default_factory=LabelSettings,
        description="Labels of phases and statuses in place of the built-in words: {phase: …, status: …}.",
    )
    risk_bands: RiskBands = Field(default_factory=RiskBands, description="Lowest score of each risk band.")
    allow_html: Bool = Field(False, description="Render raw HTML written in Markdown bodies.")
    stale_status_days: int = Field(30, description="A status older than this many days is stale.")
    repo_url: Text | None = Field(
        None,
        description=(
            "The portfolio's repository, e.g. https://github.com/acme/portfolio: 'Edit this file' "
            "links to each file there (with edit_uri)."
        ),
    )
    edit_uri: Text | None = Field(
        None,
        description=(
            "The path, from repo_url, of the page that edits a file (as MkDocs names it), e.g. "
            "edit/main/; or a full URL. Default: edit/main/ on GitHub, -/edit/main/ on GitLab, "
            "src/main/ on Bitbucket; elsewhere no link unless set."
        ),
    )
    history: HistorySettings = Field(
        default_factory=HistorySettings,
        description=("The pages read from git history: {weeks: 8, stale_days: 30, authors: false}."),
    )
    report: ReportSettings = Field(
        default_factory=ReportSettings,
        description="The steering-committee pack: {since: YYYY-MM-DD}, the last committee's date.",
    )
    people: PeopleSettings = Field(
        default_factory=PeopleSettings,
        description="The people directory: {publish: true}; false publishes capacity by team only.",
    )
    extra: Extra = Field(default_factory=dict, description="Keys only a theme uses; never validated.")

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        try:
            return check_base_url(value)
        except ValueError as exc:
            raise fail("url", str(exc), BASE_URL_HINT) from None

    @field_validator("exchange_rates")
    @classmethod
    def _positive_rates(cls, rates: dict[str, Decimal]) -> dict[str, Decimal]:
        for code, rate in rates.items():
            if rate <= 0:
                raise fail(
                    "rate",
                    f"exchange rate for {code} must be above zero",
                    "give the value of one unit in the base currency, e.g. EUR: 1.08",
                    field=code,
                )
        return rates

    @model_validator(mode="after")
    def _base_rate(self) -> SiteConfig:
        rate = self.exchange_rates.get(self.currency)
        if rate is not None and rate != 1:
            raise fail(
                "rate",
                f"an exchange rate of {rate} for {self.currency}, the base currency, would change "
                "no figure: one unit of the base currency is always 1",
                f"remove {self.currency} from exchange_rates, or set 'currency' to the base you mean",
                field=self.currency,
            )
        return self

    @field_validator("repo_url", "edit_uri")
    @classmethod
    def _web_address(cls, value: str | None, info) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        web = value.lower().startswith(("https://", "http://"))
        if (info.field_name == "repo_url" or "://" in value) and not web:
            raise fail(
                "url",
                f"{info.field_name} must be an http(s) address, not {value!r}",
                "write the repository's web address, e.g. https://github.com/acme/portfolio",
            )
        return value

    def edit_url(self, source: str) -> str | None:
        """The address that edits the file ``source`` (relative to the portfolio root) in the
        forge, from repo_url and edit_uri as MkDocs joins them; None without a repo_url."""
        if not self.repo_url:
            return None
        edit_uri = self.edit_uri
        if edit_uri is None:
            host = self.repo_url.lower()
            edit_uri = (
                "edit/main/"
                if "github.com" in host
                else "-/edit/main/"
                if "gitlab" in host
                else "src/main/"
                if "bitbucket.org" in host
                else None
            )
            if edit_uri is None:
                return None
        # An edit_uri with a scheme is a whole address; otherwise it continues repo_url.
        base = edit_uri if "://" in edit_uri else self.repo_url.rstrip("/") + "/" + edit_uri.lstrip("/")
        if not base.endswith(("/", "=", "#")):  # a query such as ?path= takes the path as is
            base += "/"
        return base + source.lstrip("/")

    def category_clashes(self, line_of: Callable[[FieldPath], int]) -> list[tuple[FieldPath, str, str]]:
        """(field path, message, hint) for each slug, label or alias of a category that
        another category spells the same way (as the matcher compares them): the project's
        category would silently be the first. ``line_of`` gives the line of a field path in
        site.yaml, to name the other category by its line."""
        first: dict[str, tuple[int, FieldPath, str]] = {}  # normalized -> (index, path, written)
        clashes: list[tuple[FieldPath, str, str]] = []
        for i, category in enumerate(self.categories):
            labels: list[tuple[FieldPath, str]] = (
                [(("categories", i, "label"), category.label)]
                if isinstance(category.label, str)
                else [(("categories", i, "label", lang), text) for lang, text in category.label.items()]
            )
            named: list[tuple[FieldPath, str]] = [
                (("categories", i, "slug"), category.slug),
                *labels,
                *((("categories", i, "aliases", j), alias) for j, alias in enumerate(category.aliases)),
            ]
            for path, written in named:
                key = vocab.normalize(written)
                other = first.setdefault(key, (i, path, written))
                if other[0] == i:
                    continue  # its own spellings may repeat each other ('software', 'Software')
                j, other_path, other_written = other
                other_what = _spelling_kind(other_path)
                if other_what != "slug":
                    other_what += f" '{other_written}'"
                clashes.append(
                    (
                        path,
                        f"{_spelling_kind(path)} '{written}' is already the {other_what} of "
                        f"category '{self.categories[j].slug}' on line {line_of(other_path)}",
                        "give each category its own slug, label and aliases: a project's category "
                        "matches only the first one",
                    )
                )
        return clashes

    def category_index(self) -> dict[str, Category]:
        """Every accepted spelling (normalized) -> category."""
        index: dict[str, Category] = {}
        for category in self.categories:
            for spelling in category.spellings():
                index.setdefault(vocab.normalize(spelling), category)
        return index


#: What a base URL may be, for the messages that reject one.
BASE_URL_HINT = (
    "write '/', a path from the server's root such as /portfolio/, or an http(s) address "
    "such as https://acme.github.io/portfolio/"
)

# Characters a base URL never needs and that would let it break out of an HTML attribute,
# an XML element or a URL: quotes, angle brackets, backslash, backtick, braces, pipe, caret,
# whitespace and control characters (the C0 and C1 ranges and DEL).
_BASE_URL_UNSAFE = re.compile(r"[\"'<>\\`{}|^\s\x00-\x1f\x7f-\x9f]")


def check_base_url(value: str) -> str:
    """``value`` as a base URL (normalized, see ``normalize_base_url``) if it is '/', a path
    from the server's root or an http(s) address; else ValueError saying what is wrong.

    The base URL is written into every page's links (the 404 page's and the sitemap's as
    they are), so it is held to what an address may hold, whatever the page escapes.
    """
    value = value.strip()
    if not value:
        return "/"
    bad = _BASE_URL_UNSAFE.search(value)
    if bad:
        char = bad[0]
        shown = repr(char) if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"
        raise ValueError(f"the base URL must not contain {shown}: {value!r}")
    lowered = value.lower()
    if lowered.startswith(("https://", "http://")):
        host = value.split("://", 1)[1].split("/", 1)[0]
        if not host:
            raise ValueError(f"the base URL names no host: {value!r}")
    elif value.startswith("//"):
        raise ValueError(f"the base URL has no scheme (write https:// before the host): {value!r}")
    elif not value.startswith("/"):
        scheme = value.split(":", 1)[0] if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value) else ""
        what = f"a {scheme}: address" if scheme else "a relative path"
        raise ValueError(f"the base URL must be a path from '/' or an http(s) address, not {what}: {value!r}")
    return normalize_base_url(value)


def normalize_base_url(value: str) -> str:
    """Always ends with '/'; a bare path gets a leading '/'."""
    value = value.strip() or "/"
    if "://" not in value and not value.startswith("/"):
        value = "/" + value
    return value if value.endswith("/") else value + "/"


def base_path(base_url: str) -> str:
    """The path part of the base URL: 'https://a.github.io/portfolio/' -> '/portfolio/'."""
    if "://" in base_url:
        rest = base_url.split("://", 1)[1]
        path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
        return path if path.endswith("/") else path + "/"
    return base_url


def resolve_as_of(explicit: dt.date | None, config: SiteConfig, environ: Mapping[str, str]) -> dt.date:
    """--as-of, else site.yaml's as_of, else SOURCE_DATE_EPOCH, else today (UTC)."""
    if explicit:
        return explicit
    if config.as_of:
        return config.as_of
    return source_date(environ) or dt.datetime.now(tz=dt.UTC).date()


def source_date(environ: Mapping[str, str]) -> dt.date | None:
    """The day SOURCE_DATE_EPOCH names (None when it is not set); ValueError, saying what is
    valid, when it is not a whole number of seconds or falls outside the supported dates."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    valid = f"seconds since 1970-01-01 UTC for a day from {DATE_RANGE}"
    try:
        day = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date() if epoch.isdigit() else None
    except (OverflowError, OSError, ValueError):
        day = None
    if day is None or date_out_of_range(day):
        raise ValueError(f"SOURCE_DATE_EPOCH={epoch[:40]!r} is not a date: it must be {valid}")
    return day
