"""People and their allocations: the front matter of ``content/people/<slug>.md`` and the
mapping form of a project's ``team:`` entries.

A ``team:`` entry is a plain name (as before people existed) or an allocation
``{person, role, allocation, from, to}``; both name a person of the directory by slug or name.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
)

from itpm_site.model.fields import Bool, Extra, IsoDate, NameList, OptionalText, Percent, Slug, Text, fail
from itpm_site.model.fields import _name_list as name_list
from itpm_site.model.vocab import normalize

#: Marks the union tags of a ``team:`` entry in pydantic's error locations; the loader leaves
#: them out of a field's path ('team[1].person', not 'team[1].~mapping.person').
UNION_TAG = "~"


class _Contract(BaseModel):
    # As model.project.Contract (which imports this module): unknown keys are reported by
    # the loader with a did-you-mean; the model drops them.
    model_config = ConfigDict(extra="ignore", frozen=True, json_schema_extra={"additionalProperties": False})


def _date_order(value: dt.date | None, info: ValidationInfo) -> dt.date | None:
    start = info.data.get("start")
    if value is not None and start is not None and value < start:
        raise fail("date-order", f"to ({value}) is before from ({start})", "'to' must be on or after 'from'")
    return value


class Period(_Contract):
    """A period of days, both ends included: ``{from: 2026-08-01, to: 2026-08-21}``."""

    start: IsoDate = Field(alias="from", description="First day, YYYY-MM-DD.")
    end: IsoDate = Field(alias="to", description="Last day, YYYY-MM-DD (included).")

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        return _date_order(value, info) or value


class Person(_Contract):
    """One person: the front matter of ``content/people/<slug>.md``."""

    name: Text = Field(description="Full name, as projects write it in `team:` and `owner:`.")
    slug: Slug | None = Field(None, description="URL name; defaults to the file name.")
    team: OptionalText | None = Field(
        None, description="Department or group, e.g. Security, Infrastructure, Business Data."
    )
    role: OptionalText | None = Field(None, description="Usual role, e.g. Solution Architect.")
    capacity: Percent = Field(100, description="Percent of full time the person works, 0-100.")
    skills: NameList = Field(default_factory=list, description="Skills, one per item.")
    unavailable: list[Period] = Field(
        default_factory=list, description="Leave and other absences: a list of {from, to}."
    )
    extra: Extra = Field(default_factory=dict, description="Keys only a theme uses; never validated.")


class Allocation(_Contract):
    """A ``team:`` entry as a mapping: who, in what role, how much of their time, when."""

    person: Text = Field(description="The person's slug or name, as in content/people/.")
    role: OptionalText | None = Field(None, description="Their role on this project.")
    allocation: Percent | None = Field(
        None, description="Percent of full time, 0-100; without it the person counts in no load."
    )
    start: IsoDate | None = Field(
        None, alias="from", description="First day; defaults to the project's start."
    )
    end: IsoDate | None = Field(None, alias="to", description="Last day; defaults to the project's end.")

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        return _date_order(value, info)


def _entry_kind(value: Any) -> str:
    return f"{UNION_TAG}mapping" if isinstance(value, dict | Allocation) else f"{UNION_TAG}name"


TeamEntry = Annotated[
    Annotated[Allocation, Tag(f"{UNION_TAG}mapping")] | Annotated[Text, Tag(f"{UNION_TAG}name")],
    Discriminator(_entry_kind),
]
#: ``team:``: names, or allocations, or both mixed; a single name stands for a list of one.
TeamList = Annotated[
    list[TeamEntry], BeforeValidator(name_list, json_schema_input_type=list[TeamEntry] | Text)
]


def entry_person(entry: str | Allocation) -> str:
    """The person a ``team:`` entry names, as written."""
    return entry if isinstance(entry, str) else entry.person


def entry_key(entry: str | Allocation) -> object:
    """What makes a ``team:`` entry the same as another: one name listed twice is a repeat;
    one person with two periods (50% until June, 20% after) is not."""
    if isinstance(entry, str):
        return normalize(entry)
    # As written: 'Jan Kovač' and 'jan-kovac' may be two people (a name and another's file);
    # the same person written two ways is found once the directory resolves them (load/people).
    return (entry.person.strip(), entry.start, entry.end)


class Directory:
    """The people of content/people/, found by slug or by name (case, accents and
    punctuation aside): what a ``team:`` entry or an ``owner`` names."""

    def __init__(self, people: Iterable[tuple[str, str]]) -> None:
        """``people``: (slug, name) of each person."""
        self.names: dict[str, str] = {}
        self._names: dict[str, str] = {}  # normalized name -> slug
        for slug, name in people:
            self.names.setdefault(slug, name)
            self._names.setdefault(normalize(name), slug)

    def find(self, written: str) -> str | None:
        """The slug of the person ``written`` names, if any: a slug as written first, then a
        name (case, accents and punctuation aside), then a slug written another way. A name
        wins over a slug that only looks like it: 'Jan Kovač' is the person of that name, not
        the file jan-kovac.md of someone else."""
        written = written.strip()
        if written in self.names:
            return written
        key = normalize(written)
        found = self._names.get(key)
        if found is not None:
            return found
        return key if key in self.names else None

    def suggest(self, written: str) -> str | None:
        """The name of the person ``written`` is closest to, for a did-you-mean."""
        by_name = {normalize(name): name for name in self.names.values()}
        by_name.update({slug: self.names[slug] for slug in self.names})
        close = difflib.get_close_matches(normalize(written), list(by_name), n=1, cutoff=0.6)
        return by_name[close[0]] if close else None

    def __bool__(self) -> bool:
        return bool(self.names)


class PeopleSettings(BaseModel):
    """``people:`` in site.yaml: what of the directory the site publishes."""

    # A closed mapping: a misspelt ``pubish: false`` would publish the names it meant to hide.
    model_config = ConfigDict(extra="forbid", frozen=True)

    publish: Bool = Field(
        True,
        description=(
            "false: no person pages and no person names in allocations, exports or search; "
            "capacity is shown by team only (check still checks everything)."
        ),
    )


__all__ = ["Allocation", "PeopleSettings", "Period", "Person", "TeamEntry", "TeamList", "entry_key"]
