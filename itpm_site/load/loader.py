"""Stage 1 and 2: find the portfolio's files, parse them, validate each against the contract.

``load_portfolio`` reads every file once and returns the valid projects, programs and pages
with every diagnostic of every file. ``load_sources`` is the same stage over files given as
``{relative path: bytes}``: ``load_portfolio`` (``load.portfolio``) feeds it
the files on disk, ``serve`` the files it has re-read, ``diff`` files read from git objects;
so there is exactly one copy of the rules.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import errno
import os
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel

from itpm_site.load import rules
from itpm_site.load.diagnostics import Collector, field_name, sort_diagnostics
from itpm_site.load.frontmatter import (
    Document,
    FieldPath,
    SourceError,
    Span,
    decode_text,
    parse_document,
    parse_yaml_file,
)
from itpm_site.load.headings import check_headings
from itpm_site.load.markdown_cost import check_markdown_cost
from itpm_site.load.result import Claim, Entry, LoadResult
from itpm_site.load.structure import (
    check_continued_front_matter,
    check_empty_defaults,
    check_front_matter_in_body,
    check_keys,
    check_placeholders,
)
from itpm_site.model.config import SiteConfig, is_folder_name
from itpm_site.model.diagnostic import Diagnostic, Severity
from itpm_site.model.fields import is_blank
from itpm_site.model.people import UNION_TAG, Person, entry_key
from itpm_site.model.project import (
    MAX_TAGS,
    RECOMMENDED_FIELDS,
    Page,
    Program,
    Project,
)
from itpm_site.model.slugs import slugify
from itpm_site.model.vocab import Phase

M = TypeVar("M", bound=BaseModel)

SITE_FILE = "site.yaml"
CONTENT_DIR = "content"
THEMES_DIR = "themes"
SECTIONS: dict[str, type[Project | Program | Page | Person]] = {
    "projects": Project,
    "programs": Program,
    "pages": Page,
    "people": Person,
}


class PortfolioNotFound(Exception):
    """The folder is not a portfolio (a usage error, not a content error)."""


# ------------------------------------------------------------------------------ discovery


def section_of(rel: str) -> str | None:
    """The section a portfolio-relative path ('content/projects/a.md') belongs to, if any.

    The one rule for what counts as content, whether the files are on disk or in git. The
    extension is compared without regard to case ('a.MD' is Markdown too, as on Windows).
    """
    parts = rel.split("/")
    if len(parts) < 3 or parts[0] != CONTENT_DIR or parts[1] not in SECTIONS:
        return None
    inner = parts[2:]
    if not is_markdown_name(inner[-1]) or (parts[1] != "projects" and len(inner) > 1):
        return None
    # Editors' swap/backup files and dot-folders are not content, nor is a folder's README.
    if any(part.startswith((".", "_", "~")) or part.endswith("~") for part in inner):
        return None
    if inner[-1].lower().startswith("readme."):
        return None
    return parts[1]


#: Extensions of Markdown that is not read (only '.md' is): a project saved as 'x.markdown'
#: would drop out of the site without a word.
_OTHER_MARKDOWN = (".markdown", ".mdown", ".mkdn", ".mkd", ".mdx")


def stray_reason(rel: str, head: bytes = b"") -> tuple[str, str] | None:
    """(message, hint) for a file that looks like content or settings but is not read
    ('content/project/a.md', 'content/a.md', 'a.markdown', 'site.yml', a file with front
    matter but another extension, 'projects/a.md' beside content/); None for any other file
    (images, a README, what editors and dot- or _-folders keep). ``head``: the file's first
    bytes, when the name alone does not tell."""
    parts = rel.split("/")
    name, low = parts[-1], parts[-1].lower()
    if any(part.startswith((".", "_", "~")) or part.endswith("~") for part in parts):
        return None
    sections = ", ".join(f"{CONTENT_DIR}/{s}/" for s in SECTIONS)
    has_front = head.removeprefix(b"\xef\xbb\xbf")[:3] == b"---"
    if low.startswith("readme."):  # a folder's notes; with front matter, a project renamed
        if has_front and parts[0] == CONTENT_DIR:
            return f"'{name}' is not read: a README is never content", "give the file a name of its own"
        return None
    if len(parts) == 1:  # the portfolio's own folder
        if rel != SITE_FILE and re.fullmatch(r"site\.ya?ml(\..*)?", low):
            return (
                f"'{name}' is not read: the settings are read from {SITE_FILE}",
                f"rename it to {SITE_FILE}",
            )
        if has_front and is_markdown_name(name):
            return "a content file outside content/ is not read", f"move it into one of {sections}"
        return None
    if parts[0] != CONTENT_DIR:  # 'Content/', or 'projects/' beside content/
        named_like = parts[0].lower() == CONTENT_DIR or parts[0].lower() in SECTIONS
        if named_like and (is_markdown_name(name) or has_front):
            return f"the folder {parts[0]}/ is not read", f"content files go in {sections}"
        return None
    if section_of(rel) is not None:
        return None
    if low in (SITE_FILE, "site.yml"):
        return (
            f"{SITE_FILE} is read from the portfolio's folder, not from content/",
            "move it up, beside content/",
        )
    other = low.endswith(_OTHER_MARKDOWN)
    if not (is_markdown_name(name) or other or has_front):
        return None
    if other or not is_markdown_name(name):
        stem = name.split(".", 1)[0].strip() or name.strip()
        return f"'{name}' is not read: only files ending in '.md' are", f"rename it to '{stem}.md'"
    if len(parts) == 2:
        return "a Markdown file directly in content/ is not read", f"move it into one of {sections}"
    if parts[1] in SECTIONS:  # a sub-folder of programs/ or pages/
        return (
            f"{parts[1]} are read only from {CONTENT_DIR}/{parts[1]}/ itself, not from its sub-folders",
            f"move it to {CONTENT_DIR}/{parts[1]}/",
        )
    close = difflib.get_close_matches(parts[1].lower(), list(SECTIONS), n=1, cutoff=0.6)
    return (
        f"the folder {CONTENT_DIR}/{parts[1]}/ is not read"
        + (f"; did you mean {CONTENT_DIR}/{close[0]}/?" if close else ""),
        f"content files go in {sections}; a folder whose name starts with '_' is left out on purpose",
    )


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(8)
    except OSError:
        return b""


def is_markdown_name(name: str) -> bool:
    """``name`` ends in '.md', in any case ('.MD', '.Md'), with something before it."""
    return len(name) > 3 and name[-3:].lower() == ".md"


def _order(rel: str) -> str:
    return rel.lower()


def require_portfolio(root: Path) -> None:
    """Raise PortfolioNotFound unless ``root`` holds a content/ folder."""
    if not (root / CONTENT_DIR).is_dir():
        raise PortfolioNotFound(
            f"no '{CONTENT_DIR}/' folder in {root}: is this a portfolio? "
            "(use --root DIR, or create one with 'itpm-site init DIR')"
        )


PEOPLE_PREFIX = "content/people/"


def has_people_folder(root: Path) -> bool:
    """Whether the portfolio on disk has content/people/ (with people in it or not)."""
    return (root / PEOPLE_PREFIX).is_dir()


def discover_relative(root: Path) -> dict[str, list[tuple[str, Path]]]:
    """(path relative to ``root`` with '/', path) of the Markdown files per section, in a
    stable order independent of the file system.

    Walks with os.scandir and builds the relative names as it goes: pathlib's glob and
    relative_to cost more than the rest of finding the files.
    """
    require_portfolio(root)
    content = root / CONTENT_DIR
    found: dict[str, list[tuple[str, Path]]] = {}
    for section in SECTIONS:
        files: list[tuple[str, Path]] = []
        pending = [(content / section, f"{CONTENT_DIR}/{section}")]
        while pending:
            folder, prefix = pending.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:  # missing section folder, or unreadable: nothing found there
                continue
            for entry in entries:
                rel = f"{prefix}/{shown_name(entry.name)}"
                if _is_folder(entry):
                    if section == "projects":
                        pending.append((Path(entry.path), rel))
                elif section_of(rel) == section and _is_content_file(entry):
                    files.append((rel, Path(entry.path)))
        found[section] = sorted(files, key=lambda item: _order(item[0]))
    return found


def discover_strays(root: Path) -> dict[str, Path]:
    """The files that look like content or settings but are not read (``stray_reason``):
    under content/, beside it in the portfolio's folder, and in folders named like content/
    or one of its sections there. Only a file whose name does not tell is opened (for its
    first bytes)."""
    found: dict[str, Path] = {}
    pending: list[tuple[Path, str]] = []
    for entry in _entries(root):
        name = shown_name(entry.name)
        if _is_folder(entry):
            if name == CONTENT_DIR or name.lower() == CONTENT_DIR or name.lower() in SECTIONS:
                pending.append((Path(entry.path), name))
        elif stray_reason(name, _head(Path(entry.path)) if is_markdown_name(name) else b"") is not None:
            found[name] = Path(entry.path)
    while pending:
        folder, prefix = pending.pop()
        for entry in _entries(folder):
            rel = f"{prefix}/{shown_name(entry.name)}"
            if entry.name.startswith((".", "_", "~")):
                continue
            if _is_folder(entry):
                pending.append((Path(entry.path), rel))
                continue
            if section_of(rel) is not None:
                continue
            told = is_markdown_name(entry.name) and not entry.name.lower().startswith("readme.")
            head = b"" if told else _head(Path(entry.path))
            if stray_reason(rel, head) is not None:
                found[rel] = Path(entry.path)
    return found


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        return list(os.scandir(folder))
    except OSError:
        return []


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder itself (discovery follows no link to a folder)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _is_content_file(entry: os.DirEntry[str]) -> bool:
    """A Markdown-named entry that is loaded: a file, or a link to one. A link that cannot be
    followed (it leads nowhere, or round in a loop) is loaded too, so that reading it
    reports the file instead of it vanishing from the site without a word; a link to a
    folder or to something that is not a file (a pipe) is not content."""
    try:
        if entry.is_file():
            return True
    except OSError:  # a loop of links, or a link one may not follow
        return True
    try:
        return entry.is_symlink() and not os.path.exists(entry.path)
    except OSError:
        return True


def shown_name(name: str) -> str:
    """A file name as text: the bytes of a name that is not UTF-8 (which Python keeps as lone
    surrogates) are written '\\xff', so every page and message that shows it is valid UTF-8.
    Only names the file is reached by (``DiskSources.paths``) keep the original."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape" if _only_escaped_bytes(name) else "replace")
        return raw.decode("utf-8", "backslashreplace")
    return name


