"""Rules that need the whole portfolio: unique slugs, dependencies, categories, consistency.

Each rule reports through the loader's collector; an entry with an error is taken out of the
result so that ``build --keep-going`` publishes only valid projects.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict, deque
from typing import TYPE_CHECKING, Any, TypeVar

from itpm_site.load.body_links import check_body_links
from itpm_site.load.people import check_people
from itpm_site.load.result import Claim
from itpm_site.model import vocab
from itpm_site.model.groups import GROUP_FOLDERS, GroupKind
from itpm_site.model.slugs import slugify
from itpm_site.model.text import plural

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
        "people",
        "capacity",
    }
)


def apply(result: LoadResult, out: Collector) -> None:
    """Run every rule across files; a valid file that gets an error here is left out.

    The rules read claims, so a file left out for an error of its own still takes part with
    what it validly says: its slug clash or misspelt dependency is reported in the same run,
    not after the author fixed the first error and pushed again."""
    claims = {
        section: [Claim.of(e, section) for e in entries]
        for section, entries in (
            ("projects", result.projects),
            ("programs", result.programs),
            ("pages", result.pages),
            ("people", result.people),
        )
    }
    for claim in result.rejected_claims:
        claims[claim.section].append(claim)
    for section in claims:
        claims[section].sort(key=lambda c: c.rel.lower())
    before = len(out.items)
    for same_section in claims.values():
        _unique_slugs(same_section, out)
    # Pages count in no figure; a project or program written twice is counted twice.
    _duplicate_titles(claims["projects"], out)
    _duplicate_titles(claims["programs"], out)
    _reserved_pages(claims["pages"], out)
    _dependencies(claims["projects"], out, result.rejected_slugs)
    _categories(result, claims["projects"], out)
    _programs(claims["projects"], claims["programs"], out)
    _shared_name_pages(claims["projects"], out)
    _near_spellings(claims["projects"], claims["programs"], out)
    check_body_links(result, out)
    check_people(result, claims["projects"], claims["people"], out)
    failed = {d.path for d in out.items[before:] if d.is_error}
    if failed:
        _drop(result.projects, failed, result)
        _drop(result.programs, failed, result)
        _drop(result.pages, failed, result)
        _drop(result.people, failed, result)


def _drop(entries: list[E], failed: set[str], result: LoadResult) -> None:
    """Take the entries of the ``failed`` files out of ``entries`` (in place), naming them in
    ``result``."""
    result.rejected.extend(e.rel for e in entries if e.rel in failed)
    entries[:] = [e for e in entries if e.rel not in failed]


def _slug_path(claim: Claim) -> tuple:
    # An explicit slug is where the problem is; otherwise it came from the file name.
    return ("slug",) if claim.explicit_slug else ("title",)


def _unique_slugs(claims: list[Claim], out: Collector) -> None:
    by_slug: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_slug[claim.slug].append(claim)
    for slug, same in by_slug.items():
        if len(same) < 2:
            continue
        for claim in same:
            others = ", ".join(o.rel for o in same if o is not claim)
            out.error(
                claim.doc,
                _slug_path(claim),
                f"slug '{slug}' is also used by {others}",
                "every file needs its own slug: rename one file or set a different 'slug:'",
                code="duplicate-slug",
                label="slug",
            )


def _duplicate_titles(claims: list[Claim], out: Collector) -> None:
    """Two files with one title are one project counted twice (a copy left beside the
    original, 'x copy.md', 'x.old.md') or two that readers cannot tell apart."""
    by_title: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.title:
            by_title[vocab.normalize(claim.title) or claim.title.casefold()].append(claim)
    for same in by_title.values():
        if len(same) < 2:
            continue
        for claim in same:
            copies = [o.rel for o in same if o is not claim and _same_content(o, claim)]
            others = [o.rel for o in same if o is not claim and o.rel not in copies]
            what = "project" if claim.section == "projects" else "program"
            if copies:
                message = f"this file is a copy of {', '.join(copies)}: the {what} would be counted twice"
                hint = "delete the copy (git keeps the old version), or make it a project of its own"
            else:
                message = f"{what} title '{claim.title}' is also used by {', '.join(others)}"
                hint = f"give each {what} its own title; if it is one {what}, keep one file"
            if copies and others:
                message += f"; its title is also used by {', '.join(others)}"
            out.error(claim.doc, ("title",), message, hint, code="duplicate-title")


def _same_content(a: Claim, b: Claim) -> bool:
    """The two files hold the same front matter and body (whatever their names)."""
    if not (a.doc.yaml_text and b.doc.yaml_text):  # released: nothing to compare
        return False
    return a.doc.body.strip() == b.doc.body.strip() and _front(a) == _front(b)


def _front(claim: Claim) -> list[str]:
    return [line.rstrip() for line in claim.doc.yaml_text.strip().split("\n")]


def _reserved_pages(pages: list[Claim], out: Collector) -> None:
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


def _dependencies(
    projects: list[Claim], out: Collector, unavailable: frozenset[str] | set[str] = frozenset()
) -> None:
    """Unknown slugs, self-dependencies and cycles. ``unavailable``: slugs of project files
    that could not be read at all (already reported there, so not unknown here)."""
    slugs = {p.slug for p in projects}
    suggest = _slug_suggester(slugs)
    graph: dict[str, list[str]] = {}
    by_slug: dict[str, list[Claim]] = defaultdict(list)
    for project in projects:
        by_slug[project.slug].append(project)
    for project in projects:
        deps = []
        for i, dep in project.depends_on:
            path = ("depends_on", i)  # a one-slug string falls back to 'depends_on' itself
            if dep == project.slug:
                out.error(
                    project.doc,
                    path,
                    "a project cannot depend on itself",
                    "remove this entry",
                    code="self-dependency",
                )
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
            else:
                deps.append(dep)
        graph.setdefault(project.slug, []).extend(deps)
    for cycle in find_cycles(graph):
        chain = " → ".join([*cycle, cycle[0]])
        # Every file of the cycle gets the error, at its own link, so each PR that touches
        # one of them is annotated.
        for i, slug in enumerate(cycle):
            after = cycle[(i + 1) % len(cycle)]
            # Two files may claim one slug (an error of its own): the link is in one of them.
            member, index = next(
                (claim, index) for claim in by_slug[slug] for index, dep in claim.depends_on if dep == after
            )
            out.error(
                member.doc,
                ("depends_on", index),
                f"dependency cycle: {chain}",
                "a project cannot (indirectly) depend on itself; remove one of these links",
                code="dependency-cycle",
            )


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


#: How alike a value and a known spelling must be (difflib's ratio, on normalised text) to be
#: taken for a misspelling of it: 'sofware' is 0.93 from 'software'; 'infrastructure' is far
#: from every category and makes a category of its own.
MISSPELLING = 0.85


def _misspelling_of(value: str, spellings: dict[str, str], words: bool = False) -> str | None:
    """The canonical value ``value`` is a near miss of (``spellings``: normalised → value).
    With ``words`` (names of several words, such as programs), also the same words in
    another order ('Systems Clinical') or with words added ('Clinical Systems Programme')."""
    key = vocab.normalize(value)
    close = difflib.get_close_matches(key, list(spellings), n=1, cutoff=MISSPELLING)
    if close:
        return spellings[close[0]]
    if words:
        mine = set(key.split("-"))
        for other, canonical in spellings.items():
            theirs = set(other.split("-"))
            if len(theirs) > 1 and theirs <= mine and len(mine - theirs) <= 1:
                return canonical
    return None


def _categories(result: LoadResult, projects: list[Claim], out: Collector) -> None:
    """A near miss of a known category is an error (it would put the project in a category
    of its own, out of the one its author meant); another value is a new category, with a
    warning that says so."""
    index = result.config.category_index()
    spellings = {k: c.slug for k, c in index.items()}
    known = ", ".join(c.slug for c in result.config.categories)
    for project in projects:
        value = project.category
        if not value or vocab.normalize(value) in index:
            continue
        meant = _misspelling_of(value, spellings)
        if meant:
            out.error(
                project.doc,
                ("category",),
                f"'{value}' is not a known category; did you mean '{meant}'?",
                f"write '{meant}'; known categories: {known}",
                code="category",
                suggestion=meant,
            )
            continue
        close = vocab.did_you_mean(value, spellings)
        out.warning(
            project.doc,
            ("category",),
            f"'{value}' is not a known category" + (f"; did you mean '{close}'?" if close else ""),
            f"known categories: {known}; other values get a category page of their own",
            code="category",
            suggestion=close or "",
        )


def _programs(projects: list[Claim], programs: list[Claim], out: Collector) -> None:
    """A program written a little differently from a program file's title would make a
    second program beside it: an error with the title to write. A program file whose title is
    a near miss of what its projects write (matched only by the file's name) is an error at
    that title."""
    if not programs:
        return
    titles = {vocab.normalize(p.title): p.title for p in programs if p.title}
    by_slug = {p.slug: p for p in programs}
    misspelt_files: dict[str, tuple[Claim, str, int]] = {}
    for project in projects:
        value = project.program
        if not value or vocab.normalize(value) in titles:
            continue
        program_file = by_slug.get(slugify(value))
        if program_file is not None:
            if program_file.title and _misspelling_of(value, {vocab.normalize(program_file.title): value}):
                seen = misspelt_files.get(program_file.rel)
                misspelt_files[program_file.rel] = (program_file, value, (seen[2] if seen else 0) + 1)
                out.error(
                    project.doc,
                    ("program",),
                    f"program '{value}' is matched to {program_file.rel} by its file name, but its "
                    f"title there is '{program_file.title}'",
                    "write the program the same way here and in the title of its file",
                    code="program",
                    suggestion=program_file.title,
                )
            continue
        meant = _misspelling_of(value, titles, words=True)
        if meant:
            out.error(
                project.doc,
                ("program",),
                f"no program is called '{value}'; did you mean '{meant}'?",
                f"write the program's title as its file in content/programs/ has it: '{meant}'",
                code="program",
                suggestion=meant,
            )
    for program_file, written, count in misspelt_files.values():
        out.error(
            program_file.doc,
            ("title",),
            f"program title '{program_file.title}' is written '{written}' by {plural(count, 'project')}",
            f"correct the title, or the projects' program: '{written}'",
            code="program",
            suggestion=written,
        )


#: The names that get a page of their own: (kind of group, field).
_NAMED_PAGES = ((GroupKind.OWNER, "owner"), (GroupKind.PROGRAM, "program"), (GroupKind.TAG, "tags"))


def _names(claim: Claim, field: str) -> list[tuple[tuple, str]]:
    """(path, name) of each name ``field`` gives in ``claim``."""
    value = getattr(claim, field)
    if isinstance(value, tuple):
        return [((field, i), name) for i, name in enumerate(value)]
    return [((field,), value)] if value else []


def _shared_name_pages(projects: list[Claim], out: Collector) -> None:
    """Warn when one name is written in two scripts ('ნინო ბერიძე' and 'Nino Beridze' both
    make /owners/nino-beridze/): the site shows them as one, under the name it met first,
    which is what the author meant unless they are two people."""
    for kind, field in _NAMED_PAGES:
        first: dict[str, tuple[str, str, Claim]] = {}  # slug -> (key, name, where)
        for project in projects:
            for path, name in _names(project, field):
                slug = slugify(name)
                key = vocab.normalize(name) or " ".join(name.casefold().split())
                seen = first.setdefault(slug, (key, name, project))
                if seen[0] == key:
                    continue
                out.warning(
                    project.doc,
                    path,
                    f"{kind} '{name}' and {kind} '{seen[1]}' ({seen[2].rel}) share the page {kind.url(slug)}",
                    "write the same name the same way everywhere, or make the names "
                    "differ in letters or digits",
                    code="shared-page",
                )


#: Names shorter than this are not compared for near spellings ('Ana' and 'Ani' are two people).
_MIN_NAME = 6
#: Distinct programs without a file compared pair by pair (beyond it, one edit apart only).
MAX_PROGRAMS_COMPARED = 300
#: Near spellings reported in one run: a generated portfolio may have thousands.
MAX_NEAR_SPELLINGS = 50


def _near_spellings(projects: list[Claim], programs: list[Claim], out: Collector) -> None:
    """A warning for a name written two ways: with other capitals or spaces ('keti abashidze'
    beside 'Keti Abashidze': one page, shown one way), or, for an owner or a program without
    a file, one letter apart or with its words swapped: maybe one person, maybe two, which
    only the author knows. It is reported where the rarer spelling is, naming the other."""
    reported = 0
    with_files = {vocab.normalize(p.title) for p in programs if p.title}
    for kind, field in _NAMED_PAGES:
        uses: dict[str, list[tuple[tuple, str, Claim]]] = defaultdict(list)
        for project in projects:
            for path, name in _names(project, field):
                uses[vocab.normalize(name)].append((path, name, project))
        pairs: list[tuple[list, list, bool]] = []  # (rarer uses, common uses, same letters)
        for same in uses.values():
            spellings = Counter(name for _, name, _ in same)
            if len(spellings) > 1:
                common = spellings.most_common(1)[0][0]
                first = next(use for use in same if use[1] == common)
                pairs.append(([use for use in same if use[1] != common], [first], True))
        named = sorted(k for k in uses if not (field == "program" and k in with_files))
        near = _near_pairs(named)
        if field == "program" and len(named) <= MAX_PROGRAMS_COMPARED:
            # Few names, of several words: compared pair by pair, as a misspelt title is.
            near = sorted(
                set(near)
                | {
                    (min(a, b), max(a, b))
                    for i, a in enumerate(named)
                    for b in named[i + 1 :]
                    if _misspelling_of(a, {b: b}, words=True) or _misspelling_of(b, {a: a}, words=True)
                }
            )
        for key, other in near:
            rarer, common_key = (key, other) if len(uses[key]) <= len(uses[other]) else (other, key)
            pairs.append((uses[rarer], uses[common_key], False))
        for rarer_uses, common_uses, same_letters in pairs:
            name, where = common_uses[0][1], common_uses[0][2].rel
            for path, written, project in rarer_uses:
                if reported >= MAX_NEAR_SPELLINGS:
                    return
                reported += 1
                how = (
                    f"is written '{name}' in {where}"
                    if same_letters
                    else f"is written almost like '{name}' ({where})"
                )
                out.warning(
                    project.doc,
                    path,
                    f"{kind} '{written}' {how}",
                    "if they are one and the same, write the name one way everywhere; two "
                    "spellings make two pages, or one page that shows only one of them",
                    code="near-spelling",
                    suggestion=name,
                )


def _near_pairs(keys: list[str]) -> list[tuple[str, str]]:
    """Pairs of normalised names one edit apart (a letter changed, added, dropped or two
    swapped) or with the same words in another order, in linear time: two names one edit
    apart share a form with one letter deleted."""
    pairs: set[tuple[str, str]] = set()
    by_form: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        if len(key) < _MIN_NAME:
            continue
        # Only letters are dropped: 'Team 12' and 'Team 21' are two teams, not a typo.
        forms = {key[:i] + key[i + 1 :] for i in range(len(key)) if key[i].isalpha()} | {key}
        forms.add("~" + "-".join(sorted(key.split("-"))))
        for form in forms:
            by_form[form].append(key)
    for same in by_form.values():
        for i, a in enumerate(same):
            for b in same[i + 1 :]:
                if a != b and slugify(a) != slugify(b):
                    pairs.add((min(a, b), max(a, b)))
        if len(pairs) > 10 * MAX_NEAR_SPELLINGS:
            break
    return sorted(pairs)
