#!/usr/bin/env python3
"""What reading the git history adds to a build, cold and warm, and after one new commit.

    python bench/bench_history.py --sizes 1000 10000 --commits 1000 --runs 5

For each size, the synthetic portfolio (``gen_portfolio.py``) is committed, then ``--commits``
more commits follow, each editing two or three projects (a status, a phase, a forecast end)
and now and then adding one, dated one a day. Measured, as medians of ``--runs``:

* the history stage on its own (``read_history``, in a fresh process each run):
  cold (no ``history.bin`` in the user-cache folder), warm (kept from the run before), and warm after
  one more commit on top of the kept history;
* with ``--builds``: the whole ``itpm-site build`` (warm, search off) of the repository and of
  the same files outside git (no history), paired run by run: the difference is what history
  adds to a warm build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}
START = dt.datetime(2023, 1, 2, 9, 0, tzinfo=dt.UTC)
RAG = ("green", "amber", "red")
PHASES = ("initiation", "planning", "implementation", "monitoring", "closure")

STAGE = """
import datetime as dt, sys, time
from pathlib import Path
from itpm_site.cache.folder import cache_folder
from itpm_site.history import read_history
from itpm_site.load.portfolio import load_portfolio
root = Path(sys.argv[1])
loaded = load_portfolio(root)
cache = cache_folder(root)
started, cpu = time.perf_counter(), time.process_time()
history = read_history(loaded, dt.date(2026, 1, 1), cache, frozenset())
print(time.perf_counter() - started, history.loaded, time.process_time() - cpu)
"""


def git(repo: Path, *args: str, data: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        input=data,
        capture_output=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout.decode()


def _blob(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n%s\n" % (len(raw), raw)


def _edit(text: str, step: int) -> str:
    """One small edit a project manager would commit: status, phase or forecast end."""
    kind = step % 3
    if kind == 0:
        return re.sub(
            r"(?m)^status: *(\w+)",
            lambda m: f"status: {RAG[(RAG.index(m[1]) + 1) % 3] if m[1] in RAG else 'amber'}",
            text,
            count=1,
        )
    if kind == 1:
        return re.sub(r"(?m)^phase: *([\w-]+)", lambda m: f"phase: {PHASES[(step // 3) % 5]}", text, count=1)
    return (
        re.sub(r"(?m)^status_note: .*$", f"status_note: Reviewed in step {step}.", text, count=1)
        if "status_note:" in text
        else text + f"\nEdited in step {step}.\n"
    )


def make_repo(n: int, commits: int, folder: Path) -> Path:
    """The synthetic portfolio of ``n`` projects, then ``commits`` dated commits on top."""
    plain = folder / f"plain-{n}"
    repo = folder / f"repo-{n}-{commits}"
    if repo.exists():
        return repo
    if not plain.exists():
        subprocess.run(
            [sys.executable, str(HERE / "gen_portfolio.py"), "--n", str(n), "--out", str(plain)], check=True
        )
    shutil.copytree(plain, repo, ignore=shutil.ignore_patterns("public", ".public.*"))
    git(repo, "init", "-q", "-b", "main")
    files = {
        p.relative_to(repo).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }
    projects = sorted(rel for rel in files if rel.startswith("content/projects/"))
    stream = []

    def commit(when: dt.datetime, message: str, edits: list[tuple[str, str]]) -> None:
        stamp = f"{int(when.timestamp())} +0000"
        stream.extend(
            [
                b"commit refs/heads/main\n",
                f"author Bench <b@example.com> {stamp}\n".encode(),
                f"committer Bench <b@example.com> {stamp}\n".encode(),
                _blob(message),
            ]
        )
        stream.extend(b"M 100644 inline " + rel.encode() + b"\n" + _blob(text) for rel, text in edits)
        stream.append(b"\n")

    commit(START, "The portfolio", sorted(files.items()))
    for step in range(1, commits):
        edits = []
        for k in range(2 + step % 2):
            rel = projects[(step * 7 + k * 131) % len(projects)]
            files[rel] = _edit(files[rel], step + k)
            edits.append((rel, files[rel]))
        if step % 50 == 0:
            rel = f"content/projects/added-{step}.md"
            copied = files[projects[step % len(projects)]].replace("title: ", "title: New ", 1)
            files[rel] = re.sub(r"(?m)^slug: *(.*)$", rf"slug: \1-{step}", copied, count=1)
            edits.append((rel, files[rel]))
        commit(START + dt.timedelta(days=step), f"Step {step}", edits)
    git(repo, "fast-import", "--quiet", data=b"".join(stream))
    git(repo, "checkout", "-q", "-f", "main")
    return repo


def stage_run(repo: Path) -> tuple[float, int, float]:
    """Wall seconds, file versions loaded from git, CPU seconds of this process (git's own
    processes are in the wall time only)."""
    out = subprocess.run(
        [sys.executable, "-c", STAGE, str(repo)], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), int(out[1]), float(out[2])


def add_commit(repo: Path) -> None:
    """One more dated commit editing one project (unique on every call, on any rerun)."""
    count = int(git(repo, "rev-list", "--count", "HEAD"))
    target = sorted((repo / "content" / "projects").glob("*.md"))[count % 100]
    text = target.read_text(encoding="utf-8") + f"\nOne more edit, commit {count}.\n"
    target.write_text(_edit(text, count), encoding="utf-8")
    stamp = (START + dt.timedelta(days=count)).strftime("%Y-%m-%dT%H:%M:%SZ")
    subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "-am", f"One more {count}"],
        check=True,
        env={**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )


def build_run(root: Path, out: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "itpm_site",
            "build",
            "--root",
            str(root),
            "--output",
            str(out),
            "--quiet",
            "--no-search",
        ],
        check=True,
    )
    return time.monotonic() - started


def median(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s (runs: {', '.join(f'{v:.2f}' for v in values)})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000])
    ap.add_argument("--commits", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--folder", type=Path, default=Path("/tmp/itpm-bench-history"))
    ap.add_argument("--builds", action="store_true", help="also time whole builds")
    args = ap.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        repo = make_repo(n, args.commits, args.folder)
        sys.path.insert(0, str(HERE.parent))
        from itpm_site.cache.folder import cache_folder

        cache = (cache_folder(repo) or Path("/nonexistent")) / "history.bin"
        cold, warm, one_more = [], [], []
        cpu: dict[str, list[float]] = {"cold": [], "warm": [], "one": []}
        for _ in range(args.runs):
            cache.unlink(missing_ok=True)
            seconds, loaded, used = stage_run(repo)
            cold.append(seconds)
            cpu["cold"].append(used)
            seconds, loaded_warm, used = stage_run(repo)
            warm.append(seconds)
            cpu["warm"].append(used)
            add_commit(repo)
            seconds, loaded_one, used = stage_run(repo)
            one_more.append(seconds)
            cpu["one"].append(used)
        total = int(git(repo, "rev-list", "--count", "HEAD"))
        print(f"{n} projects, {total} commits: history stage (wall; CPU)")
        print(f"  cold ({loaded} file versions loaded): {median(cold)}; {median(cpu['cold'])}")
        print(f"  warm ({loaded_warm} loaded):          {median(warm)}; {median(cpu['warm'])}")
        print(f"  one new commit ({loaded_one} loaded): {median(one_more)}; {median(cpu['one'])}")
        extra = statistics.median(one_more) - statistics.median(warm)
        print(f"  one new commit minus warm:   {extra:+.2f} s")
        if args.builds:
            plain = args.folder / f"outside-git-{n}"
            shutil.rmtree(plain, ignore_errors=True)
            shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git", "public", ".public.*"))
            with_history, without = [], []
            for root in (repo, plain):
                build_run(root, args.folder / "out" / root.name)  # warm-up: fills the caches
            for _ in range(args.runs):
                for root, times in ((repo, with_history), (plain, without)):
                    times.append(build_run(root, args.folder / "out" / root.name))
            print(f"  warm build in git:      {median(with_history)}")
            print(f"  warm build outside git: {median(without)}")
            diffs = [a - b for a, b in zip(with_history, without, strict=True)]
            print(f"  history adds (paired):  {median(diffs)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
