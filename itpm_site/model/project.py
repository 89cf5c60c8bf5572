"""The data contract, declared once: what a project, program and free page may contain.

These pydantic models are the validator (``Project.model_validate``), the source of the JSON
Schema that editors use (``itpm-site schema``) and the typed objects the rest of the code reads.
Field descriptions double as the front-matter reference.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from itpm_site.model.fields import (
    Amount,
    Bool,
    Currency,
    Extra,
    IsoDate,
    NameList,
    OptionalText,
    Percent,
    PhaseField,
    PriorityField,
    RiskResponseField,
    RiskStatusField,
    Scale,
    Slug,
    SlugList,
    StateField,
    StatusField,
    Text,
    Url,
    fail,
)
from itpm_site.model.people import TeamList
from itpm_site.model.vocab import (
    Phase,
    Priority,
    RiskResponse,
    RiskStatus,
    State,
    Status,
)


class Contract(BaseModel):
    """Base of every front-matter model: an unknown key is an error the loader reports (with
    a did-you-mean); the model itself drops it."""

    model_config = ConfigDict(extra="ignore", frozen=True, json_schema_extra={"additionalProperties": False})


class Budget(Contract):
    """Money for the project. ``budget: 250000`` is shorthand for ``{planned: 250000}``."""

    planned: Amount | None = Field(None, description="Approved budget.")
    actual: Amount | None = Field(None, description="Spent to date.")
    forecast: Amount | None = Field(None, description="Estimate at completion.")
    currency: Currency | None = Field(None, description="ISO 4217 code; defaults to the site's `currency`.")


def _budget_shorthand(value: Any) -> Any:
    if isinstance(value, str | int | float | Decimal) and not isinstance(value, bool):
        return {"planned": value}
    return value


class Risk(Contract):
    title: Text = Field(description="What could happen.")
    probability: Scale = Field(description="Likelihood, 1 (rare) to 5 (almost certain).")
    impact: Scale = Field(description="Consequence, 1 (minor) to 5 (severe).")
    owner: OptionalText | None = Field(None, description="Who watches and acts on the risk.")
    response: RiskResponseField | None = Field(
        None, description="avoid | mitigate | transfer | accept | escalate"
    )
    mitigation: OptionalText | None = Field(None, description="What is being done about it.")
    status: RiskStatusField = Field(
        RiskStatus.OPEN, description="open | monitoring | mitigated | closed | occurred"
    )

    @property
    def score(self) -> int:
        return self.probability * self.impact


class Milestone(Contract):
    name: Text = Field(description="What is reached.")
    date: IsoDate = Field(description="Planned date, YYYY-MM-DD.")
    done: Bool = Field(False, description="true once reached.")


class Link(Contract):
    title: Text = Field(description="Link text.")
    url: Url = Field(description="http(s), mailto or relative address.")


#: Distinct tags (distinct tag pages) one project may have: each makes a page, and a page
#: lists its projects, so a project's tags are what its file adds to the site's size.
MAX_TAGS = 50


class Project(Contract):
    """One IT project: the front matter of ``content/projects/<slug>.md``."""

    title: Text = Field(description="Project name.")
    slug: Slug | None = Field(
        None, description="URL name; defaults to the file name. Lowercase letters, digits, '-'."
    )
    phase: PhaseField = Field(
        description=(
            "initiation | planning | implementation | monitoring | closure "
            "(case-insensitive; long names and synonyms such as 'execution' are accepted)."
        )
    )
    status: StatusField | None = Field(
        None, description="RAG health: green | amber | red (also on-track, at-risk, off-track, G/A/R)."
    )
    status_note: OptionalText | None = Field(None, description="One line explaining the status.")
    status_date: IsoDate | None = Field(None, description="When the status was last assessed.")
    state: StateField = Field(State.ACTIVE, description="active | on-hold | cancelled | done")
    owner: Text = Field(description="Project manager accountable for delivery.")
    sponsor: OptionalText | None = Field(None, description="Executive sponsor.")
    program: OptionalText | None = Field(None, description="Program the project belongs to.")
    category: OptionalText | None = Field(
        None,
        description=(
            "Kind of IT project: software | network-cloud | data-analytics | it-services "
            "(matched by slug, label or alias; other values get their own category)."
        ),
    )
    priority: PriorityField | None = Field(None, description="high | medium | low")
    start: IsoDate | None = Field(None, description="Start date, YYYY-MM-DD.")
    end: IsoDate | None = Field(None, description="Committed (target) end date.")
    forecast_end: IsoDate | None = Field(None, description="Current estimate; defaults to end.")
    progress: Percent | None = Field(None, description="Percent complete, 0-100.")
    # json_schema_input_type: the schema admits `budget: 250000` as well as the mapping.
    budget: (
        Annotated[Budget, BeforeValidator(_budget_shorthand, json_schema_input_type=Budget | Amount)] | None
    ) = Field(None, description="planned / actual / forecast amounts and currency, or one number.")
    risks: list[Risk] = Field(default_factory=list, description="Risk register entries.")
    milestones: list[Milestone] = Field(default_factory=list, description="Key dates.")
    depends_on: SlugList = Field(default_factory=list, description="Slugs of projects this one depends on.")
    team: TeamList = Field(
        default_factory=list,
        description=(
            "Team members: names, or allocations {person, role, allocation, from, to} naming "
            "people of content/people/ by slug or name."
        ),
    )
    tags: NameList = Field(
        default_factory=list, description=f"Free keywords (at most {MAX_TAGS} distinct ones)."
    )
    links: list[Link] = Field(default_factory=list, description="Related links.")
    summary: OptionalText | None = Field(None, description="One sentence shown in lists and search results.")
    extra: Extra = Field(default_factory=dict, description="Keys only a theme uses; never validated.")

    @field_validator("end", "forecast_end")
    @classmethod
    def _not_before_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        # A field validator (not a model validator) so it runs even when other fields fail.
        start = info.data.get("start")
        if value is not None and start is not None and value < start:
            raise fail(
                "date-order",
                f"{info.field_name} ({value}) is before start ({start})",
                f"{info.field_name} must be on or after start",
            )
        return value

    @property
    def effective_forecast_end(self) -> dt.date | None:
        return self.forecast_end or self.end

    @property
    def slip_days(self) -> int | None:
        """Schedule slip: forecast end minus committed end, in days; the one rule for it.

        The forecast defaults to the committed end (SPEC), so a project with an end and no
        forecast of its own slips 0 days: on plan, not unknown. Without a committed end there
        is nothing to slip from: None.
        """
        if self.end is None:
            return None
        return ((self.forecast_end or self.end) - self.end).days


#: Fields a project should have; each missing one is a warning.
RECOMMENDED_FIELDS = ("summary", "status", "category", "start", "end")


class Program(Contract):
    """A program: the front matter of ``content/programs/<slug>.md``."""

    title: Text = Field(description="Program name, as projects write it in `program:`.")
    slug: Slug | None = Field(None, description="URL name; defaults to the file name.")
    owner: Text = Field(description="Program manager.")
    summary: OptionalText | None = Field(None, description="One sentence.")
    extra: Extra = Field(default_factory=dict, description="Keys only a theme uses; never validated.")


class Page(Contract):
    """A free page: the front matter of ``content/pages/<slug>.md``."""

    title: Text = Field(description="Page title.")
    slug: Slug | None = Field(None, description="URL name; defaults to the file name.")
    summary: OptionalText | None = Field(None, description="One sentence.")
    order: int = Field(0, description="Position in the navigation (lower first).")
    extra: Extra = Field(default_factory=dict, description="Keys only a theme uses; never validated.")


__all__ = [
    "RECOMMENDED_FIELDS",
    "Budget",
    "Link",
    "Milestone",
    "Page",
    "Phase",
    "Priority",
    "Program",
    "Project",
    "Risk",
    "RiskResponse",
    "RiskStatus",
    "State",
    "Status",
]
