"""Text from site.yaml, the command line and the content that must not reach a page, a
sitemap or a terminal as it is: an unchecked base URL, control characters in a body, bidi
and zero-width characters in check's output, and categories spelt alike."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from itpm_site.build import BuildOptions, build_site
from itpm_site.cli import cli
from itpm_site.load.diagnostics import Summary, format_github, format_human
from itpm_site.load.diagnostics import format_json as diagnostics_json
from itpm_site.load.portfolio import load_portfolio
from itpm_site.model.config import check_base_url
from itpm_site.model.diagnostic import Diagnostic, Severity
from itpm_site.render.markdown import render_markdown

pytestmark = pytest.mark.usefixtures("plain_env")

P = "content/projects"
PROJECT = "---\ntitle: A\nphase: planning\nowner: Nino\ncategory: software\n---\n"
EVIL = 'https://example.org/x/"><script>alert(1)</script>'


def site_errors(root: Path) -> list[tuple[str, int, str, str]]:
    return [(d.path, d.line, d.field, d.message) for d in load_portfolio(root).errors]


# ------------------------------------------------------------------------------ base_url


def test_base_url_with_markup_in_site_yaml_is_an_error_at_its_line(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(
        tmp_path,
        {"site.yaml": f"title: T\nbase_url: {json.dumps(EVIL)}\n", f"{P}/a.md": PROJECT},
    )
    [error] = load_portfolio(root).errors
    assert (error.path, error.line, error.field) == ("site.yaml", 2, "base_url")
    assert "must not contain '\"'" in error.message
    assert "https://" in error.hint and "/portfolio/" in error.hint


@pytest.mark.parametrize(
    "value",
    [
        EVIL,
        "/x/<b>",
        "/a b/",
        "https://example.org/\\x",
        "/x/\x1b[31m",
        "/x\x85/y/",
        "javascript:alert(1)",
        "ftp://example.org/",
        "portfolio/",
        "//evil.example/",
        "https:///x",
        "'/x/'",
    ],
)
def test_base_url_rejects_what_is_no_address(value: str) -> None:
    with pytest.raises(ValueError, match="the base URL"):
        check_base_url(value)


@pytest.mark.parametrize(
    ("value", "normalized"),
    [
        ("", "/"),
        ("/", "/"),
        ("/portfolio", "/portfolio/"),
        ("https://acme.github.io/portfolio", "https://acme.github.io/portfolio/"),
        ("HTTP://intranet:8080/pf/", "HTTP://intranet:8080/pf/"),
        ("https://example.org/a&b/%20c/", "https://example.org/a&b/%20c/"),
    ],
)
def test_base_url_accepts_paths_and_web_addresses(value: str, normalized: str) -> None:
    assert check_base_url(value) == normalized


def test_base_url_option_is_checked_as_a_usage_error(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path, {f"{P}/a.md": PROJECT})
    result = CliRunner().invoke(
        cli, ["build", "--root", str(root), "--output", str(tmp_path / "out"), "--base-url", EVIL]
    )
    assert result.exit_code == 2
    assert "--base-url" in result.output and "must not contain" in result.output
    assert not (tmp_path / "out").exists()


def test_the_404_page_escapes_the_base_url_whatever_it_holds(tmp_path: Path, write_portfolio) -> None:
    # The build API takes a base URL as given: what the 404 page pastes into its links is
    # escaped all the same.
    root = write_portfolio(tmp_path, {f"{P}/a.md": PROJECT})
    out = tmp_path / "out"
    options = BuildOptions(root=root, output=out, as_of=dt.date(2026, 3, 1), base_url=EVIL)
    assert build_site(options).ok
    page = (out / "404.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert "&#34;&gt;&lt;script&gt;" in page
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<script>" not in sitemap


def test_an_ampersand_in_the_base_url_is_escaped_in_the_404_page_and_sitemap(
    tmp_path: Path, write_portfolio
) -> None:
    root = write_portfolio(tmp_path, {f"{P}/a.md": PROJECT})
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["build", "-q", "--root", str(root), "--output", str(out), "--base-url", "https://example.org/a&b/"],
    )
    assert result.exit_code == 0, result.output
    for name in ("404.html", "sitemap.xml"):
        text = (out / name).read_text(encoding="utf-8")
        assert "a&amp;b/" in text and "a&b/" not in text, name


# ------------------------------------------------------------------------------ Markdown bodies


def test_control_characters_in_a_body_do_not_reach_the_page(tmp_path: Path, write_portfolio) -> None:
    body = "Red \x1b[31malert\x07 here, DEL \x7f, C1 \x85, VT \x0b.\n"
    root = write_portfolio(tmp_path, {f"{P}/a.md": PROJECT + body})
    out = tmp_path / "out"
    assert build_site(BuildOptions(root=root, output=out, as_of=dt.date(2026, 3, 1))).ok
    page = (out / "projects" / "a" / "index.html").read_text(encoding="utf-8")
    assert not set(page) & {"\x1b", "\x07", "\x7f", "\x85", "\x0b"}
    assert "Red \ufffd[31malert\ufffd here" in page


def test_tabs_and_line_breaks_in_a_body_are_kept() -> None:
    assert render_markdown("    a\tb\r\n    c\n") == "<pre><code>a\tb\nc\n</code></pre>\n"
    assert render_markdown("a\x0cb") == "<p>a\x0cb</p>\n"  # form feed is HTML whitespace


# ------------------------------------------------------------------------------ check's output


def _disguised() -> list[Diagnostic]:
    return [
        Diagnostic(
            f"{P}/a.md",
            3,
            8,
            Severity.ERROR,
            "phase",
            "'plan\u202egninnalp' is not a phase",
            "use one of: planning",
            "choice",
            14,
            'phase: "plan\u202egninnalp\u200b\u2066\ufeff"',
        )
    ]


HIDDEN = set(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)


def test_human_and_github_output_show_bidi_and_zero_width_characters() -> None:
    human = format_human(_disguised(), Summary(1, 0, 1))
    github = format_github(_disguised(), Summary(1, 0, 1))
    for text in (human, github):
        assert not set(text) & HIDDEN
        assert "plan\\u202egninnalp" in text
    assert 'phase: "plan\\u202egninnalp\\u200b\\u2066\\ufeff"' in human


def test_json_output_escapes_bidi_characters_and_keeps_the_value() -> None:
    text = diagnostics_json(_disguised(), Summary(1, 0, 1))
    assert not set(text) & HIDDEN
    assert json.loads(text)["diagnostics"][0]["message"] == "'plan\u202egninnalp' is not a phase"


def test_check_shows_a_disguised_value_as_it_is(tmp_path: Path, write_portfolio) -> None:
    project = '---\ntitle: A\nphase: "plan\u202egninnalp"\nowner: Nino\n---\n'
    root = write_portfolio(tmp_path, {f"{P}/a.md": project})
    for fmt in ("human", "github"):
        result = CliRunner().invoke(cli, ["check", "--root", str(root), "--format", fmt])
        assert result.exit_code == 1
        assert "\u202e" not in result.output and "plan\\u202egninnalp" in result.output


@pytest.mark.parametrize("owner", ["\u200b", "\u200b \u2060", "\ufeff", "\u3000", "\u200e\u2028"])
def test_an_owner_of_only_invisible_characters_is_empty(tmp_path: Path, write_portfolio, owner: str) -> None:
    project = f"---\ntitle: A\nphase: planning\nowner: {json.dumps(owner)}\n---\n"
    root = write_portfolio(tmp_path, {f"{P}/a.md": project})
    [error] = load_portfolio(root).errors
    assert (error.line, error.field, error.message, error.code) == (
        4,
        "owner",
        "'owner' is empty",
        "empty-value",
    )


def test_a_value_with_a_zero_width_joiner_among_letters_is_text(tmp_path: Path, write_portfolio) -> None:
    project = '---\ntitle: A\nphase: planning\nowner: "Nino\u200dB"\n---\n'
    root = write_portfolio(tmp_path, {f"{P}/a.md": project})
    assert load_portfolio(root).errors == []


# ------------------------------------------------------------------------------ categories


def test_categories_spelt_alike_are_each_an_error_naming_the_other(tmp_path: Path, write_portfolio) -> None:
    site = (
        "categories:\n"
        "  - {slug: software, label: Software}\n"
        "  - {slug: software, label: Soft 2}\n"
        "  - {slug: web, label: Software, aliases: [software]}\n"
        "  - slug: data\n"
        "    label: Data\n"
        "    aliases: [data, Soft-2]\n"
    )
    root = write_portfolio(tmp_path, {"site.yaml": site, f"{P}/a.md": PROJECT})
    assert site_errors(root) == [
        (
            "site.yaml",
            3,
            "categories[1].slug",
            "slug 'software' is already the slug of category 'software' on line 2",
        ),
        (
            "site.yaml",
            4,
            "categories[2].label",
            "label 'Software' is already the slug of category 'software' on line 2",
        ),
        (
            "site.yaml",
            4,
            "categories[2].aliases[0]",
            "alias 'software' is already the slug of category 'software' on line 2",
        ),
        (
            "site.yaml",
            7,
            "categories[3].aliases[1]",
            "alias 'Soft-2' is already the label 'Soft 2' of category 'software' on line 3",
        ),
    ]


def test_a_category_may_repeat_its_own_spellings(tmp_path: Path, write_portfolio) -> None:
    site = "categories:\n  - {slug: software, label: Software, aliases: [software, SOFTWARE]}\n"
    root = write_portfolio(tmp_path, {"site.yaml": site, f"{P}/a.md": PROJECT})
    assert site_errors(root) == []


def test_the_default_categories_do_not_clash() -> None:
    from itpm_site.model.config import SiteConfig

    assert SiteConfig().category_clashes(lambda path: 0) == []
