"""``itpm-site diff``: a portfolio compared across git revisions, as Markdown and as JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from itpm_site.cli import cli
from itpm_site.diff.markdown import code, md

pytestmark = pytest.mark.usefixtures("plain_env")

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        check=True,
    )
    return done.stdout.strip()


def project(
    title: str,
    phase: str = "planning",
    status: str = "green",
    owner: str = "Ana",
    budget: str = "planned: 100000",
    risks: str = "",
    milestones: str = "",
    end: str = "2026-12-31",
    extra: str = "",
    body: str = "Body.\n",
) -> str:
    return (
        f"---\ntitle: {title}\nphase: {phase}\nstatus: {status}\nowner: {owner}\n"
        f"summary: S\ncategory: software\nstart: 2026-01-01\nend: {end}\n"
        f"budget:\n  {budget}\n  currency: USD\n"
        f"{risks}{milestones}{extra}---\n{body}"
    )


RISK = (
    "risks:\n  - title: Vendor | slips\n    probability: 2\n    impact: 3\n"
    "  - title: Old risk\n    probability: 4\n    impact: 4\n"
)
MILESTONE = "milestones:\n  - name: Beta\n    date: 2026-06-15\n    done: false\n"


def write(root: Path, files: dict[str, str | None]) -> None:
    for rel, text in files.items():
        path = root / rel
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """A repository whose portfolio lives in pf/ (a sub-folder), with three commits."""
    repo = tmp_path_factory.mktemp("repo")
    git(repo, "init", "-q", "-b", "main")
    root = repo / "pf"
    write(
        root,
        {
            "site.yaml": "title: Test\ncurrency: USD\n",
            "content/projects/alpha.md": project("Alpha", risks=RISK, milestones=MILESTONE),
            "content/projects/beta.md": project("Beta", phase="implementation"),
            "content/projects/gamma.md": project(
                "Gamma Rollout",
                phase="initiation",
                body="Long enough body text to keep git's rename detection sure of itself.\n" * 5,
            ),
            "content/projects/delta.md": project("Delta", phase="closure"),
            "README.md": "not content\n",
        },
    )
    revs = {"c1": commit(repo, "first")}
    write(
        root,
        {
            # phase forward, budget up, a risk added, one re-scored and one closed, milestone done
            "content/projects/alpha.md": project(
                "Alpha",
                phase="implementation",
                budget="planned: 120000\n  forecast: 130000",
                risks=RISK.replace("probability: 2", "probability: 5").replace(
                    "impact: 4\n", "impact: 4\n    status: closed\n"
                )
                + "  - title: New =risk= @team\n    probability: 3\n    impact: 3\n",
                milestones=MILESTONE.replace("false", "true"),
                owner="Luka",
            ),
            # green -> red, end moved two weeks: a slip
            "content/projects/beta.md": project(
                "Beta", phase="implementation", status="red", extra="forecast_end: 2027-01-14\n"
            ),
            "content/projects/delta.md": None,
            "content/projects/epsilon.md": project("Epsilon", phase="initiation"),
            "content/projects/broken.md": project("Broken", phase="Foo"),
        },
    )
    git(repo, "add", "-A")
    git(repo, "mv", "pf/content/projects/gamma.md", "pf/content/projects/gamma-rollout.md")
    revs["c2"] = commit(repo, "second")
    write(root, {"content/projects/alpha.md": project("Alpha", phase="initiation")})
    revs["c3"] = commit(repo, "third")
    return repo, root, revs


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


def test_markdown_reports_every_kind_of_change(history):
    _, root, revs = history
    status, out, err = run(revs["c1"], revs["c2"], "--root", str(root))
    assert status == 0, err
    first = out.splitlines()[0]
    assert first.startswith("**Portfolio diff**")
    assert "1 added" in first and "1 removed" in first and "1 renamed" in first
    assert "🔴 **1 turned red**" in first
    assert "⚠️ **1 error in" in first
    # green -> red stands out, and its project comes first among the changes
    changed = out.split("### ✏️ Changed")[1]
    assert changed.index("Beta") < changed.index("Alpha")
    assert "#### 🔴 Beta (`beta`)" in out
    assert "| Status | 🟢 green | 🔴 red | 🔴 **turned red** |" in out
    assert "| Phase | Planning | Implementation | ⏩ forward 1 stage |" in out
    assert "| Owner | Ana | Luka |  |" in out
    assert "| Forecast end | – | 2027-01-14 |  |" in out
    assert "| Schedule slip | 0 days | +14 days | +14 days later |" in out
    assert "| Budget planned | 100,000 USD | 120,000 USD | +20,000 USD (+20.0%) |" in out
    # the money model's figures: no forecast before, so the EAC was the planned budget
    assert "| Forecast at completion (EAC) | 100,000 USD | 130,000 USD | +30,000 USD (+30.0%) |" in out
    assert "| Variance | 0 USD | +10,000 USD | +10,000 USD |" in out
    # risks: added (user text escaped, no @mention), re-scored, closed; pipes escaped
    assert "| New \\=risk\\= @\u200bteam | ➕ added | – | 9 (medium), open |" not in out
    assert f"| {md('New =risk= @team')} | ➕ added | – | 9 (medium), open |" in out
    assert "| Vendor \\| slips | re-scored | 6 (medium) | 15 (high) |" in out
    assert "| Old risk | ✅ closed | 16 (critical), open | 16 (critical), closed |" in out
    assert "| Beta | ✅ done | 2026-06-15 | 2026-06-15 |" in out
    # renamed: same title at a new slug, detected from git's rename and the title
    assert "Renamed from `gamma`" in out and "`content/projects/gamma-rollout.md`" in out
    assert "### ➕ Added (1)" in out and "Epsilon (`epsilon`)" in out
    assert "### ➖ Removed (1)" in out and "Delta (`delta`)" in out
    # the invalid file is reported as such, briefly, not as a crash
    assert "### ⚠️ Errors in" in out
    assert "`content/projects/broken.md:3:8` phase: 'Foo' is not a phase" in out
    # nothing for unchanged projects, nothing outside content/
    assert "README" not in out


def test_json_shape(history):
    _, root, revs = history
    status, out, _ = run(revs["c1"], revs["c2"], "--root", str(root), "--format", "json")
    assert status == 0
    doc = json.loads(out)
    assert doc["version"] == 1
    assert doc["base"]["commit"] == revs["c1"] and doc["head"]["commit"] == revs["c2"]
    assert doc["base"]["projects"] == 4 and doc["head"]["projects"] == 4
    assert [e["path"] for e in doc["head"]["errors"]] == ["content/projects/broken.md"]
    s = doc["summary"]
    assert (s["added"], s["removed"], s["renamed"], s["changed"], s["turned_red"]) == (1, 1, 1, 3, 1)
    by_slug = {p["slug"]: p for p in doc["projects"]}
    assert set(by_slug) == {"alpha", "beta", "gamma-rollout", "delta", "epsilon"}
    alpha = by_slug["alpha"]
    assert alpha["phase"] == {"old": "planning", "new": "implementation", "direction": "forward", "steps": 1}
    assert alpha["fields"] == [{"field": "owner", "old": "Ana", "new": "Luka"}]
    assert alpha["budget"][0] == {
        "field": "planned",
        "currency": "USD",
        "old_currency": "USD",
        "old": "100000",
        "new": "120000",
        "delta": "20000",
        "percent": 20.0,
    }
    risks = {r["title"]: r for r in alpha["risks"]}
    assert risks["New =risk= @team"]["change"] == "added"
    assert risks["New =risk= @team"]["new"] == {
        "probability": 3,
        "impact": 3,
        "score": 9,
        "band": "medium",
        "status": "open",
    }
    assert risks["Old risk"]["change"] == "closed"
    assert risks["Vendor | slips"]["change"] == "rescored"
    assert alpha["milestones"] == [
        {
            "change": "done",
            "name": "Beta",
            "old": {"date": "2026-06-15", "done": False},
            "new": {"date": "2026-06-15", "done": True},
            "days": None,
        }
    ]
    beta = by_slug["beta"]
    assert beta["status"] == {"old": "green", "new": "red", "direction": "worse", "turned_red": True}
    assert beta["slip"] == {"old": 0, "new": 14, "days": 14}
    gamma = by_slug["gamma-rollout"]
    assert (gamma["change"], gamma["old_slug"], gamma["renamed"]) == ("changed", "gamma", True)
    assert gamma["old_path"] == "content/projects/gamma.md"
    assert by_slug["delta"]["change"] == "removed"
    assert by_slug["epsilon"]["change"] == "added"
    assert by_slug["epsilon"]["project"]["phase"] == "initiation"


def test_phase_moves_backward(history):
    _, root, revs = history
    _, out, _ = run(revs["c2"], revs["c3"], "--root", str(root))
    assert "| Phase | Implementation | Initiation | ⏪ **backward** 2 stages |" in out
    _, out, _ = run(revs["c2"], revs["c3"], "--root", str(root), "--format", "json")
    alpha = next(p for p in json.loads(out)["projects"] if p["slug"] == "alpha")
    assert alpha["phase"]["direction"] == "backward" and alpha["phase"]["steps"] == 2


def test_missing_revision_is_a_usage_error(history):
    _, root, revs = history
    status, out, err = run("no-such-branch", "--root", str(root))
    assert status == 2
    assert out == ""
    assert "unknown revision 'no-such-branch'" in err
    status, _, err = run(revs["c1"], "deadbeef" * 5, "--root", str(root))
    assert status == 2 and "unknown revision" in err


def test_not_a_repository_is_a_usage_error(tmp_path):
    (tmp_path / "content").mkdir()
    status, _, err = run("HEAD", "--root", str(tmp_path))
    assert status == 2 and "not inside a git repository" in err


def test_head_defaults_to_the_working_tree(tmp_path):
    repo = tmp_path
    git(repo, "init", "-q", "-b", "main")
    write(repo, {"content/projects/a.md": project("A")})
    c1 = commit(repo, "first")
    # an uncommitted edit shows up; the files in git stay as they were
    (repo / "content/projects/a.md").write_text(project("A", status="red"), encoding="utf-8")
    status, out, _ = run(c1, "--root", str(repo))
    assert status == 0
    assert out.splitlines()[0] == (
        f"**Portfolio diff** {code(c1[:7])} → `working tree`: 1 changed · 🔴 **1 turned red**"
    )
    assert git(repo, "status", "--porcelain") == "M content/projects/a.md"
    status, out, _ = run("HEAD", "HEAD", "--root", str(repo))
    assert out.splitlines()[0].endswith("no project changes")


def test_base_without_a_portfolio(tmp_path):
    repo = tmp_path
    git(repo, "init", "-q", "-b", "main")
    write(repo, {"README.md": "hello\n"})
    c1 = commit(repo, "empty")
    write(repo, {"content/projects/a.md": project("A")})
    c2 = commit(repo, "portfolio")
    status, out, _ = run(c1, c2, "--root", str(repo), "--format", "json")
    doc = json.loads(out)
    assert status == 0 and doc["base"]["missing"] is True
    assert [p["change"] for p in doc["projects"]] == ["added"]


def test_markdown_escaping():
    assert md("a|b *c* <script> [x](y) @here") == "a\\|b \\*c\\* \\<script\\> \\[x\\](y) @\u200bhere"
    assert md("two\nlines") == "two lines"
    assert code("a`b|c") == "``a`b\\|c``"


def test_max_chars_leaves_out_whole_sections(history):
    _, root, revs = history
    _, full, _ = run(revs["c1"], revs["c2"], "--root", str(root))
    _, short, _ = run(revs["c1"], revs["c2"], "--root", str(root), "--max-chars", "1500")
    assert len(short) <= 1500 < len(full)
    assert short.splitlines()[0] == full.splitlines()[0]
    assert "the rest is left out" in short


def test_a_project_broken_in_head_is_not_reported_as_removed(tmp_path):
    repo = tmp_path
    git(repo, "init", "-q", "-b", "main")
    write(repo, {"content/projects/a.md": project("A"), "content/projects/b.md": project("B")})
    c1 = commit(repo, "first")
    write(repo, {"content/projects/a.md": project("A", phase="Execuion", status="red")})
    status, out, _ = run(c1, "--root", str(repo), "--format", "json")
    doc = json.loads(out)
    assert status == 0
    assert [(p["slug"], p["change"], p["invalid_in"]) for p in doc["projects"]] == [("a", "invalid", "head")]
    assert doc["summary"]["removed"] == 0 and doc["summary"]["head_errors"] == 1
    _, out, _ = run(c1, "--root", str(repo))
    assert "A (`a`): `content/projects/a.md` has errors now, so it is not compared" in out
    assert "did you mean 'implementation'?" in out


#: Text a pull request's author controls, with everything that could break a table, format,
#: link, inject HTML or mention someone.
HOSTILE = "X | *b* _u_ `t` <script>x</script> [l](u) @team ~s~ #h !i $m &amp; \\\\"
_BARE_PIPE = re.compile(r"(?<!\\)\|")


def _hostile(
    title: str, status: str = "green", phase: str = "planning", forecast: str = "", body: str = "Body.\n"
) -> str:
    quoted = json.dumps(HOSTILE)  # YAML accepts a JSON string
    return project(
        json.dumps(f"{title} {HOSTILE}"),
        phase=phase,
        status=status,
        owner=quoted,
        risks=f"risks:\n  - title: {quoted}\n    probability: 2\n    impact: 2\n",
        milestones=f"milestones:\n  - name: {quoted}\n    date: 2026-03-01\n",
        extra=f"program: {quoted}\nsponsor: {quoted}\nstatus_note: {quoted}\n{forecast}",
        body=body,
    )


def test_the_report_keeps_authors_text_inert(tmp_path):
    """Every table row keeps its header's columns, and no author's text becomes HTML, a link,
    emphasis or a mention, whatever the template puts where."""
    repo = tmp_path
    git(repo, "init", "-q", "-b", "main")
    write(
        repo,
        {
            "content/projects/a.md": _hostile("A"),
            "content/projects/gone.md": _hostile("Gone", body="Gone.\n" * 400),
        },
    )
    c1 = commit(repo, "first")
    changed = _hostile("A2", status="red", phase="closure", forecast="forecast_end: 2027-02-01\n")
    changed = changed.replace("probability: 2", "probability: 5").replace("2026-03-01", "2026-04-01")
    changed = changed.replace(f"owner: {json.dumps(HOSTILE)}", f"owner: {json.dumps(HOSTILE + ' 2')}")
    write(
        repo,
        {
            "content/projects/a.md": changed,
            "content/projects/gone.md": None,
            "content/projects/new.md": _hostile("New", body="New!\n" * 400),
            "content/projects/bad.md": project("Bad", phase=json.dumps(HOSTILE)),
        },
    )
    commit(repo, "second")
    status, out, _ = run(c1, "HEAD", "--root", str(repo))
    assert status == 0
    for kind in ("Changed", "Added", "Removed", "Errors in"):
        assert kind in out
    columns = None
    for line in out.splitlines():
        # code() escapes the pipes inside a code span too: a bare pipe is a column.
        count = len(_BARE_PIPE.findall(line)) if line.startswith("|") else None
        columns = (columns or count) if count else None
        assert count == columns, line
    for raw in ("X |", "*b*", "_u_", "`t`", "<script>", "[l](u)", "@team", "~s~"):
        assert raw not in out
    assert out.count("\\<script\\>x\\</script\\>") == 12  # each place it is shown, escaped
