"""The formats that show diagnostics (``model.diagnostic``): compiler style for a terminal,
GitHub workflow commands, JSON; the summary line under them, and the ``Collector`` that makes
diagnostics against a document's positions.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TypedDict, Unpack

from itpm_site.load.frontmatter import Document, FieldPath, Span
from itpm_site.model.diagnostic import Diagnostic, Severity
from itpm_site.model.text import plural

JSON_FORMAT_VERSION = 1


@dataclass
class Summary:
    errors: int
    warnings: int
    files: int

    @classmethod
    def of(cls, diagnostics: Sequence[Diagnostic], files: int) -> Summary:
        errors = sum(1 for d in diagnostics if d.is_error)
        return cls(errors, len(diagnostics) - errors, files)

    def sentence(self) -> str:
        return (
            f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')} "
            f"in {plural(self.files, 'file')} checked"
        )


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=lambda d: (d.path.lower(), d.path, d.line, d.column, d.message))


# ----------------------------------------------------------------------------- formats


# Characters that must not reach a log or a terminal as they are: a line break would let a
# value start a line of its own (where CI reads '::warning …' as a command), ESC and the other
# controls rewrite the terminal, and a lone surrogate (an undecodable file name) is no UTF-8.
# Bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) would show a
# value other than it is, reordered ('Trojan source'), and zero-width characters (U+200B-U+200D,
# U+2060, U+FEFF) would hide in it: they are written as escapes too.
_INVISIBLE = "\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff{_INVISIBLE}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible_char(match: re.Match) -> str:
    char = match[0]
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` on one line, every control character and undecodable byte written as an
    escape ('\\n', '\\x1b'): safe to print in a terminal or a CI log, and valid UTF-8."""
    return _UNSAFE.sub(_visible_char, text)


def valid_utf8_json(text: str) -> str:
    """JSON text (from ``json.dumps(ensure_ascii=False)``) with each lone surrogate (a byte
    of a file name that is not UTF-8) written as the text '\\xff', so it encodes as UTF-8, and
    each bidirectional control or zero-width character as a JSON escape ('\\u202e', the same
    string to a JSON reader), so the text shows as it is when printed."""
    return _SURROGATE.sub(_json_escape, text)


def _json_escape(match: re.Match) -> str:
    char = match[0]
    if "\ud800" <= char <= "\udfff":
        return json.dumps(_visible_char(match))[1:-1]
    return f"\\u{ord(char):04x}"


_SURROGATE = re.compile(f"[\\ud800-\\udfff{_INVISIBLE}]")
#: Longest source line shown under a diagnostic (around the culprit's column).
_EXCERPT_WIDTH = 200


def format_human(diagnostics: Sequence[Diagnostic], summary: Summary, color: bool = False) -> str:
    """Compiler style: headline, the source line with a caret under the culprit, the hint."""
    out: list[str] = []
    for d in diagnostics:
        sev_color = "red" if d.is_error else "yellow"
        out.append(_style(visible(d.headline()), color, bold=True, fg=sev_color if color else None))
        if d.source_line:
            gutter = str(d.line)
            pad = " " * len(gutter)
            text, column = _excerpt(d.source_line, d.column)
            caret = "^" + "~" * max(0, min(d.length, len(text) - column + 1) - 1)
            out.append(f"  {gutter} | {text}")
            out.append(f"  {pad} | {' ' * (column - 1)}{_style(caret, color, fg=sev_color)}")
        if d.hint:
            out.append(f"  = help: {visible(d.hint)}")
    if diagnostics:
        out.append("")
    out.append(summary.sentence())
    return "\n".join(out) + "\n"


