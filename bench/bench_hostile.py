"""Time and peak memory of hostile inputs, each in a process of its own under /usr/bin/time -v.

* ``fixtures``: `check` or `build` of each file of tests/fixtures/hostile/, copied alone into
  a fresh portfolio (issue 13's limits). The bar: 2 s and 200 MB.
* ``bodies``: one Markdown body rendered (``render_markdown``): 20,000 duplicate headings,
  and bodies at the budget of ``check`` (``MAX_MARKDOWN_COST``) of the shapes that make the
  most tokens. The bar: linear time, and 200 MB.
* ``history``: the history stage (``read_history`` after loading, no cache) of a repository
  with 32 versions of a 47 MB project file, and of 3,000 commits over 1,000 projects; and a
  whole `build` of the first. The bar: 200 MB for the stage.

The figures include start-up. CPU time (user + system) is shown beside the elapsed time: on a
busy shared machine it is the steadier figure.

    python bench/bench_hostile.py [--only fixtures bodies history] [--command check|build]
        [--timeout 60] [--folder /tmp/itpm-bench-hostile]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "hostile"


def measure(fixture: Path, command: str, timeout: float) -> tuple[str, float, float, int, int]:
    """(fixture name, elapsed seconds, CPU seconds, peak RSS in MB, exit code) of one run."""
    with tempfile.TemporaryDirectory() as tmp:
        projects = Path(tmp, "content", "projects")
        projects.mkdir(parents=True)
        shutil.copy(fixture, projects / fixture.name)
        args = [sys.executable, "-m", "itpm_site", command, "--root", tmp]
        if command == "build":
            args.append("--keep-going")
        return (fixture.name, *timed(args, timeout))


def timed(args: list[str], timeout: float, output: bool = False) -> Any:
    """(elapsed seconds, CPU seconds, peak RSS in MB, exit code) of one process (and with
    ``output``, the last line it printed)."""
    args = ["/usr/bin/time", "-v", *args]
    # A session of its own: on a timeout the whole group goes, not only /usr/bin/time
    # (its child would run on, holding gigabytes, as an unbounded input would).
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE if output else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return (float("inf"), float("inf"), -1, -1, "timed out")[: 5 if output else 4]
    run = subprocess.CompletedProcess(args, proc.returncode, "", stderr)
    elapsed = re.search(
        r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+(?:\.\d+)?)$", run.stderr, re.MULTILINE
    )
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    seconds = float(elapsed[2]) + 60 * int(elapsed[1] or 0) if elapsed else float("nan")
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", run.stderr))
    code = re.search(r"Exit status: (\d+)", run.stderr)
    said = (stdout or "").strip().splitlines()[-1:] if output else []
    result = (seconds, cpu, int(rss[1]) // 1024 if rss else -1, int(code[1]) if code else -1)
    return (*result, *said[:1], "")[:5] if output else result


# ------------------------------------------------------------------------------ bodies

# The headings body is over both caps of check (headings, tokens): it goes straight to the
# parser, as render_markdown would show it escaped, to time the anchors themselves.
RENDER = """
import sys
from pathlib import Path
from itpm_site.render.markdown import _parser, render_markdown
text = Path(sys.argv[1]).read_text(encoding="utf-8")
html = _parser(False).render(text) if sys.argv[2] == "parser" else render_markdown(text)
assert "<pre>" not in html[:5], "rendered escaped: over the budget"
"""


def at_budget(head: str, unit: str) -> str:
    """``head`` and as many ``unit`` as keep the body's cost within the budget of check."""
    from itpm_site.load.markdown_cost import MAX_MARKDOWN_COST, markdown_cost

    low, high = 0, 1
    while markdown_cost(head + unit * high) <= MAX_MARKDOWN_COST:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if markdown_cost(head + unit * middle) <= MAX_MARKDOWN_COST:
            low = middle
        else:
            high = middle
    return head + unit * low


PARAGRAPH = (
    "The vendor delivered the first release of the portal in May, two weeks later than "
    "planned, and the team is now testing it with a pilot group of customers (see the plan: "
    "#12) before the wider launch.\n\n"
)