def _only_escaped_bytes(name: str) -> bool:
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in name)


def relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# ------------------------------------------------------------------------------ diagnostics


# ------------------------------------------------------------------------------ validation


_GENERIC_MESSAGES = {
    "list_type": ("expected a list", "write one item per line starting with '- ', or [a, b]"),
    "model_type": ("expected a group of 'key: value' lines", "indent the keys under this one"),
    "model_attributes_type": ("expected a group of 'key: value' lines", "indent the keys under this one"),
    "dict_type": ("expected a group of 'key: value' lines", "indent the keys under this one"),
    "int_parsing": ("expected a whole number", "write digits only, e.g. 3"),
    "int_type": ("expected a whole number", "write digits only, e.g. 3"),
    "string_too_short": ("must not be empty", "write a value after the ':'"),
    "bool_parsing": ("expected true or false", "write true or false"),
    "bool_type": ("expected true or false", "write true or false"),
}


def _pydantic_to_diagnostics(
    doc: Document,
    exc: pydantic.ValidationError,
    out: Collector,
    model: type[BaseModel],
    reported: set[FieldPath] = frozenset(),  # type: ignore[assignment]
) -> None:
    for err in exc.errors(include_url=False):
        # A team entry's union tag ('~mapping') is no key of the file.
        loc: tuple = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(UNION_TAG)))
        if loc in reported:  # a placeholder, already named as one
            continue
        ctx = err.get("ctx") or {}
        kind = err["type"]
        if ctx.get("field", "") != "":
            loc = (*loc, ctx["field"])
        if kind == "missing":
            # Point at the parent mapping: the key itself does not exist.
            out.error(
                doc,
                loc[:-1],
                f"required field '{field_name(loc)}' is missing",
                f"add a line '{loc[-1]}: …'" + _required_hint(model, loc),
                code="missing",
                label=field_name(loc),
            )
            continue
        blank = isinstance(err.get("input"), str) and is_blank(err["input"])
        if err.get("input") is None or (kind == "too_short" and blank):
            # `phase:` with nothing after it (YAML null), or a blank text such as `owner: ''`.
            out.error(
                doc,
                loc,
                f"'{field_name(loc)}' is empty",
                ctx.get("hint") or "write a value after the ':'",
                code="empty-value",
            )
            continue
        if "hint" in ctx:
            out.error(
                doc, loc, err["msg"], ctx.get("hint", ""), code=kind, suggestion=ctx.get("suggestion", "")
            )
            continue
        if kind == "literal_error":
            expected = ctx.get("expected", "")
            out.error(
                doc, loc, f"'{err.get('input')}' is not allowed", f"use one of: {expected}", code="choice"
            )
            continue
        if kind in _BOUNDS:
            too, words = _BOUNDS[kind]
            low, high = _range_of(model, loc)
            out.error(
                doc,
                loc,
                f"'{err.get('input')}' is too {too}: {words} {next(iter(ctx.values()), '')}",
                f"write a number from {low} to {high}" if low is not None and high is not None else "",
                code="range",
            )
            continue
        message, hint = _GENERIC_MESSAGES.get(kind, (err["msg"], ""))
        out.error(doc, loc, message, hint, code=kind)


