"""Reading a source file: decode it, split the front matter, parse the YAML keeping positions.

Only ``true``/``false`` become booleans and only ``null``/``~``/empty become None: every other
plain scalar stays the text the author wrote (``no`` is Norway, ``007`` keeps its zeros), and
the typed model decides what a field's text means. Every key, value and list item remembers
its line and column in the file on disk (the opening ``---`` is line 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeGuard

import yaml

from itpm_site.model.fields import PLACEHOLDER_STARTS as _PLACEHOLDER_STARTS
from itpm_site.model.fields import is_placeholder
from itpm_site.model.text import plural_word

if TYPE_CHECKING:  # the C loader, where PyYAML was built with it, has the same interface
    _BaseLoader = yaml.SafeLoader
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """Composes nodes only: tags are never resolved (we read plain scalars ourselves)."""

    def resolve(self, kind, value, implicit):  # the hot path of composing: make it trivial
        return ""


#: Limits on what one file's front matter may ask of the loader (docs/limits.md). A pull
#: request's author must not be able to stall or exhaust CI with one small file.
MAX_FRONT_MATTER_BYTES = 256 * 1024
#: A Markdown body beyond this is not read: rendering one costs about 550 bytes of memory per
#: byte of Markdown, and no project's notes come near it (docs/limits.md).
MAX_BODY_BYTES = 1024 * 1024
#: Nodes made by repeating an alias: a few shared lists are fine, 'billion laughs' is not.
MAX_ALIAS_EXPANSIONS = 1000
MAX_NESTING = 50
#: Items in one list (risks, milestones, tags …): each invalid one costs a did-you-mean.
MAX_LIST_ITEMS = 2000
#: Characters no field may hold: control characters (ESC rewrites CI logs and terminals,
#: NUL ends C strings and file names), lone surrogates (not encodable as UTF-8) and Unicode's
#: noncharacters (U+FDD0-U+FDEF, and U+FFFE and U+FFFF of every plane), which XML 1.0 refuses
#: (a title holding one would make changes.xml ill-formed). YAML lets a double-quoted string
#: write any of them as an escape ("\0", "\e", "\ud800", "\uFFFE").
_FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)

_LINE_OFFSET_DEFAULT = 2  # the YAML text starts on line 2 of the file (after '---')

#: A path into the front matter: ("risks", 2, "probability").
FieldPath = tuple[str | int, ...]


class Span(NamedTuple):
    """Where a piece of front matter sits in the file: 1-based line and column."""

    line: int
    column: int
    length: int = 1


class Problem(NamedTuple):
    """A mistake found while reading a file, reported as an error by the loader."""

    span: Span
    path: FieldPath
    message: str
    hint: str
    code: str


class SourceError(Exception):
    """The file cannot be turned into front matter + body at all."""

    def __init__(
        self,
        message: str,
        line: int = 1,
        column: int = 1,
        hint: str = "",
        length: int = 1,
        code: str = "syntax",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        self.length = length
        self.code = code


@dataclass
class Document:
    """A source file split into front-matter data and Markdown body.

    Positions are not recorded while parsing (most files have no problem, and keeping a
    position for every node of 10,000 files costs time and memory); ``span`` finds them when a
    diagnostic needs one: in the composed tree while the loader still holds it (the file's
    own diagnostics), else by composing the front matter again, once.
    """

    path: Path
    rel: str  # path relative to the portfolio root, with '/' separators
    data: dict
    body: str
    body_line: int  # line of the file where the body starts
    yaml_text: str = ""
    #: (key path, first key span, repeated key span) for keys written twice.
    duplicate_keys: list[tuple[FieldPath, Span, Span]] = field(default_factory=list)
    #: Paths of the values that are placeholders (TBD, '<owner>'), found while reading.
    placeholders: list[FieldPath] = field(default_factory=list)
    #: Mistakes found while reading the file that YAML itself accepts (an amount split at its
    #: thousands commas, a body over the limit): each is an error at its place.
    problems: list[Problem] = field(default_factory=list)
    _positions: tuple[dict, dict] | None = field(default=None, repr=False)
    line_offset: int = _LINE_OFFSET_DEFAULT
    #: The composed front matter while the file's own diagnostics are made: positions come
    #: from it, not from composing again (``drop_tree`` lets it go).
    _tree: yaml.Node | None = field(default=None, repr=False, compare=False)
    #: ``yaml_text`` split into lines, once: a file with 10,000 problems shows 10,000 lines.
    _lines: list[str] | None = field(default=None, repr=False, compare=False)

    def drop_tree(self) -> None:
        """Forget the composed front matter (positions are found again if ever needed)."""
        self._tree = None

    def release(self) -> None:
        """Drop the front matter's text and positions once every diagnostic is made (a build
        of 10,000 projects keeps its documents to the end); a diagnostic made after this has
        no source line and points at the file's first line."""
        self.yaml_text = ""
        self._lines = None
        self._positions = ({}, {})

    def line_text(self, line: int) -> str:
        """A line of the file, for showing under a diagnostic (front matter, its fences or
        the body)."""
        if 0 < self.body_line <= line:
            body = self.body.split("\n")
            return body[line - self.body_line] if line - self.body_line < len(body) else ""
        index = line - self.line_offset
        if self._lines is None:
            self._lines = self.yaml_text.split("\n")
        lines = self._lines
        if 0 <= index < len(lines):
            return lines[index]
        return "---" if index in (-1, len(lines)) and self.line_offset > 1 else ""

    def positions(self) -> tuple[dict[FieldPath, Span], dict[FieldPath, Span]]:
        """(value spans, key spans) of every field path."""
        if self._positions is None:
            values: dict[FieldPath, Span] = {}
            keys: dict[FieldPath, Span] = {}
            node = self._tree or yaml.compose(self.yaml_text, Loader=_Loader)
            if node is not None:
                _record(node, (), values, keys, self.line_offset, set())
            self._positions = (values, keys)
        return self._positions

    def span(self, path: FieldPath, *, key: bool = False) -> Span:
        """The position of a field (its value, or its key), or of its nearest ancestor."""
        values, keys = self.positions()
        table = keys if key else values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if not key and probe in keys:
                return keys[probe]
            probe = probe[:-1]
        return Span(1, 1, 3)