def bodies() -> dict[str, str]:
    return {
        "20,000 duplicate headings": "## Same\n\n" * 20_000,
        "1 MiB of paragraphs (size limit)": PARAGRAPH * (1024 * 1024 // len(PARAGRAPH)),
        "budget: nested lists": at_budget("", "- - - - - - - - a\n"),
        "budget: list of '- a'": at_budget("", "- a\n"),
        "budget: emphasis": at_budget("", "*a* "),
        "budget: table, 3 columns": at_budget("a|b\n-|-\n", "a|b|c\n"),
        "budget: table, 100 filled in": at_budget("|" + "a|" * 100 + "\n|" + "-|" * 100 + "\n", "x\n"),
    }


def bench_bodies(folder: Path, timeout: float) -> None:
    print(f"{'body rendered':32} {'KB':>6} {'elapsed':>8} {'CPU s':>6} {'MB':>6} {'exit':>5}")
    for name, body in bodies().items():
        path = folder / "body.md"
        path.write_text(body, encoding="utf-8")
        how = "parser" if "headings" in name else "render"
        seconds, cpu, mb, code = timed([sys.executable, "-c", RENDER, str(path), how], timeout)
        print(f"{name:32} {len(body) // 1024:6d} {seconds:8.2f} {cpu:6.2f} {mb:6d} {code:5d}", flush=True)


# ------------------------------------------------------------------------------ history

# Prints this process's own peak (the figure /usr/bin/time gives is the largest of the process
# and its git children: git inflating a blob stored as a delta of a 47 MB one is git's memory).
STAGE = """
import datetime as dt, resource, sys
from pathlib import Path
from itpm_site.history import read_history
from itpm_site.load.portfolio import load_portfolio
loaded = load_portfolio(Path(sys.argv[1]), None)
history = read_history(loaded, dt.date(2026, 1, 1), None, frozenset())
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"{len(history.timeline.commits)} commits, {len(history.warnings)} warnings, itpm-site {own} MB")
"""
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def large_versions_repo(folder: Path, versions: int = 32, size: int = 47_000_000) -> Path:
    """One project file committed ``versions`` times at ``size`` bytes each (a long list in
    its body; each compresses to almost nothing in git), then once within the limits."""
    repo = folder / f"large-{versions}x{size // 1_000_000}MB"
    if repo.exists():
        return repo
    repo.mkdir(parents=True)
    subprocess.run(["git", "-C", str(repo), "init", "-q", "-b", "main"], check=True)
    head = "---\ntitle: Large\nphase: planning\nowner: Ana\n---\n"
    importer = subprocess.Popen(
        ["git", "-C", str(repo), "fast-import", "--quiet"],
        stdin=subprocess.PIPE,
        env={**os.environ, **GIT_ENV},
    )
    assert importer.stdin is not None

    def commit(k: int, text: bytes) -> None:
        stamp = f"{1767225600 + k * 86400} +0000"
        importer.stdin.write(
            f"commit refs/heads/main\ncommitter A <a@example.com> {stamp}\ndata 1\nx\n".encode()
            + b"M 100644 inline content/projects/large.md\ndata %d\n" % len(text)
        )
        importer.stdin.write(text)
        importer.stdin.write(b"\n\n")

    for k in range(versions):
        version = f"{head}Version {k}.\n".encode()
        commit(k, version + b"- a\n" * ((size - len(version)) // 4))
    commit(versions, f"{head}Within the limits now.\n".encode())
    importer.stdin.close()
    if importer.wait():
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-f", "main"], check=True)
    return repo


def bench_history(folder: Path, timeout: float) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_history import make_repo

    large = large_versions_repo(folder)
    many = make_repo(1000, 3000, folder)
    print(f"{'history':44} {'elapsed':>8} {'CPU s':>6} {'MB':>6} {'exit':>5}")
    runs = [
        ("stage: 32 versions of 47 MB", [sys.executable, "-c", STAGE, str(large)]),
        (
            "build: 32 versions of 47 MB",
            [
                sys.executable,
                "-m",
                "itpm_site",
                "build",
                "--root",
                str(large),
                "--no-cache",
                "--no-search",
                "--quiet",
            ],
        ),
        ("stage: 3,000 commits x 1,000 projects", [sys.executable, "-c", STAGE, str(many)]),
    ]
    for name, args in runs:
        seconds, cpu, mb, code, said = timed(args, timeout, output=True)
        print(f"{name:44} {seconds:8.2f} {cpu:6.2f} {mb:6d} {code:5d}  {said}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        nargs="+",
        choices=("fixtures", "bodies", "history"),
        default=["fixtures", "bodies", "history"],
    )
    parser.add_argument("--command", choices=("check", "build"), default="check")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/itpm-bench-hostile"))
    options = parser.parse_args()
    options.folder.mkdir(parents=True, exist_ok=True)
    if "fixtures" in options.only:
        print(f"{'fixture':32} {'elapsed':>8} {'CPU s':>6} {'MB':>6} {'exit':>5}")
        for fixture in sorted(FIXTURES.glob("*.md")):
            name, seconds, cpu, mb, code = measure(fixture, options.command, options.timeout)
            print(f"{name:32} {seconds:8.2f} {cpu:6.2f} {mb:6d} {code:5d}", flush=True)
    if "bodies" in options.only:
        bench_bodies(options.folder, options.timeout)
    if "history" in options.only:
        bench_history(options.folder, max(options.timeout, 600))


if __name__ == "__main__":
    main()
