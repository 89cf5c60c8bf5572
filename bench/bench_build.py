#!/usr/bin/env python3
"""Full-build benchmark: itpm-site against Hugo and MkDocs on the same synthetic projects.

    python bench/bench_build.py [--sizes 1000 10000] [--runs 3] [--no-search]
    python bench/bench_build.py --memory --cold --sizes 10000 20000   # itpm-site's peak RSS only
    python bench/bench_build.py --edit [project | site.yaml | template]  # rebuilds after an edit

Prerequisites (once): the peer harness's setup, which makes a venv with the peers and their
inputs, and our inputs from the same generator:

    ../shared/bench/run_peers.sh setup                   # /tmp/benchvenv, /tmp/pf/{hugo,mkdocs}-*
    python bench/gen_portfolio.py --n 1000 --out /tmp/pf/itpm-1k
    python bench/gen_portfolio.py --n 10000 --out /tmp/pf/itpm-10k

Each round runs the tools one after the other (itpm-site, Hugo, MkDocs), so the ratios compare
runs taken at the same moment on this shared, noisy machine; the report gives medians of the
per-round ratios. Wall time, CPU time and peak RSS are whole-process figures from ``os.wait4``
(peak RSS is the largest single process of the tree, as the kernel reports it).

itpm-site's modules are byte-compiled first, as ``pip install`` does for a wheel: run from a
checkout with PYTHONDONTWRITEBYTECODE set, every build would compile them again (25 ms).

``--edit`` measures the rebuild a user actually does: itpm-site builds a copy of its input
(``OUT/itpm-<size>-edited``, made afresh for each size), and before each round one file of it
changes, differently each round, so every timed build has one edit to take in. ``project``
(the default) alternates a project's status (green, amber, red in turn) and its planned
budget (a new figure each time); ``site.yaml`` changes the site's title; ``template`` appends
a comment to ``project.html`` in a theme of the copy (``themes/bench``, made of that one
template from the default theme). Hugo and MkDocs still build their unchanged inputs in full,
each round, as in the other modes.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

VENV = Path(os.environ.get("VENV", "/tmp/benchvenv"))
PF = Path(os.environ.get("PF", "/tmp/pf"))
OUT = Path(os.environ.get("OUT", "/tmp/out"))
TAG = {1000: "1k", 10000: "10k", 20000: "20k"}
EDITS = ("project", "site.yaml", "template")
#: The template that ``--edit template`` changes: the one every project page is rendered with.
EDITED_TEMPLATE = "project.html"
RAG = ("green", "amber", "red")


def run_once(cmd: list[str]) -> dict:
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"failed ({code}): {' '.join(cmd)}\n{stderr.decode(errors='replace')[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def commands(n: int, search: bool, cache: bool = True, root: Path | None = None) -> dict[str, list[str]]:
    tag = TAG.get(n, str(n))
    itpm = [
        sys.executable,
        "-m",
        "itpm_site",
        "build",
        "--root",
        str(root or PF / f"itpm-{tag}"),
        "--output",
        str(OUT / f"itpm-{tag}"),
        "--quiet",
    ]
    if not search:
        itpm.append("--no-search")
    if not cache:
        itpm.append("--no-cache")
    hugo_bin = next((VENV / "lib").glob("python3*/site-packages/hugo/binaries/hugo"), None)
    tools = {"itpm-site": itpm}
    if hugo_bin:
        tools["hugo"] = [
            str(hugo_bin),
            "--quiet",
            "-s",
            str(PF / f"hugo-{tag}"),
            "-d",
            str(OUT / f"hugo-{tag}"),
        ]
    if (VENV / "bin" / "mkdocs").exists():
        tools["mkdocs"] = [
            str(VENV / "bin" / "mkdocs"),
            "build",
            "-q",
            "-f",
            str(PF / f"mkdocs-{tag}" / "mkdocs.yml"),
            "-d",
            str(OUT / f"mkdocs-{tag}"),
        ]
    return tools


# ------------------------------------------------------------------------------ --edit


def edited_copy(n: int, kind: str) -> Path:
    """A fresh copy of itpm-site's input for ``n`` projects to edit; for ``template``, with a
    theme of one template copied from the default theme, and chosen in site.yaml."""
    tag = TAG.get(n, str(n))
    root = OUT / f"itpm-{tag}-edited"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(PF / f"itpm-{tag}", root)
    if kind == "template":
        from itpm_site.render.theme import default_theme_dir

        templates = root / "themes" / "bench" / "templates"
        templates.mkdir(parents=True)
        shutil.copyfile(default_theme_dir() / "templates" / EDITED_TEMPLATE, templates / EDITED_TEMPLATE)
        with (root / "site.yaml").open("a", encoding="utf-8") as f:
            f.write("theme: bench\n")
    return root


def edited_project(root: Path) -> Path:
    """The project file ``--edit project`` changes: the first from the middle of the list
    with a status and a planned budget."""
    files = sorted((root / "content" / "projects").glob("*.md"))
    for path in files[len(files) // 2 :] + files[: len(files) // 2]:
        text = path.read_text(encoding="utf-8")
        if re.search(r"^status: \w+$", text, re.M) and re.search(r"^  planned: \d+$", text, re.M):
            return path
    sys.exit(f"no project in {root} has both a status and a planned budget to edit")


def edit(root: Path, kind: str, round_no: int) -> str:
    """Change one file of ``root`` for round ``round_no`` (1, 2, ...), differently from the
    round before; returns what was done."""
    if kind == "site.yaml":
        path = root / "site.yaml"
        title = f"Synthetic portfolio (edit {round_no})"
        pattern, new, what = r"^title: .*$", f"title: {title}", f"title -> {title}"
    elif kind == "template":
        path = root / "themes" / "bench" / "templates" / EDITED_TEMPLATE
        comment = f"{{# bench edit {round_no} #}}"
        pattern, new, what = r"\Z", comment + "\n", f"{comment} appended"
    else:
        path = edited_project(root)
        text = path.read_text("utf-8")
        if round_no % 2:  # a new status: the next in turn
            old = re.search(r"^status: (\w+)$", text, re.M)[1]
            value = RAG[(RAG.index(old) + 1) % len(RAG)] if old in RAG else RAG[0]
            pattern, new = r"^status: \w+$", f"status: {value}"
        else:  # a new planned budget: a different figure each round
            old = re.search(r"^  planned: (\d+)$", text, re.M)[1]
            value = str(int(old) + 1000 * round_no)
            pattern, new = r"^  planned: \d+$", f"  planned: {value}"
        what = f"{new.strip().split(':')[0]} {old} -> {value}"
    text, done = re.subn(pattern, new, path.read_text("utf-8"), count=1, flags=re.M)
    if done != 1:
        sys.exit(f"--edit {kind}: nothing to change in {path}")
    path.write_text(text, encoding="utf-8")
    return f"{path.relative_to(root)}: {what}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-search", action="store_true", help="build without the search index")
    ap.add_argument(
        "--cold",
        action="store_true",
        help="render all Markdown afresh each time (--no-cache); default: the "
        "cache from the warm-up build is used: rendered Markdown, compiled "
        "templates and the output before last (what every rebuild has)",
    )
    ap.add_argument(
        "--edit",
        nargs="?",
        const="project",
        choices=EDITS,
        help="before each round, change one file of a copy of itpm-site's input (a project's "
        "status or budget by default; or site.yaml's title; or a theme template) and time "
        "itpm-site's rebuild, paired with Hugo's and MkDocs' full builds",
    )
    ap.add_argument(
        "--memory",
        action="store_true",
        help="itpm-site only, one build per size (after the warm-up unless --cold): peak RSS, "
        "and what each project adds to it between consecutive sizes",
    )
    args = ap.parse_args()
    if args.memory:
        return memory(args.sizes, not args.no_search, not args.cold)
    import itpm_site

    compileall.compile_dir(Path(itpm_site.__file__).parent, quiet=1)
    for n in args.sizes:
        tag = TAG.get(n, str(n))
        if not (PF / f"itpm-{tag}").is_dir():
            sys.exit(f"missing input {PF / f'itpm-{tag}'}: see the prerequisites in --help")
        root = edited_copy(n, args.edit) if args.edit else None
        tools = commands(n, not args.no_search, not args.cold, root)
        missing = {"hugo", "mkdocs"} - set(tools)
        if missing:
            print(f"note: {', '.join(sorted(missing))} not found in {VENV}; run the peer setup")
        for name in tools:  # warm-up: first builds, disk caches
            if name == "itpm-site":
                shutil.rmtree(OUT / f"itpm-{tag}", ignore_errors=True)
            run_once(tools[name])
        results: dict[str, list[dict]] = {name: [] for name in tools}
        for round_no in range(1, args.runs + 1):
            if root is not None:
                what = edit(root, args.edit, round_no)
                print(f"round {round_no}: {what}", flush=True)
            for name, cmd in tools.items():
                results[name].append(run_once(cmd))
        pages = sum(1 for _ in (OUT / f"itpm-{tag}").rglob("*.html"))
        print(
            f"\nN = {n} projects ({pages} HTML pages written by itpm-site, "
            f"search {'off' if args.no_search else 'on'}, cache "
            f"{'off' if args.cold else 'warm'}"
            f"{f', itpm-site rebuilds after an edit of {args.edit}' if args.edit else ''}), "
            f"{args.runs} rounds, medians"
        )
        print(f"{'tool':10} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9} {'itpm/tool wall':>15}")
        for name, runs in results.items():
            pairs = zip(results["itpm-site"], runs, strict=True)
            ratio = (
                ""
                if name == "itpm-site"
                else f"{statistics.median(a['wall'] / b['wall'] for a, b in pairs):.2f}"
            )
            print(
                f"{name:10} {statistics.median(r['wall'] for r in runs):8.2f} "
                f"{statistics.median(r['cpu'] for r in runs):8.2f} "
                f"{max(r['rss'] for r in runs):9.0f} {ratio:>15}"
            )
    return 0


def memory(sizes: list[int], search: bool, cache: bool) -> int:
    """Peak RSS of one itpm-site build per size; the slope between sizes is the memory each
    project adds (the target: at most 50 KB per project above a constant)."""
    print(f"{'N':>7} {'wall s':>8} {'peak MiB':>9} {'KB per project since the last size':>36}")
    last: tuple[int, float] | None = None
    for n in sizes:
        tag = TAG.get(n, str(n))
        if not (PF / f"itpm-{tag}").is_dir():
            sys.exit(f"missing input {PF / f'itpm-{tag}'}: python bench/gen_portfolio.py --n {n} --out ...")
        cmd = commands(n, search, cache)["itpm-site"]
        if cache:
            run_once(cmd)  # the warm-up that fills the cache
        run = run_once(cmd)
        slope = f"{(run['rss'] - last[1]) * 1024 / (n - last[0]):.1f}" if last else ""
        print(f"{n:7d} {run['wall']:8.2f} {run['rss']:9.0f} {slope:>36}", flush=True)
        last = (n, run["rss"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
