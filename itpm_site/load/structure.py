"""Mistakes in a file's shape that YAML accepts but that would change what is published.

Each is an error at its line, never a warning: a misspelt or misplaced key would drop its
value, a placeholder would publish "TBD" as data, and front matter that goes on after its
closing '---' would turn risks and milestones into body text (docs/diagnostics.md).
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel

from itpm_site.load.body_links import fenced_blocks
from itpm_site.load.diagnostics import Collector, field_name
from itpm_site.load.frontmatter import Document, FieldPath, Span
from itpm_site.model.diagnostic import Severity
from itpm_site.model.project import Project

#: Unknown keys reported one by one in a file; the rest are counted in one more error (20,000
#: of them would bury every other problem, and a did-you-mean each costs time).
MAX_UNKNOWN_KEYS_SHOWN = 50

#: The mapping whose keys are never checked: data only a theme uses.
EXTRA = "extra"


def _nested(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (directly, in a list, or optionally), if any."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _nested(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            found = _nested(arg)
            if found:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


_NESTED_CACHE: dict[type[BaseModel], dict[str, type[BaseModel] | None]] = {}


def nested_fields(model: type[BaseModel]) -> dict[str, type[BaseModel] | None]:
    """The model's keys, each with the model its value holds (None for a plain value)."""
    if model not in _NESTED_CACHE:
        # Keyed as written in YAML: a field may have an alias ('from', a Python keyword).
        _NESTED_CACHE[model] = {
            (f.alias or name): _nested(f.annotation) for name, f in model.model_fields.items()
        }
    return _NESTED_CACHE[model]


def _is_list(model: type[BaseModel], key: str) -> bool:
    fields = model.model_fields
    field = fields.get(key) or next(f for f in fields.values() if f.alias == key)
    annotation = field.annotation
    return typing.get_origin(annotation) is list


_HOMES_CACHE: dict[type[BaseModel], dict[str, list[FieldPath]]] = {}


def _homes(root: type[BaseModel]) -> dict[str, list[FieldPath]]:
    """Every key of the mappings inside ``root``, with the paths of the mappings it belongs
    to ('actual' → [('budget',)]; 'probability' → [('risks', 0)])."""
    if root not in _HOMES_CACHE:
        homes: dict[str, list[FieldPath]] = {}
        pending: list[tuple[type[BaseModel], FieldPath]] = [(root, ())]
        while pending:
            model, path = pending.pop()
            for key, sub in nested_fields(model).items():
                homes.setdefault(key, []).append(path)
                if sub is not None and len(path) < 4:
                    pending.append((sub, (*path, key, 0) if _is_list(model, key) else (*path, key)))
        _HOMES_CACHE[root] = homes
    return _HOMES_CACHE[root]


def _where(path: FieldPath) -> str:
    """A mapping's place in words: () → 'the top level', ('budget',) → \"'budget'\",
    ('risks', 0) → \"a risk under 'risks'\"."""
    if not path:
        return "the top level of the front matter"
    if isinstance(path[-1], int):
        return f"an item of '{field_name(path[:-1])}'"
    return f"'{field_name(path)}'"


def check_keys(root: type[BaseModel], data: Any, doc: Document, out: Collector) -> None:
    """An error for each key the contract does not know, with a did-you-mean, or with the
    mapping it belongs to when it was written at the wrong level; ``extra`` is not looked in."""
    count = _check_keys(root, root, data, (), doc, out, [0])
    if count > MAX_UNKNOWN_KEYS_SHOWN:
        out.error(
            doc,
            (),
            f"{count - MAX_UNKNOWN_KEYS_SHOWN:,} more unknown keys are not listed one by one",
            "fix the ones listed first",
            code="unknown-key",
            label="",
        )


def _check_keys(
    root: type[BaseModel],
    model: type[BaseModel],
    data: Any,
    path: FieldPath,
    doc: Document,
    out: Collector,
    count: list[int],
) -> int:
    if not isinstance(data, dict):
        return count[0]
    known = nested_fields(model)
    for key, value in data.items():
        if key not in known:
            count[0] += 1
            if count[0] <= MAX_UNKNOWN_KEYS_SHOWN:
                _unknown_key(root, known, str(key), path, doc, out)
            continue
        sub = known[key]
        if sub is None or key == EXTRA:
            continue
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            child = (*path, key) if index is None else (*path, key, index)
            _check_keys(root, sub, item, child, doc, out, count)
    return count[0]


def _unknown_key(
    root: type[BaseModel],
    known: dict[str, type[BaseModel] | None],
    key: str,
    path: FieldPath,
    doc: Document,
    out: Collector,
) -> None:
    here = (*path, key)
    generic = _generic(path)
    elsewhere = [home for home in _homes(root).get(key, []) if home != generic]
    if elsewhere:
        home = elsewhere[0]
        if len(home) > len(generic) and home[: len(generic)] == generic:
            parent = home[len(generic)]
            hint = f"indent it under '{parent}:'" + (
                f", in the item of '{parent}' it belongs to" if len(home) > len(generic) + 1 else ""
            )
        elif home == generic[: len(home)]:
            hint = f"indent it less, to the level of the other keys of {_where(home)}"
        else:
            hint = f"move it to {_where(home)}"
        out.error(
            doc,
            here,
            f"'{key}' belongs in {_where(home)}, not {_in(path)}: written here its value is lost",
            hint,
            code="misplaced-key",
            key=True,
        )
        return
    close = next(iter(difflib.get_close_matches(key, list(known), n=1, cutoff=0.7)), "")
    message = f"unknown key '{key}'" + (f"; did you mean '{close}'?" if close else "")
    keys = ", ".join(k for k in known if k != EXTRA)
    hint = (
        f"rename it to '{close}'; a key the contract does not know would be ignored"
        if close
        else f"valid keys here are: {keys}; keep data only a theme uses under 'extra:'"
    )
    out.error(doc, here, message, hint, code="unknown-key", key=True, suggestion=close)


