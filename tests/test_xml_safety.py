"""Valid XML whatever the input: noncharacters refused in front matter, and the Atom writer
dropping whatever XML 1.0 forbids."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from itpm_site.cli import cli

pytestmark = pytest.mark.usefixtures("plain_env")

P = "content/projects"


@pytest.mark.parametrize("escape", ["\\uFFFE", "\\uFFFF", "\\uFDD0", "\\U0001FFFE"])
def test_noncharacters_in_front_matter_are_an_error_at_their_line(tmp_path: Path, escape: str) -> None:
    root = tmp_path / "site"
    (root / P).mkdir(parents=True)
    (root / P / "a.md").write_text(
        f'---\ntitle: Alpha\nphase: planning\nowner: Ana\nsummary: "x{escape}y"\n---\n', encoding="utf-8"
    )

    result = CliRunner().invoke(cli, ["check", "--root", str(root)])

    assert result.exit_code == 1
    assert "a.md:5:" in result.output and "noncharacter" in result.output


def test_the_atom_writer_drops_what_xml_forbids_whatever_reaches_it() -> None:
    from itpm_site.outputs.feeds import escape

    assert escape("a\x00\x02\x0b\ufffe\uffff\ud800<b>") == "a&lt;b&gt;"
    assert escape("tab\tand\nline") == "tab\tand\nline"


def test_every_xml_file_a_build_writes_parses_strictly(tmp_path: Path) -> None:
    from history_repo import git

    repo = tmp_path / "repo"
    (repo / P).mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "site.yaml").write_text(
        'title: "<T&T> \\U0001F600"\nhistory:\n  authors: true\n', encoding="utf-8"
    )
    (repo / P / "a.md").write_text(
        '---\ntitle: "A <b>&amp; \\u00a0\\uFFFD\\U0001F600 ]]>"\nphase: planning\nowner: Ana\n---\nBody.\n',
        encoding="utf-8",
    )
    git(repo, "add", "-A")
    # Every C0 and C1 control and DEL, where git keeps them (inside a name). (Noncharacters
    # cannot get there through `git commit`: it takes them for Latin-1 and re-encodes them.)
    hostile = "".join(chr(c) for c in [*range(1, 32), *range(127, 160)] if chr(c) != "\n")
    git(repo, "commit", "-q", "-m", "x", author=f"Ana{hostile}Lomidze")
    out = tmp_path / "public"

    result = CliRunner().invoke(cli, ["build", "--root", str(repo), "--output", str(out), "--no-cache"])

    assert result.exit_code == 0, result.output
    written = sorted(out.rglob("*.xml"))
    assert {p.name for p in written} >= {"changes.xml", "sitemap.xml"}
    for path in written:
        ET.fromstring(path.read_bytes())  # expat: any character XML 1.0 forbids is an error
    feed = ET.fromstring((out / "changes.xml").read_bytes())
    assert "AnaLomidze" in [a.text for a in feed.iter("{http://www.w3.org/2005/Atom}name")]