#: A number out of its range: (too what, the bound in words).
_BOUNDS = {
    "greater_than_equal": ("small", "the least allowed is"),
    "greater_than": ("small", "it must be more than"),
    "less_than_equal": ("large", "the most allowed is"),
    "less_than": ("large", "it must be less than"),
}


def _range_of(model: type[BaseModel], loc: tuple) -> tuple[object, object]:
    """The inclusive bounds (ge, le) the model sets on the field at ``loc``, where it says."""
    current: object = model
    field = None
    for key in loc:
        fields = getattr(current, "model_fields", None)
        if not isinstance(key, str) or not fields or key not in fields:
            return None, None
        field = fields[key]
        candidates = [field.annotation, *typing.get_args(field.annotation)]
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
    if field is None:
        return None, None
    low = next((m.ge for m in field.metadata if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in field.metadata if getattr(m, "le", None) is not None), None)
    return low, high


def _required_hint(model: type[BaseModel], loc: tuple) -> str:
    if model is Project and len(loc) == 1:
        return "; a project needs at least title, phase and owner"
    return ""


def validate_document(doc: Document, model: type[M], out: Collector) -> M | None:
    """Validate one parsed document against its model; problems go to ``out``."""
    for path, first, again in doc.duplicate_keys:
        out.at(
            doc,
            doc.rel,
            again,
            Severity.ERROR,
            field_name(path),
            f"'{path[-1]}' appears twice (first on line {first.line})",
            "keep one of them; YAML would silently use the last",
            code="duplicate-key",
        )
    for problem in doc.problems:
        out.at(
            doc,
            doc.rel,
            problem.span,
            Severity.ERROR,
            field_name(problem.path),
            problem.message,
            problem.hint,
            code=problem.code,
        )
    check_continued_front_matter(model, doc, out)
    check_front_matter_in_body(model, doc, out)
    check_empty_defaults(model, doc.data, doc, out)
    placeholders = check_placeholders(doc.data, doc, out)
    before = len(out.items)
    check_keys(model, doc.data, doc, out)
    try:
        return model.model_validate(doc.data)
    except pydantic.ValidationError as exc:
        _pydantic_to_diagnostics(doc, exc, out, model, placeholders)
        _merge_misspelled_required(out, before)
        return None


