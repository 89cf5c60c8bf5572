#!/usr/bin/env python3
"""Search benchmark: itpm-site's own search beside Pagefind's, on the same built sites in the
same run.

    python bench/bench_search.py [--sizes 1000 10000] [--runs 3] [--pagefind PATH | --no-pagefind]

Inputs (once): ``python bench/gen_portfolio.py --n 1000 --out $PF/itpm-1k`` and the same with
``--n 10000 --out $PF/itpm-10k`` (PF defaults to /tmp/pf). Pagefind is a benchmark-only
dependency: ``pip install 'pagefind[bin]'`` in the benchmark's venv (``--pagefind`` points at
the binary otherwise); it is never a dependency of itpm-site. ``--no-pagefind`` measures
itpm-site alone.

For each size N:

1. Index time. ``itpm-site build`` and ``itpm-site build --no-search`` run alternately (A B A B
   …, so both see the same moment of this shared, noisy machine); what the search adds is the
   median of the per-round differences of wall and CPU time (whole processes, ``os.wait4``).
   Pagefind is then run over the built site (``pagefind --site``), as one would after a build;
   its whole run is what it adds.
2. Index size: bytes and files under ``search/data/`` and under ``pagefind/``.
3. Bytes and latency in Debian's Chromium (Playwright), the site served over HTTP without
   compression under ``/portfolio/``. Each engine is driven through its own JavaScript API from
   the same page: a query, then the data of its first 5 results (the fragments a result list
   shows). First-query bytes: each query in a fresh browser context (empty cache), everything
   the engine loads (its script included); median over the queries. Later-query bytes: the
   queries one after another in one context, what each one after the first adds; median.
   Warm latency: the same queries again in that context, every file already loaded; median of
   the time from the query to the data of its first 5 results.
4. Recall@5 on the relevance test set (``tests/search_relevance.tsv``): its demo queries over
   the demo portfolio, its generated queries over ``tests/search_portfolio.py`` with N
   look-alike projects and its pmo queries over ``tests/search_pmo_portfolio.py``, all built
   and indexed by both engines: the share of queries whose expected page is in the first 5
   results, at rank 1, and the nonsense queries that found nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

# Sibling script (run as `python bench/bench_search.py`): the same whole-process timer.
from bench_build import run_once

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PF = Path(os.environ.get("PF", "/tmp/pf"))
OUT = Path(os.environ.get("OUT", "/tmp/out"))
TAG = {1000: "1k", 10000: "10k"}

#: Queries for bytes and latency on the synthetic portfolio: a title word, words in many
#: bodies, a typed beginning, a word in no page, a typo; a status word with a filler (the
#: filter applied, every red project listed) and words of which one is in no page (results
#: missing a word added).
QUERIES = [
    "kubernetes",
    "vendor delivery",
    "compliance",
    "harden dns dhcp em",
    "firewall",
    "backup platfrom",
    "red projects",
    "vendor delivery slippage",
]
TOP = 5


def build_cmd(tag: str, search: bool) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "itpm_site",
        "build",
        "--root",
        str(PF / f"itpm-{tag}"),
        "--output",
        str(OUT / f"itpm-{tag}-{'search' if search else 'nosearch'}"),
        "--quiet",
    ]
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
            sizes.setdefault(kind(path.relative_to(folder).as_posix()), []).append(path.stat().st_size)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return {
        "records": meta["count"],
        "total_bytes": sum(sum(v) for v in sizes.values()),
        "total_files": sum(len(v) for v in sizes.values()),
        "by_kind": {k: {"files": len(v), "bytes": sum(v)} for k, v in sorted(sizes.items())},
    }


def pagefind_binary(given: str | None) -> Path:
    if given:
        return Path(given)
    try:
        import pagefind_bin
    except ImportError:
        sys.exit("Pagefind not found: pip install 'pagefind[bin]' in this venv, or --pagefind")
    return Path(pagefind_bin.__file__).parent / "pagefind"


def time_pagefind(binary: Path, site: Path, runs: int) -> dict:
    cmd = [str(binary), "--site", str(site), "--quiet"]
    run_once(cmd)  # warm-up, and the index the browser measures
    rounds = [run_once(cmd) for _ in range(runs)]
    return {
        "wall": statistics.median(r["wall"] for r in rounds),
        "cpu": statistics.median(r["cpu"] for r in rounds),
        "rss": max(r["rss"] for r in rounds),
    }


def folder_size(folder: Path) -> dict:
    sizes = [p.stat().st_size for p in folder.rglob("*") if p.is_file()]
    return {"bytes": sum(sizes), "files": len(sizes)}


# Each engine's query, from a page of the site: the first TOP results' URLs (from the site
# root) and how many results there were.
ENGINES = {
    "itpm-site": {
        "files": ("/search/data/", "/static/js/search-index.js"),
        "setup": """async (base) => {
            if (!window.ItpmSearch) {
                await new Promise((done, fail) => {
                    const s = document.createElement("script");
                    s.src = base + "static/js/search-index.js";
                    s.onload = done; s.onerror = fail;
                    document.head.appendChild(s);
                });
            }
            if (!window.engine) {
                window.engine = await window.ItpmSearch.open(base + "search/data/meta.json", base);
            }
        }""",
        "query": """async ([q, first, base]) => {
            const answer = await window.engine.search(q, {});
            const top = await Promise.all(answer.ids.slice(0, first).map(
                (id) => window.engine.record(id, [], [])));
            const root = new URL(base).pathname;
            return {count: answer.ids.length,
                    urls: top.map((r) => "/" + r.url.slice(root.length))};
        }""",
    },
    "pagefind": {
        "files": ("/pagefind/",),
        "setup": """async (base) => {
            if (!window.engine) {
                window.engine = await import(base + "pagefind/pagefind.js");
                await window.engine.options({baseUrl: new URL(base).pathname});
                await window.engine.init();
            }
        }""",
        "query": r"""async ([q, first, base]) => {
            const answer = await window.engine.search(q);
            const top = await Promise.all(answer.results.slice(0, first).map((r) => r.data()));
            const root = new URL(base).pathname;
            return {count: answer.results.length,
                    urls: top.map((d) => "/" + d.url.replace(root, "").replace(/^\/+/, "")
                                                 .replace(/index\.html$/, ""))};
        }""",
    },
}


class Tab:
    """A browser context on a served site, counting the bytes an engine loads."""

    def __init__(self, browser, base: str, engine: str) -> None:
        self.base, self.spec = base, ENGINES[engine]
        self.context = browser.new_context()
        self.loaded = 0
        self.context.on("response", self._count)
        self.page = self.context.new_page()
        self.page.goto(base + "404.html")
        self.ready = False

    def _count(self, response) -> None:
        path = response.url.split("?")[0]
        if response.status == 200 and any(f in path for f in self.spec["files"]):
            # A response that comes after the tab is closed (after its last query) is not read.
            with contextlib.suppress(Exception):
                self.loaded += len(response.body())

    def ask(self, query: str) -> tuple[dict, float]:
        started = time.perf_counter()
        if not self.ready:
            self.page.evaluate(self.spec["setup"], self.base)
            self.ready = True
        answer = self.page.evaluate(self.spec["query"], [query, TOP, self.base])
        return answer, time.perf_counter() - started

    def timed(self, query: str) -> float:
        """Milliseconds from the query to its first results' data, timed in the page."""
        return self.page.evaluate(
            """async ([run, args]) => {
            const t = performance.now();
            await (eval("(" + run + ")"))(args);
            return performance.now() - t;
        }""",
            [self.spec["query"], [query, TOP, self.base]],
        )

    def close(self) -> None:
        self.page.wait_for_load_state("networkidle")
        self.context.close()