def _in(path: FieldPath) -> str:
    return "at the top level" if not path else f"in {_where(path)}"


def _generic(path: FieldPath) -> FieldPath:
    """``path`` with every list index 0, as ``_homes`` writes them."""
    return tuple(0 if isinstance(part, int) else part for part in path)


# ------------------------------------------------------------------------------ placeholders


def check_placeholders(data: Any, doc: Document, out: Collector) -> set[FieldPath]:
    """An error at each value that is still a placeholder (TBD, TODO, '<owner>'; found while
    the file was read, outside ``extra``); returns their paths, where the model's own
    complaint about the value is not repeated."""
    found = set(doc.placeholders)
    for path in sorted(found, key=lambda p: doc.span(p)):
        out.error(
            doc,
            path,
            f"'{str(_value_at(data, path)).strip()}' is a placeholder, not a value",
            "write the real value, or remove the line until it is known",
            code="placeholder",
        )
    return found


def _value_at(data: Any, path: FieldPath) -> Any:
    for part in path:
        data = data[part]
    return data


# ------------------------------------------------------------------------------ front matter

_KEY_LINE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")
_FIRST_LINE = re.compile(r"(?:[ \t]*\n)*([^\n]*)")


def check_continued_front_matter(model: type[BaseModel], doc: Document, out: Collector) -> None:
    """An error when the body starts with front-matter keys: a second '---' line ended the
    front matter early, and what follows it would be published as text."""
    if doc.body_line <= 0:
        return
    # The first line with something on it (a match, not a split: a body may be 1 MiB).
    first = _FIRST_LINE.match(doc.body)
    match = _KEY_LINE.match(first[1]) if first else None
    if first is None or match is None or match[1] not in nested_fields(model):
        return
    fence = doc.body_line - 1
    line = doc.body_line + first[0].count("\n")
    out.at(
        doc,
        doc.rel,
        Span(fence, 1, 3),
        Severity.ERROR,
        "",
        f"the front matter ends at line {fence}, but continues: line {line} '{match[1]}:' is a "
        "front-matter key",
        f"remove the '---' on line {fence} if the keys below it belong to the front matter; "
        "the front matter is everything between the first two '---' lines",
        code="front-matter-continues",
    )


# A line that starts like a front-matter key; most bodies have none. Searched for after a
# line break (a literal the regex engine finds fast, where '^' is tried at every character).
_KEY_START = re.compile(r"\n(---[ \t]*\n)?([a-z_]+)[ \t]*:([ \t]+\S)?")
_NEXT_KEY = re.compile(r"[^\n]*\n([a-z_]+)[ \t]*:[ \t]+\S")


def check_front_matter_in_body(model: type[BaseModel], doc: Document, out: Collector) -> None:
    """An error at front matter written again inside the body, where it is only text: a '---'
    line followed by a front-matter key (a file pasted below itself, a second block of
    settings), or two lines of front-matter keys in a row ('status: amber' under an update).
    Code blocks are left alone."""
    body = doc.body
    if doc.body_line <= 0 or ":" not in body:
        return
    keys = _homes(model)
    fenced: list[tuple[int, int]] | None = None
    body = "\n" + body  # so that the first line starts after a line break too
    for match in _KEY_START.finditer(body):
        fence, key, value = match[1], match[2], match[3]
        if key not in keys:
            continue
        if not fence:
            after = _NEXT_KEY.match(body, match.end())
            if not value or after is None or after[1] not in keys:
                continue
        if fenced is None:
            fenced = fenced_blocks(body)
        if any(start <= match.start() + 1 < end for start, end in fenced):
            continue
        line = doc.body_line + body.count("\n", 0, match.start() + 1) - 1
        if not fence and not body[: match.start() + 1].strip():
            return  # the body's first line: the front matter continues (reported as such)
        out.at(
            doc,
            doc.rel,
            Span(line, 1, 3),
            Severity.ERROR,
            "",
            f"front-matter keys in the body from line {line} ('{key}:'): they are not read, "
            "only shown as text",
            "move the values into the front matter at the top of the file (between the first two "
            "'---' lines), or write them as prose",
            code="front-matter-in-body",
        )
        return


#: Keys whose empty value would quietly stand for a default that changes figures: a budget
#: whose 'currency:' lost its value would be counted in the site's currency.
_NOT_EMPTY: dict[type[BaseModel], tuple[FieldPath, ...]] = {Project: (("budget", "currency"),)}


def check_empty_defaults(model: type[BaseModel], data: Any, doc: Document, out: Collector) -> None:
    for path in _NOT_EMPTY.get(model, ()):
        parent = data
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and path[-1] in parent and parent[path[-1]] in (None, ""):
            out.error(
                doc,
                path,
                f"'{field_name(path)}' is written without a value",
                "write a currency code (EUR, USD, GEL …), or leave the line out to mean the site's currency",
                code="empty-value",
            )