def _split_field(name: str) -> tuple[str, str]:
    parent, _, last = name.rpartition(".")
    return parent, last


def _merge_misspelled_required(out: Collector, before: int) -> None:
    """`ownr: Ana` is one mistake, not two: report the missing `owner` at the misspelt key."""
    new = out.items[before:]
    missing = {_split_field(d.field): d for d in new if d.code == "missing"}
    merged: dict[int, Diagnostic] = {}  # by position in new
    dropped: set[int] = set()  # by id
    for i, d in enumerate(new):
        if d.code != "unknown-key" or not d.suggestion:
            continue
        parent, written = _split_field(d.field)
        meant = d.suggestion
        gone = missing.pop((parent, meant), None)
        if gone is None:
            continue
        dropped.add(id(gone))
        merged[i] = dataclasses.replace(
            d,
            severity=Severity.ERROR,
            code="missing",
            field=f"{parent}.{meant}" if parent else meant,
            message=f"required field '{meant}' is missing; '{written}' looks like a misspelling",
            hint=f"rename '{written}' to '{meant}'",
        )
    if not merged:
        return
    kept = []
    for i, d in enumerate(new):
        if id(d) in dropped:
            continue
        kept.append(merged.get(i, d))
    out.items[before:] = kept


def slug_from_path(path: Path) -> str:
    return slugify(path.stem)


_ADAPTERS: dict[tuple[type[BaseModel], str], pydantic.TypeAdapter] = {}


def _valid_field(model: type[BaseModel], name: str, value: Any) -> Any:
    """``value`` as the model's field ``name`` reads it, or None when it is not valid."""
    if (model, name) not in _ADAPTERS:
        info = model.model_fields[name]
        annotation: Any = (
            typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        )
        _ADAPTERS[model, name] = pydantic.TypeAdapter(annotation)
    try:
        return _ADAPTERS[model, name].validate_python(value)
    except pydantic.ValidationError:
        return None


