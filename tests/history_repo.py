"""A git repository of a generated portfolio with a scripted history, for the history tests.

``make_history_repo`` writes a year of commits (dated with GIT_AUTHOR_DATE and
GIT_COMMITTER_DATE): phase moves, RAG changes, re-forecasts, slips, risks opened and closed,
milestones done, renames, deletions, new projects, a file broken for a few weeks, and merged
branches. It returns what each commit was scripted to change, so tests can check the history
against the script rather than against the code under test.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ana Author",
    "GIT_AUTHOR_EMAIL": "ana@example.com",
    "GIT_COMMITTER_NAME": "Ana Author",
    "GIT_COMMITTER_EMAIL": "ana@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
START = dt.datetime(2025, 12, 1, 12, 0, tzinfo=dt.UTC)  # a Monday
PHASES = ["initiation", "planning", "implementation", "monitoring", "closure"]
RAG = ["green", "amber", "red"]


def git(repo: Path, *args: str, when: dt.datetime | None = None, author: str = "") -> str:
    env = {**os.environ, **GIT_ENV}
    if when is not None:
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    if author:
        env |= {"GIT_AUTHOR_NAME": author}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


def front_matter(p: dict) -> str:
    """A project file from the script's model of it."""
    lines = [
        "---",
        f"title: {p['title']}",
        f"phase: {p['phase']}",
        f"status: {p['status']}",
        f"status_note: {p['note']}",
        f"owner: {p['owner']}",
        "summary: Generated.",
        "category: software",
        "start: 2025-11-01",
        f"end: {p['end']}",
        f"forecast_end: {p['forecast_end']}",
        "budget:",
        f"  planned: {p['planned']}",
        f"  forecast: {p['forecast']}",
        f"  currency: {p['currency']}",
    ]
    if p["risks"]:
        lines.append("risks:")
        for r in p["risks"]:
            lines += [
                f"  - title: {r['title']}",
                f"    probability: {r['probability']}",
                f"    impact: {r['impact']}",
                f"    status: {r['status']}",
            ]
    if p["milestones"]:
        lines.append("milestones:")
        for m in p["milestones"]:
            lines += [
                f"  - name: {m['name']}",
                f"    date: {m['date']}",
                f"    done: {'true' if m['done'] else 'false'}",
            ]
    return "\n".join([*lines, "---", f"The {p['title']} project.", ""])


def new_project(n: int) -> dict:
    return {
        "title": f"Project {n:02d}",
        "phase": PHASES[n % 3],
        "status": RAG[n % 2],
        "note": f"Initial assessment {n}.",
        "owner": f"Owner {n % 4}",
        "end": "2026-09-30",
        "forecast_end": "2026-09-30",
        "planned": 100000 + 10000 * n,
        "forecast": 100000 + 10000 * n,
        "currency": "EUR" if n % 5 == 0 else "USD",
        "risks": [
            {
                "title": f"Risk {n}-{k}",
                "probability": 1 + (n + k) % 5,
                "impact": 1 + (2 * n + k) % 5,
                "status": "open",
            }
            for k in range(2)
        ],
        "milestones": [
            {"name": f"Milestone {n}-{k}", "date": f"2026-0{2 + 2 * k}-15", "done": False} for k in range(3)
        ],
    }


@dataclass
class Scripted:
    """A scripted change: the project's slug at the time and the kind of change (as the
    changes page groups them), on the date it reached the main line."""

    date: dt.date
    slug: str
    kind: str


@dataclass
class HistoryRepo:
    path: Path
    changes: list[Scripted] = field(default_factory=list)
    commits: int = 0
    broken_slug: str = ""


