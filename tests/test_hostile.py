"""Issue 13: input written by a pull request's author, as an attacker would write it.

Each file of tests/fixtures/hostile/ is one finding's input. Time and memory per file are
measured on whole processes (bench/bench_hostile.py), not here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from itpm_site.cli import cli
from itpm_site.load import frontmatter
from itpm_site.load.diagnostics import Summary, format_github, format_human
from itpm_site.load.diagnostics import format_json as diagnostics_json
from itpm_site.load.portfolio import load_portfolio
from itpm_site.model.diagnostic import Diagnostic, Severity
from itpm_site.model.slugs import MAX_LENGTH, WINDOWS_RESERVED, slugify
from itpm_site.render.markdown import render_markdown

pytestmark = pytest.mark.usefixtures("plain_env")

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
P = "content/projects"
links = pytest.mark.skipif(sys.platform == "win32", reason="links need privileges")


def portfolio_of(tmp_path: Path, *names: str) -> Path:
    """A portfolio holding the named hostile fixtures as its projects."""
    (tmp_path / P).mkdir(parents=True)
    for name in names:
        shutil.copy(HOSTILE / name, tmp_path / P / name)
    return tmp_path


def errors(root: Path) -> list[tuple[str, int, str]]:
    return [(d.path.rsplit("/", 1)[-1], d.line, d.code) for d in load_portfolio(root).errors]


# ------------------------------------------------------------------ finding 1 and 5: page paths

NAMES = [
    "owner-dot-dot.md",
    "program-dot-dot.md",
    "tag-dot-dot.md",
    "owner-300-chars.md",
    "owner-100-georgian.md",
    "tag-windows-reserved.md",
]


def test_names_that_pass_check_build_only_inside_the_output(tmp_path: Path) -> None:
    root = portfolio_of(tmp_path / "pf", *NAMES)
    assert load_portfolio(root).errors == []
    out = tmp_path / "pf" / "public"
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--as-of", "2026-03-01"])
    assert result.exit_code == 0, result.output
    kept = (root / "content",)  # the input (caches are in the user cache folder)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and not any(p.is_relative_to(k) for k in kept)]
    assert written and all(p.is_relative_to(out) for p in written)
    assert "<title>" in (out / "index.html").read_text(encoding="utf-8").split("tag")[0]
    for path in written:
        for part in path.relative_to(out).parts:
            stem = part.split(".")[0]
            assert len(part.encode()) <= 255 and stem not in WINDOWS_RESERVED, part
            assert not set(part) & set('<>:"/\\|?*') and part not in (".", ".."), part
    assert (out / "owners" / slugify("ბ" * 100) / "index.html").is_file()


@pytest.mark.parametrize(
    "name",
    [
        "../../x",
        "..",
        ".",
        "",
        "ტტტ",
        "🙂",
        "con",
        "NUL",
        "Com1",
        "a" * 300,
        "ბ" * 100,
        "a/b\\c:d",
        "\u202e\u0000",
    ],
)
def test_every_slug_is_a_safe_folder_name(name: str) -> None:
    slug = slugify(name)
    assert slug and len(slug) <= MAX_LENGTH and slug not in WINDOWS_RESERVED
    assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-") and slug[0] != "-"


def test_slugs_spell_other_scripts_and_keep_distinct_names_apart() -> None:
    assert slugify("ნინო ბერიძე") == "nino-beridze" == slugify("Nino  Beridze")
    assert slugify("a" * 300) != slugify("a" * 301)
    assert slugify("a" * 300) == slugify("A" * 300)  # the same name in another case
    assert slugify("🙂") != slugify("🙃")


def test_different_names_sharing_a_page_are_reported(tmp_path: Path, write_portfolio) -> None:
    project = "---\ntitle: {t}\nphase: planning\nowner: {o}\ntags: [{tag}]\n---\n"
    root = write_portfolio(
        tmp_path,
        {
            f"{P}/a.md": project.format(t="A", o="Nino Beridze", tag="C"),
            f"{P}/b.md": project.format(t="B", o="nino beridze", tag="C++"),
            f"{P}/c.md": project.format(t="C", o="ნინო ბერიძე", tag="c"),
        },
    )
    shared = [
        (d.path, d.field, d.message) for d in load_portfolio(root).diagnostics if d.code == "shared-page"
    ]
    assert shared == [
        (
            f"{P}/c.md",
            "owner",
            f"owner 'ნინო ბერიძე' and owner 'Nino Beridze' ({P}/a.md) share the page owners/nino-beridze/",
        )
    ]


def test_a_control_character_in_a_value_is_an_error(tmp_path: Path) -> None:
    root = portfolio_of(tmp_path, "owner-nul.md")
    diagnostics = load_portfolio(root).errors
    assert [(d.path, d.line, d.code, d.message) for d in diagnostics] == [
        (f"{P}/owner-nul.md", 4, "control-character", "a value contains the control character NUL")
    ]


def test_a_slug_written_by_hand_is_checked_like_a_made_one(tmp_path: Path, write_portfolio) -> None:
    project = "---\ntitle: {}\nphase: planning\nowner: O\nslug: {}\n---\n"
    root = write_portfolio(
        tmp_path, {f"{P}/a.md": project.format("A", "con"), f"{P}/b.md": project.format("B", "b" * 65)}
    )
    assert [(d.path, d.code, d.message) for d in load_portfolio(root).errors] == [
        (f"{P}/a.md", "slug", "'con' is not a valid slug (Windows reserves it for a device)"),
        (f"{P}/b.md", "slug", f"'{'b' * 65}' is not a valid slug (at most 64 characters)"),
    ]


# ------------------------------------------------------------------ findings 2 and 3: limits


@pytest.mark.parametrize(
    ("name", "line", "code"),
    [
        # At the values repeated once too often, where their anchor wrote them.
        ("billion-laughs.md", 5, "too-many-aliases"),
        ("alias-doubling.md", 5, "too-many-aliases"),
        ("deep-nesting.md", 5, "yaml"),
        ("progress-digits.md", 5, "range"),
        ("budget-digits.md", 5, "amount"),
        ("budget-digits-currency.md", 5, "amount"),
        ("invalid-risks.md", 6, "too-many-items"),
        # Round three: what a file adds to the site, and to rendering.
        ("tags-1000.md", 5 + 1 + 50, "too-many-tags"),
        ("headings-1001.md", 6 + 2 * 1000, "too-many-headings"),
        ("table-filled-in.md", 6, "too-complex"),
        ("title-noncharacter.md", 2, "control-character"),
    ],
)
def test_a_file_beyond_a_limit_is_one_error_at_its_line(
    tmp_path: Path, name: str, line: int, code: str
) -> None:
    assert errors(portfolio_of(tmp_path, name)) == [(name, line, code)]


def test_front_matter_larger_than_the_limit_is_refused(tmp_path: Path, write_portfolio) -> None:
    padding = "".join(f"note{i}: {'x' * 90}\n" for i in range(3000))
    root = write_portfolio(tmp_path, {f"{P}/big.md": f"---\ntitle: T\n{padding}---\n"})
    [error] = load_portfolio(root).errors
    assert error.code == "too-large" and 2500 < error.line < 3000
    assert f"at most {frontmatter.MAX_FRONT_MATTER_BYTES:,}" in error.message


def test_nesting_under_the_parser_limit_is_refused_before_recursion(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path, {f"{P}/deep.md": "---\ntags: " + "[" * 900 + "]" * 900 + "\n---\n"})
    assert [(d.line, d.code) for d in load_portfolio(root).errors] == [(2, "too-deep")]


def test_many_unknown_keys_are_listed_up_to_a_limit(tmp_path: Path) -> None:
    found = [
        d for d in load_portfolio(portfolio_of(tmp_path, "unknown-keys.md")).errors if d.code == "unknown-key"
    ]
    assert len(found) == 51
    assert "19,950 more unknown keys are not listed one by one" in {d.message for d in found}


def test_thousands_of_invalid_risks_each_get_their_error(tmp_path: Path) -> None:
    found = load_portfolio(portfolio_of(tmp_path, "invalid-risks-2000.md")).errors
    statuses = [d for d in found if d.field.endswith(".status")]
    assert len(statuses) == 2000
    assert statuses[0].message == "'opn0' is not a risk status; did you mean 'open'?"


def test_unknown_dependencies_beyond_the_first_hundred_get_no_guess(tmp_path: Path) -> None:
    found = load_portfolio(portfolio_of(tmp_path, "unknown-dependencies.md")).errors
    assert len(found) == 2000
    assert all("did you mean" not in d.message for d in found[100:])


# ------------------------------------------------------------------ finding 4: links


@links
def test_a_linked_section_folder_outside_the_portfolio_is_not_read(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", {})
    outside = write_portfolio(tmp_path / "outside", {"pages/secret.md": "---\ntitle: S\n---\n"})
    (root / "content" / "pages").symlink_to(outside / "pages", target_is_directory=True)
    result = load_portfolio(root)
    assert [(d.path, d.code) for d in result.errors] == [("content/pages/secret.md", "io")]
    assert "leads out of content/" in result.errors[0].message and result.pages == []


@links
def test_a_link_to_git_config_inside_the_portfolio_is_not_read(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path, {".git/config": "[http]\n\textraheader = AUTH token\n"})
    (root / P).mkdir(parents=True)
    (root / P / "x.md").symlink_to(root / ".git" / "config")
    result = load_portfolio(root)
    assert [(d.path, d.code) for d in result.errors] == [(f"{P}/x.md", "io")]
    assert all("token" not in d.source_line for d in result.diagnostics)


@links
def test_serve_reads_content_as_build_does(tmp_path: Path, write_portfolio) -> None:
    """serve's incremental loading refuses the same links as build (and reports them)."""
    from itpm_site.serve.files import FileCache

    root = write_portfolio(tmp_path / "pf", {})
    outside = write_portfolio(tmp_path / "outside", {"pages/secret.md": "---\ntitle: S\n---\n"})
    (root / "content" / "pages").symlink_to(outside / "pages", target_is_directory=True)
    files = FileCache(root)
    for _ in range(2):  # the first load lists the folders; the second reuses the listing
        result = files.load([str(root / "content" / "pages" / "secret.md")])
        assert [(d.path, d.code) for d in result.errors] == [("content/pages/secret.md", "io")]
        assert result.pages == []