def partial_claim(doc: Document, model: type[BaseModel], section: str, file_slug: str) -> Claim:
    """What a file that does not validate as a whole still validly claims: each field the
    checks across files read, taken alone."""
    data = doc.data
    fields = model.model_fields

    def valid(name: str) -> Any:
        return _valid_field(model, name, data[name]) if name in fields and name in data else None

    slug = valid("slug")
    deps = data.get("depends_on") if "depends_on" in fields else None
    listed = deps if isinstance(deps, list) else [deps] if isinstance(deps, str) else []
    depends_on = []
    for index, dep in enumerate(listed):
        checked = _valid_field(model, "depends_on", [dep])
        if checked:
            depends_on.append((index, checked[0]))
    tags = valid("tags") or ()
    return Claim(
        rel=doc.rel,
        section=section,
        doc=doc,
        slug=slug or file_slug,
        explicit_slug=slug is not None,
        title=valid("title"),
        depends_on=tuple(depends_on),
        owner=valid("owner"),
        program=valid("program"),
        category=valid("category"),
        tags=tuple(tags),
        name=valid("name"),
        team=_team_claims(data.get("team") if "team" in fields else None),
    )


def _team_claims(team: Any) -> tuple[tuple[int, str, bool], ...]:
    """The people a ``team:`` list names, entry by entry, where the entry names one."""
    found = []
    for index, item in enumerate(team if isinstance(team, list) else [team] if isinstance(team, str) else []):
        named = item.get("person") if isinstance(item, dict) else item
        if isinstance(named, str | int) and not isinstance(named, bool) and str(named).strip():
            found.append((index, str(named).strip(), not isinstance(item, dict)))
    return tuple(found)


# ------------------------------------------------------------------------------ config


def load_config(root: Path, out: Collector) -> SiteConfig:
    """Read ``site.yaml`` if there is one; a broken one is reported and defaults are used."""
    path = root / SITE_FILE
    if not path.is_file():
        return SiteConfig()
    return config_from_source(root, path.read_bytes, out)


def config_from_source(
    root: Path, read: Callable[[], bytes | str], out: Collector, themes: Path | None = None
) -> SiteConfig:
    """``site.yaml`` from its bytes (``read`` may raise OSError); defaults when it is broken.
    With ``themes`` (the portfolio's themes/ folder on disk), the theme it names must be there.
    """
    path = root / SITE_FILE
    rel = SITE_FILE
    try:
        text = decode_text(read())
        doc = parse_yaml_file(path, rel, text) if text.strip() else None
    except SourceError as exc:
        if exc.code == "empty":  # only comments: every key of site.yaml is optional
            return SiteConfig()
        out.at(
            None,
            rel,
            Span(exc.line, exc.column, exc.length),
            Severity.ERROR,
            "",
            exc.message,
            exc.hint,
            exc.code,
        )
        return SiteConfig()
    except OSError as exc:
        out.at(None, rel, Span(1, 1), Severity.ERROR, "", f"cannot read: {exc.strerror}", code="io")
        return SiteConfig()
    if doc is None:  # an empty site.yaml means "all defaults"
        return SiteConfig()
    validated = validate_document(doc, SiteConfig, out)
    config = validated or SiteConfig()
    if validated is not None and "categories" in doc.data:
        for field_path, message, hint in config.category_clashes(lambda p: doc.span(p).line):
            out.error(doc, field_path, message, hint, code="category-clash")
    if themes is not None:
        _check_theme(config.theme, themes, doc, out)
    return config


def _check_theme(name: str, themes: Path, doc: Document, out: Collector) -> None:
    """A theme other than the default is a folder of the portfolio's themes/: a misspelt
    name would otherwise give the default look without a word."""
    if name == "default":
        return
    plain = is_folder_name(name)
    if plain and (themes / name).is_dir():
        if not (themes / name).resolve().is_relative_to(themes.resolve()):
            out.error(
                doc,
                ("theme",),
                f"themes/{name} is a link that leads out of themes/",
                "copy the theme into themes/ instead of linking to it",
                code="theme",
            )
        return
    try:
        have = sorted(p.name for p in themes.iterdir() if p.is_dir() and p.name != "default")
    except OSError:
        have = []
    choices = ", ".join(["default", *have])
    if plain:
        out.error(
            doc,
            ("theme",),
            f"there is no theme folder themes/{name}/",
            f"create themes/{name}/ with the templates/ and static/ files that override "
            f"the default theme, or use one of: {choices}",
            code="theme",
        )
    else:
        out.error(
            doc,
            ("theme",),
            f"'{name}' is not the name of a folder under themes/",
            f"use one of: {choices}",
            code="theme",
        )


