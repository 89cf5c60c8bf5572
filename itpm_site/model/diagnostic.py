"""A diagnostic: one problem found in the content, as data.

Every stage reports problems as ``Diagnostic`` values (loading, the rules across files,
aggregation, history, templates, ``serve``); they are formatted only at the edge (terminal,
GitHub annotation, JSON, browser overlay: ``load.diagnostics``), so every consumer sees the
same facts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from dataclasses import field as attr
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file. ``line``/``column`` are 1-based, as in the file on disk."""

    path: str
    line: int
    column: int
    severity: Severity = attr(compare=False)
    field: str = attr(compare=False)
    message: str = attr(compare=False)
    hint: str = attr(default="", compare=False)
    code: str = attr(default="", compare=False)
    #: Length of the offending text on that line, for the caret underline.
    length: int = attr(default=1, compare=False)
    #: The text of the source line, for showing it under the message.
    source_line: str = attr(default="", compare=False, repr=False)
    #: The value a "did you mean" in the message proposes ('owner' for 'ownr'), else ''. Code
    #: that acts on a suggestion reads it here, never out of the message's words.
    suggestion: str = attr(default="", compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def headline(self) -> str:
        """``path:line:col: severity: field: message`` — the line every format is built on."""
        where = f"{self.path}:{self.line}:{self.column}"
        subject = f"{self.field}: " if self.field else ""
        return f"{where}: {self.severity.value}: {subject}{self.message}"

    def to_json(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        del data["source_line"]
        # The JSON format keeps its version-1 keys: the message already says the suggestion.
        del data["suggestion"]
        return data
