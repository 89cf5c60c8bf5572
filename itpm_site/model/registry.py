"""The field registry: every fact about a project, declared once, with where it goes.

A fact is one thing the site says about a project: its sponsor, its committed end, its budget.
Its declaration (a ``Fact`` in ``FACTS``) names it, labels it, says what kind of value it holds
and whether, and how, it is

- exported (``json``, ``csv``): a key of each project in ``portfolio.json``, with its part of
  the schema (``portfolio.schema.json``), and a column of ``projects.csv``;
- searchable (``search``): a sentence of the project's search record ("Sponsor: CIO.");
- diffed (``diff``): a row of ``itpm-site diff`` when it changes;
- shown (``page``): a row of the project page's key facts;
- a filter (``filter``): a drop-down of the project explorer, with the ``data-*`` value that
  each row of a project table carries for it;
- a column (``column``): a column of the project tables (the explorer and the rollup pages),
  after the columns the table template writes itself, sortable in the explorer.

Everything else is derived from these declarations, in the layer that writes it: the exports
(``outputs/exports.py``), the search records (``outputs/search.py``), the diff's fields
(``diff/changes.py``), the views of the project page and the explorer (``aggregate``) and the
schema of portfolio.json (``model/portfolio_schema.py``). A label is written here once.

What a front-matter key accepts is the contract of ``model/project.py`` (``Project``, the
validator): a fact read from the front matter is named by its key. A fact may also be computed
(from the project or its view) or read from ``extra:``.

Order: facts are declared in the order of a project in portfolio.json, and every output lists
them in that order, except where an output's ``after`` puts a fact after another one there
(the columns spreadsheets already read in their place, the page's rows as they read best).

This module is at the bottom of the package: it cannot import the views it reads (an
``aggregate.ProjectView``), so they are typed ``View`` (``Any``): the tests that build a
portfolio (``tests/test_registry.py``, ``tests/test_exports.py``, the golden pages) run them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from itpm_site.model.groups import GroupKind
from itpm_site.model.i18n import N_, gettext
from itpm_site.model.people import entry_person
from itpm_site.model.project import Project
from itpm_site.model.slugs import slugify
from itpm_site.model.vocab import NO_STATUS, Phase, Priority, RiskResponse, RiskStatus, State, Status

#: An ``aggregate.ProjectView``: a project with everything computed about it.
View = Any
#: A JSON Schema, as a mapping (written out in portfolio.schema.json).
Schema = dict[str, Any]


class Kind(StrEnum):
    """What a fact's value is: its JSON Schema and how a CSV cell writes it, unless the fact
    says otherwise."""

    TEXT = "text"
    DATE = "date"  # YYYY-MM-DD
    INTEGER = "integer"
    CHOICE = "choice"  # a value of the fact's vocabulary (``choices``)
    NAMES = "names"  # a list of texts; one CSV cell, separated by '; '
    SLUGS = "slugs"  # a list of slugs; one CSV cell, separated by spaces
    MAPPING = "mapping"  # passed on as written
    #: A structure of its own, with the schema its ``Json`` gives. The export builds the value
    #: where its ``Json`` gives no ``value`` (the budget, risks and milestones: their shape
    #: belongs to ``outputs/exports.py``).
    STRUCTURE = "structure"


@dataclass(frozen=True)
class ExportContext:
    """What an exported value may need beyond its project."""

    base_url: str
    #: Each program's title by slug (a program file's title wins over the name projects write).
    program_titles: Mapping[str, str]


@dataclass(frozen=True)
class Output:
    #: The fact before this one in the output, where it is not the one declared before it.
    after: str | None = None


@dataclass(frozen=True)
class Json(Output):
    """A key of each project in portfolio.json (always written: null when there is no value)."""

    #: The value (default: the fact's value, plain: a date as YYYY-MM-DD, a choice as its value).
    value: Callable[[View, ExportContext], Any] | None = None
    #: The key's JSON Schema (default: from the fact's kind); the fact's ``help`` is its description.
    schema: Schema | None = None


@dataclass(frozen=True)
class Csv(Output):
    """Columns of projects.csv (default: one, named as the fact)."""

    columns: tuple[str, ...] = ()
    #: The one column's cell (default: the fact's value, plain; a list joined as its kind says).
    value: Callable[[View, ExportContext], Any] | None = None


@dataclass(frozen=True)
class Search(Output):
    """A sentence of the project's search record: "<label>: <the value, or its items>." (the
    budget's sentence of figures is the search records' own, ``outputs/search.py``)."""


@dataclass(frozen=True)
class Diff(Output):
    """A row of the diff when the value in the front matter changes (a date: with the days)."""


@dataclass(frozen=True, slots=True)
class FactRow:
    """One row of a project page's key facts, as the template shows it: the date, else the
    text (linked to ``url``), else '–'; then the schedule slip, if any."""

    label: str
    text: str | None = None
    url: str | None = None
    date: dt.date | None = None
    slip_days: int | None = None
    slip_class: str = ""  # 'late', 'early' or '': the view's ``slip_class``
    #: The person's page in the people directory, for a fact that names a person who has one.
    profile_url: str = ""


@dataclass(frozen=True)
class Page(Output):
    """A row of the project page's key facts."""

    #: The value shown (default: the fact's value): a date, or text (a choice by its label).
    value: Callable[[View], Any] | None = None
    #: Where the text links to ('' or None: nowhere).
    link: Callable[[View], str | None] | None = None
    #: The whole row, for a fact shown in a way of its own.
    row: Callable[[str, View], FactRow] | None = None
    #: The row is left out where the fact has no value (None): a fact only some portfolios
    #: have (the FTE, with a people directory), not one a project left blank.
    optional: bool = False