@links
def test_a_theme_folder_linking_out_of_themes_is_an_error(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", {"site.yaml": "theme: mine\n", "themes/.keep": ""})
    outside = write_portfolio(tmp_path / "elsewhere", {"templates/base.html": "leak"})
    (root / "themes" / "mine").symlink_to(outside, target_is_directory=True)
    result = CliRunner().invoke(cli, ["check", "--root", str(root)])
    assert result.exit_code == 1
    assert "site.yaml:1:8: error: theme: themes/mine is a link that leads out of themes/" in result.output


# ------------------------------------------------------------------ finding 7: logs


def _hostile_diagnostics() -> list[Diagnostic]:
    return [
        Diagnostic(
            "content/projects/\udcff\x1b[31m.md",
            3,
            1,
            Severity.ERROR,
            "phase",
            "'x\n::warning file=README.md::injected' is not a phase",
            "use \x1b]8;;evil\x07 one\r\n::error::x",
            "phase",
            1,
            "phase: \x1b[2J\x9b31m",
        )
    ]


def test_human_output_starts_no_line_with_a_workflow_command() -> None:
    text = format_human(_hostile_diagnostics(), Summary(1, 0, 1))
    assert not any(line.lstrip().startswith("::") for line in text.splitlines())
    assert not set(text) & {"\x1b", "\x07", "\x9b", "\r"}
    assert "\\x1b[31m" in text and "content/projects/\\xff" in text
    text.encode("utf-8")  # no lone surrogate left


def test_github_output_has_no_raw_escape_characters() -> None:
    text = format_github(_hostile_diagnostics(), Summary(1, 0, 1))
    assert len(text.splitlines()) == 2 and text.startswith("::error ")
    assert not set(text) & {"\x1b", "\x07", "\x9b", "\r"}
    text.encode("utf-8")


def test_json_of_a_file_name_that_is_not_utf8_is_valid_utf8(tmp_path: Path) -> None:
    if sys.platform == "darwin":
        pytest.skip("macOS file systems refuse names that are not UTF-8")
    (tmp_path / P).mkdir(parents=True)
    with open(os.fsencode(tmp_path / P) + b"/bad-\xff.md", "wb") as f:
        f.write(b"---\ntitle: T\n---\n")
    result = CliRunner().invoke(cli, ["check", "--root", str(tmp_path), "--format", "json"])
    data = json.loads(result.stdout_bytes.decode("utf-8"))  # strict: fails on invalid bytes
    assert {d["path"] for d in data["diagnostics"]} == {f"{P}/bad-\\xff.md"}
    assert json.loads(diagnostics_json(_hostile_diagnostics(), Summary(1, 0, 1)).encode())


# ------------------------------------------------------------------ finding 10, issue 9: HTML


def test_body_headings_are_fitted_under_the_page_title(tmp_path: Path) -> None:
    body = (HOSTILE / "skipped-headings.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    html = render_markdown(body)
    assert [tag[:3] for tag in html.split("<")[1:] if tag[:2] == "h2" or tag[:2] == "h3"] == [
        "h2 ",
        "h3 ",
        "h2 ",
        "h3 ",
    ]


def test_protocol_relative_links_are_not_relative(tmp_path: Path) -> None:
    root = portfolio_of(tmp_path, "protocol-relative-link.md")
    assert [(d.field, d.code) for d in load_portfolio(root).errors] == [("links[0].url", "url")]
    assert "href" not in render_markdown("[x](//evil.example/y)")


def test_an_unclosed_quote_is_reported_where_it_began(tmp_path: Path) -> None:
    [error] = load_portfolio(portfolio_of(tmp_path, "unclosed-quote.md")).errors
    assert (error.line, error.column) == (3, 8)
    assert "not closed on its line" in error.message and "': '" not in error.hint


def test_diff_json_of_a_file_name_that_is_not_utf8_is_valid_utf8(tmp_path: Path) -> None:
    if sys.platform == "darwin" or shutil.which("git") is None:
        pytest.skip("needs git and a file system that keeps names that are not UTF-8")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=a", "-c", "user.email=a@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    project = b"---\ntitle: %s\nphase: planning\nowner: O\n---\n"
    (tmp_path / P).mkdir(parents=True)
    (tmp_path / P / "a.md").write_bytes(project % b"A")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    with open(os.fsencode(tmp_path / P) + b"/b-\xff.md", "wb") as f:
        f.write(project % b"B")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "two"], check=True)
    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD", "--root", str(tmp_path), "--format", "json"])
    data = json.loads(result.stdout_bytes.decode("utf-8"))
    assert [p["path"] for p in data["projects"]] == [f"{P}/b-\\xff.md"]