# ------------------------------------------------------------------------------ the stage


def document_from_source(
    path: Path, rel: str, read: Callable[[], bytes | str], out: Collector
) -> Document | None:
    """Split one file given by ``read`` (which may raise OSError); problems become diagnostics."""
    raw: bytes | str | None = None
    text: str | None = None
    try:
        raw = read()
        text = decode_text(raw)
        return parse_document(path, rel, text)
    except SourceError as exc:
        if text is None and isinstance(raw, bytes):  # not UTF-8: show the line as best we can
            text = raw.decode("utf-8", errors="replace").replace("\r\n", "\n")
        line_text = ""
        with contextlib.suppress(IndexError):
            line_text = text.split("\n")[exc.line - 1] if text is not None else ""
        out.items.append(
            Diagnostic(
                rel,
                exc.line,
                exc.column,
                Severity.ERROR,
                "",
                exc.message,
                exc.hint,
                exc.code,
                exc.length,
                line_text,
            )
        )
    except OSError as exc:
        message, hint = _read_error(path, exc)
        out.items.append(Diagnostic(rel, 1, 1, Severity.ERROR, "", message, hint, "io"))
    return None


def _read_error(path: Path, exc: OSError) -> tuple[str, str]:
    """The message and hint for a content file that cannot be read."""
    if isinstance(exc, OutsideLink):
        return (
            f"cannot read the file: {exc.strerror or exc}",
            f"copy the file into {CONTENT_DIR}/ instead of linking to it",
        )
    if exc.errno == errno.ELOOP:
        return (
            "cannot read the file: it is a symbolic link in a loop of links "
            "(too many levels of symbolic links)",
            "point the link at a real file, or replace the link with the file itself",
        )
    target = _link_target(path)
    if exc.errno == errno.ENOENT and target is not None:
        return (
            f"cannot read the file: it is a symbolic link to '{target}', which does not exist",
            "point the link at an existing file, or delete the link",
        )
    if exc.errno == errno.EISDIR:
        return (
            "cannot read the file: it is a folder (or a link to one)",
            "rename it so that its name does not end in '.md', or move the files out of it",
        )
    return (
        f"cannot read the file: {exc.strerror or exc}",
        "check that the file exists and that you may read it",
    )


def _link_target(path: Path) -> str | None:
    try:
        return shown_name(os.readlink(path)) if path.is_symlink() else None
    except (OSError, ValueError):
        return None


def entry_from_source(
    path: Path,
    rel: str,
    read: Callable[[], bytes | str],
    section: str,
    out: Collector,
    claimed: set[str] | None = None,
) -> tuple[Entry | None, Claim | None]:
    """Read (with ``read``), split and validate one content file: its entry (None when it
    does not validate) and, when it does not, what it still claims for the checks across
    files (None when it cannot be read at all). ``claimed`` collects the slugs it may have,
    so a dependency on a rejected file is not reported twice."""
    if claimed is not None:
        claimed.add(slug_from_path(path))
    doc = document_from_source(path, rel, read, out)
    if doc is None:
        return None, None
    check_headings(doc, out)
    check_markdown_cost(doc, out)
    if claimed is not None and isinstance(doc.data.get("slug"), str):
        claimed.add(doc.data["slug"].strip())
    model = validate_document(doc, SECTIONS[section], out)
    if model is None:
        claim = partial_claim(doc, SECTIONS[section], section, slug_from_path(path))
        doc.data = {}
        doc.drop_tree()
        return None, claim
    # The model holds everything from here on; the raw mapping is only memory at 10,000 files.
    doc.data = {}
    slug = model.slug or slug_from_path(path)
    if isinstance(model, Project):
        _tag_limit(doc, model, out)
        _project_warnings(doc, model, out)
    doc.drop_tree()  # the file's own diagnostics are made (kept, it would cost memory)
    return Entry(model=model, slug=slug, doc=doc), None