@dataclass(frozen=True)
class Column(Output):
    """A column of the project tables, after the table's own columns, sortable in the
    explorer. The tables have it when some project of the portfolio has a value (a fact only
    some portfolios have, such as the FTE, adds no column of dashes to the others)."""

    #: The header (default: the fact's label).
    heading: str | None = None
    #: Words after the header, in small type: its unit or period.
    unit: str | None = None
    #: The header's tooltip, saying what the figure counts (default: the fact's help).
    title: str | None = None
    #: Sorted as a number (largest first), and aligned as one.
    number: bool = False
    #: The cell's text (default: the value as a page shows it); None: '–'.
    text: Callable[[View], str | None] | None = None
    #: The value the explorer sorts by (default: the cell's text).
    sort: Callable[[View], Any] | None = None


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


#: Where a filter's options come from: a vocabulary (its values and labels, in order), the
#: groups of one kind (programs, owners…), or options given here.
Options = type[Enum] | GroupKind | tuple[Option, ...]


@dataclass(frozen=True)
class Filter(Output):
    """A drop-down of the project explorer, and the ``data-*`` value each table row has for it."""

    #: The first option, which filters nothing: "All phases".
    every: str = ""
    #: The form field and URL parameter (default: the fact's name).
    key: str | None = None
    #: The drop-down's label (default: the fact's label).
    label: str | None = None
    #: The options (default: the values the projects have, by their slug).
    options: Options | None = None
    #: A row's value (default: the value's slug; a choice's value). None leaves the row's
    #: attribute out.
    value: Callable[[View], str | None] | None = None
    #: The row's ``data-*`` attribute (default: the key).
    attribute: str | None = None
    #: The row lists its values, space-separated, with a space at each end: a row matches when
    #: the chosen value is one of them.
    words: bool = False
    #: The option for the projects without a value, offered when there is one (its value is the
    #: row value of such a project).
    missing: Option | None = None