def engine_figures(browser, base: str, engine: str) -> dict:
    first = []
    for query in QUERIES:
        tab = Tab(browser, base, engine)
        tab.ask(query)
        tab.page.wait_for_load_state("networkidle")
        first.append(tab.loaded)
        tab.close()
    tab = Tab(browser, base, engine)
    later, counts = [], {}
    for n, query in enumerate(QUERIES):
        before = tab.loaded
        answer, _ = tab.ask(query)
        tab.page.wait_for_load_state("networkidle")
        counts[query] = answer["count"]
        if n:
            later.append(tab.loaded - before)
    warm = [statistics.median(tab.timed(q) for _ in range(3)) for q in QUERIES]
    tab.close()
    return {
        "first_query_bytes": statistics.median(first),
        "first_query_bytes_max": max(first),
        "later_query_bytes": statistics.median(later),
        "warm_ms": statistics.median(warm),
        "warm_ms_max": max(warm),
        "results": counts,
    }


def relevance(browser, sites: dict[str, str], engine: str) -> dict:
    """Recall@5, rank 1 and empty nonsense on the test set, per site and in all."""
    sys.path.insert(0, str(REPO / "tests"))
    from test_search_relevance import read_cases

    cases = read_cases()
    out: dict = {"misses": []}
    top = first = empty = ranked = nonsense = 0
    for site, base in sites.items():
        tab = Tab(browser, base, engine)
        for case in (c for c in cases if c.site == site):
            answer, _ = tab.ask(case.query)
            if not case.expected:
                nonsense += 1
                empty += answer["count"] == 0
                continue
            ranked += 1
            hits = [i for i, url in enumerate(answer["urls"]) if url in case.expected]
            top += bool(hits)
            first += bool(hits) and hits[0] == 0
            if not hits or hits[0]:
                out["misses"].append(f"{site}: {case.query} -> {answer['urls'][:3]}")
        tab.close()
    out.update(
        {
            "queries": ranked,
            "recall_at_5": top / ranked,
            "rank_1": first / ranked,
            "nonsense": nonsense,
            "nonsense_empty": empty,
        }
    )
    return out