def _tag_limit(doc: Document, project: Project, out: Collector) -> None:
    """At most MAX_TAGS distinct tags (as pages: tags that make the same page are one); an
    error at the first one over (``load_file`` then leaves the file out)."""
    pages: set[str] = set()
    for i, tag in enumerate(project.tags):
        pages.add(slugify(tag))
        if len(pages) > MAX_TAGS:
            out.error(
                doc,
                ("tags", i),
                f"the project has {len(set(map(slugify, project.tags))):,} distinct tags; "
                f"at most {MAX_TAGS} are allowed",
                f"keep the {MAX_TAGS} that group projects best; each tag makes a page of the site",
                code="too-many-tags",
            )
            return


def _project_warnings(doc: Document, project: Project, out: Collector) -> None:
    for name in RECOMMENDED_FIELDS:
        if getattr(project, name) in (None, ""):
            out.warning(
                doc,
                (),
                f"recommended field '{name}' is missing",
                f"add '{name}: …' so the project shows up fully in rollups",
                code="recommended",
                label=name,
            )
    _repeated_items(doc, project, out)
    if project.phase is Phase.CLOSURE:
        for i, risk in enumerate(project.risks):
            if risk.status.is_live:
                out.warning(
                    doc,
                    ("risks", i, "status"),
                    f"the project is in closure but risk '{risk.title}' is still {risk.status.value}",
                    "close the risk, mark it mitigated, or hand it over to operations before closure",
                    code="closure-open-risk",
                )


def _same(text: str) -> str:
    """Text as compared for a repeat: case and runs of spaces aside, in any script."""
    return " ".join(text.casefold().split())


def _same_text(item: object) -> str:
    return _same(str(item))


#: The lists in which an item may appear once: (field, what an item is, the key an item is
#: compared by, what to do). A second risk with one title is a pasted copy; a milestone named
#: twice is often a re-planned one whose old date was left in.
_ONCE: tuple[tuple[str, str, Callable[[Any], object], str], ...] = (
    (
        "risks",
        "risk",
        lambda r: _same(r.title),
        "remove one, or give each its own title: both would be counted",
    ),
    (
        "milestones",
        "milestone",
        lambda m: _same(m.name),
        "keep one, with its current date: both would be counted",
    ),
    ("links", "link", lambda link: link.url.strip(), "remove one of them"),
    ("tags", "tag", _same_text, "remove one of them"),
    ("team", "team member", entry_key, "remove one of them, or give each its own from/to"),
    ("depends_on", "dependency", str, "remove one of them"),
)


def _repeated_items(doc: Document, project: Project, out: Collector) -> None:
    """An error at each item listed a second time in a list where it may appear once."""
    for field, noun, key_of, hint in _ONCE:
        items = getattr(project, field)
        if len(items) < 2:  # most lists: nothing to compare (this runs for every project)
            continue
        first: dict[object, int] = {}
        for index, item in enumerate(items):
            key = key_of(item)
            if key not in first:
                first[key] = index
                continue
            out.error(
                doc,
                (field, index),
                f"this {noun} is listed twice (also item {first[key] + 1} of '{field}')",
                hint,
                code="repeated-item",
            )


class OutsideLink(PermissionError):
    """A content file reached through a link that leads out of ``content/``."""