# ------------------------------------------------------------------ files that cannot be read


def _with_bad_links(tmp_path: Path, write_portfolio) -> Path:
    from portfolios import valid_projects

    root = write_portfolio(tmp_path / "pf", valid_projects(3, "Links"))
    (root / P / "loop1.md").symlink_to("loop2.md")
    (root / P / "loop2.md").symlink_to("loop1.md")
    (root / P / "dangling.md").symlink_to("nowhere.md")
    return root


@links
def test_links_that_cannot_be_followed_are_errors_on_their_files(tmp_path: Path, write_portfolio) -> None:
    """A loop of links or a link to nothing is reported on its file; every other file is
    still loaded (one unreadable file does not stop the rest)."""
    root = _with_bad_links(tmp_path, write_portfolio)
    for cache in (None, tmp_path / "cache"):
        result = load_portfolio(root, cache)
        found = {d.path: d for d in result.errors}
        assert sorted(found) == [f"{P}/dangling.md", f"{P}/loop1.md", f"{P}/loop2.md"]
        assert all(d.code == "io" for d in found.values())
        assert "loop of links" in found[f"{P}/loop1.md"].message
        assert "link to 'nowhere.md', which does not exist" in found[f"{P}/dangling.md"].message
        assert found[f"{P}/dangling.md"].hint
        assert sorted(e.slug for e in result.projects) == ["p00", "p01", "p02"]