def _node_span(node: yaml.Node, offset: int) -> Span:
    start, end = node.start_mark, node.end_mark
    length = end.column - start.column if end.line == start.line else 1
    return Span(start.line + offset, start.column + 1, length if length > 1 else 1)


def _record(
    node: yaml.Node, path: FieldPath, values: dict, keys: dict, offset: int, active: set[int]
) -> None:
    values[path] = _node_span(node, offset)
    if isinstance(node, yaml.ScalarNode) or id(node) in active:
        return
    active.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record(item, (*path, i), values, keys, offset, active)
    else:
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            keys.setdefault(child, _node_span(key_node, offset))
            _record(value_node, child, values, keys, offset, active)
    active.discard(id(node))


def read_text(path: Path) -> str:
    """Read a source file as UTF-8 (a BOM is allowed), with newlines normalised to '\\n'."""
    return decode_text(path.read_bytes())


def decode_text(raw: bytes | str) -> str:
    """A source file's bytes (from disk or from git) as text, exactly as ``read_text`` reads it."""
    if isinstance(raw, str):
        text = raw.removeprefix("\ufeff")
        return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        data = exc.object  # after a BOM, if any: exc.start counts from there
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        # Count characters, not bytes: 'ქ' before the bad byte is one column, not three.
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise SourceError(
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            line,
            column,
            hint="save the file as UTF-8 in your editor",
            code="encoding",
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


_CLOSING_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
#: Lines meant as the closing '---' that are not: more dashes, spaced dashes, a dash of
#: another kind, a comment after it.
_NEAR_FENCE = re.compile(r"^(?:-{4,}|(?:- ){2,}-|[—–]{1,3}|---[ \t]*#.*|[ \t]+---)[ \t]*$", re.MULTILINE)


def _is_fence(line: str) -> bool:
    return line.rstrip() == "---"


def parse_document(path: Path, rel: str, text: str) -> Document:
    """Split ``text`` into front matter and body and parse the front matter."""
    if not text.strip():
        raise SourceError("the file is empty", hint=_EXPECTED_SHAPE, code="empty")
    first_nl = text.find("\n")
    first_line = text if first_nl < 0 else text[:first_nl]
    if not _is_fence(first_line):
        hint = _EXPECTED_SHAPE
        lines = text.splitlines()
        below = next((n for n, line in enumerate(lines) if line.strip()), 0)
        if below and _is_fence(lines[below]):
            hint = (
                f"remove the {plural_word(below, 'blank line')} above the '---' on line "
                f"{below + 1}: the front matter starts on the file's first line"
            )
        raise SourceError(
            "the file does not start with front matter ('---')",
            length=len(first_line) or 1,
            hint=hint,
            code="no-front-matter",
        )
    # The closing fence: a line that is exactly '---' (or '...', YAML's document end).
    close = _CLOSING_FENCE.search(text, first_nl + 1) if first_nl >= 0 else None
    if close is None:
        near = _NEAR_FENCE.search(text, first_nl + 1) if first_nl >= 0 else None
        if near is not None:  # '----', '—', '- - -', '--- # end': meant as the closing line
            line = text.count("\n", 0, near.start()) + 1
            raise SourceError(
                f"line {line}, '{near[0].strip()}', looks like the end of the front matter, but only "
                "a line of exactly '---' ends it",
                line,
                1,
                length=len(near[0].rstrip()) or 1,
                hint="write '---' alone on the line",
                code="unclosed-front-matter",
            )
        raise SourceError(
            "the front matter opened on line 1 is never closed",
            length=3,
            hint="add a line with only '---' after the last front-matter key",
            code="unclosed-front-matter",
        )
    close_start = close.start()
    close_end = min(close.end() + 1, len(text))
    line_no = text.count("\n", 0, close_start) + 1
    yaml_text = text[first_nl + 1 : close_start]
    body = text[close_end:]
    doc = Document(path=path, rel=rel, data={}, body=body, body_line=line_no + 1, yaml_text=yaml_text)
    doc.data = _parse_yaml(yaml_text, doc)
    _check_body_size(doc)
    return doc


def _check_body_size(doc: Document) -> None:
    """A body over ``MAX_BODY_BYTES`` is an error at the line where it crosses the limit, and
    is not kept: the file is left out, and its front matter still takes part in the checks."""
    size = len(doc.body.encode("utf-8", "surrogatepass"))
    if size <= MAX_BODY_BYTES:
        return
    line = doc.body_line + doc.body.count("\n", 0, MAX_BODY_BYTES)
    doc.problems.append(
        Problem(
            Span(line, 1),
            (),
            f"the Markdown body is {size:,} bytes; at most {MAX_BODY_BYTES:,} (1 MiB) are published",
            "keep long material (logs, exports, minutes) in a linked document, not in the project file",
            "body-too-large",
        )
    )
    doc.body = ""


_EXPECTED_SHAPE = (
    "a project file starts with a line '---', then YAML keys such as "
    "'title: …', 'phase: …', 'owner: …', then a line '---', then Markdown"
)


def parse_yaml_file(path: Path, rel: str, text: str) -> Document:
    """A whole file of YAML (``site.yaml``) as a Document whose YAML starts on line 1."""
    doc = Document(path=path, rel=rel, data={}, body="", body_line=0, yaml_text=text, line_offset=1)
    doc.data = _parse_yaml(text, doc, whole_file=True)
    return doc


def _check_size(yaml_text: str, offset: int, whole_file: bool) -> None:
    size = len(yaml_text.encode("utf-8", "surrogatepass"))
    if size > MAX_FRONT_MATTER_BYTES:
        # The line where the limit is crossed (characters never outnumber bytes).
        line = yaml_text.count("\n", 0, MAX_FRONT_MATTER_BYTES) + offset
        raise SourceError(
            f"{'the file' if whole_file else 'the front matter'} is {size:,} bytes; at most "
            f"{MAX_FRONT_MATTER_BYTES:,} are read",
            line,
            hint="keep it to the settings"
            if whole_file
            else "keep long text in the Markdown body, below the closing '---'",
            code="too-large",
        )


def _parse_yaml(yaml_text: str, doc: Document, whole_file: bool = False) -> dict:
    """The YAML of a file's front matter, or (``whole_file``) of a whole YAML file."""
    offset = doc.line_offset
    _check_size(yaml_text, offset, whole_file)
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # Where YAML stopped (if it says) may be far below an unclosed quote.
        if mark is not None and (unclosed := _unclosed_quote(yaml_text, mark.line)) is not None:
            line, column, quote = unclosed
            raise SourceError(
                "YAML syntax error: the quoted value that starts here is not closed on its line",
                line + offset,
                column + 1,
                code="yaml",
                hint=f"end the value with {quote} on the same line; YAML read on, taking the "
                f"lines below as part of it, up to line {mark.line + offset}",
            ) from None
        if (opened := _unclosed_flow(exc, yaml_text)) is not None:
            line, column, closer = opened
            stopped = exc.problem_mark or mark
            raise SourceError(
                f"YAML syntax error: the {'list' if closer == ']' else 'mapping'} opened here "
                f"with '{'[' if closer == ']' else '{'}' is not closed",
                line + offset,
                column + 1,
                code="yaml",
                hint=f"end it with '{closer}' on the same line, or write the items one per line; "
                f"YAML read on to line {(stopped.line if stopped else line) + offset} looking for "
                f"the '{closer}'",
            ) from None
        if mark is not None and (dent := _dented_line(yaml_text, mark.line)) is not None:
            index, key = dent
            raise SourceError(
                f"YAML syntax error: '{key}' is indented less than the lines around it, so the "
                "lines below it no longer fit",
                index + offset,
                _indent(yaml_text.split("\n")[index]) + 1,
                length=len(key),
                code="yaml",
                hint=f"indent '{key}' like the other keys of the mapping it belongs to",
            ) from None
        line = (mark.line + offset) if mark else 1
        column = (mark.column + 1) if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise SourceError(
            f"YAML syntax error: {problem}",
            line,
            column,
            hint=_yaml_hint(problem, doc.line_text(line)),
            code="yaml",
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors without a mark
        raise SourceError(f"YAML error: {exc}", code="yaml") from None
    if node is None:
        raise SourceError(
            "the front matter is empty", hint="add at least 'title:', 'phase:' and 'owner:'", code="empty"
        )
    if not isinstance(node, yaml.MappingNode):
        raise SourceError(
            f"{'the file' if whole_file else 'the front matter'} must be a set of 'key: value' lines",
            node.start_mark.line + offset,
            node.start_mark.column + 1,
            hint=f"{doc.rel} holds settings such as 'title: …' and 'currency: EUR', one per line"
            if whole_file
            else _EXPECTED_SHAPE,
            code="yaml",
        )
    doc._tree = node
    data: dict = _Builder(doc).build(node, ())
    return data


# A value that opens a quote ('key: "…', '- "…'): the quote's column is group 1's end.
_QUOTED_VALUE = re.compile(r"""^(\s*(?:-\s+)*(?:[^\s#'"][^:#]*:\s+)?)(["'])""")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content_indent(line: str) -> int:
    """Where a line's key starts: after its indentation and a list item's '- '."""
    stripped = line.lstrip(" ")
    return _indent(line) + (2 if stripped.startswith("- ") else 0)


def _dented_line(yaml_text: str, error_line: int) -> tuple[int, str] | None:
    """(line index, key) of a 'key:' line just at or above ``error_line`` (0-based) that is
    indented less than the lines on both sides of it: an outdented key in the middle of a
    mapping, which makes YAML fail on the line after it, where the author would not look."""
    lines = yaml_text.split("\n")
    filled = [i for i, text in enumerate(lines) if text.strip() and not text.lstrip().startswith("#")]
    above = [i for i in filled if i < error_line][-1:]
    for candidate in (error_line, *above):
        if candidate not in filled:
            continue
        at = filled.index(candidate)
        if at == 0 or at + 1 >= len(filled):
            continue
        before, here, after = lines[filled[at - 1]], lines[candidate], lines[filled[at + 1]]
        key = re.match(r"\s*(?:- )?([A-Za-z_][\w-]*):(\s|$)", here)
        if key and _content_indent(before) > _indent(here) < _indent(after) and _indent(before) > 0:
            return candidate, key[1]
    return None


def _unclosed_flow(exc: yaml.MarkedYAMLError, yaml_text: str) -> tuple[int, int, str] | None:
    """(line index, column index, closing bracket) of a '[' or '{' that YAML could not find
    the end of: the error is found where YAML gave up, often on a later line, but the mistake
    is where the bracket opened."""
    context, opened = exc.context or "", exc.context_mark
    if opened is None or "flow" not in context:
        return None
    problem = exc.problem or ""
    closer = "]" if "sequence" in context else "}"
    if f"'{closer}'" not in problem or _closes_on_its_line(yaml_text, opened.line, opened.column):
        return None
    return opened.line, opened.column, closer


def _closes_on_its_line(yaml_text: str, index: int, column: int) -> bool:
    """The bracket at (``index``, ``column``) is matched later on its own line (quoted text
    aside): then the mistake is inside it, not a missing end."""
    lines = yaml_text.split("\n")
    if index >= len(lines):
        return False
    line = re.sub(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"", "", lines[index][column:])
    pairs = {"[": "]", "{": "}"}
    expected: list[str] = []
    for char in line:
        if char in pairs:
            expected.append(pairs[char])
        elif char in "]}":
            if not expected or expected.pop() != char:
                return False
            if not expected:
                return True
    return False


def _unclosed_quote(yaml_text: str, error_line: int) -> tuple[int, int, str] | None:
    """(line index, column index, quote) of the first quoted value before ``error_line``
    (0-based) that is not closed on its own line: a missing quote makes YAML read on and fail
    far below, where the author would never look."""
    for index, line in enumerate(yaml_text.split("\n")[: error_line + 1]):
        match = _QUOTED_VALUE.match(line)
        if match is None:
            continue
        quote, rest = match[2], line[match.end() :]
        # In "…" a quote after an odd number of backslashes is escaped; in '…' it is doubled.
        closed = re.search(r'(?<!\\)(?:\\\\)*"', rest) if quote == '"' else "'" in rest.replace("''", "")
        if not closed:
            return index, match.start(2), quote
    return None


def _yaml_hint(problem: str, source: str) -> str:
    if "mapping values are not allowed" in problem or (": " in source.split(":", 1)[-1]):
        return "a value that contains ': ' must be quoted, e.g. title: \"Phase 2: rollout\""
    if "found character '\\t'" in problem or "\t" in source:
        return "YAML does not allow tabs for indentation; use spaces"
    if "could not find expected ':'" in problem:
        return "every front-matter line is 'key: value'; check the line above for a missing ':'"
    if "found undefined alias" in problem or "found character '*'" in problem:
        return "a value starting with '*' or '&' must be quoted"
    return "check the indentation and quoting on this line and the line before"


@dataclass
class _SplitNumber:
    """A number in a flow mapping, with the digit groups YAML took for keys after it."""

    key: str
    value: yaml.ScalarNode
    groups: list[str] = field(default_factory=list)


_NUMBER = re.compile(r"\d+(\.\d+)?")


def _is_number(node: yaml.Node) -> TypeGuard[yaml.ScalarNode]:
    return isinstance(node, yaml.ScalarNode) and not node.style and bool(_NUMBER.fullmatch(node.value))


def _is_digit_group(key: yaml.ScalarNode, value: yaml.Node) -> bool:
    """A key of digits alone with no value: the part of a number after a comma."""
    return (
        not key.style
        and bool(re.fullmatch(r"\d+(\.\d+)?", key.value))
        and isinstance(value, yaml.ScalarNode)
        and not value.style
        and value.value == ""
    )


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))