@dataclass(frozen=True, eq=False)  # compared and hashed as itself: its outputs hold schemas
class Fact:
    """One fact about a project, and each place it goes (None: it does not go there)."""

    name: str
    label: str
    kind: Kind
    #: What the value means beyond its label: its description in portfolio.json's schema.
    help: str | None = None
    #: Never null (in the export and its schema).
    required: bool = False
    #: The vocabulary of a ``CHOICE``.
    choices: type[StrEnum] | None = None
    #: The value in a project's front matter (default: the key ``name``); diffs compare it.
    source: Callable[[Project], Any] | None = None
    #: The value as the site shows and exports it, from the project's view (default: ``source``).
    read: Callable[[View], Any] | None = None
    json: Json | None = Json()
    csv: Csv | None = None
    search: Search | None = None
    diff: Diff | None = None
    page: Page | None = None
    filter: Filter | None = None
    column: Column | None = None

    def value_of(self, project: Project) -> Any:
        """The value as the front matter gives it (what a diff compares)."""
        return self.source(project) if self.source else getattr(project, self.name)

    def value(self, view: View) -> Any:
        """The value as the site shows and exports it."""
        return self.read(view) if self.read else self.value_of(view.project)

    # -------------------------------------------------------------------------- exports

    def json_value(self, view: View, context: ExportContext) -> Any:
        assert self.json is not None
        if self.json.value is not None:
            return self.json.value(view, context)
        return plain(self.value(view))

    def json_schema(self) -> Schema:
        assert self.json is not None
        schema = dict(self.json.schema) if self.json.schema is not None else self._kind_schema()
        if self.help:
            schema["description"] = self.help
        return schema

    def _kind_schema(self) -> Schema:
        if self.kind is Kind.TEXT:
            return {"type": "string" if self.required else ["string", "null"]}
        if self.kind is Kind.DATE:
            return ref("date") if self.required else nullable(ref("date"))
        if self.kind is Kind.INTEGER:
            return {"type": "integer" if self.required else ["integer", "null"]}
        if self.kind is Kind.CHOICE:
            assert self.choices is not None, f"{self.name}: a choice needs its vocabulary"
            return {"enum": [c.value for c in self.choices] + ([] if self.required else [None])}
        if self.kind is Kind.NAMES:
            return {"type": "array", "items": {"type": "string"}}
        if self.kind is Kind.SLUGS:
            return {"type": "array", "items": ref("slug")}
        if self.kind is Kind.MAPPING:
            return {"type": "object"}
        raise ValueError(f"{self.name}: a structure declares its schema (Json(schema=…))")

    @property
    def columns(self) -> tuple[str, ...]:
        assert self.csv is not None
        return self.csv.columns or (self.name,)

    def csv_value(self, view: View, context: ExportContext) -> Any:
        """The cell of a one-column fact."""
        assert self.csv is not None
        if self.csv.value is not None:
            return self.csv.value(view, context)
        value = self.value(view)
        if self.kind is Kind.NAMES:
            return "; ".join(value)
        if self.kind is Kind.SLUGS:
            return " ".join(value)
        return plain(value)

    # -------------------------------------------------------------------------- search

    @property
    def search_label(self) -> str:
        """The label that starts the fact's sentence: shown, never indexed."""
        return f"{gettext(self.label)}:"

    def sentence(self, view: View) -> str:
        """'Sponsor: Chief Risk Officer.'; '' without a value."""
        value = self.value(view)
        words: Iterable[str | None] = value if isinstance(value, list | tuple) else [shown(value)]
        items = [w.strip() for w in words if w and w.strip()]
        return f"{gettext(self.label)}: {', '.join(items)}." if items else ""

    # -------------------------------------------------------------------------- page

    def row(self, view: View) -> FactRow:
        assert self.page is not None
        if self.page.row is not None:
            return self.page.row(gettext(self.label), view)
        value = self.page.value(view) if self.page.value else self.value(view)
        if isinstance(value, dt.date):
            return FactRow(gettext(self.label), date=value)
        text = shown(value)
        url = self.page.link(view) if self.page.link and text else None
        return FactRow(gettext(self.label), text, url or None)

    # -------------------------------------------------------------------------- filter

    @property
    def filter_key(self) -> str:
        assert self.filter is not None
        return self.filter.key or self.name

    @property
    def filter_attribute(self) -> str:
        assert self.filter is not None
        return self.filter.attribute or self.filter_key

    def filter_value(self, view: View) -> str | None:
        assert self.filter is not None
        if self.filter.value is not None:
            return self.filter.value(view)
        value = self.value(view)
        if isinstance(value, Enum):
            return str(value.value)
        return slugify(str(value)) if value else ""


