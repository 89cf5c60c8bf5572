"""Rules that need the whole portfolio: unique slugs, dependencies, categories, consistency.

Each rule reports through the loader's collector; an entry with an error is taken out of the
result so that ``build --keep-going`` publishes only valid projects.
"""

from __future__ import annotations

import difflib
from collections import defaultdict, deque
from typing import TYPE_CHECKING, Any, TypeVar

from itpm_site.load.body_links import check_body_links
from itpm_site.model import vocab
from itpm_site.model.groups import GROUP_FOLDERS, GroupKind
from itpm_site.model.slugs import slugify

if TYPE_CHECKING:
    from itpm_site.load.diagnostics import Collector
    from itpm_site.load.result import Entry, LoadResult

E = TypeVar("E", bound="Entry[Any]")

#: URL folders the site itself uses; a free page may not take one of these slugs.
RESERVED_PAGE_SLUGS = frozenset(
    {
        "projects",
        *GROUP_FOLDERS,
        "risks",
        "budget",
        "roadmap",
        "milestones",
        "quality",
        "search",
        "static",
        "schema",
        "calendar",
        "figures",
        "report",
        "changes",
        "trends",
    }
)


def apply(result: LoadResult, out: Collector) -> None:
    rejected: set[int] = set()
    for entries in (result.projects, result.programs, result.pages):
        rejected |= _unique_slugs(entries, out)
    rejected |= _reserved_pages(result.pages, out)
    rejected |= _dependencies(result.projects, out, result.rejected_slugs)
    _categories(result, out)
    _program_titles(result.programs, out)
    _shared_name_pages(result, out)
    check_body_links(result, out)
    if rejected:
        _drop(result.projects, rejected, result)
        _drop(result.programs, rejected, result)
        _drop(result.pages, rejected, result)


def _drop(entries: list[E], rejected: set[int], result: LoadResult) -> None:
    """Take the ``rejected`` entries out of ``entries`` (in place), naming them in ``result``."""
    result.rejected.extend(e.rel for e in entries if id(e) in rejected)
    entries[:] = [e for e in entries if id(e) not in rejected]


def _slug_path(entry: Entry) -> tuple:
    # An explicit slug is where the problem is; otherwise it came from the file name.
    return ("slug",) if entry.model.slug is not None else ("title",)


def _unique_slugs(entries: list[Entry], out: Collector) -> set[int]:
    by_slug: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_slug[entry.slug].append(entry)
    rejected: set[int] = set()
    for slug, same in by_slug.items():
        if len(same) < 2:
            continue
        for entry in same:
            others = ", ".join(o.rel for o in same if o is not entry)
            out.error(
                entry.doc,
                _slug_path(entry),
                f"slug '{slug}' is also used by {others}",
                "every file needs its own slug: rename one file or set a different 'slug:'",
                code="duplicate-slug",
                label="slug",
            )
            rejected.add(id(entry))
    return rejected


def _reserved_pages(pages: list[Entry], out: Collector) -> set[int]:
    rejected = set()
    for page in pages:
        if page.slug in RESERVED_PAGE_SLUGS:
            out.error(
                page.doc,
                _slug_path(page),
                f"the page slug '{page.slug}' is used by the site itself",
                "rename the file or set another 'slug:'",
                code="reserved-slug",
                label="slug",
            )
            rejected.add(id(page))
    return rejected


def _dependencies(
    projects: list[Entry], out: Collector, unavailable: frozenset[str] | set[str] = frozenset()
) -> set[int]:
    """Unknown slugs, self-dependencies and cycles. ``unavailable``: slugs of project files
    left out for their own errors (already reported there, so not unknown here)."""
    slugs = {p.slug for p in projects}
    suggest = _slug_suggester(slugs)
    rejected: set[int] = set()
    graph: dict[str, list[str]] = {}
    by_slug = {p.slug: p for p in projects}
    for project in projects:
        deps = []
        for i, dep in enumerate(project.model.depends_on):
            path = ("depends_on", i)  # a one-slug string falls back to 'depends_on' itself
            if dep == project.slug:
                out.error(
                    project.doc,
                    path,
                    "a project cannot depend on itself",
                    "remove this entry",
                    code="self-dependency",
                )
                rejected.add(id(project))
            elif dep in unavailable and dep not in slugs:
                continue
            elif dep not in slugs:
                close = suggest(dep)
                message = f"no project has the slug '{dep}'"
                if close:
                    message += f"; did you mean '{close}'?"
                out.error(
                    project.doc,
                    path,
                    message,
                    "depends_on lists slugs of projects (their file names without .md)",
                    code="unknown-dependency",
                    suggestion=close or "",
                )
                rejected.add(id(project))
            else:
                deps.append(dep)
        graph[project.slug] = deps
    for cycle in find_cycles(graph):
        chain = " → ".join([*cycle, cycle[0]])
        # Every file of the cycle gets the error, at its own link, so each PR that touches
        # one of them is annotated.
        for i, slug in enumerate(cycle):
            member = by_slug[slug]
            index = member.model.depends_on.index(cycle[(i + 1) % len(cycle)])
            out.error(
                member.doc,
                ("depends_on", index),
                f"dependency cycle: {chain}",
                "a project cannot (indirectly) depend on itself; remove one of these links",
                code="dependency-cycle",
            )
        rejected.update(id(by_slug[s]) for s in cycle)
    return rejected


