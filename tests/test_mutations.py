"""A `check`-clean change publishes exactly what its author meant: realistic mistakes, one at a time.

Each mutation below is a mistake a project manager makes when editing the demo portfolio:
thousands separators in every style, misspelt keys at every level, indentation that moves a key
to another level, a second `---`, duplicate keys, `done: yes`, dates and currencies written other
ways, BOM/CRLF/tabs, copied files, duplicate titles, comma lists, placeholders, names written
two ways. For each one, exactly one of these must hold:

- **caught**: loading reports an error at the mutated file and line (so `check` fails there);
- **understood**: no error, and the portfolio's data (`portfolio.json`) equals the unmutated
  portfolio's, because the tool read the mistake as the author meant it;
- **advised**: only for a name (owner, program, tag) written two ways: one letter apart or with
  its words swapped ('Nino Berdize' beside 'Nino Beridze'), which may be two people, or with
  other capitals or spaces, which the site shows as one. A warning at that file and line names
  the other spelling (`check --strict` fails); which one is meant only the author knows. No
  other mistake may end with a warning.

A mistake that passes without an error and changes the data fails the test.

Tried: 327 mutations; caught 258, understood 55, advised 14 (asserted below, so this line
stays true).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from itpm_site.aggregate.portfolio import build_portfolio
from itpm_site.load.loader import LoadedFile, load_file, load_sources
from itpm_site.outputs.exports import portfolio_data

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 20)
P = "content/projects"


def demo_sources() -> dict[str, bytes]:
    files = {p.relative_to(REPO).as_posix(): p.read_bytes() for p in sorted((REPO / "content").rglob("*.md"))}
    files["site.yaml"] = (REPO / "site.yaml").read_bytes()
    return files


SOURCES = demo_sources()
_LOADED: dict[tuple[str, bytes], LoadedFile] = {}


def load(sources: dict[str, bytes]):
    """Load a portfolio held in memory; a file whose bytes were loaded before is not read again."""

    def read_file(rel: str, section: str) -> LoadedFile:
        key = (rel, sources[rel])
        if key not in _LOADED:
            _LOADED[key] = load_file(REPO, rel, section, lambda: sources[rel])
        return _LOADED[key]

    return load_sources(REPO, sources, read_file=read_file)


def data_of(result) -> dict:
    return portfolio_data(build_portfolio(result, AS_OF), "/")


BASELINE = load(SOURCES)
BASELINE_DATA = data_of(BASELINE)


@dataclass
class Mutation:
    name: str
    rel: str  # the file the mistake is in
    line: int  # where it is (1-based, the opening '---' is line 1)
    files: dict[str, bytes] = field(repr=False, default_factory=dict)  # the files it changes or adds
    removed: tuple[str, ...] = ()


# ------------------------------------------------------------------------------ text surgery


def text(rel: str) -> str:
    return SOURCES[rel].decode("utf-8")


def line_of(source: str, pattern: str) -> int | None:
    """The 1-based line of the first line matching ``pattern``."""
    for number, line in enumerate(source.split("\n"), 1):
        if re.search(pattern, line):
            return number
    return None


def edit(name: str, rel: str, pattern: str, change: Callable[[str], str | None]) -> Mutation | None:
    """Change the first line of ``rel`` matching ``pattern`` (``change`` may return several lines,
    or None to skip the file)."""
    source = text(rel)
    number = line_of(source, pattern)
    if number is None:
        return None
    lines = source.split("\n")
    new = change(lines[number - 1])
    if new is None or new == lines[number - 1]:
        return None
    lines[number - 1] = new
    return Mutation(name, rel, number, {rel: "\n".join(lines).encode("utf-8")})


def insert(name: str, rel: str, before: str, new_line: str) -> Mutation | None:
    source = text(rel)
    number = line_of(source, before)
    if number is None:
        return None
    lines = source.split("\n")
    lines.insert(number - 1, new_line)
    return Mutation(name, rel, number, {rel: "\n".join(lines).encode("utf-8")})


def projects_with(pattern: str, count: int = 3) -> list[str]:
    """``count`` demo projects with a line matching ``pattern``, spread over the portfolio."""
    found = [rel for rel in SOURCES if rel.startswith(P) and line_of(text(rel), pattern)]
    return found[:: max(1, len(found) // count)][:count]


def amount_line(key: str) -> str:
    return rf"^  {key}: \d+$"


def value(line: str) -> str:
    return line.split(":", 1)[1].strip()


def grouped(number: int, sep: str) -> str:
    return f"{number:,}".replace(",", sep)


# ------------------------------------------------------------------------------ the mistakes


def thousands() -> Iterator[Mutation | None]:
    """Thousands separators in every style, in block and one-line budgets."""
    for key in ("planned", "actual", "forecast"):
        for rel in projects_with(amount_line(key) + r"(?<=\d{4})", 2):

            def styled(sep: str, quote: str = "", key: str = key) -> Callable[[str], str | None]:
                def change(line: str) -> str | None:
                    n = int(value(line))
                    return f"  {key}: {quote}{grouped(n, sep)}{quote}" if n >= 1000 else None

                return change

            yield edit(f"{key} with commas", rel, amount_line(key), styled(","))
            yield edit(f"{key} with spaces", rel, amount_line(key), styled(" "))
            yield edit(f"{key} with apostrophes", rel, amount_line(key), styled("'", '"'))
            yield edit(f"{key} quoted with commas", rel, amount_line(key), styled(",", "'"))
            yield edit(f"{key} with thousands points", rel, amount_line(key), styled("."))
            yield edit(f"{key} with an Indian grouping", rel, amount_line(key), _indian(key))
            yield edit(
                f"{key} with a decimal comma",
                rel,
                amount_line(key),
                lambda line, k=key: f"  {k}: {value(line)},00",
            )
            yield edit(
                f"{key} with .00",
                rel,
                amount_line(key),
                lambda line, k=key: f"  {k}: {grouped(int(value(line)), ',')}.00",
            )
            yield edit(f"{key} in k", rel, amount_line(key), _short(key))
            yield edit(
                f"{key} with a $",
                rel,
                amount_line(key),
                lambda line, k=key: f"  {k}: ${grouped(int(value(line)), ',')}",
            )
            yield edit(
                f"{key} with a currency",
                rel,
                amount_line(key),
                lambda line, k=key: f"  {k}: {value(line)} USD",
            )
            yield edit(f"{key} negative", rel, amount_line(key), lambda line, k=key: f"  {k}: -{value(line)}")
    # The README's one-line style, with the thousands commas YAML splits.
    for rel in projects_with(r"^budget:$", 4):
        yield one_line_budget(rel)


def _indian(key: str) -> Callable[[str], str | None]:
    def change(line: str) -> str | None:
        n = int(value(line))
        if n < 100000:
            return None
        digits = str(n)
        head, tail = digits[:-3], digits[-3:]
        pairs = re.findall(r"\d{1,2}(?=(?:\d{2})*$)", head)
        return f"  {key}: {','.join(pairs)},{tail}"

    return change


def _short(key: str) -> Callable[[str], str | None]:
    def change(line: str) -> str | None:
        n = int(value(line))
        return f"  {key}: {Decimal(n) / 1000:f}k" if n % 100 == 0 else None

    return change


def one_line_budget(rel: str) -> Mutation | None:
    source = text(rel)
    match = re.search(r"^budget:\n((?:  \w+: .*\n)+)", source, re.M)
    if match is None:
        return None
    pairs = dict(line.strip().split(": ", 1) for line in match[1].splitlines())
    if not pairs.get("planned", "").isdigit() or int(pairs["planned"]) < 1000:
        return None
    pairs["planned"] = grouped(int(pairs["planned"]), ",")
    flow = "budget: {" + ", ".join(f"{k}: {v}" for k, v in pairs.items()) + "}\n"
    line = source[: match.start()].count("\n") + 1
    return Mutation(
        "one-line budget with commas",
        rel,
        line,
        {rel: (source[: match.start()] + flow + source[match.end() :]).encode()},
    )


#: (key as written in the file, the misspelling): at the top level and in every nested mapping.
MISSPELT = [
    (r"^sponsor:", "sponsor", "sponser"),
    (r"^summary:", "summary", "sumary"),
    (r"^status_note:", "status_note", "status_notes"),
    (r"^status_date:", "status_date", "statusdate"),
    (r"^forecast_end:", "forecast_end", "forcast_end"),
    (r"^progress:", "progress", "progres"),
    (r"^priority:", "priority", "prority"),
    (r"^category:", "category", "categroy"),
    (r"^program:", "program", "programme"),
    (r"^tags:", "tags", "tag"),
    (r"^depends_on:", "depends_on", "dependencies"),
    (r"^team:", "team", "teams"),
    (r"^end:", "end", "End"),
    (r"^  forecast:", "forecast", "forcast"),
    (r"^  actual:", "actual", "acutal"),
    (r"^  planned:", "planned", "planed"),
    (r"^  currency:", "currency", "curency"),
    (r"^    probability:", "probability", "probabilty"),
    (r"^    impact:", "impact", "impcat"),
    (r"^    mitigation:", "mitigation", "mitgation"),
    (r"^    response:", "response", "respone"),
    (r"^    status:", "status", "staus"),
    (r"^    done:", "done", "dne"),
    (r"^    date:", "date", "due"),
]


def misspelt_keys() -> Iterator[Mutation | None]:
    for pattern, key, wrong in MISSPELT:
        for rel in projects_with(pattern, 2):
            yield edit(
                f"{key} misspelt {wrong}", rel, pattern, lambda line, k=key, w=wrong: line.replace(k, w, 1)
            )


def moved_keys() -> Iterator[Mutation | None]:
    """Indentation that moves a key out of its mapping, or into another one."""
    for pattern, name in (
        (r"^  actual:", "actual"),
        (r"^  forecast:", "forecast"),
        (r"^  currency:", "currency"),
        (r"^    mitigation:", "mitigation"),
        (r"^    probability:", "probability"),
        (r"^    done:", "done"),
    ):
        for rel in projects_with(pattern, 2):
            yield _outdent_last(rel, pattern, name)
    for rel in projects_with(r"^budget:$", 2):
        # A top-level key indented under the budget that ends just above it.
        yield _indent_after_budget(rel)


def _outdent_last(rel: str, pattern: str, name: str) -> Mutation | None:
    """Move the key to the top level, after its mapping (where an outdented last line lands)."""
    source = text(rel)
    lines = source.split("\n")
    number = line_of(source, pattern)
    if number is None:
        return None
    moved = lines.pop(number - 1).strip()
    end = next(i for i in range(number - 1, len(lines)) if not lines[i].startswith(" "))
    lines.insert(end, moved)
    return Mutation(f"{name} outdented to the top level", rel, end + 1, {rel: "\n".join(lines).encode()})


def _indent_after_budget(rel: str) -> Mutation | None:
    source = text(rel)
    lines = source.split("\n")
    start = line_of(source, r"^budget:$")
    assert start is not None
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith(" "))
    if not re.match(r"^(risks|milestones|summary|tags|depends_on|team|links):", lines[end]):
        return None
    key = lines[end].split(":", 1)[0]
    if lines[end].rstrip().endswith(":"):
        return None  # a mapping or list follows: indenting its head alone is a YAML error elsewhere
    lines[end] = "  " + lines[end]
    return Mutation(f"{key} indented into budget", rel, end + 1, {rel: "\n".join(lines).encode()})


def structure() -> Iterator[Mutation | None]:
    for rel in projects_with(r"^risks:$", 3):
        yield insert("a second --- before risks", rel, r"^risks:$", "---")
    for rel in projects_with(r"^milestones:$", 2):
        yield insert("a second --- before milestones", rel, r"^milestones:$", "---")
    for rel in projects_with(r"^phase:", 3):
        yield insert("phase written twice", rel, r"^owner:", "phase: closure")
    for rel in projects_with(r"^    done: false", 2):
        yield edit("done: yes", rel, r"^    done: false", lambda line: line.replace("false", "yes"))
        yield edit("done: no", rel, r"^    done: false", lambda line: line.replace("false", "no"))
        yield edit("done quoted", rel, r"^    done: false", lambda line: line.replace("false", '"false"'))
    for rel in projects_with(r"^tags: \[", 3):
        yield edit(
            "tags without brackets", rel, r"^tags: \[", lambda line: line.replace("[", "").replace("]", "")
        )
    for rel in projects_with(r"^team: \[.*,", 2):
        yield edit(
            "team without brackets", rel, r"^team: \[", lambda line: line.replace("[", "").replace("]", "")
        )
    for rel in projects_with(r"^depends_on: \[.*,", 2):
        yield edit(
            "depends_on without brackets",
            rel,
            r"^depends_on: \[",
            lambda line: line.replace("[", "").replace("]", ""),
        )
    for rel in projects_with(r"^tags: \[", 2):
        yield edit("tags unclosed", rel, r"^tags: \[", lambda line: line.rstrip("]"))
    for rel in projects_with(r"^title:", 2):
        yield edit("title key capitalised", rel, r"^title:", lambda line: "Title:" + line[6:])
    for rel in projects_with(r"^    probability:", 2):
        yield edit("a tab before a risk key", rel, r"^    probability:", lambda line: "\t" + line.lstrip())


def values() -> Iterator[Mutation | None]:
    for rel in projects_with(r"^end: \d{4}-\d\d-\d\d$", 2):
        for style in ("%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%b %d %Y", "%Y-%-m-%-d"):
            yield edit(
                f"end as {style}", rel, r"^end:", lambda line, s=style: "end: " + _restyle(value(line), s)
            )
    for rel in projects_with(r"^end: ", 2):
        yield edit("end before start", rel, r"^end: ", lambda line: "end: 2016-01-01")
    for rel in projects_with(r"^  currency: ", 3):
        for wrong in ("$", "€", "euro", "lari", "US$"):
            yield edit(f"currency {wrong}", rel, r"^  currency: ", lambda line, w=wrong: f"  currency: {w}")
    for rel in projects_with(r"^    probability: \d", 2):
        yield edit("probability 3.5", rel, r"^    probability:", lambda line: "    probability: 3.5")
        yield edit("probability high", rel, r"^    probability:", lambda line: "    probability: high")
        yield edit(
            "probability quoted", rel, r"^    probability:", lambda line: f'    probability: "{value(line)}"'
        )
    for rel in projects_with(r"^progress: \d", 2):
        yield edit("progress with %", rel, r"^progress:", lambda line: f"progress: {value(line)}%")
        yield edit("progress 45.5", rel, r"^progress:", lambda line: "progress: 45.5")
        yield edit("progress 120", rel, r"^progress:", lambda line: "progress: 120")
    for rel in projects_with(r"^status: amber", 2):
        yield edit("status yellow", rel, r"^status:", lambda line: "status: yellow")
        yield edit("status At Risk", rel, r"^status:", lambda line: "status: At Risk")
        yield edit("status orange", rel, r"^status:", lambda line: "status: orange")
    for rel in projects_with(r"^phase: implementation", 2):
        yield edit("phase Execution", rel, r"^phase:", lambda line: "phase: Execution")
        yield edit("phase misspelt", rel, r"^phase:", lambda line: "phase: implemntation")
    for rel in projects_with(r"^category: software", 2):
        yield edit("category misspelt", rel, r"^category:", lambda line: "category: sofware")
    for rel in projects_with(r"^program: Digital Channels", 2):
        yield edit("program misspelt", rel, r"^program:", lambda line: "program: Digital Chanels")
    for rel in projects_with(r"^depends_on: \[", 2):
        yield edit("depends_on misspelt", rel, r"^depends_on:", lambda line: line.replace("-", "_", 1))
    for rel in projects_with(r"^sponsor:", 2):
        yield edit("sponsor TBD", rel, r"^sponsor:", lambda line: "sponsor: TBD")
    for rel in projects_with(r"^  planned:", 2):
        yield edit("planned TBD", rel, r"^  planned:", lambda line: "  planned: TBD")
    for rel in projects_with(r"^owner:", 2):
        yield edit("owner empty", rel, r"^owner:", lambda line: "owner:")
    for rel in projects_with(r"^status_date:", 2):
        yield edit("status_date as a month", rel, r"^status_date:", lambda line: "status_date: November 2026")


def _restyle(iso: str, style: str) -> str:
    return dt.date.fromisoformat(iso).strftime(style)


def files() -> Iterator[Mutation | None]:
    """Copies left beside the original, two files with one title, encodings and line ends."""
    for rel in [r for r in SOURCES if r.startswith(P)][:4]:
        stem = rel[:-3]
        for copy in (f"{stem} copy.md", f"{stem}.old.md", f"{stem}-2.md"):
            yield Mutation(f"copied as {copy.rsplit('/', 1)[1]}", copy, 2, {copy: SOURCES[rel]})
    projects = [r for r in SOURCES if r.startswith(P)]
    for a, b in zip(projects[:3], projects[5:8], strict=True):
        title = next(line for line in text(a).split("\n") if line.startswith("title:"))
        yield edit(f"{b} takes the title of {a}", b, r"^title:", lambda line, t=title: t)
    for rel in projects[:2]:
        yield Mutation("saved with a BOM", rel, 1, {rel: b"\xef\xbb\xbf" + SOURCES[rel]})
        yield Mutation("saved with CRLF", rel, 1, {rel: SOURCES[rel].replace(b"\n", b"\r\n")})
        yield Mutation("trailing spaces", rel, 1, {rel: SOURCES[rel].replace(b"\n", b"  \n", 10)})
    for rel in projects[:2]:
        source = text(rel)
        body_at = source.index("\n---\n", 4) + 5
        yield Mutation(
            "closing --- deleted", rel, 1, {rel: (source[: body_at - 5] + "\n" + source[body_at:]).encode()}
        )


#: Names one letter apart from an owner of another project, or with the words swapped.
def names() -> Iterator[Mutation | None]:
    for rel, wrong in (
        (f"{P}/aml-transaction-monitoring.md", "Keti Abashdize"),
        (f"{P}/aml-transaction-monitoring.md", "Abashidze Keti"),
    ):
        yield edit(f"owner written {wrong}", rel, r"^owner:", lambda line, w=wrong: f"owner: {w}")
    owned = projects_with(r"^owner: (Tamar Gelashvili|Giorgi Kapanadze|Irakli Tsiklauri)", 3)
    for rel, swap in zip(owned, ({"i": "y"}, {"a": "e"}, {"l": "ll"}), strict=False):

        def change(line: str, swap: dict[str, str] = swap) -> str:
            name = value(line)
            at = len(name) - 2
            for old, new in swap.items():
                at = name.rindex(old)
                return f"owner: {name[:at]}{new}{name[at + len(old) :]}"
            return line

        yield edit("owner one letter off", rel, r"^owner:", change)
    for rel in projects_with(r"^owner: ", 3):
        yield edit(
            "owner in lower case", rel, r"^owner:", lambda line: line.lower().replace("owner: ", "owner: ", 1)
        )
        yield edit(
            "owner with two spaces",
            rel,
            r"^owner:",
            lambda line: line.replace(" ", "  ", 2).replace("owner:  ", "owner: "),
        )
    for rel in projects_with(r"^program: Digital Channels", 2):
        yield edit("program in lower case", rel, r"^program:", lambda line: "program: digital channels")
    for rel in projects_with(r"^tags: \[", 2):
        yield edit(
            "a tag capitalised",
            rel,
            r"^tags: \[",
            lambda line: line.replace("[", "[", 1).title().replace("Tags:", "tags:"),
        )
    for rel in projects_with(r"^program: Regulatory Compliance", 1):
        yield edit(
            "program without a file, misspelt",
            rel,
            r"^program:",
            lambda line: "program: Regulatory Complaince",
        )


def repeats() -> Iterator[Mutation | None]:
    """A risk, milestone, tag or dependency pasted twice would be counted twice."""
    for rel in projects_with(r"^risks:$", 2):
        source = text(rel)
        match = re.search(r"^risks:\n(  - .*\n(?:    .*\n)*)", source, re.M)
        if match:
            line = source[: match.end()].count("\n") + 1
            pasted = source[: match.end()] + match[1] + source[match.end() :]
            yield Mutation("a risk pasted twice", rel, line, {rel: pasted.encode()})
    for rel in projects_with(r"^milestones:$", 2):
        source = text(rel)
        match = re.search(r"^milestones:\n(  - .*\n(?:    .*\n)*)", source, re.M)
        if match:
            line = source[: match.end()].count("\n") + 1
            pasted = source[: match.end()] + match[1] + source[match.end() :]
            yield Mutation("a milestone pasted twice", rel, line, {rel: pasted.encode()})
    for rel in projects_with(r"^tags: \[\w", 2):
        yield edit(
            "a tag repeated",
            rel,
            r"^tags: \[",
            lambda line: line.replace("[", "[" + line[7:].split(",")[0].strip("]") + ", ", 1),
        )
    for rel in projects_with(r"^depends_on: \[\w", 2):
        yield edit(
            "a dependency repeated",
            rel,
            r"^depends_on: \[",
            lambda line: line.replace("]", ", " + line[13:].split(",")[0].strip("]") + "]", 1),
        )


def settings_and_programs() -> Iterator[Mutation | None]:
    """site.yaml and program files are closed mappings too."""
    site = "site.yaml"
    source = text(site)
    flow = re.sub(
        r"exchange_rates:\n  EUR: (\S+)\n  GEL: (\S+)",
        lambda m: (
            "exchange_rates: {EUR: " + m[1].replace(".", ",") + ", GEL: " + m[2].replace(".", ",") + "}"
        ),
        source,
    )
    yield Mutation(
        "exchange rates with decimal commas",
        site,
        line_of(flow, r"^exchange_rates") or 0,
        {site: flow.encode()},
    )
    yield edit("currency key misspelt", site, r"^currency:", lambda line: line.replace("currency", "curency"))
    yield edit("currency in lower case", site, r"^currency:", lambda line: line.lower())
    yield edit(
        "fiscal year as a name", site, r"^fiscal_year_start:", lambda line: "fiscal_year_start: January"
    )
    yield insert("a theme key site.yaml does not know", site, r"^currency:", "logo: img/logo.png")
    for rel in [r for r in SOURCES if r.startswith("content/programs/")][:2]:
        yield edit("program owner misspelt", rel, r"^owner:", lambda line: line.replace("owner", "ownr"))
        yield edit("program title misspelt", rel, r"^title:", lambda line: line[:-3] + line[-2:] + line[-3])


def yaml_gotchas() -> Iterator[Mutation | None]:
    """What YAML reads otherwise than a person: comments, anchors and tags, run-on values."""
    for rel in projects_with(r"^status_note: ", 3):
        yield edit(
            "a '#' in a note", rel, r"^status_note: ", lambda line: line.rstrip(".") + " (ticket #4471)."
        )
    for rel in projects_with(r"^    mitigation: ", 2):
        yield edit("a '#' in a mitigation", rel, r"^    mitigation: ", lambda line: line + " #2")
    for rel in projects_with(r"^owner: ", 2):
        yield edit(
            "owner starting with &", rel, r"^owner: ", lambda line: line.replace("owner: ", "owner: &", 1)
        )
    for rel in projects_with(r"^sponsor: ", 2):
        yield edit(
            "sponsor starting with !",
            rel,
            r"^sponsor: ",
            lambda line: line.replace("sponsor: ", "sponsor: !", 1),
        )
    for rel in projects_with(r"^team: \[\w[^,]*, ", 2):
        source = text(rel)
        number = line_of(source, r"^team: \[")
        assert number is not None
        names = [n.strip() for n in source.split("\n")[number - 1][7:].strip("[]").split(",")]
        block = ["team:", f"- {names[0]}", *(f"  - {n}" for n in names[1:])]
        lines = source.split("\n")
        lines[number - 1 : number] = block
        yield Mutation("team list indented unevenly", rel, number + 2, {rel: "\n".join(lines).encode()})
    for rel in projects_with(r"^tags: \[\w", 2):
        yield edit("tags with semicolons", rel, r"^tags: \[", lambda line: line.replace(",", ";"))
    for rel in projects_with(r"^tags: \[\w[^,]*, ", 2):
        yield edit(
            "two tags in one quoted item",
            rel,
            r"^tags: \[",
            lambda line: (
                line.replace("[", '["', 1)
                .replace(",", ",", 1)
                .replace(", ", ", ", 1)
                .replace("]", "", 1)
                .split(",")[0]
                + ", "
                + line.split(",")[1].strip().rstrip("]")
                + '"]'
            ),
        )
    for rel in projects_with(r"^  currency: ", 2):
        yield edit("currency left empty", rel, r"^  currency: ", lambda line: "  currency:")
    for rel in projects_with(r"url: \"https://", 2):
        yield edit(
            "a link without https://", rel, r"url: \"https://", lambda line: line.replace("https://", "", 1)
        )
    for rel in projects_with(r"^sponsor: ", 2):
        for written in ("N/A", "-", "to be confirmed", "none"):
            yield edit(f"sponsor {written}", rel, r"^sponsor: ", lambda line, w=written: f"sponsor: {w}")


def files_not_read() -> Iterator[Mutation | None]:
    """A project or the settings saved where they are not read."""
    for rel in [r for r in SOURCES if r.startswith(P) and r.count("/") == 2][:2]:
        stem = rel[:-3]
        for moved in (f"{stem}.txt", f"{stem}.md.bak", f"{stem}.yml", stem, rel.replace("content/", "", 1)):
            yield Mutation(f"saved as {moved}", moved, 1, {moved: SOURCES[rel]}, removed=(rel,))
    yield Mutation(
        "site.yaml saved as site.yml",
        "site.yml",
        1,
        {"site.yml": SOURCES["site.yaml"]},
        removed=("site.yaml",),
    )
    rel = next(r for r in SOURCES if r.startswith(P))
    source = text(rel)
    yield Mutation(
        "the file pasted again below itself",
        rel,
        source.count("\n") + 1,
        {rel: (source + source.replace("  actual: ", "  actual: 1", 1)).encode()},
    )
    yield Mutation(
        "an update appended as keys",
        rel,
        source.count("\n") + 3,
        {rel: (source + "\nUpdate:\nstatus: red\nstatus_date: 2026-11-30\n").encode()},
    )
    for fence in ("----", "- - -", "--- # end"):
        lines = source.split("\n")
        closing = lines.index("---", 1)
        lines[closing] = fence
        yield Mutation(f"closing line written {fence}", rel, closing + 1, {rel: "\n".join(lines).encode()})


def all_mutations() -> list[Mutation]:
    made = [
        m
        for group in (
            thousands,
            misspelt_keys,
            moved_keys,
            structure,
            values,
            files,
            names,
            repeats,
            settings_and_programs,
            yaml_gotchas,
            files_not_read,
        )
        for m in group()
        if m is not None
    ]
    seen: set[tuple[str, bytes]] = set()
    unique = []
    for m in made:
        key = (m.name + m.rel, b"".join(m.files.values()))
        if key not in seen:
            seen.add(key)
            unique.append(m)
    return unique


MUTATIONS = all_mutations()


def outcome(mutation: Mutation) -> str:
    """What check makes of ``mutation`` (worked out once per process: the count test below
    reads again the outcomes the parametrised test has already found)."""
    key = id(mutation)
    if key not in _OUTCOMES:
        _OUTCOMES[key] = _outcome(mutation)
    return _OUTCOMES[key]


_OUTCOMES: dict[int, str] = {}


def _outcome(mutation: Mutation) -> str:
    sources = {rel: data for rel, data in SOURCES.items() if rel not in mutation.removed}
    sources.update(mutation.files)
    result = load(sources)
    here = [d for d in result.diagnostics if d.path == mutation.rel and d.line == mutation.line]
    if any(d.is_error for d in here):
        return "caught"
    if result.errors:
        others = [d.headline() for d in result.errors]
        raise AssertionError(
            f"{mutation.name} in {mutation.rel}: errors, but not at line {mutation.line}: {others}"
        )
    if data_of(result) == BASELINE_DATA:
        return "understood"
    if any(d.code == "near-spelling" for d in here):
        return "advised"
    warnings = [d.headline() for d in result.diagnostics if d not in BASELINE.diagnostics]
    raise AssertionError(f"{mutation.name} in {mutation.rel} passes check and changes the data; {warnings}")


def test_the_demo_is_clean_and_the_baseline_has_data():
    assert BASELINE.errors == [] and len(BASELINE.projects) == 32
    assert BASELINE_DATA["rollup"]["budget"]["projects"] > 0


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: f"{m.rel.rsplit('/', 1)[-1]}:{m.line}:{m.name}")
def test_a_mistake_is_an_error_at_its_line_or_changes_nothing(mutation):
    assert outcome(mutation) in {"caught", "understood", "advised"}


def test_the_counts_in_the_docstring_hold():
    counts = Counter(outcome(m) for m in MUTATIONS)
    assert len(MUTATIONS) >= 150
    assert (len(MUTATIONS), counts["caught"], counts["understood"], counts["advised"]) == (327, 258, 55, 14)