class DiskSources(Mapping[str, bytes]):
    """The portfolio's files on disk as ``{relative path: bytes}``, each read when asked for.

    A content file reached through a link (to the file, or to its section folder, or
    ``content/`` itself) that leads out of ``content/`` is not read: its lines would show in
    error messages and CI logs, and its text on the site — ``.git/config`` holds a CI
    checkout's token. Reading it fails, which the loader reports on the file. ``site.yaml``
    may be a link within the portfolio.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.paths = {rel: path for found in discover_relative(root).values() for rel, path in found}
        self.paths.update(discover_strays(root))
        if (root / SITE_FILE).is_file():
            self.paths[SITE_FILE] = root / SITE_FILE
        content = root / CONTENT_DIR
        self.content = content.resolve()
        # Discovery follows no link below a section folder, so only these can be links.
        self.linked = {
            f"{CONTENT_DIR}/{name}/"
            for name in SECTIONS
            if content.is_symlink() or (content / name).is_symlink()
        }

    def __getitem__(self, rel: str) -> bytes:
        path = self.paths[rel]
        if (path.is_symlink() or rel.startswith(tuple(self.linked))) and not self._inside(rel):
            where = "the portfolio" if rel == SITE_FILE else f"{CONTENT_DIR}/"
            raise OutsideLink(
                errno.EACCES,
                f"it is reached through a link that leads out of {where}, which itpm-site does not follow",
            )
        return path.read_bytes()

    def _inside(self, rel: str) -> bool:
        try:
            real = self.paths[rel].resolve()
        except RuntimeError as exc:  # Python before 3.13 on a loop of links
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(self.paths[rel])) from exc
        if rel == SITE_FILE:
            return real.is_relative_to(self.root)
        return self.content.is_relative_to(self.root) and real.is_relative_to(self.content)

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


@dataclass
class LoadedFile:
    """One content file read and validated on its own, before the whole-portfolio rules."""

    entry: Entry | None  # None when the file has an error
    diagnostics: list[Diagnostic]
    #: Slugs the file may claim (its name, its 'slug:'), even when it is rejected.
    claimed: set[str]
    #: What a rejected file still validly claims, for the checks across files.
    claim: Claim | None = None


def load_file(root: Path, rel: str, section: str, read: Callable[[], bytes | str]) -> LoadedFile:
    """Read (with ``read``) and validate the content file ``rel`` of ``section``."""
    out = Collector()
    claimed: set[str] = set()
    entry, claim = entry_from_source(root / rel, rel, read, section, out, claimed)
    if entry is not None and not any(d.is_error for d in out.items):
        return LoadedFile(entry, out.items, claimed)
    if entry is not None:  # valid as a model, with an error of another kind
        claim = Claim.of(entry, section)
    return LoadedFile(None, out.items, claimed, claim)


def sorted_content(sources: Iterable[str]) -> dict[str, list[str]]:
    """The content files among ``sources`` by section, in the order they are loaded."""
    files: dict[str, list[str]] = {section: [] for section in SECTIONS}
    for rel in sources:
        section = section_of(rel)
        if section is not None:
            files[section].append(rel)
    return {section: sorted(rels, key=_order) for section, rels in files.items()}


def load_sources(
    root: Path,
    sources: Mapping[str, bytes | str],
    read_file: Callable[[str, str], LoadedFile] | None = None,
    themes: Path | None = None,
    people_folder: bool = False,
) -> LoadResult:
    """Load a portfolio given as ``{path relative to the portfolio: bytes or text}``.

    ``site.yaml`` and every content file among the keys are read (other keys are ignored);
    reading a value may raise OSError, which becomes a diagnostic. ``root`` only names the
    files (``Document.path``): nothing is read from it. ``read_file(rel, section)``, if
    given, loads each content file instead of ``load_file`` (``serve`` reuses the result for
    a file whose bytes did not change). ``people_folder``: content/people/ exists on disk (a
    folder git cannot hold when it has no file).
    """
    out = Collector()
    config = (
        config_from_source(root, lambda: sources[SITE_FILE], out, themes)
        if SITE_FILE in sources
        else SiteConfig()
    )
    result = LoadResult(root=root, config=config)
    files = sorted_content(sources)
    strays: dict[str, tuple[str, str]] = {}
    for rel in sources:
        if rel != SITE_FILE and section_of(rel) is None:
            with contextlib.suppress(OSError):
                data = sources[rel]
                reason = stray_reason(rel, data[:8].encode() if isinstance(data, str) else data[:8])
                if reason:
                    strays[rel] = reason
    result.files = sum(len(v) for v in files.values()) + int(SITE_FILE in sources) + len(strays)
    # The folder, not its people, turns the directory on: a folder holding only a README still
    # makes every team entry name someone in it (else each allocation would be dropped unseen).
    result.has_people = (
        people_folder or bool(files["people"]) or any(rel.startswith(PEOPLE_PREFIX) for rel in sources)
    )
    for rel in sorted(strays, key=_order):
        message, hint = strays[rel]
        out.items.append(Diagnostic(rel, 1, 1, Severity.ERROR, "", message, hint, "not-read"))
        result.rejected.append(rel)
    targets: dict[str, list[Entry[Any]]] = {
        "projects": result.projects,
        "programs": result.programs,
        "pages": result.pages,
        "people": result.people,
    }
    for section, rels in files.items():
        for rel in rels:
            loaded = (
                read_file(rel, section)
                if read_file
                else load_file(root, rel, section, partial(sources.__getitem__, rel))
            )
            out.items.extend(loaded.diagnostics)
            if loaded.entry is not None:
                targets[section].append(loaded.entry)
            else:
                result.rejected.append(rel)
                if section == "projects":
                    result.rejected_slugs |= loaded.claimed
                if loaded.claim is not None:
                    result.rejected_claims.append(loaded.claim)
    rules.apply(result, out)
    result.diagnostics = sort_diagnostics(out.items)
    return result
