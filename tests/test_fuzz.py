"""Fuzzing the stages a pull request's text reaches (issue 13): the loader, the rules, every
diagnostics format, the slugs and the page paths made from them.

Whatever the input: no exception escapes, every page path stays inside the output folder and
is a valid file name on Linux, macOS and Windows, and every JSON output is valid UTF-8.
Bounded so that the whole module takes a few seconds.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path, PurePosixPath

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itpm_site.aggregate.portfolio import build_portfolio
from itpm_site.load.diagnostics import (
    Summary,
    format_github,
    format_human,
    format_json,
)
from itpm_site.load.loader import load_sources, shown_name
from itpm_site.model.slugs import MAX_LENGTH, WINDOWS_RESERVED, slugify
from itpm_site.outputs.exports import portfolio_json
from itpm_site.render.pages import plan_pages
from itpm_site.serve.overlay import render_list

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ROOT = Path("/portfolio")
SLUG_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789-")

# Every character, surrogates and controls included: YAML writes them as escapes in "…".
anything = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
tricky = st.sampled_from(
    [
        "..",
        ".",
        "../../x",
        "con",
        "NUL",
        "com1",
        "ტტტ",
        "ნინო ბერიძე",
        "a" * 300,
        "ბ" * 100,
        "//evil.example/x",
        "::warning::x",
        "\x1b[31m",
        "x\n::error::y",
        "",
        " ",
        "C++",
        "1e999",
        "9" * 60,
    ]
)
names = st.one_of(anything, tricky)


def on_disk(text: str | bytes) -> bytes:
    """A file's bytes as the loader reads them (a lone surrogate becomes bytes that are not
    UTF-8, which the loader reports)."""
    return text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")


def quoted(value: str) -> str:
    """A YAML double-quoted scalar of any text (JSON's escapes are YAML's)."""
    return json.dumps(value)


@st.composite
def project_files(draw) -> str:
    fields = {
        "title": quoted(draw(names)),
        "phase": draw(st.one_of(st.sampled_from(["planning", "closure", "Execution"]), names.map(quoted))),
        "owner": quoted(draw(names)),
        "program": quoted(draw(names)),
        "category": quoted(draw(names)),
        "tags": "[" + ", ".join(quoted(t) for t in draw(st.lists(names, max_size=4))) + "]",
        "budget": draw(
            st.one_of(st.sampled_from(["250k", "1,250,000.50", "-3", "9" * 30]), names.map(quoted))
        ),
        "progress": draw(st.one_of(st.integers(-5, 200).map(str), names.map(quoted))),
        "slug": quoted(draw(names)),
        "links": f"[{{title: x, url: {quoted(draw(names))}}}]",
        "depends_on": f"[{quoted(draw(names))}]",
    }
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, max_size=len(fields)))
    extra = draw(st.lists(st.tuples(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), names), max_size=3))
    lines = [f"{key}: {fields[key]}" for key in chosen]
    lines += [f"{key}: {quoted(value)}" for key, value in extra]
    body = draw(st.sampled_from(["", "## A\n\n#### B\n", "[x](//evil/x)", "<script>x</script>"]))
    return "---\n" + "\n".join(lines) + "\n---\n" + body


raw_files = st.one_of(st.binary(max_size=300), anything.map(lambda t: "---\n" + t + "\n---\n"))
file_names = st.one_of(st.from_regex(r"[a-z0-9-]{1,10}", fullmatch=True), names)


def _check_formats(loaded) -> None:
    summary = Summary.of(loaded.diagnostics, loaded.files)
    human = format_human(loaded.diagnostics, summary, color=True)
    assert not any(line.startswith("::") for line in human.splitlines())
    assert "\x1b]" not in human and "\r" not in human
    human.encode("utf-8")
    format_github(loaded.diagnostics, summary).encode("utf-8")
    json.loads(format_json(loaded.diagnostics, summary).encode("utf-8"))
    render_list(loaded.diagnostics).encode("utf-8")


def _check_pages(loaded) -> None:
    portfolio = build_portfolio(loaded, dt.date(2026, 3, 1))
    out = PurePosixPath("/out")
    for page in plan_pages(portfolio):
        path = PurePosixPath(page.path)
        assert not path.is_absolute() and ".." not in path.parts, page.path
        for part in path.parts:
            stem = part.split(".")[0]
            assert part and len(part.encode()) <= 255 and stem not in WINDOWS_RESERVED, part
            assert not set(part) & set('<>:"\\|?*\0'), part
        assert (out / path).is_relative_to(out)
    json.loads(portfolio_json(portfolio, "/").decode("utf-8"))


@FUZZ
@given(st.lists(st.tuples(file_names, st.one_of(project_files(), raw_files)), max_size=4))
def test_any_project_files_load_and_make_safe_pages(files) -> None:
    sources: dict[str, bytes] = {}
    for i, (name, text) in enumerate(files):
        # Named as discovery names a file on disk (no '/', bytes that are not UTF-8 escaped).
        sources[f"content/projects/{i}{shown_name(name.replace('/', '_'))}.md"] = on_disk(text)
    loaded = load_sources(ROOT, sources)
    _check_formats(loaded)
    _check_pages(loaded)


@FUZZ
@given(anything)
def test_any_site_yaml_loads(text: str) -> None:
    loaded = load_sources(ROOT, {"site.yaml": on_disk(text)})
    _check_formats(loaded)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(names)
def test_any_name_makes_a_safe_slug(name: str) -> None:
    slug = slugify(name)
    assert slug and len(slug) <= MAX_LENGTH and set(slug) <= SLUG_CHARACTERS
    assert slug not in WINDOWS_RESERVED and not slug.startswith("-") and not slug.endswith("-")
