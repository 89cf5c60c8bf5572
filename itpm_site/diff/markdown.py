"""``itpm-site diff`` as a pull-request comment: the change model through ``templates/report.md.j2``.

The template holds every line of the report; this module gives it the filters that escape a
pull request's text and format figures, and decides which whole blocks fit under ``max_chars``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import jinja2

from itpm_site.diff.changes import ChangeKind, PortfolioDiff
from itpm_site.model.money import format_amount, format_percent
from itpm_site.model.text import plural, signed_days
from itpm_site.model.vocab import Status

#: Errors listed per side in the Markdown report; the rest are counted.
MAX_LISTED_ERRORS = 10
#: Months listed per person newly over capacity; the rest are counted.
MAX_LISTED_MONTHS = 6

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!$])")
STATUS_ICON = {None: "⚪", Status.GREEN: "🟢", Status.AMBER: "🟠", Status.RED: "🔴"}


def md(text: Any) -> str:
    """User text made inert in Markdown: one line, punctuation escaped, no @mentions."""
    flat = " ".join(str(text).split())
    # A zero-width space after '@' keeps a name like '@team' from notifying anyone.
    return _MD_SPECIAL.sub(r"\\\1", flat).replace("@", "@\u200b")


def code(text: str) -> str:
    """Inline code that survives backticks and table pipes in the text."""
    flat = " ".join(text.split()).replace("|", "\\|")
    ticks = "`" * (max((len(run) for run in re.findall("`+", flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{ticks}{pad}{flat}{pad}{ticks}"


def _status(status: Status | None) -> str:
    return f"{STATUS_ICON[status]} {status.value if status else 'none'}"


def _date(value: Any) -> str:
    return value.isoformat() if value else "–"


def _value(value: Any) -> str:
    """A text field's value: a number as it is, anything else (an enum by its value) escaped."""
    if value is None or value == "":
        return "–"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return md(getattr(value, "value", value))


@functools.cache
def _report() -> Any:
    """The template's macros, one per block of the report."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("itpm_site.diff", "templates"),
        # Markdown, not HTML: the template escapes a pull request's text with `md` and `code`.
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.do"],
    )
    env.filters.update(
        md=md,
        code=code,
        status=_status,
        money=format_amount,
        signed=functools.partial(format_amount, signed=True),
        days=signed_days,
        date=_date,
        value=_value,
        plural=plural,
        percent=lambda value: format_percent(value, signed=True),
    )
    return env.get_template("report.md.j2").module


def format_markdown(diff: PortfolioDiff, max_chars: int | None = None) -> str:
    """A pull-request comment: the summary line first, then one section per kind of change.

    ``max_chars`` keeps the comment under a size limit by leaving out whole project sections.
    """
    report = _report()
    blocks: list[str] = []
    changed = diff.of_kind(ChangeKind.CHANGED)
    if changed:
        blocks.append(report.changed_heading(len(changed)))
        blocks += [report.changed(c) for c in changed]
    for kind in (ChangeKind.ADDED, ChangeKind.REMOVED):
        items = diff.of_kind(kind)
        if items:
            blocks.append(report.added_removed(kind, items))
    if diff.over_capacity:
        blocks.append(report.over_capacity(diff.over_capacity, MAX_LISTED_MONTHS))
    blocks.append(report.errors(diff.head, diff.of_kind(ChangeKind.INVALID), MAX_LISTED_ERRORS))
    if diff.base.errors:
        blocks.append(report.base_errors(diff, len(diff.base.errors)))
    counts = diff.summary()
    # The summary line names each count once: a project that turned red is not also one
    # whose status got worse.
    words = {
        **counts,
        "status_worse_other": counts["status_worse"] - counts["turned_red"],
        "phase_moves": counts["phase_forward"] + counts["phase_backward"],
    }
    text = str(report.head(diff, words, diff.impact()))
    note = report.truncated()
    for chunk in blocks:
        # An empty block (no errors) is measured too: the limit is checked at every block.
        if max_chars and len(text) + len(chunk) + len(note) > max_chars:
            text += note
            break
        text += chunk
    return text.rstrip("\n") + "\n"