def build_pmo(pagefind: Path | None) -> Path:
    """The test set's hand-written PMO portfolio, built, with both indexes."""
    sys.path.insert(0, str(REPO / "tests"))
    from search_pmo_portfolio import pmo_portfolio

    root = PF / "search-set-pmo"
    shutil.rmtree(root, ignore_errors=True)
    for rel, text in pmo_portfolio().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return build_with_pagefind(root, OUT / "search-set-pmo", pagefind)


def build_generated(n: int, pagefind: Path | None) -> Path:
    """The test set's generated portfolio with ``n`` look-alike projects, built, with both
    indexes."""
    sys.path.insert(0, str(REPO / "tests"))
    from search_portfolio import search_portfolio

    root = PF / f"search-set-{TAG.get(n, n)}"
    if not (root / "content").is_dir():
        for rel, text in search_portfolio(count=n).items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
    return build_with_pagefind(root, OUT / f"search-set-{TAG.get(n, n)}", pagefind)


def build_with_pagefind(root: Path, out: Path, pagefind: Path | None) -> Path:
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
            "--as-of",
            "2026-11-20",
        ],
        check=True,
    )
    if pagefind is not None:
        subprocess.run([str(pagefind), "--site", str(out), "--quiet"], check=True)
    return out


def measure(n: int, runs: int, pagefind: Path | None, browser_on: bool) -> dict:
    tag = TAG.get(n, str(n))
    if not (PF / f"itpm-{tag}").is_dir():
        sys.exit(
            f"missing input {PF / f'itpm-{tag}'}: "
            f"python bench/gen_portfolio.py --n {n} --out {PF / f'itpm-{tag}'}"
        )
    for suffix in ("search", "nosearch"):
        shutil.rmtree(OUT / f"itpm-{tag}-{suffix}", ignore_errors=True)
    site = OUT / f"itpm-{tag}-search"
    result: dict = {"n": n, "builds": time_builds(tag, runs), "index": index_size(site)}
    if pagefind is not None:
        result["pagefind_run"] = time_pagefind(pagefind, site, runs)
        result["pagefind_index"] = folder_size(site / "pagefind")
    if not browser_on:
        return result
    sys.path.insert(0, str(REPO / "tests"))
    from playwright.sync_api import sync_playwright
    from sitetools import launch_chromium, serve

    demo = build_with_pagefind(REPO, OUT / "search-set-demo", pagefind)
    generated = build_generated(n, pagefind)
    pmo = build_pmo(pagefind)
    engines = [e for e in ENGINES if pagefind is not None or e != "pagefind"]
    with sync_playwright() as p:
        browser = launch_chromium(p)
        with (
            serve(site) as base,
            serve(demo) as demo_base,
            serve(generated) as generated_base,
            serve(pmo) as pmo_base,
        ):
            for engine in engines:
                result[engine] = engine_figures(browser, base, engine)
                result[engine]["relevance"] = relevance(
                    browser, {"demo": demo_base, "generated": generated_base, "pmo": pmo_base}, engine
                )
        browser.close()
    return result


