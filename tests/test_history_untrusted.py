"""Git history as untrusted input: commit metadata that cannot forge or break the history, file
versions beyond the limits passed over, and feeds that are well-formed XML whatever the input."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from history_repo import git

from itpm_site.cli import cli
from itpm_site.load.git import Repository

#: Larger than any project file within the limits (256 KiB of front matter, 1 MiB of body).
OVER_THE_LIMITS = 1_400_000

pytestmark = pytest.mark.usefixtures("plain_env")

P = "content/projects"
ATOM = "{http://www.w3.org/2005/Atom}"


def project(title: str, status: str = "green", body: str = "Body.") -> str:
    return f"---\ntitle: {title}\nphase: planning\nstatus: {status}\nowner: Ana\n---\n{body}\n"


def commit(repo: Path, files: dict[str, str], when: str, author: str = "Ana Author") -> str:
    for rel, text in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"at {when}", when=_when(when), author=author)
    return git(repo, "rev-parse", "HEAD")


def _when(day: str):
    import datetime as dt

    return dt.datetime.fromisoformat(f"{day}T12:00:00+00:00")


def new_repo(tmp_path: Path, authors: bool = True) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "site.yaml").write_text(f"history:\n  weeks: 60\n  authors: {str(authors).lower()}\n")
    return repo


def build(repo: Path) -> tuple[int, str, Path]:
    out = repo.parent / "public"
    result = CliRunner().invoke(
        cli, ["build", "--root", str(repo), "--output", str(out), "--as-of", "2026-06-30", "--no-cache"]
    )
    return result.exit_code, result.output, out


def history_json(site: Path) -> dict:
    return json.loads((site / "history.json").read_text(encoding="utf-8"))


def changes(site: Path) -> list[dict]:
    return [c for p in history_json(site)["projects"].values() for c in p["changes"]]


# ------------------------------------------------------------------ item 1: commit metadata


@pytest.mark.parametrize("authors", [True, False])
def test_separator_bytes_in_an_author_name_neither_break_nor_forge_the_history(
    tmp_path: Path, authors: bool
) -> None:
    repo = new_repo(tmp_path, authors)
    first = commit(repo, {f"{P}/a.md": project("Alpha")}, "2026-03-02")
    # What the old reader split on, and a name written to look like another commit's record.
    forged = f"Eve\x01{'f' * 40}\x020\x02Mallory\x02x"
    second = commit(repo, {f"{P}/a.md": project("Alpha", "red")}, "2026-03-09", author=forged)
    third = commit(repo, {f"{P}/b.md": project("Beta")}, "2026-03-16", author="a\x01b\x02c")

    code, output, site = build(repo)

    assert code == 0, output
    seen = changes(site)
    assert {c["commit"] for c in seen} == {first, second, third}
    by_commit = {c["commit"]: c for c in seen}
    assert by_commit[second]["kind"] == "status"
    assert by_commit[second]["time"] == "2026-03-09T12:00:00Z"
    if authors:
        assert by_commit[second]["author"] == f"Eve{'f' * 40}0Malloryx"
        assert by_commit[third]["author"] == "abc"
    else:
        assert all("author" not in c for c in seen)
    feed = ET.fromstring((site / "changes.xml").read_bytes())
    assert {e.find(f"{ATOM}id").text for e in feed.iter(f"{ATOM}entry")} == {
        f"urn:itpm-site:commit:{c}" for c in (first, second, third)
    }


def test_authors_are_read_as_committed_not_through_a_mailmap(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    commit(repo, {f"{P}/a.md": project("Alpha")}, "2026-03-02", author="Real Name")
    commit(repo, {".mailmap": "Someone Else <a@example.com> Real Name <ana@example.com>\n"}, "2026-03-03")

    code, output, site = build(repo)

    assert code == 0, output
    assert [c["author"] for c in changes(site)] == ["Real Name"]


def test_a_record_git_could_not_have_written_is_left_out_with_one_warning() -> None:
    from itpm_site.history.commits import _records

    good = "a" * 40
    fields = [
        b"not-a-commit 12",
        b"\n:000000 100644 " + b"0" * 40 + b" " + b"1" * 40 + b" A",
        b"content/projects/x.md",
        f"{good} 1767225600".encode(),
        b"\n:000000 100644 " + b"0" * 40 + b" " + b"2" * 40 + b" A",
        b"content/projects/y.md",
        f"{'b' * 40} 99999999999999".encode(),  # a time no page can show
        f"{'c' * 40} 4102444801".encode(),  # 2100-01-01T00:00:01Z: a week of figures each until then
        b"",
    ]

    records, warnings = _records(fields, "")

    assert [(r[0], [f.path for f in r[2]]) for r in records] == [(good, ["content/projects/y.md"])]
    assert len(warnings) == 3
    assert "not-a-commit 12" in warnings[0]


def test_names_are_cleaned_of_what_no_page_feed_or_json_may_hold() -> None:
    from itpm_site.history.commits import clean_text

    assert clean_text("A\x02\x03\x08\x0b\x0cna\ufffe\uffff \x7f\x85Lomidze\ud800\ufdd0", 200) == "Ana Lomidze"
    assert clean_text("x" * 500, 200) == "x" * 199 + "…"


def test_control_characters_in_author_names_keep_the_feed_well_formed(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    commit(
        repo,
        {f"{P}/a.md": project("Alpha")},
        "2026-03-02",
        author="An\x02\x03\x04\x05\x06\x07\x08\x0b\x0ca",  # git trims them only at the ends
    )

    code, output, site = build(repo)

    assert code == 0, output
    feed = ET.fromstring((site / "changes.xml").read_bytes())
    assert [a.text for a in feed.iter(f"{ATOM}name")][-1] == "Ana"


# ------------------------------------------------------------------ item 4: versions in bounds


def test_a_version_beyond_the_limits_is_passed_over_with_a_warning_naming_its_commit(
    tmp_path: Path,
) -> None:
    repo = new_repo(tmp_path)
    commit(repo, {f"{P}/a.md": project("Alpha")}, "2026-03-02")
    huge = commit(
        repo, {f"{P}/a.md": project("Alpha", "red", "- a\n" * (OVER_THE_LIMITS // 4))}, "2026-03-09"
    )
    commit(repo, {f"{P}/a.md": project("Alpha", "amber")}, "2026-03-16")

    code, output, site = build(repo)

    assert code == 0, output
    warnings = [line for line in output.splitlines() if "left out of the history" in line]
    assert len(warnings) == 1
    assert huge in warnings[0] and f"{P}/a.md" in warnings[0]
    # The version left out is as if broken: the project stays as it last stood.
    assert [c["kind"] for c in changes(site)] == ["added", "status"]


def test_objects_are_read_one_at_a_time_and_those_over_the_limit_never_held(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    small = b"small\n"
    big = b"x" * 3_000_000
    ids = [
        subprocess.run(
            ["git", "-C", str(repo), "hash-object", "-w", "--stdin"],
            input=data,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
        for data in (small, big, small)
    ]

    with Repository.find(repo).reader() as read:
        assert read(ids[0], 100) == (small, len(small))
        assert read(ids[1], 100) == (None, len(big))
        assert read(ids[2], 100) == (small, len(small))  # the stream stays in step