#: Unknown dependencies given a did-you-mean in one run: each compares with every slug of
#: the portfolio, so thousands of them in a large portfolio would stall the check.
MAX_SLUG_SUGGESTIONS = 100


def _slug_suggester(slugs: set[str]):
    """A did-you-mean over ``slugs`` for the first ``MAX_SLUG_SUGGESTIONS`` distinct unknown
    slugs; later ones get none."""
    ordered = sorted(slugs)
    found: dict[str, str | None] = {}

    def suggest(dep: str) -> str | None:
        if dep not in found and len(found) < MAX_SLUG_SUGGESTIONS:
            close = difflib.get_close_matches(dep, ordered, n=1, cutoff=0.6)
            found[dep] = close[0] if close else None
        return found.get(dep)

    return suggest


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected component (Tarjan), rotated to start at its least slug."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        # Iterative DFS so that long dependency chains cannot exhaust the recursion limit.
        work = [(start, iter(graph.get(start, ())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph.get(nxt, ()))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(component)
    return [_cycle_path(graph, sorted(c)) for c in components]


def _cycle_path(graph: dict[str, list[str]], members: list[str]) -> list[str]:
    """The shortest cycle through the component's least member (ties broken by slug order)."""
    inside = set(members)
    start = members[0]
    # Breadth-first from the start: a greedy walk can wander into a dead end of the component
    # and report a "cycle" whose last link does not exist.
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node]):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            if nxt in inside and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return members  # pragma: no cover - a strongly connected component always has a cycle


def _categories(result: LoadResult, out: Collector) -> None:
    index = result.config.category_index()
    for project in result.projects:
        value = project.model.category
        if not value or vocab.normalize(value) in index:
            continue
        close = vocab.did_you_mean(value, {k: c.slug for k, c in index.items()})
        message = f"'{value}' is not a known category"
        if close:
            message += f"; did you mean '{close}'?"
        out.warning(
            project.doc,
            ("category",),
            message,
            "known categories: "
            + ", ".join(c.slug for c in result.config.categories)
            + "; other values get a category page of their own",
            code="category",
            suggestion=close or "",
        )


def _program_titles(programs: list[Entry], out: Collector) -> None:
    seen: dict[str, Entry] = {}
    for program in programs:
        key = vocab.normalize(program.model.title)
        if key in seen:
            out.warning(
                program.doc,
                ("title",),
                f"program title '{program.model.title}' is also used by {seen[key].rel}",
                "give each program file its own title",
                code="duplicate-program",
            )
        else:
            seen[key] = program


#: The names that get a page of their own: (kind of group, field).
_NAMED_PAGES = ((GroupKind.OWNER, "owner"), (GroupKind.PROGRAM, "program"), (GroupKind.TAG, "tags"))


def _shared_name_pages(result: LoadResult, out: Collector) -> None:
    """Warn when two different names make the same page ('C++' and 'C' both make /tags/c/):
    the site shows them as one, under the name it met first."""
    for kind, field in _NAMED_PAGES:
        first: dict[str, tuple[str, str, Entry]] = {}  # slug -> (key, name, where)
        for project in result.projects:
            value = getattr(project.model, field)
            names = value if isinstance(value, list) else [value] if value else []
            for i, name in enumerate(names):
                slug = slugify(name)
                key = vocab.normalize(name) or " ".join(name.casefold().split())
                seen = first.setdefault(slug, (key, name, project))
                if seen[0] == key:
                    continue
                path = (field, i) if isinstance(value, list) else (field,)
                out.warning(
                    project.doc,
                    path,
                    f"{kind} '{name}' and {kind} '{seen[1]}' ({seen[2].rel}) share the page {kind.url(slug)}",
                    "write the same name the same way everywhere, or make the names "
                    "differ in letters or digits",
                    code="shared-page",
                )
