"""The controlled vocabularies of the data contract: phases, RAG status, states, risk terms.

Each vocabulary knows its canonical values, the synonyms people actually write, and how to
suggest the closest valid value when a word is not understood.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from itpm_site.model.i18n import N_, gettext

# Letters and digits of every script are kept: 'CRM ქართული' and 'CRM სხვა' are two names.
_NON_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=65536)  # owners, programs and tags repeat across thousands of files
def normalize(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key, in any script: 'Monitoring & Control' ->
    'monitoring-and-control', 'Σοφία' -> 'σοφια', 'ნინო ბერიძე' -> 'ნინო-ბერიძე'."""
    folded = unicodedata.normalize("NFKD", text.strip().lower().replace("&", " and "))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NON_WORD.sub("-", folded).strip("-")


def did_you_mean(value: str, choices: dict[str, str]) -> str | None:
    """The canonical value whose spelling (or synonym) is closest to ``value``, if any is close.

    ``choices`` maps normalized spellings to canonical values.
    """
    key = normalize(value)
    close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.6)
    return choices[close[0]] if close else None


class Phase(StrEnum):
    """The five stages of IT project management, in order."""

    # Set on each member below: plain attributes, read for every project on every page.
    order: int

    INITIATION = "initiation"
    PLANNING = "planning"
    IMPLEMENTATION = "implementation"
    MONITORING = "monitoring"
    CLOSURE = "closure"

    @property
    def label(self) -> str:
        """The phase's name in the site's language."""
        return gettext(PHASE_INFO[self].source_label)


@dataclass(frozen=True)
class PhaseInfo:
    source_label: str
    source_focus: str

    @property
    def label(self) -> str:
        return gettext(self.source_label)

    @property
    def focus(self) -> str:
        return gettext(self.source_focus)


PHASE_INFO: dict[Phase, PhaseInfo] = {
    Phase.INITIATION: PhaseInfo(N_("Initiation"), N_("Purpose and feasibility")),
    Phase.PLANNING: PhaseInfo(N_("Planning"), N_("Tasks, resources and cycles")),
    Phase.IMPLEMENTATION: PhaseInfo(N_("Implementation"), N_("Delivering the work")),
    Phase.MONITORING: PhaseInfo(N_("Monitoring and Control"), N_("Time, budget, quality and risk")),
    Phase.CLOSURE: PhaseInfo(N_("Closure"), N_("Approved and handed to operations")),
}
for _order, _phase in enumerate(Phase):
    _phase.order = _order


class Status(StrEnum):
    """RAG health as assessed by the project manager.

    Two orders: ``order`` is how the statuses are shown (green first, in counts, legends and
    bars); ``rank`` is how projects are sorted by health (worst first: red, amber, green, then
    a project without a status, see ``status_rank``).
    """

    order: int
    rank: int

    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def source_label(self) -> str:
        """The label in the source language (English), as the catalog knows it."""
        return _STATUS_LABELS[self.value]

    @property
    def label(self) -> str:
        return gettext(_STATUS_LABELS[self.value])


_STATUS_LABELS = {"green": N_("Green"), "amber": N_("Amber"), "red": N_("Red")}
for _order, _status in enumerate(Status):
    _status.order = _order
    _status.rank = len(Status) - 1 - _order

#: A project without a RAG status: its key in counts, CSS classes and the explorer's filter.
NO_STATUS = "unknown"
#: Every RAG key in display order, the missing status last.
RAG_KEYS: tuple[str, ...] = (*(s.value for s in Status), NO_STATUS)


#: The label of each RAG key (legends, charts, tables).
class _Labels(dict[str, str]):
    """Labels kept in the source language and given in the site's language when read."""

    def __getitem__(self, key: str) -> str:
        return gettext(super().__getitem__(key))

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        value = dict.get(self, key)
        return default if value is None else gettext(value)

    def values(self):  # the labels in the site's language
        return [gettext(v) for v in dict.values(self)]

    def items(self):
        return [(k, gettext(v)) for k, v in dict.items(self)]


RAG_LABELS: dict[str, str] = _Labels({**_STATUS_LABELS, NO_STATUS: N_("Not set")})


def status_key(status: Status | None) -> str:
    """The RAG key of a status, or of its absence."""
    return status.value if status is not None else NO_STATUS


def status_rank(status: Status | None) -> int:
    """Worst first: red 0, amber 1, green 2, no status 3."""
    return status.rank if status is not None else len(Status)


class State(StrEnum):
    """Whether a project is under way, paused, stopped or finished; ``label`` is how pages
    name it ('On hold')."""

    ACTIVE = "active"
    ON_HOLD = "on-hold"
    CANCELLED = "cancelled"
    DONE = "done"

    @property
    def source_label(self) -> str:
        """The label in the source language (English), as the catalog knows it."""
        return _STATE_LABELS[self.value]

    @property
    def label(self) -> str:
        return gettext(_STATE_LABELS[self.value])


_STATE_LABELS = {
    "active": N_("Active"),
    "on-hold": N_("On hold"),
    "cancelled": N_("Cancelled"),
    "done": N_("Done"),
}