def _excerpt(line: str, column: int) -> tuple[str, int]:
    """The part of a source line to show, and the culprit's column in it: a 100,000-character
    line is cut to the stretch around the culprit."""
    start = max(0, min(column - 1 - _EXCERPT_WIDTH // 4, len(line) - _EXCERPT_WIDTH))
    cut = line[start : start + _EXCERPT_WIDTH]
    shown = ("…" if start else "") + cut + ("…" if start + _EXCERPT_WIDTH < len(line) else "")
    column = column - start + (1 if start else 0)
    # A tab is often the culprit: show it as one visible character, like every control one.
    before = _UNSAFE.sub(_visible_char, shown[: column - 1].replace("\t", "→"))
    after = _UNSAFE.sub(_visible_char, shown[column - 1 :].replace("\t", "→"))
    return before + after, len(before) + 1


def _style(text: str, color: bool, **kw) -> str:
    if not color:
        return text
    import click

    return click.style(text, **{k: v for k, v in kw.items() if v is not None})


def _escape_data(text: str) -> str:
    # Line breaks are the command's own escapes (GitHub shows them in the annotation); any
    # other control character is written out, so the log gets no raw ESC.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return _UNSAFE.sub(_visible_char, text)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    """GitHub Actions workflow commands, shown inline on the pull request's diff."""
    lines = []
    for d in diagnostics:
        title = f"itpm-site: {d.field}" if d.field else "itpm-site"
        message = d.message + (f"\nhelp: {d.hint}" if d.hint else "")
        props = (
            f"file={_escape_property(d.path)},line={d.line},col={d.column},title={_escape_property(title)}"
        )
        lines.append(f"::{d.severity.value} {props}::{_escape_data(message)}")
    lines.append(summary.sentence())
    return "\n".join(lines) + "\n"


def format_json(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    """A stable, documented shape: ``{"version", "summary", "diagnostics": [...]}``."""
    doc = {
        "version": JSON_FORMAT_VERSION,
        "summary": asdict(summary),
        "diagnostics": [d.to_json() for d in diagnostics],
    }
    return valid_utf8_json(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"


def use_color(stream) -> bool:
    """Colour only for a person at a terminal, and never when NO_COLOR is set."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


class FieldPlace(TypedDict, total=False):
    """Where on a field a diagnostic points, and what it adds (``Collector.on_field``)."""

    code: str
    key: bool  # at the key, not the value
    label: str | None  # the field's name as shown, if not its path
    suggestion: str  # the "did you mean" value


class Collector:
    """Builds diagnostics against a document's positions."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def at(
        self,
        doc: Document | None,
        rel: str,
        span: Span,
        severity: Severity,
        field_: str,
        message: str,
        hint: str = "",
        code: str = "",
        suggestion: str = "",
    ) -> None:
        line_text = doc.line_text(span.line) if doc else ""
        self.items.append(
            Diagnostic(
                path=rel,
                line=span.line,
                column=span.column,
                severity=severity,
                field=field_,
                message=message,
                hint=hint,
                code=code,
                length=span.length,
                source_line=line_text,
                suggestion=suggestion,
            )
        )

    def on_field(
        self,
        severity: Severity,
        doc: Document,
        path: FieldPath,
        message: str,
        hint: str = "",
        code: str = "",
        key: bool = False,
        label: str | None = None,
        suggestion: str = "",
    ) -> None:
        """A diagnostic at ``path`` (its value, or its key); ``label`` overrides the field name."""
        field_ = field_name(path) if label is None else label
        span = doc.span(path, key=key)
        self.at(doc, doc.rel, span, severity, field_, message, hint, code, suggestion)

    def error(
        self, doc: Document, path: FieldPath, message: str, hint: str = "", **where: Unpack[FieldPlace]
    ) -> None:
        """An error at ``path``: see ``on_field`` for ``code``, ``key``, ``label``, ``suggestion``."""
        self.on_field(Severity.ERROR, doc, path, message, hint, **where)

    def warning(
        self, doc: Document, path: FieldPath, message: str, hint: str = "", **where: Unpack[FieldPlace]
    ) -> None:
        self.on_field(Severity.WARNING, doc, path, message, hint, **where)


def field_name(path: Iterable[str | int]) -> str:
    """('risks', 2, 'probability') -> 'risks[2].probability'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