class _Script:
    """Builds the history as one ``git fast-import`` stream (one process, not hundreds)."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.projects: dict[str, dict] = {}  # slug -> model
        self.result = HistoryRepo(repo)
        self.counter = 0
        self.stream: list[bytes] = []
        self.edits: list[bytes] = []  # the file changes of the commit being made
        self.marks = 0
        self.branch_tip = 0  # the mark of main's last commit

    def data(self, text: str) -> bytes:
        raw = text.encode("utf-8")
        return b"data %d\n%s\n" % (len(raw), raw)

    def put(self, rel: str, text: str) -> None:
        self.edits.append(b"M 100644 inline " + rel.encode() + b"\n" + self.data(text))

    def write(self, slug: str) -> None:
        self.put(f"content/projects/{slug}.md", front_matter(self.projects[slug]))

    def text(self, slug: str) -> str:
        return front_matter(self.projects[slug])

    def delete(self, slug: str) -> None:
        self.edits.append(f"D content/projects/{slug}.md\n".encode())

    def rename(self, old: str, new: str) -> None:
        self.edits.append(f"R content/projects/{old}.md content/projects/{new}.md\n".encode())

    def raw_commit(
        self,
        ref: str,
        when: dt.datetime,
        message: str,
        parent: int,
        merge: int = 0,
        author: str = "Ana Author",
    ) -> int:
        self.marks += 1
        stamp = f"{int(when.timestamp())} +0000"
        self.stream += [
            f"commit {ref}\nmark :{self.marks}\n".encode(),
            f"author {author} <a@example.com> {stamp}\n".encode(),
            f"committer Ana Author <ana@example.com> {stamp}\n".encode(),
            self.data(message),
        ]
        if parent:
            self.stream.append(f"from :{parent}\n".encode())
        if merge:
            self.stream.append(f"merge :{merge}\n".encode())
        self.stream += [*self.edits, b"\n"]
        self.edits = []
        self.result.commits += 1
        return self.marks

    def commit(self, when: dt.datetime, message: str, pending: list[tuple[str, str]], merge: int = 0) -> None:
        self.branch_tip = self.raw_commit("refs/heads/main", when, message, self.branch_tip, merge)
        self.result.changes += [Scripted(when.date(), slug, kind) for slug, kind in pending]

    def finish(self) -> None:
        subprocess.run(
            ["git", "-C", str(self.repo), "fast-import", "--quiet"],
            input=b"".join(self.stream),
            check=True,
            env={**os.environ, **GIT_ENV},
        )
        git(self.repo, "checkout", "-q", "-f", "main")

    def change(self, i: int, slug: str) -> tuple[str, str]:
        """The i-th scripted edit of one project: one kind of change, nothing else."""
        p = self.projects[slug]
        op = i % 7
        if op == 0:
            p["status"] = RAG[(RAG.index(p["status"]) + 1 + i % 2) % 3]
            p["note"] = f"Reassessed in step {i}."
            kind = "status"
        elif op == 1:
            index = PHASES.index(p["phase"])
            p["phase"] = PHASES[index + 1 if index < 4 else 2]
            kind = "phase"
        elif op == 2:
            p["forecast"] += 5000 * (1 + i % 3)
            kind = "budget"
        elif op == 3:
            day = dt.date.fromisoformat(p["forecast_end"]) + dt.timedelta(days=14)
            p["forecast_end"] = day.isoformat()
            kind = "schedule"
        elif op == 4:
            p["risks"].append({"title": f"New risk {i}", "probability": 3, "impact": 4, "status": "open"})
            kind = "risks"
        elif op == 5:
            live = [r for r in p["risks"] if r["status"] == "open"]
            if not live:
                return self.change(i + 2, slug)  # nothing to close: add a risk instead
            live[0]["status"] = "closed"
            kind = "risks"
        else:
            todo = [m for m in p["milestones"] if not m["done"]]
            if not todo:
                return self.change(i + 1, slug)  # all done: move a status instead
            todo[0]["done"] = True
            kind = "milestones"
        self.write(slug)
        return slug, kind

    def add(self) -> tuple[str, str]:
        self.counter += 1
        slug = f"project-{self.counter:02d}"
        self.projects[slug] = new_project(self.counter)
        self.write(slug)
        return slug, "added"


def make_history_repo(repo: Path, steps: int = 110) -> HistoryRepo:
    """A portfolio of about ten projects and ``steps`` scripted days of work over a year."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    s = _Script(repo)
    s.put("site.yaml", "title: Scripted history\nhistory:\n  weeks: 60\n")
    pending = [s.add() for _ in range(10)]
    s.commit(START, "Ten projects", pending)
    broken: str = ""
    for i in range(1, steps):
        when = START + dt.timedelta(days=i * 10 // 3, hours=i % 5)
        slugs = sorted(s.projects)
        slug = slugs[i % len(slugs)]
        if slug == broken:
            slug = slugs[(i + 1) % len(slugs)]
        if i in (20, 70):  # a rename: the file (and so the slug) changes, the project stays
            new = f"{slug}-renamed"
            s.rename(slug, new)
            s.projects[new] = s.projects.pop(slug)
            s.commit(when, f"Rename {slug}", [(new, "renamed")])
        elif i == 40:  # a deletion
            s.delete(slug)
            del s.projects[slug]
            s.commit(when, f"Remove {slug}", [(slug, "removed")])
        elif i in (45, 80):
            s.commit(when, "A new project", [s.add()])
        elif i == 50:  # broken for a few weeks: the project stays as it last stood
            broken = s.result.broken_slug = slug
            s.put(f"content/projects/{slug}.md", s.text(slug).replace("status: ", "status: [unclosed ", 1))
            s.commit(when, f"Break {slug}", [])
        elif i == 60:  # fixed with a new status: one change from the last valid version
            p = s.projects[broken]
            p["status"] = RAG[(RAG.index(p["status"]) + 1) % 3]
            s.write(broken)
            s.commit(when, f"Fix {broken}", [(broken, "status")])
            broken = ""
        elif i % 15 == 7:  # a pull request merged: it lands when it is merged
            other = slugs[(i + 3) % len(slugs)]
            if other == broken:
                other = slugs[(i + 4) % len(slugs)]
            branch_change = s.change(i, other)
            branch = s.raw_commit(
                f"refs/heads/pr-{i}",
                when - dt.timedelta(days=2),
                f"Edit {other}",
                s.branch_tip,
                author="Bea Branch",
            )
            s.commit(when - dt.timedelta(hours=1), f"Edit {slug}", [s.change(i + 3, slug)])
            # The merge's tree: main's files, plus the branch's edit (put again here).
            s.write(branch_change[0])
            s.commit(when, f"Merge pr-{i}", [branch_change], merge=branch)
        else:
            s.commit(when, f"Edit {slug}", [s.change(i, slug)])
    s.finish()
    return s.result


def demo_repository(source: Path, dest: Path) -> Path:
    """The demo portfolio (``source``: its content/ and site.yaml) copied into a new git
    repository with a short fixed history, so that pages built from it do not depend on the
    history of the repository the demo lives in."""
    import shutil

    dest.mkdir(parents=True)
    shutil.copytree(source / "content", dest / "content")
    shutil.copy2(source / "site.yaml", dest / "site.yaml")
    git(dest, "init", "-q", "-b", "main")
    first = sorted((dest / "content" / "projects").rglob("*.md"))[0]
    original = first.read_text(encoding="utf-8")
    # Three dated commits: the portfolio arrives, one project turns red, then recovers.
    reddened = "\n".join(
        "status: red" if line.startswith("status:") else line for line in original.split("\n")
    )
    first.write_text(reddened, encoding="utf-8")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "The demo portfolio", when=START)
    first.write_text(original, encoding="utf-8")
    git(dest, "commit", "-q", "-am", "Recovered", when=START + dt.timedelta(days=45))
    return dest