def kb(n: float) -> str:
    return f"{n / 1000:,.1f} kB"


def report(r: dict) -> str:
    b, ours, theirs = r["builds"], r.get("itpm-site"), r.get("pagefind")
    pf, pf_index = r.get("pagefind_run"), r.get("pagefind_index")
    with_pf = pf is not None

    def row(label: str, mine: str, other: str = "") -> str:
        return f"| {label} | {mine} |" + (f" {other} |" if with_pf else "")

    lines = [
        f"## N = {r['n']:,} projects ({r['index']['records']:,} records)",
        "",
        "| | itpm-site |" + (" Pagefind |" if with_pf else ""),
        "|---|---:|" + ("---:|" if with_pf else ""),
        row(
            "index time added to the build, wall / CPU",
            f"{b['added_wall']:.2f} s / {b['added_cpu']:.2f} s",
            f"{pf['wall']:.2f} s / {pf['cpu']:.2f} s" if pf else "",
        ),
        row(
            "peak RSS while indexing",
            f"{b['with_rss']:.0f} MiB (whole build)",
            f"{pf['rss']:.0f} MiB" if pf else "",
        ),
        row(
            "index size",
            f"{kb(r['index']['total_bytes'])} in {r['index']['total_files']:,} files",
            f"{kb(pf_index['bytes'])} in {pf_index['files']:,} files" if pf_index else "",
        ),
    ]
    if ours:
        other = theirs or {}

        def fig(engine: dict, key: str, unit) -> str:
            return unit(engine[key]) if key in engine else ""

        ms = "{:.0f} ms".format
        lines += [
            row(
                "first query, bytes (median; max)",
                f"{kb(ours['first_query_bytes'])}; {kb(ours['first_query_bytes_max'])}",
                f"{fig(other, 'first_query_bytes', kb)}; {fig(other, 'first_query_bytes_max', kb)}",
            ),
            row(
                "each later query, bytes (median)",
                kb(ours["later_query_bytes"]),
                fig(other, "later_query_bytes", kb),
            ),
            row(
                "warm query latency in Chromium (median; max)",
                f"{ms(ours['warm_ms'])}; {ms(ours['warm_ms_max'])}",
                f"{fig(other, 'warm_ms', ms)}; {fig(other, 'warm_ms_max', ms)}",
            ),
        ]
        rel, other_rel = ours["relevance"], other.get("relevance", {})
        for key, label in (("recall_at_5", "recall@5"), ("rank_1", "rank 1")):
            lines.append(
                row(
                    f"test set, {label} ({rel['queries']} queries)",
                    f"{rel[key]:.1%}",
                    f"{other_rel[key]:.1%}" if key in other_rel else "",
                )
            )
        lines.append(
            row(
                "test set, nonsense queries with no result",
                f"{rel['nonsense_empty']}/{rel['nonsense']}",
                f"{other_rel.get('nonsense_empty', '')}/{other_rel.get('nonsense', '')}",
            )
        )
        per_query = ", ".join(
            f"{q} {ours['results'][q]}" + (f" / {other['results'][q]}" if other else "") for q in QUERIES
        )
        lines += ["", "Results per query (itpm-site" + (" / Pagefind" if other else "") + "): " + per_query]
        if rel["misses"]:
            lines += ["", "Not first (itpm-site): " + "; ".join(rel["misses"])]
    lines += ["", f"Build rounds (with, without search): {b['walls']}"]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pagefind", help="the Pagefind binary (default: from pagefind[bin])")
    ap.add_argument("--no-pagefind", action="store_true", help="measure itpm-site alone")
    ap.add_argument("--no-browser", action="store_true", help="skip bytes, latency, recall")
    args = ap.parse_args()
    binary = None if args.no_pagefind else pagefind_binary(args.pagefind)
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    for n in args.sizes:
        result = measure(n, args.runs, binary, not args.no_browser)
        text = report(result)
        print(text)
        tag = TAG.get(n, str(n))
        (out_dir / f"search-{tag}.md").write_text(text, encoding="utf-8")
        (out_dir / f"search-{tag}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