class Priority(StrEnum):
    """How much a project matters against the others; ``label`` is how pages name it."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return gettext(_PRIORITY_LABELS[self.value])


_PRIORITY_LABELS = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}


#: Each risk band's name (badges, charts, the trends page).
BAND_LABELS: dict[str, str] = _Labels(
    {"critical": N_("Critical"), "high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}
)


class RiskResponse(StrEnum):
    AVOID = "avoid"
    MITIGATE = "mitigate"
    TRANSFER = "transfer"
    ACCEPT = "accept"
    ESCALATE = "escalate"


class RiskStatus(StrEnum):
    OPEN = "open"
    MONITORING = "monitoring"
    MITIGATED = "mitigated"
    CLOSED = "closed"
    OCCURRED = "occurred"

    @property
    def is_live(self) -> bool:
        """A live risk still needs attention (it counts on the register and the heat map)."""
        return self in (RiskStatus.OPEN, RiskStatus.MONITORING, RiskStatus.OCCURRED)


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """A closed set of values plus the synonyms accepted for each."""

    noun: str  # "a phase", used in messages
    enum: type[StrEnum]
    synonyms: dict[str, tuple[str, ...]]
    _table: dict[str, str] = field(init=False, repr=False)  # normalised word -> value

    def __post_init__(self) -> None:
        table: dict[str, str] = {}
        for member in self.enum:
            table[normalize(member.value)] = member.value
            for word in self.synonyms.get(member.value, ()):
                table[normalize(word)] = member.value
        object.__setattr__(self, "_table", table)

    @property
    def table(self) -> dict[str, str]:
        return self._table

    def parse(self, value: str) -> StrEnum | None:
        canonical = self.table.get(value) or self.table.get(normalize(value))
        return self.enum(canonical) if canonical is not None else None

    def suggest(self, value: str) -> str | None:
        return _suggest(self, normalize(value))

    def choices(self) -> str:
        return ", ".join(m.value for m in self.enum)


@functools.lru_cache(maxsize=4096)  # 10,000 risks with the same misspelt status: one lookup
def _suggest(vocabulary: Vocabulary, key: str) -> str | None:
    return did_you_mean(key, vocabulary.table)


PHASES = Vocabulary(
    "a phase",
    Phase,
    {
        "initiation": (
            "initiating",
            "initiate",
            "init",
            "inception",
            "concept",
            "idea",
            "proposal",
            "proposed",
            "feasibility",
        ),
        "planning": ("plan", "planned", "design", "definition"),
        "implementation": (
            "implementing",
            "implement",
            "execution",
            "executing",
            "execute",
            "delivery",
            "delivering",
            "build",
            "in progress",
            "development",
        ),
        "monitoring": (
            "monitoring and control",
            "monitoring and controlling",
            "monitor",
            "monitoring control",
            "control",
            "controlling",
            "m and c",
        ),
        "closure": (
            "closed",
            "close",
            "closing",
            "closeout",
            "close out",
            "complete",
            "completed",
            "handover",
        ),
    },
)

STATUSES = Vocabulary(
    "a RAG status",
    Status,
    {
        "green": ("g", "on track", "ok"),
        "amber": ("a", "yellow", "at risk"),
        "red": ("r", "off track"),
    },
)

STATES = Vocabulary(
    "a state",
    State,
    {
        "active": ("open", "running", "in progress"),
        "on-hold": ("hold", "paused", "suspended"),
        "cancelled": ("canceled", "stopped", "abandoned"),
        "done": ("complete", "completed", "finished", "closed"),
    },
)

PRIORITIES = Vocabulary(
    "a priority",
    Priority,
    {"high": ("h", "p1", "critical"), "medium": ("m", "med", "normal", "p2"), "low": ("l", "p3")},
)

RISK_RESPONSES = Vocabulary(
    "a risk response",
    RiskResponse,
    {
        "avoid": ("avoidance",),
        "mitigate": ("mitigation", "reduce"),
        "transfer": ("share", "insure"),
        "accept": ("acceptance", "retain"),
        "escalate": ("escalation",),
    },
)

RISK_STATUSES = Vocabulary(
    "a risk status",
    RiskStatus,
    {
        "open": ("active", "new", "identified"),
        "monitoring": ("watch", "watching", "monitored"),
        "mitigated": ("resolved", "reduced"),
        "closed": ("retired", "done"),
        "occurred": ("issue", "realised", "realized", "happened"),
    },
)


#: How the risk register names a risk's status and response (as written, in the site's language).
RISK_STATUS_LABELS: dict[str, str] = _Labels(
    {
        "open": N_("open"),
        "monitoring": N_("monitoring"),
        "mitigated": N_("mitigated"),
        "closed": N_("closed"),
        "occurred": N_("occurred"),
    }
)
RISK_RESPONSE_LABELS: dict[str, str] = _Labels(
    {
        "avoid": N_("avoid"),
        "mitigate": N_("mitigate"),
        "transfer": N_("transfer"),
        "accept": N_("accept"),
        "escalate": N_("escalate"),
    }
)