@links
def test_a_build_with_unreadable_links_behaves_as_with_any_file_error(
    tmp_path: Path, write_portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    root = _with_bad_links(tmp_path, write_portfolio)
    refused = CliRunner().invoke(cli, ["build", "--root", str(root), "-q"])
    assert refused.exit_code == 1, refused.output
    assert "cannot write the site" not in refused.output
    assert f"{P}/loop1.md:1:1: error: cannot read the file" in refused.output
    assert not (root / "public").exists()
    kept = CliRunner().invoke(cli, ["build", "--root", str(root), "-q", "--keep-going"])
    assert kept.exit_code == 0, kept.output
    assert (root / "public" / "projects" / "p01" / "index.html").is_file()
    assert not (root / "public" / "projects" / "loop1").exists()


@links
def test_a_link_to_a_folder_or_a_pipe_named_md_is_not_content(tmp_path: Path, write_portfolio) -> None:
    root = write_portfolio(tmp_path / "pf", {"content/pages/about.md": "---\ntitle: About\n---\n"})
    (root / "content" / "pages" / "folder.md").symlink_to(root / "content", target_is_directory=True)
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "content" / "pages" / "pipe.md")
    result = load_portfolio(root)
    assert result.errors == [] and [e.slug for e in result.pages] == ["about"]


def test_the_markdown_extension_is_matched_in_any_case(tmp_path: Path, write_portfolio) -> None:
    """'x.MD' is a Markdown file as on Windows, and its slug is that of 'x.md'."""
    project = "---\ntitle: {}\nphase: initiation\nowner: Ana\n---\n"
    root = write_portfolio(
        tmp_path / "pf",
        {
            f"{P}/Upper.MD": project.format("Upper"),
            f"{P}/mixed.Md": project.format("Mixed"),
            "content/pages/About.mD": "---\ntitle: About\n---\n",
        },
    )
    result = load_portfolio(root)
    assert result.errors == []
    assert sorted(e.slug for e in result.projects) == ["mixed", "upper"]
    assert [e.slug for e in result.pages] == ["about"]


def test_the_same_name_in_two_cases_of_the_extension_is_one_slug_twice(
    tmp_path: Path, write_portfolio
) -> None:
    project = "---\ntitle: {}\nphase: initiation\nowner: Ana\n---\n"
    root = write_portfolio(tmp_path / "pf", {f"{P}/crm.md": project.format("A")})
    other = root / P / "crm.MD"
    if other.exists():  # a file system that does not tell the two names apart
        pytest.skip("case-insensitive file system")
    other.write_text(project.format("B"), encoding="utf-8")
    result = load_portfolio(root)
    assert any("crm" in d.message for d in result.errors)
