#!/usr/bin/env python3
"""Search benchmark: what the search index adds to a build, how big it is, and how many bytes a
query transfers in a real browser.

    python bench/bench_search.py [--sizes 1000 10000] [--runs 3] [--no-browser]

Inputs (once): ``python bench/gen_portfolio.py --n 1000 --out /tmp/pf/itpm-1k`` and the same
with ``--n 10000 --out /tmp/pf/itpm-10k``.

1. Build time: ``itpm-site build`` and ``itpm-site build --no-search`` run alternately (A B A B
   …, so both see the same moment of this shared, noisy machine); the report gives medians of
   wall and CPU time (whole processes, from ``os.wait4``) and the median of the per-round
   differences, which is what indexing adds.
2. Index size: files and bytes under ``search/data/`` by kind (fragments, word chunks, the
   records table, meta.json).
3. Transfer: the built site is served over HTTP (``tests/sitetools.serve``, no compression,
   under ``/portfolio/``); Debian's Chromium, through Playwright, opens the search page for each
   query in a fresh context (empty cache) and every response is recorded: the bytes of the page
   and its theme files, and those the search engine loads for the query (its script, meta.json
   and the records table once, then the word chunks and the fragments the query needs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

# Sibling script (run as `python bench/bench_search.py`): the same whole-process timer.
from bench_build import run_once

HERE = Path(__file__).resolve().parent
PF = Path(os.environ.get("PF", "/tmp/pf"))
OUT = Path(os.environ.get("OUT", "/tmp/out"))
TAG = {1000: "1k", 10000: "10k"}

#: (label, query string of the search page). 'firewall' is not in the synthetic text (its
#: vocabulary is small), so it shows the cost of a query that finds nothing; the others find
#: a handful, thousands, and a filtered set.
QUERIES = [
    ("firewall", "?q=firewall"),
    ("kubernetes (title word)", "?q=kubernetes"),
    ("vendor delivery + status=red", "?q=vendor+delivery&status=red"),
    ("compliance (in most bodies)", "?q=compliance"),
    ("filters only: status=red, phase=planning", "?status=red&phase=planning"),
]


def build_cmd(tag: str, search: bool) -> list[str]:
    cmd = [sys.executable, "-m", "itpm_site", "build", "--root", str(PF / f"itpm-{tag}"),
           "--output", str(OUT / f"itpm-{tag}-{'search' if search else 'nosearch'}"), "--quiet"]
    return cmd if search else [*cmd, "--no-search"]


def time_builds(tag: str, runs: int) -> dict:
    on, off = build_cmd(tag, True), build_cmd(tag, False)
    run_once(on)  # warm-up: disk caches, first output folders
    run_once(off)
    rounds = []
    for _ in range(runs):
        rounds.append((run_once(on), run_once(off)))
    med = statistics.median
    return {
        "runs": runs,
        "with_wall": med(a["wall"] for a, _ in rounds),
        "without_wall": med(b["wall"] for _, b in rounds),
        "added_wall": med(a["wall"] - b["wall"] for a, b in rounds),
        "with_cpu": med(a["cpu"] for a, _ in rounds),
        "without_cpu": med(b["cpu"] for _, b in rounds),
        "added_cpu": med(a["cpu"] - b["cpu"] for a, b in rounds),
        "with_rss": max(a["rss"] for a, _ in rounds),
        "without_rss": max(b["rss"] for _, b in rounds),
        "walls": [(round(a["wall"], 2), round(b["wall"], 2)) for a, b in rounds],
    }


def kind(rel: str) -> str:
    if rel.startswith("d/"):
        return "fragments"
    if rel.startswith("w-"):
        return "word chunks"
    if rel.startswith("docs-"):
        return "records table"
    return "meta.json"


def index_size(site: Path) -> dict:
    folder = site / "search" / "data"
    sizes: dict[str, list[int]] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            sizes.setdefault(kind(path.relative_to(folder).as_posix()), []).append(
                path.stat().st_size)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return {"records": meta["count"],
            "total_bytes": sum(sum(v) for v in sizes.values()),
            "total_files": sum(len(v) for v in sizes.values()),
            "by_kind": {k: {"files": len(v), "bytes": sum(v)} for k, v in sorted(sizes.items())}}


def measure_queries(site: Path) -> list[dict]:
    sys.path.insert(0, str(HERE.parent / "tests"))
    from playwright.sync_api import sync_playwright
    from sitetools import launch_chromium, serve

    rows = []
    with serve(site, mount="/portfolio/") as base, sync_playwright() as p:
        browser = launch_chromium(p)
        for label, query in QUERIES:
            context = browser.new_context()
            responses: list = []
            context.on("response", lambda r, seen=responses: seen.append(r))
            page = context.new_page()
            started = time.monotonic()
            page.goto(base + "search/" + query)
            page.wait_for_function(
                "() => /result/.test(document.getElementById('search-status').textContent)"
                " && !document.getElementById('search-results').hasAttribute('aria-busy')",
                timeout=60000)
            elapsed = time.monotonic() - started
            page.wait_for_load_state("networkidle")
            status = page.inner_text("#search-status")
            total = engine = index = fragments = requests = 0
            for response in responses:
                size = len(response.body()) if response.status == 200 else 0
                path = response.url.split("?")[0]
                requests += 1
                total += size
                if "/search/data/" in path or path.endswith("/search-index.js"):
                    engine += size
                    if "/search/data/d/" in path:
                        fragments += size
                    elif "/search/data/" in path:
                        index += size
            rows.append({"query": label, "url": "search/" + query, "status": status,
                         "requests": requests, "total_bytes": total, "search_bytes": engine,
                         "index_bytes": index, "fragment_bytes": fragments,
                         "seconds_to_results": round(elapsed, 2)})
            context.close()
        browser.close()
    return rows


def kb(n: float) -> str:
    return f"{n / 1000:,.1f} kB"


def report(n: int, builds: dict | None, size: dict, queries: list[dict]) -> str:
    lines = [f"## N = {n:,} projects ({size['records']:,} records)", ""]
    if builds:
        lines += [
            f"Build, {builds['runs']} paired rounds, medians (wall s; CPU s; peak RSS MiB):",
            "",
            "| build | wall s | CPU s | peak RSS |",
            "|---|---:|---:|---:|",
            f"| with search | {builds['with_wall']:.2f} | {builds['with_cpu']:.2f} | "
            f"{builds['with_rss']:.0f} |",
            f"| --no-search | {builds['without_wall']:.2f} | {builds['without_cpu']:.2f} | "
            f"{builds['without_rss']:.0f} |",
            f"| **added by search** (median of paired differences) | "
            f"**{builds['added_wall']:.2f}** | **{builds['added_cpu']:.2f}** | |",
            "", f"Rounds (with, without): {builds['walls']}", ""]
    lines += [f"Index: {size['total_files']:,} files, {kb(size['total_bytes'])}", "",
              "| part | files | bytes |", "|---|---:|---:|"]
    for name, part in size["by_kind"].items():
        lines.append(f"| {name} | {part['files']:,} | {kb(part['bytes'])} |")
    lines += ["", "Transfer for one search in a fresh browser (no cache, no HTTP compression):",
              "", "| query | results | requests | whole page | search | of which meta, "
              "records and words | fragments | s to results |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for q in queries:
        lines.append(f"| {q['query']} | {q['status']} | {q['requests']} | {kb(q['total_bytes'])} | "
                     f"{kb(q['search_bytes'])} | {kb(q['index_bytes'])} | "
                     f"{kb(q['fragment_bytes'])} | {q['seconds_to_results']} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-builds", action="store_true", help="measure an existing output only")
    ap.add_argument("--no-browser", action="store_true", help="skip the transfer measurement")
    args = ap.parse_args()
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    for n in args.sizes:
        tag = TAG.get(n, str(n))
        if not (PF / f"itpm-{tag}").is_dir():
            sys.exit(f"missing input {PF / f'itpm-{tag}'}: "
                     f"python bench/gen_portfolio.py --n {n} --out {PF / f'itpm-{tag}'}")
        if not args.no_builds:
            for suffix in ("search", "nosearch"):
                shutil.rmtree(OUT / f"itpm-{tag}-{suffix}", ignore_errors=True)
        builds = None if args.no_builds else time_builds(tag, args.runs)
        site = OUT / f"itpm-{tag}-search"
        size = index_size(site)
        queries = [] if args.no_browser else measure_queries(site)
        text = report(n, builds, size, queries)
        print(text)
        (out_dir / f"search-{tag}.md").write_text(text, encoding="utf-8")
        (out_dir / f"search-{tag}.json").write_text(json.dumps(
            {"n": n, "builds": builds, "index": size, "queries": queries}, indent=1),
            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