def plain(value: Any) -> Any:
    """A value as JSON writes it: a date as YYYY-MM-DD, a choice as its value, a list as a list."""
    if value is None or type(value) is str:  # most values
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return dict(value)
    return value


def shown(value: Any) -> str | None:
    """A value as a page or a sentence says it: a choice by its label; None when there is none."""
    if value is None or value == "":
        return None
    if isinstance(value, Enum):
        return str(getattr(value, "label", value.value))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or None
    return str(value)


# ------------------------------------------------------------------------------ schema parts


def ref(name: str) -> Schema:
    """A reference to one of portfolio.json's shared definitions (``$defs``)."""
    return {"$ref": f"#/$defs/{name}"}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def record(properties: Mapping[str, Schema], description: str | None = None) -> Schema:
    """An object with exactly these keys, each always present."""
    return {
        "type": "object",
        "additionalProperties": False,
        **({"description": description} if description else {}),
        "required": list(properties),
        "properties": dict(properties),
    }


def described(schema: Schema, description: str) -> Schema:
    return {**schema, "description": description}


def items(schema: Schema) -> Schema:
    return {"type": "array", "items": schema}


TEXT: Schema = {"type": "string"}
OPTIONAL_TEXT: Schema = {"type": ["string", "null"]}
BOOLEAN: Schema = {"type": "boolean"}
AMOUNT = ref("amount")
OPTIONAL_AMOUNT = nullable(AMOUNT)
PERCENT: Schema = {"type": ["number", "null"]}


def scale(low: int, high: int, nullable: bool = False) -> Schema:
    return {"type": ["integer", "null"] if nullable else "integer", "minimum": low, "maximum": high}


_PROGRAM = nullable(record({"slug": TEXT, "title": TEXT}))
_CATEGORY = nullable(
    record({"slug": TEXT, "label": TEXT, "known": described(BOOLEAN, "false: not in the site's taxonomy.")})
)
_BUDGET = nullable(
    record(
        {
            "currency": ref("currency"),
            "planned": OPTIONAL_AMOUNT,
            "actual": OPTIONAL_AMOUNT,
            "forecast": OPTIONAL_AMOUNT,
            "eac": described(
                OPTIONAL_AMOUNT, "Estimate at completion in whole units: forecast, else planned."
            ),
            "on_plan": described(BOOLEAN, "A planned budget and no forecast: eac taken as planned."),
            "variance": described(
                OPTIONAL_AMOUNT,
                "eac − planned in whole units (positive: over budget); null without a planned budget.",
            ),
            "variance_pct": described(PERCENT, "variance / planned × 100, one decimal."),
            "spent_pct": described(PERCENT, "actual / planned × 100, one decimal."),
            "over_budget": described(BOOLEAN, "actual > planned"),
            "base": {
                "description": "The figures converted into the site's base currency, in whole units; "
                "null without a planned budget or an exchange rate.",
                **nullable(
                    record({"planned": AMOUNT, "actual": OPTIONAL_AMOUNT, "eac": AMOUNT, "variance": AMOUNT})
                ),
            },
        }
    )
)
_RISKS = items(
    record(
        {
            "id": {
                "type": "string",
                "pattern": "^risk-[1-9][0-9]*$",
                "description": "Anchor on the project page.",
            },
            "title": TEXT,
            "probability": scale(1, 5),
            "impact": scale(1, 5),
            "score": described(scale(1, 25), "probability × impact"),
            "band": ref("band"),
            "status": {"enum": [s.value for s in RiskStatus]},
            "live": described(BOOLEAN, "Still needs attention (open, monitoring or occurred)."),
            "response": {"enum": [*(r.value for r in RiskResponse), None]},
            "owner": OPTIONAL_TEXT,
            "mitigation": OPTIONAL_TEXT,
        }
    )
)
_MILESTONES = items(
    record(
        {
            "id": {"type": "string", "pattern": "^milestone-[1-9][0-9]*$"},
            "name": TEXT,
            "date": ref("date"),
            "done": BOOLEAN,
            "overdue": described(BOOLEAN, "Not done and dated before as_of."),
            "days_from_today": described({"type": "integer"}, "date − as_of, in days."),
        }
    )
)


