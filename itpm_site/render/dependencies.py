"""What each page of a site is made from, so that a rebuild renders only the pages an edit
touches.

A site's ``Dependencies`` are digests, plain data that ``build`` keeps in the cache folder
between builds:

* ``everything``: what every page may show besides projects: the itpm-site code and its
  catalogs, the settings (``site.yaml`` and the command's options: language, base URL,
  search), the as-of date, the theme's templates, what the layout shows of the whole portfolio
  (``layout_inputs``), the program files, the free pages, the people directory and the
  history's settings. When it differs, every page is rendered again.
* ``whole``: what the whole-portfolio pages (a page whose ``inputs`` are None) show besides
  the projects: every diagnostic (the data-quality page lists files left out too), the
  steering committee's date and the history's HEAD.
* ``projects``: one digest per project slug: the file that holds it (path and bytes) and its
  history. A project is *changed* when its digest differs, or it came or went.
* ``pages``: per page, a digest of its spec (template, title, section, what its context
  holds) and its inputs, the projects it shows; per file beside the pages (an export, a
  feed: ``outputs``), ``OUTPUT`` and its inputs in the same way (what the file holds is the
  code's, which ``everything`` covers).

A page is rendered again, and a file beside the pages made again, when it is new, its spec
differs, its inputs in the old or the new plan hold a changed project, or it shows the whole
portfolio and anything changed (``stale``). The randomised tests
(tests/test_incremental_build.py) check this against clean builds, byte for byte.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from itpm_site import __version__
from itpm_site.cache.digest import code_digest, digest
from itpm_site.load.result import Entry
from itpm_site.render.pages import PageSpec, layout_inputs
from itpm_site.render.site import SiteBuild

#: Bumped when what is recorded changes meaning: a state of another format means a full build.
FORMAT = 1

#: The spec digest of a file beside the pages (a page's is ``spec_digest``).
OUTPUT = "output"


@dataclass(frozen=True)
class Dependencies:
    everything: str
    whole: str
    projects: dict[str, str]
    #: path -> (digest of the spec, sorted input slugs or None for the whole portfolio)
    pages: dict[str, tuple[str, tuple[str, ...] | None]]

    def to_bytes(self) -> bytes:
        data = {
            "format": FORMAT,
            "everything": self.everything,
            "whole": self.whole,
            "projects": self.projects,
            "pages": {path: [key, inputs] for path, (key, inputs) in self.pages.items()},
        }
        return json.dumps(data, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, raw: bytes) -> Dependencies | None:
        """The dependencies recorded in ``raw``; None for anything not written by this format."""
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                return None
            pages = {
                str(path): (str(key), None if inputs is None else tuple(str(s) for s in inputs))
                for path, (key, inputs) in data["pages"].items()
            }
            projects = {str(slug): str(d) for slug, d in data["projects"].items()}
            return cls(str(data["everything"]), str(data["whole"]), projects, pages)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def _tree(folders: Sequence[Path]) -> str:
    """One digest of the names and bytes of the files under ``folders``."""
    parts = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                parts.append(path.relative_to(folder).as_posix().encode() + b"\0")
                try:
                    parts.append(digest(path.read_bytes()).encode())
                except OSError:
                    parts.append(b"unreadable")
        parts.append(b"\1")
    return digest(b"".join(parts))


def _files(entries: Sequence[Entry], digests: Mapping[str, str]) -> list[tuple[str, str, str | None]]:
    return [(e.rel, e.slug, digests.get(e.rel)) for e in entries]


def spec_digest(spec: PageSpec) -> str:
    """The parts of a page's spec that are not its inputs (``context`` by its keys: its values
    are made from the inputs and what ``everything`` covers)."""
    key = (spec.template, spec.title, spec.section, spec.in_sitemap, sorted(spec.context))
    return digest(repr(key).encode("utf-8"))


def dependencies(
    site: SiteBuild,
    digests: Mapping[str, str],
    since: tuple[dt.date, str] | None = None,
    outputs: Sequence[tuple[str, frozenset[str] | None]] = (),
) -> Dependencies | None:
    """The dependencies of ``site`` and of the files beside its pages (``outputs``: path and
    inputs); None when a file's bytes are not known (``digests``, by path, as loading read
    them), which rules out reusing any page."""
    loaded, portfolio, history = site.loaded, site.portfolio, site.history
    entries: list[Entry] = [*loaded.projects, *loaded.programs, *loaded.pages, *loaded.people]
    if any(e.rel not in digests for e in entries):
        return None
    theme_templates = _tree([folder / "templates" for folder in site.theme.folders])
    history_settings = None
    if history is not None:
        history_settings = (history.settings, history.problem, sorted(history.renamed.items()))
    everything = repr(
        (
            __version__,
            code_digest((".py", ".po", ".json")),
            loaded.config.model_dump_json(),
            str(portfolio.as_of),
            site.base_url,
            site.search,
            [str(folder) for folder in site.theme.folders],
            theme_templates,
            layout_inputs(portfolio),
            _files(loaded.programs, digests),
            _files(loaded.pages, digests),
            _files(loaded.people, digests),
            loaded.has_people,
            history is None,
            history_settings,
        )
    )
    head = history.head if history is not None else None
    whole = repr(([dataclasses.astuple(d) for d in loaded.diagnostics], since, head))
    projects = {}
    for entry in loaded.projects:
        story = history.story(entry.slug) if history is not None else None
        projects[entry.slug] = digest(repr((entry.rel, digests[entry.rel], story)).encode("utf-8"))
    pages = {
        spec.path: (spec_digest(spec), None if spec.inputs is None else tuple(sorted(spec.inputs)))
        for spec in site.pages
    }
    for path, inputs in outputs:
        pages[path] = (OUTPUT, None if inputs is None else tuple(sorted(inputs)))
    return Dependencies(digest(everything.encode("utf-8")), digest(whole.encode("utf-8")), projects, pages)


def stale(old: Dependencies | None, new: Dependencies) -> Callable[[str], bool]:
    """Whether the page or file at a path that ``new`` records may differ from what the site
    of ``old`` holds there: always without ``old`` or when ``everything`` differs."""
    if old is None or old.everything != new.everything:
        return lambda path: True
    changed = {
        slug
        for slug in old.projects.keys() | new.projects.keys()
        if old.projects.get(slug) != new.projects.get(slug)
    }
    whole = bool(changed) or old.whole != new.whole

    def differs(path: str) -> bool:
        key, inputs = new.pages[path]
        before = old.pages.get(path)
        return (
            before is None
            or before[0] != key
            or before[1] != inputs
            or _touches(inputs, changed, whole)
            or _touches(before[1], changed, whole)
        )

    return differs


def pages_to_render(old: Dependencies | None, new: Dependencies, specs: Sequence[PageSpec]) -> list[PageSpec]:
    """The pages of ``specs`` (the plan ``new`` was taken from) whose output may differ from
    what the site of ``old`` holds: every page without ``old`` or when ``everything`` differs."""
    differs = stale(old, new)
    return [spec for spec in specs if differs(spec.path)]


def _touches(inputs: tuple[str, ...] | None, changed: set[str], whole: bool) -> bool:
    # None is "the whole portfolio": every change touches it.
    return whole if inputs is None else not changed.isdisjoint(inputs)