class _Builder:
    """Turns a composed YAML node tree into plain Python data."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.yaml_text
        self.has_hash = "#" in self.text  # once: every plain scalar would look
        self.active: set[int] = set()
        self.seen: set[int] = set()
        self.expansions = 0

    def build(self, node: yaml.Node, path: FieldPath):
        if id(node) in self.seen:  # a node met again is one more copy made by an alias
            self._expanded(node)
        else:
            self.seen.add(id(node))
        if node.__class__ is yaml.ScalarNode:
            value = node.value
            if found := _FORBIDDEN.search(value):
                self._forbidden(node, found[0])
            # A cheap first letter test first: every value of every file passes here. A
            # theme's own data (under 'extra') is never looked into.
            starts = value[:1] in _PLACEHOLDER_STARTS or value[:1].isspace()
            if starts and is_placeholder(value) and (not path or path[0] != "extra"):
                self.doc.placeholders.append(path)
            if not node.style:  # plain scalar (None or "" by loader): only null and booleans
                if node.tag or self.text[node.start_mark.index : node.start_mark.index + 1] == "&":
                    self._decorated(node, path)
                elif self.has_hash or node.start_mark.line != node.end_mark.line:
                    self._cut_or_run_on(node, path)
                if value in _NULLS:
                    return None
                if value in _TRUE:
                    return True
                if value in _FALSE:
                    return False
            return value
        if id(node) in self.active:  # a recursive alias: &a [*a]
            raise SourceError("YAML alias refers to itself", *self._pos(node), code="yaml")
        if len(path) >= MAX_NESTING:
            raise SourceError(
                f"the front matter is nested more than {MAX_NESTING} levels deep",
                *self._pos(node),
                hint="no field of a project nests this deep",
                code="too-deep",
            )
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                if len(node.value) > MAX_LIST_ITEMS:
                    raise SourceError(
                        f"a list of {len(node.value):,} items; at most {MAX_LIST_ITEMS:,} are read",
                        *self._pos(node),
                        hint="split the project, or keep the list in the body",
                        code="too-many-items",
                    )
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            result: dict = {}
            split: _SplitNumber | None = None
            flow = getattr(node, "flow_style", False)
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise SourceError("a key must be a plain word", *self._pos(key_node), code="yaml")
                key = key_node.value
                if split is not None and _is_digit_group(key_node, value_node):
                    split.groups.append(key)
                    continue
                if split is not None:
                    self._split_number(path, split)
                split = _SplitNumber(key, value_node) if flow and _is_number(value_node) else None
                if found := _FORBIDDEN.search(key):
                    self._forbidden(key_node, found[0])
                if key in result:
                    self._duplicate(path, key, key_node)
                result[key] = self.build(value_node, (*path, key))
            if split is not None:
                self._split_number(path, split)
            return result
        finally:
            self.active.discard(id(node))

    def _decorated(self, node: yaml.ScalarNode, path: FieldPath) -> None:
        """'owner: &Davit Gogua' and 'sponsor: !Chief Medical Officer': YAML takes the first
        word for an anchor or a tag and keeps only the rest."""
        mark = node.start_mark
        word = self.text[mark.index :].split(None, 1)[0]
        self.doc.problems.append(
            Problem(
                Span(mark.line + self.doc.line_offset, mark.column + 1, len(word)),
                path,
                f"'{word}' at the start of a value is read as a YAML "
                f"{'tag' if word.startswith('!') else 'anchor'}, and dropped: only '{node.value}' is kept",
                f'quote the value: "{self._raw(node)}"',
                "yaml-decorated",
            )
        )

    def _cut_or_run_on(self, node: yaml.ScalarNode, path: FieldPath) -> None:
        """' #' ends a value (YAML reads a comment: 'ticket #4471' keeps 'ticket'), and a value
        that runs on over lines may hold a list item or a key that lost its indentation."""
        end = node.end_mark
        if node.start_mark.line == end.line:
            rest = self.text[end.index : self.text.find("\n", end.index) % (len(self.text) + 1)]
            cut = re.match(r"[ \t]+#(?=[^\s#])", rest)
            if cut:
                self.doc.problems.append(
                    Problem(
                        Span(end.line + self.doc.line_offset, end.column + len(cut[0]), 1),
                        path,
                        f"the '#' here starts a YAML comment: the value ends at '{node.value}', "
                        f"and '{rest.strip()}' is dropped",
                        f"quote the value if the '#' belongs to it: \"{node.value}{rest.rstrip()}\"; "
                        "a comment is written with a space after the '#'",
                        "yaml-comment",
                    )
                )
            return
        lines = self.text[node.start_mark.index : end.index].split("\n")
        for offset, line in enumerate(lines[1:], 1):
            if re.match(r"\s*(- |[A-Za-z_][\w-]*:(\s|$))", line):
                self.doc.problems.append(
                    Problem(
                        Span(node.start_mark.line + offset + self.doc.line_offset, 1, max(1, len(line))),
                        path,
                        f"'{line.strip()}' is read as part of the value above it, which runs on over "
                        "several lines",
                        "indent a list item or a key like the ones beside it, or quote a value that "
                        "spans lines",
                        "yaml-run-on",
                    )
                )
                return

    def _raw(self, node: yaml.ScalarNode) -> str:
        return self.text[node.start_mark.index : node.end_mark.index].replace('"', '\\"')

    def _split_number(self, path: FieldPath, split: _SplitNumber) -> None:
        """`{planned: 250,000}`: YAML reads 'planned: 250' and a key '000'; the author meant
        one number (the digit keys are left out of the data, and the file is in error)."""
        if not split.groups:
            return
        written = ",".join([split.value.value, *split.groups])
        self.doc.problems.append(
            Problem(
                _node_span(split.value, self.doc.line_offset)._replace(length=len(written)),
                (*path, split.key),
                f"'{written}' is read as {split.value.value} and the "
                f"{plural_word(len(split.groups), 'key')} {', '.join(repr(g) for g in split.groups)}: "
                "inside { } a comma separates entries",
                f"quote it ('{written}') or write it without commas ({''.join(written.split(','))})"
                if all(len(g) == 3 for g in split.groups)
                else f"write decimals with a point ({written.replace(',', '.', 1)}), or quote the value",
                "amount-split",
            )
        )

    def _expanded(self, node: yaml.Node) -> None:
        self.expansions += 1
        if self.expansions > MAX_ALIAS_EXPANSIONS:
            raise SourceError(
                f"YAML aliases ('*name') repeat more than {MAX_ALIAS_EXPANSIONS:,} values",
                *self._pos(node),
                code="too-many-aliases",
                hint="write the values out, or repeat a shorter list",
            )

    def _forbidden(self, node: yaml.Node, char: str) -> None:
        name = "NUL" if char == "\0" else f"U+{ord(char):04X}"
        kind = "noncharacter" if ord(char) >= 0xFDD0 else "control character"
        raise SourceError(
            f"a value contains the {kind} {name}",
            *self._pos(node),
            code="control-character",
            hint="remove it: no field may hold control characters or noncharacters "
            "(escapes such as \\0, \\e or \\uFFFE in a quoted string write them)",
        )

    def _duplicate(self, path: FieldPath, key: str, node: yaml.Node) -> None:
        child = (*path, key)
        first = self.doc.span(child, key=True)
        self.doc.duplicate_keys.append((child, first, _node_span(node, self.doc.line_offset)))

    def _pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + self.doc.line_offset, node.start_mark.column + 1