# ------------------------------------------------------------------------------ values


def _program(view: View, context: ExportContext) -> Any:
    slug = view.program_slug
    if not slug:
        return None
    return {"slug": slug, "title": context.program_titles.get(slug, view.project.program)}


def _category(view: View, context: ExportContext) -> Any:
    c = view.category
    return None if c is None else {"slug": c.slug, "label": c.label, "known": c.known}


def _owner_row(label: str, view: View) -> FactRow:
    """The owner, linked to their projects, and to their own page when the people directory
    has one."""
    return FactRow(label, view.project.owner, view.owner_url, profile_url=view.owner_person_url)


def _forecast_row(label: str, view: View) -> FactRow:
    """The forecast end, or that there is none but the committed date; with the slip."""
    p = view.project
    text = gettext("on the committed date") if p.forecast_end is None and p.end else None
    return FactRow(label, text, date=p.forecast_end, slip_days=view.slip_days, slip_class=view.slip_class)


def _tag_words(view: View) -> str:
    return " " + "".join(f"{tag.slug} " for tag in view.tag_slugs)


# ------------------------------------------------------------------------------ the facts

FACTS: tuple[Fact, ...] = (
    Fact(
        "slug",
        N_("Slug"),
        Kind.TEXT,
        required=True,
        read=lambda v: v.slug,
        json=Json(schema=ref("slug")),
        csv=Csv(),
    ),
    Fact(
        "url",
        N_("Page"),
        Kind.TEXT,
        "The project page under the site's base_url.",
        required=True,
        json=Json(value=lambda v, c: c.base_url + v.url),
        csv=Csv(value=lambda v, c: c.base_url + v.url, after="title"),
    ),
    Fact(
        "source",
        N_("File"),
        Kind.TEXT,
        "The file, relative to the portfolio folder.",
        required=True,
        read=lambda v: v.source,
    ),
    Fact("title", N_("Title"), Kind.TEXT, required=True, csv=Csv(), diff=Diff()),
    Fact("summary", N_("Summary"), Kind.TEXT, csv=Csv(after="flags")),
    Fact(
        "phase",
        N_("Phase"),
        Kind.CHOICE,
        required=True,
        choices=Phase,
        json=Json(schema=ref("phase")),
        csv=Csv(),
        filter=Filter(every=N_("All phases"), options=Phase),
    ),
    Fact(
        "status",
        N_("Status"),
        Kind.CHOICE,
        choices=Status,
        csv=Csv(),
        filter=Filter(
            every=N_("All statuses"),
            options=Status,
            value=lambda v: v.status_key,
            missing=Option(NO_STATUS, N_("No status")),
        ),
    ),
    Fact("status_note", N_("Status note"), Kind.TEXT, diff=Diff(after="priority")),
    Fact("status_date", N_("Status date"), Kind.DATE),
    Fact(
        "state",
        N_("State"),
        Kind.CHOICE,
        required=True,
        choices=State,
        csv=Csv(),
        diff=Diff(),
        page=Page(after="priority"),
        filter=Filter(every=N_("All states"), options=State),
    ),
    Fact(
        "owner",
        N_("Owner"),
        Kind.TEXT,
        required=True,
        csv=Csv(),
        search=Search(),
        diff=Diff(),
        page=Page(row=_owner_row),
        filter=Filter(every=N_("All owners"), options=GroupKind.OWNER, value=lambda v: v.owner_slug),
    ),
    Fact("sponsor", N_("Sponsor"), Kind.TEXT, csv=Csv(), search=Search(), diff=Diff(), page=Page()),
    Fact(
        "program",
        N_("Program"),
        Kind.TEXT,
        json=Json(value=_program, schema=_PROGRAM),
        csv=Csv(value=lambda v, c: c.program_titles.get(v.program_slug or "", v.project.program)),
        search=Search(),
        diff=Diff(),
        page=Page(
            value=lambda v: v.project.program if v.program_slug else None, link=lambda v: v.program_url
        ),
        filter=Filter(
            every=N_("All programs"),
            options=GroupKind.PROGRAM,
            value=lambda v: v.program_slug or "",
            after="state",
        ),
    ),
    Fact(
        "category",
        N_("Category"),
        Kind.TEXT,
        read=lambda v: v.category.label if v.category else None,
        json=Json(value=_category, schema=_CATEGORY),
        csv=Csv(),
        search=Search(),
        diff=Diff(),
        page=Page(link=lambda v: v.category_url),
        filter=Filter(
            every=N_("All categories"),
            options=GroupKind.CATEGORY,
            value=lambda v: v.category.slug if v.category else "",
        ),
    ),
    Fact("priority", N_("Priority"), Kind.CHOICE, choices=Priority, csv=Csv(), diff=Diff(), page=Page()),
    Fact(
        "tags",
        N_("Tags"),
        Kind.NAMES,
        csv=Csv(after="dependents"),
        search=Search(),
        filter=Filter(
            every=N_("All tags"),
            key="tag",
            label=N_("Tag"),
            options=GroupKind.TAG,
            value=_tag_words,
            attribute="tags",
            words=True,
        ),
    ),
    Fact(
        "team",
        N_("Team"),
        Kind.NAMES,
        # A team entry is a name or an allocation; the view's names are empty when people
        # are not published.
        source=lambda p: [entry_person(e) for e in p.team],
        read=lambda v: v.team_names,
        search=Search(after="sponsor"),
    ),
    Fact(
        "fte",
        N_("FTE this month"),
        Kind.TEXT,
        "Full-time equivalents on the project in the month of as_of: the sum of that month's "
        "shares of its allocations that count in a load (people of the directory, with an "
        "allocation and a period, on a project not cancelled; each share = allocation × days of "
        "the month covered ÷ days in the month, a whole percent), ÷ 100, as /capacity/ counts "
        "them: the projects' figures add up to its total demanded that month. null without a "
        "people directory. A decimal string with two decimals (exact).",
        read=lambda v: v.fte,
        # A decimal string, as the pages and projects.csv write it: exact, so that the
        # projects' figures add up without a float's rounding.
        json=Json(schema={"type": ["string", "null"], "pattern": "^[0-9]+\\.[0-9]{2}$"}),
        csv=Csv(after="summary"),
        page=Page(link=lambda v: "capacity/", optional=True, after="forecast_end"),
        column=Column(
            heading=N_("FTE"),
            # "this month" is in the tooltip: a unit under the header widened every project
            # table past its box at 1280 and 1440 px.
            title=N_(
                "Full-time equivalents allocated to the project in the month of as_of: its "
                "allocations' shares of that month, ÷ 100, as the capacity page counts them (the "
                "projects add up to its total FTE demanded that month)."
            ),
            number=True,
            sort=lambda v: v.fte_load,
        ),
    ),
    Fact("start", N_("Start"), Kind.DATE, csv=Csv(), diff=Diff(), page=Page()),
    Fact("end", N_("Committed end"), Kind.DATE, "Committed end date.", csv=Csv(), diff=Diff(), page=Page()),
    Fact(
        "forecast_end",
        N_("Forecast end"),
        Kind.DATE,
        "Current estimate (the committed end when none is given).",
        read=lambda v: v.project.effective_forecast_end,
        csv=Csv(),
        diff=Diff(),
        page=Page(row=_forecast_row),
    ),
    Fact(
        "slip_days",
        N_("Schedule slip"),
        Kind.INTEGER,
        "forecast_end − end in days (0 when no forecast_end is written: it defaults to end); "
        "null without end.",
        read=lambda v: v.slip_days,
        csv=Csv(),
    ),
    Fact(
        "progress",
        N_("Progress"),
        Kind.INTEGER,
        json=Json(schema=scale(0, 100, nullable=True)),
        csv=Csv(),
        diff=Diff(),
    ),
    Fact(
        "budget",
        N_("Budget"),
        Kind.STRUCTURE,
        json=Json(schema=_BUDGET),
        csv=Csv(
            columns=(
                "currency",
                "planned",
                "actual",
                "forecast",
                "eac",
                "variance",
                "variance_pct",
                "base_currency",
                "planned_base",
                "actual_base",
                "eac_base",
            )
        ),
        search=Search(),
    ),
    Fact(
        "top_risk_score",
        N_("Top risk"),
        Kind.INTEGER,
        "Highest score of a live risk; null when the project has no live risk.",
        read=lambda v: v.top_risk_score,
        json=Json(schema=scale(1, 25, nullable=True)),
        csv=Csv(),
    ),
    Fact(
        "extra",
        N_("Extra"),
        Kind.MAPPING,
        "The project's `extra:` mapping as written: keys only a theme uses, never validated.",
    ),
    Fact(
        "risks",
        N_("Risks"),
        Kind.STRUCTURE,
        json=Json(schema=_RISKS),
        csv=Csv(columns=("live_risks",)),
    ),
    Fact(
        "milestones",
        N_("Milestones"),
        Kind.STRUCTURE,
        json=Json(schema=_MILESTONES),
        csv=Csv(columns=("overdue_milestones", "next_milestone", "next_milestone_date")),
    ),
    Fact(
        "depends_on",
        N_("Depends on"),
        Kind.SLUGS,
        read=lambda v: [d.slug for d in v.depends_on],
        csv=Csv(),
    ),
    Fact(
        "dependents",
        N_("Needed by"),
        Kind.SLUGS,
        "Projects that depend on this one.",
        read=lambda v: [d.slug for d in v.dependents],
        csv=Csv(),
    ),
    Fact(
        "missing_dependencies", N_("Missing dependencies"), Kind.NAMES, read=lambda v: v.missing_dependencies
    ),
    Fact(
        "flags",
        N_("Flags"),
        Kind.STRUCTURE,
        "Computed warnings shown beside the PM's status (overdue milestone, forecast past end, …).",
        read=lambda v: v.flags,
        json=Json(
            value=lambda v, c: [{"code": f.code, "text": f.text} for f in v.flags],
            schema=items(record({"code": TEXT, "text": TEXT})),
        ),
        csv=Csv(value=lambda v, c: "; ".join(f.text for f in v.flags)),
        filter=Filter(
            every=N_("With or without flags"),
            key="flagged",
            options=(Option("yes", N_("With warning flags")),),
            value=lambda v: "yes" if v.warnings else None,
        ),
    ),
    Fact(
        "links",
        N_("Links"),
        Kind.STRUCTURE,
        json=Json(
            value=lambda v, c: [{"title": link.title, "url": link.url} for link in v.project.links],
            schema=items(record({"title": TEXT, "url": TEXT})),
        ),
    ),
)


# ------------------------------------------------------------------------------ each output


OUTPUTS = ("json", "csv", "search", "diff", "page", "filter", "column")


def facts_for(output: str, facts: Sequence[Fact] | None = None) -> tuple[Fact, ...]:
    """The facts that go to ``output`` ('json', 'csv', …), in that output's order."""
    return _ordered(tuple(FACTS if facts is None else facts), output)


@functools.cache
def _ordered(facts: tuple[Fact, ...], output: str) -> tuple[Fact, ...]:
    if output not in OUTPUTS:
        raise ValueError(f"no output {output!r}; outputs are {', '.join(OUTPUTS)}")
    chosen = [f for f in facts if getattr(f, output) is not None]
    for fact in list(chosen):
        after = getattr(fact, output).after
        if after is None:
            continue
        chosen.remove(fact)
        anchor = [i for i, f in enumerate(chosen) if f.name == after]
        if not anchor:
            raise ValueError(f"{fact.name}: its {output} comes after {after!r}, which is not in that output")
        chosen.insert(anchor[0] + 1, fact)
    return tuple(chosen)


def fact(name: str) -> Fact:
    """The fact named ``name``."""
    for f in FACTS:
        if f.name == name:
            return f
    raise KeyError(name)


def label(name: str) -> str:
    """The label of the fact named ``name``."""
    return fact(name).label


def project_columns() -> list[str]:
    """The columns of projects.csv, in order."""
    return [column for f in facts_for("csv") for column in f.columns]


def project_schema() -> Schema:
    """The JSON Schema of one project in portfolio.json."""
    facts = facts_for("json")
    return record({f.name: f.json_schema() for f in facts})


def key_facts(view: View) -> list[FactRow]:
    """The rows of a project page's key facts."""
    return [
        f.row(view)
        for f in facts_for("page")
        if not (f.page is not None and f.page.optional and f.value(view) is None)
    ]


def row_data(view: View) -> list[tuple[str, str]]:
    """A project table row's ``data-*`` attributes (name without 'data-', value), one per
    explorer filter that has a value for it."""
    out = []
    for f in facts_for("filter"):
        value = f.filter_value(view)
        if value is not None:
            out.append((f.filter_attribute, value))
    return out


@dataclass(frozen=True)
class FilterMenu:
    """One drop-down of the project explorer, as the template writes it."""

    key: str
    label: str
    every: str
    options: list[Option]
    #: The row attribute that lists words (``data-<listed_in>``), for a filter that matches one
    #: of them; None: the row's ``data-<key>`` is the value.
    listed_in: str | None


def filter_menus(views: Sequence[View], groups: Callable[[GroupKind], Iterable[Any]]) -> list[FilterMenu]:
    """The project explorer's drop-downs for these projects; ``groups(kind)`` gives the groups
    of a kind (each with a ``slug`` and a ``title``)."""
    menus = []
    for f in facts_for("filter"):
        spec = f.filter
        assert spec is not None
        source = spec.options
        if isinstance(source, GroupKind):
            options = [Option(g.slug, g.title) for g in groups(source)]
        elif isinstance(source, tuple):  # written here: translated where shown
            options = [Option(o.value, gettext(o.label)) for o in source]
        elif source is not None:
            options = [Option(str(m.value), str(getattr(m, "label", m.value))) for m in source]
        else:  # the values the projects have, by their label
            seen = {f.filter_value(v): shown(f.value(v)) for v in views}
            options = sorted(
                (Option(value, text) for value, text in seen.items() if value and text),
                key=lambda o: (o.label.casefold(), o.value),
            )
        if spec.missing and any(f.filter_value(v) == spec.missing.value for v in views):
            options.append(Option(spec.missing.value, gettext(spec.missing.label)))
        menus.append(
            FilterMenu(
                f.filter_key,
                gettext(spec.label or f.label),
                gettext(spec.every),
                options,
                f.filter_attribute if spec.words else None,
            )
        )
    return menus


@dataclass(frozen=True)
class TableColumn:
    """A column of the project tables, as the template writes it: the header, and each row's
    cell (``text``; None: '–') and sort value (``sort``; '' sorts last)."""

    key: str
    heading: str
    unit: str
    title: str
    number: bool
    fact: Fact

    def text(self, view: View) -> str | None:
        spec = self.fact.column
        assert spec is not None
        return spec.text(view) if spec.text else shown(self.fact.value(view))

    def sort(self, view: View) -> str:
        spec = self.fact.column
        assert spec is not None
        value = spec.sort(view) if spec.sort else self.text(view)
        return "" if value is None else str(value)


def table_columns(views: Sequence[View]) -> list[TableColumn]:
    """The project tables' columns from the registry: those some project of ``views`` (the
    portfolio's projects) has a value for."""
    out = []
    for f in facts_for("column"):
        spec = f.column
        assert spec is not None
        if any(f.value(v) is not None for v in views):
            out.append(
                TableColumn(
                    f.name,
                    gettext(spec.heading or f.label),
                    gettext(spec.unit) if spec.unit else "",
                    gettext(spec.title) if spec.title else f.help or "",
                    spec.number,
                    f,
                )
            )
    return out
